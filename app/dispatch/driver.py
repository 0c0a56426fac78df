"""The one protocol every medium driver implements.

The engine hands a driver one batch (one SMTP transaction, one LINE request) and gets back
an outcome per recipient. Drivers never touch the database: the outbox records results.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.domain import Medium


class Outcome(enum.StrEnum):
    SENT = "sent"  # the provider accepted it for this recipient
    TEMPORARY = "temporary"  # try again later (4xx SMTP, 429, 5xx, timeout)
    PERMANENT = "permanent"  # will never work as it is (550 unknown user, 400 invalid)


@dataclass(frozen=True)
class Target:
    delivery_id: int
    address: str  # e-mail address, LINE user id, or "broadcast"


@dataclass(frozen=True)
class BatchJob:
    message_id: str
    medium: Medium
    idempotency_key: str  # the same on every attempt of this batch
    attempt: int  # 1 for the first try
    training: bool
    payload: dict[str, Any]  # the rendition's payload for this medium and language
    targets: tuple[Target, ...]
    kind: str = "alert"  # correction / cancellation: edit or delete what original_refs name
    # Provider references of the original message on this medium (post id, tweet id …),
    # for media that can edit or delete a public post.
    original_refs: tuple[str, ...] = ()
    language: str = "ja"  # the rendition's language: one message has one payload per language
    # A one-target batch's progress saved by an earlier attempt — even one killed mid-send —
    # (X: the ids of the thread's posts already made), and the engine's hook that saves it
    # at once after each step, so that a restarted worker continues instead of repeating.
    resume_ref: str | None = None
    checkpoint: Callable[[str], Awaitable[None]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TargetResult:
    delivery_id: int
    outcome: Outcome
    error: str | None = None
    provider_ref: str | None = None


@dataclass
class BatchResult:
    results: list[TargetResult]
    retry_after: float | None = None  # seconds, from Retry-After or a rate-limit header
    # Set when the failure concerns the medium itself (a refused token, a wrong host):
    # the engine then stops the rest of this medium's batches with the same reason.
    medium_error: str | None = None
    # A medium operated by hand (L-Alert typed in by an operator): the work is handed over
    # and the deliveries wait, still pending, until someone marks them done. No retries.
    awaiting_operator: bool = False

    @classmethod
    def all(
        cls,
        job: BatchJob,
        outcome: Outcome,
        error: str | None = None,
        provider_ref: str | None = None,
        **kwargs: Any,
    ) -> BatchResult:
        return cls(
            [TargetResult(t.delivery_id, outcome, error, provider_ref) for t in job.targets],
            **kwargs,
        )


@dataclass(frozen=True)
class Capabilities:
    batch_size: int  # recipients per batch
    concurrency: int  # batches in flight at once
    requests_per_second: float | None  # None: no rate limit of our own
    deduplicates: bool  # a retried batch cannot reach a recipient twice (idempotency key)
    simulated: bool = False  # a simulator or drill sink, shown in the console
    broadcast: bool = False  # one delivery stands for "all friends"


class TrainingGuardError(RuntimeError):
    """A training batch reached a driver that talks to a real service. Never sent."""


class Driver(Protocol):
    medium: Medium
    capabilities: Capabilities
    endpoint: str  # where it sends, for the ledger and the training guard

    async def send(self, job: BatchJob) -> BatchResult: ...

    async def aclose(self) -> None: ...


@dataclass
class DriverSet:
    """The drivers the engine may use, by medium. A training set only holds drill drivers."""

    drivers: dict[Medium, Driver] = field(default_factory=dict)
    training: bool = False

    def get(self, medium: Medium) -> Driver | None:
        return self.drivers.get(medium)

    async def aclose(self) -> None:
        for driver in self.drivers.values():
            await driver.aclose()
