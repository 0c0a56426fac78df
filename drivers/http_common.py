"""What the HTTP drivers of issue 3 share: typed channel settings, one client, error wording.

Each medium parses its own ``[channels.<name>]`` table (the core hands them over raw) with
:func:`drivers.channel_config.parse_channel` (re-exported here), which refuses unknown keys,
wrong types and secrets written in the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from typing import Any

import httpx

from app.compose import links
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome, TrainingGuardError
from app.domain import Medium
from drivers.channel_config import parse_channel
from drivers.line import MAX_RETRY_AFTER_SECONDS, retry_after_seconds

__all__ = [
    "MAX_RETRY_AFTER_SECONDS",
    "HttpDriver",
    "parse_channel",
    "rate_limit_reset_seconds",
    "retry_after_seconds",
]

def rate_limit_reset_seconds(response: httpx.Response, header: str = "x-rate-limit-reset",
                             ) -> float | None:
    """Seconds until an epoch-seconds reset header (X), clamped to [0, an hour]."""
    value = response.headers.get(header)
    if value is None:
        return None
    try:
        reset = float(value)
    except ValueError:
        return None
    if not math.isfinite(reset):
        return None
    return min(max(0.0, reset - time.time()), MAX_RETRY_AFTER_SECONDS)


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def without_link_wait(job: BatchJob) -> BatchJob:
    """A job whose rendition still waits for the website's permalink (the engine settles it
    before calling a driver; a caller without the engine gets the no-link fallback, never
    the preview's placeholder)."""
    if not links.awaits_link(job.payload):
        return job
    return dataclasses.replace(job, payload=links.settle(job.medium, job.payload, None))


class HttpDriver:
    """Base of one HTTP medium: the client, the training guard and transport-error wording."""

    medium: Medium
    label: str  # what the operator reads: 「X」「Facebook」…

    def __init__(
        self,
        base_url: str,
        *,
        capabilities: Capabilities,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        endpoint: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = endpoint or self.base_url
        self.capabilities = capabilities
        limits = max(1, capabilities.concurrency)
        self._client = httpx.AsyncClient(
            base_url=self.base_url, timeout=timeout, transport=transport,
            limits=httpx.Limits(max_connections=limits * 2, max_keepalive_connections=limits),
        )

    def guard(self, job: BatchJob) -> None:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response | str:
        """The response, or the operator's wording of why there is none (always temporary)."""
        try:
            return await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            return f"{self.label}の応答が時間内にありませんでした"
        except httpx.TransportError as exc:
            return f"{self.label}に接続できません: {exc}"

    def missing(self, job: BatchJob, what: str) -> BatchResult:
        reason = f"{self.label}の{what}が設定されていません"
        return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)

    def not_found(self, job: BatchJob, status: int) -> BatchResult:
        reason = f"{self.label}のAPIが見つかりません（{status}）。接続先URLを確認してください"
        return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)

    async def aclose(self) -> None:
        await self._client.aclose()
