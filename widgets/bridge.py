"""The console's only door to the core: adapts ``Issei`` to Qt signals.

- ``prepare`` runs on a worker thread (counting a large audience must not freeze typing);
  requests are coalesced so that only the newest draft is ever shown.
- Core events may arrive on any thread; they are re-emitted on the Qt thread, always queued,
  so that an event published inside ``send`` reaches the UI after ``send`` has returned.
- The delivery engine runs as one background task on the qasync loop for the life of the
  window, and is cancelled and awaited on close.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal

from app.domain import Draft, Medium
from app.events import Event, MediumCounts
from app.service import Issei, Prepared
from widgets.errors import ErrorReporter

log = logging.getLogger("issei.console")


def _operator_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name on some service accounts
        return ""


class ConsoleBridge(QObject):
    prepared = Signal(object)  # Prepared, for the newest draft only
    event_received = Signal(object)  # app.events.Event, on the Qt thread
    engine_state = Signal(bool)  # True: running

    _prepare_done = Signal(int, object)  # generation, Future[Prepared]
    _relay = Signal(object)

    def __init__(
        self, issei: Issei, reporter: ErrorReporter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.issei = issei
        self.reporter = reporter
        self.operator = _operator_name()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-prepare")
        self._generation = 0
        self._busy = False
        self._pending: Draft | None = None
        self._closed = False
        self._engine_task: asyncio.Task[None] | None = None
        self._prepare_done.connect(self._on_prepare_done, Qt.ConnectionType.QueuedConnection)
        self._relay.connect(self.event_received, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = issei.events.subscribe(self._from_core)

    # -- facts -----------------------------------------------------------------------------

    @property
    def training(self) -> bool:
        """The configuration forces training (the embedded default does)."""
        return self.issei.config.training

    def broadcast_media(self, training: bool) -> frozenset[Medium]:
        """Media whose one delivery reaches every friend (LINE broadcast), for the labels."""
        drivers = self.issei.training_drivers if training else self.issei.drivers
        return frozenset(
            m for m, d in drivers.drivers.items() if d.capabilities.broadcast
        )

    @property
    def engine_running(self) -> bool:
        return self._engine_task is not None and not self._engine_task.done()

    # -- composing -------------------------------------------------------------------------

    def request_prepare(self, draft: Draft) -> None:
        """Prepare in the background; ``prepared`` fires for the newest request only."""
        if self._closed:
            return
        self._generation += 1
        if self._busy:
            self._pending = draft
            return
        self._submit(draft)

    def _submit(self, draft: Draft) -> None:
        self._busy = True
        generation = self._generation
        future = self._executor.submit(self.issei.prepare, draft)
        future.add_done_callback(lambda f: self._prepare_done.emit(generation, f))

    def _on_prepare_done(self, generation: int, future: Future[Prepared]) -> None:
        self._busy = False
        if self._closed:
            return
        if self._pending is not None:
            draft, self._pending = self._pending, None
            self._submit(draft)
            return
        try:
            prepared = future.result()
        except Exception as exc:  # noqa: BLE001 - shown to the operator, typing goes on
            self.reporter.report_exception(
                self.tr("文面の確認または宛先の集計に失敗しました。"), exc
            )
            return
        if generation == self._generation:
            self.prepared.emit(prepared)

    def prepare_now(self, draft: Draft) -> Prepared:
        """A fresh preparation for the confirmation dialog (never a stale preview)."""
        return self.issei.prepare(draft)

    # -- sending and watching --------------------------------------------------------------

    def send(self, draft: Draft) -> str:
        # Raises SendRefusedError when the core refuses the draft. (Engine.wake is thread-safe,
        # so this could move off the UI thread for very large sends.)
        return self.issei.send(draft, operator=self.operator)

    def counts(self, message_id: str) -> dict[str, MediumCounts]:
        return self.issei.counts(message_id)

    def failures(self, message_id: str) -> list[tuple[str, str, str]]:
        return self.issei.failures(message_id)

    def retry_failed(self, message_id: str) -> int:
        return self.issei.retry_failed(message_id, operator=self.operator)

    def halt(self, message_id: str) -> int:
        return self.issei.halt(message_id, operator=self.operator)

    def _from_core(self, event: Event) -> None:
        if not self._closed:
            self._relay.emit(event)

    # -- the engine ------------------------------------------------------------------------

    def start_engine(self) -> None:
        if self.engine_running:
            return
        loop = asyncio.get_running_loop()
        self._engine_task = loop.create_task(self.issei.engine.run(), name="issei-engine")
        self._engine_task.add_done_callback(self._engine_finished)
        self.engine_state.emit(True)
        log.info("console engine started id=%s", self.issei.engine.worker_id)

    def _engine_finished(self, task: asyncio.Task[None]) -> None:
        if self._closed:
            return
        self.engine_state.emit(False)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.reporter.report_exception(
                self.tr("配信エンジンが止まりました。配信待ちは消えていません。"
                        "コンソールを再起動すると再開します。"),
                exc,
            )

    async def aclose(self) -> None:
        """Stop everything this bridge started; the caller then closes Issei."""
        self._closed = True
        self._unsubscribe()
        task, self._engine_task = self._engine_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)

    def close_sync(self) -> None:
        """For a bridge whose engine never ran (tests, start-up failures)."""
        self._closed = True
        self._unsubscribe()
        self._executor.shutdown(wait=True, cancel_futures=True)
