"""In-process event bus. The console, the CLI and (later) other consoles subscribe.

Publishing never blocks and never raises: a failing subscriber is logged, the send goes on.
Subscribers are called on the publisher's thread; the Qt side marshals to its own thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger("issei.events")


@dataclass(frozen=True)
class MediumCounts:
    total: int = 0
    sent: int = 0
    failed: int = 0
    pending: int = 0
    cancelled: int = 0
    duplicates: int = 0

    @property
    def done(self) -> bool:
        return self.pending == 0

    def as_dict(self) -> dict[str, int]:
        return {
            "total": self.total,
            "sent": self.sent,
            "failed": self.failed,
            "pending": self.pending,
            "cancelled": self.cancelled,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True)
class MessageQueued:
    message_id: str
    training: bool
    counts: dict[str, MediumCounts]


@dataclass(frozen=True)
class DeliveryProgress:
    message_id: str
    medium: str
    counts: MediumCounts
    errors: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class MessageFinished:
    message_id: str
    counts: dict[str, MediumCounts]


@dataclass(frozen=True)
class MessageHalted:
    message_id: str
    cancelled: int


@dataclass(frozen=True)
class SharedChannel:
    """Live updates from other consoles (PostgreSQL) stopped (False) or came back (True)."""

    up: bool


Event = MessageQueued | DeliveryProgress | MessageFinished | MessageHalted | SharedChannel
Subscriber = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed for %s", type(event).__name__)
