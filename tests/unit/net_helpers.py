"""Helpers shared by the issue-3 network-media tests: jobs, and running a driver once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target
from app.domain import Draft, Medium

T = TypeVar("T")
D = TypeVar("D")

DRAFT = Draft(title="大雨警報", body="土砂災害に警戒してください。中央小学校へ避難してください。",
              media=(), category="disaster")


def job(medium: Medium, payload: dict[str, Any], targets: tuple[str, ...] = ("public",), *,
        key: str | None = None, attempt: int = 1, training: bool = False) -> BatchJob:
    return BatchJob(
        message_id=str(uuid.uuid4()), medium=medium, idempotency_key=key or str(uuid.uuid4()),
        attempt=attempt, training=training, payload=payload,
        targets=tuple(Target(i + 1, t) for i, t in enumerate(targets)),
    )


def run(make: Callable[[], D], body: Callable[[D], Awaitable[T]]) -> T:
    """Build a driver inside a loop, run ``body`` with it, close it."""

    async def go() -> T:
        driver = make()
        try:
            return await body(driver)
        finally:
            await driver.aclose()  # type: ignore[attr-defined]

    return asyncio.run(go())


def send(make: Callable[[], Any], *jobs: BatchJob) -> list[BatchResult]:
    async def body(driver: Any) -> list[BatchResult]:
        return [await driver.send(j) for j in jobs]

    return run(make, body)


def outcomes(result: BatchResult) -> set[Outcome]:
    return {r.outcome for r in result.results}


def error(result: BatchResult) -> str:
    return result.results[0].error or ""
