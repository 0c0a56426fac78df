"""J-Alert in the core: an alarm event, its record, and what it sets in motion.

A J-Alert receiver already starts the radio through its own 自動起動機; the console's part
is to *know*: raise the alarm for the operator, log and audit it, stop any manual broadcast
(pre-emption) and start follow-up actions by rule (e.g. call the residents who need a phone
call). Inputs (a contact, the receiver's rule e-mail) live in ``drivers/jalert`` and all end
here as one ``JAlertEvent``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.events import EventBus

log = logging.getLogger("issei.jalert")

TEST_WORDS = ("テスト", "試験", "訓練")


@dataclass(frozen=True)
class JAlertEvent:
    source: str  # contact | mail
    title: str  # the mail's subject, or 「Jアラート起動接点」
    body: str = ""
    sender: str = ""
    received_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    active: bool = True  # False: the contact opened again (end of the J-Alert broadcast)

    @property
    def is_test(self) -> bool:
        """The receiver's own test rule (「これは、Jアラートのテストです」) is no emergency."""
        return any(word in self.title or word in self.body[:200] for word in TEST_WORDS)


@dataclass(frozen=True)
class JAlertAlarm:
    """Published on the event bus: the console shows the alarm, the CLI prints it."""

    event: JAlertEvent
    preempted: bool  # a manual broadcast was stopped


class Preemptable(Protocol):
    def preempt(self, reason: str) -> None: ...


FollowUp = Callable[[JAlertEvent], Awaitable[None]]


class JAlertMonitor:
    """Takes events from any thread, acts on the loop it was started on."""

    def __init__(self, events: EventBus, sessions: sessionmaker[Session], *,
                 console: str = "", radio: Preemptable | None = None,
                 follow_ups: list[FollowUp] | None = None,
                 repeat_window: float = 60.0) -> None:
        self.events = events
        self.sessions = sessions
        self.console = console
        self.radio = radio
        self.follow_ups = list(follow_ups or [])
        self.repeat_window = repeat_window
        self.alarms: list[JAlertEvent] = []
        self._recent: dict[str, dt.datetime] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def submit(self, event: JAlertEvent) -> None:
        """Thread-safe entry for the contact watcher and the mail listener."""
        if self._loop is None:
            raise RuntimeError("JAlertMonitor.attach() was not called")
        self._loop.call_soon_threadsafe(self._handle, event)

    def _handle(self, event: JAlertEvent) -> None:
        task = asyncio.ensure_future(self.handle(event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle(self, event: JAlertEvent) -> JAlertAlarm | None:
        if not event.active:
            log.info("J-Alert contact released (%s)", event.source)
            await asyncio.to_thread(self._audit, "jalert_release", event)
            return None
        key = f"{event.source}:{event.title}"
        with self._lock:
            last = self._recent.get(key)
            if last is not None and (event.received_at - last).total_seconds() < self.repeat_window:
                log.info("J-Alert repeated within %ss, already raised: %s",
                         self.repeat_window, event.title)
                return None
            self._recent[key] = event.received_at
            self.alarms.append(event)
        preempted = False
        if self.radio is not None and not event.is_test:
            self.radio.preempt(event.title)
            preempted = True
        log.warning("J-Alert alarm (%s%s): %s", event.source,
                    ", test" if event.is_test else "", event.title)
        await asyncio.to_thread(self._audit, "jalert_alarm", event)
        alarm = JAlertAlarm(event, preempted)
        self.events.publish(alarm)
        if not event.is_test:
            for follow_up in self.follow_ups:
                try:
                    await follow_up(event)
                except Exception:  # one failed follow-up must not stop the others
                    log.exception("J-Alert follow-up failed")
        return alarm

    def _audit(self, action: str, event: JAlertEvent) -> None:
        with self.sessions.begin() as session:
            audit.append(session, action, operator="Jアラート", console=self.console,
                         detail={"source": event.source, "title": event.title,
                                 "sender": event.sender, "test": event.is_test,
                                 "received_at": event.received_at.isoformat(),
                                 "body": event.body[:2000]})

    async def aclose(self) -> None:
        for task in list(self._tasks):
            await task
