"""The console's only door to the core: adapts ``Issei`` to Qt signals and worker threads.

- Rendering (``render``) is pure and cheap: it runs on the UI thread for every keystroke, so
  the previews follow typing at once.
- ``prepare`` (audience counts: queries over every resident) runs on a worker thread;
  requests are coalesced so that only the newest draft is ever shown.
- Everything else that touches the database or the network (send, retry, halt, history, the
  delivery drill-down, translation) runs on worker threads through ``call``; the answer comes
  back on the Qt thread through a queued signal. The UI thread never waits on the database.
- Core events may arrive on any thread; they are re-emitted on the Qt thread, always queued,
  so that an event published inside ``send`` reaches the UI after ``send`` has returned.
- The delivery engine runs as one background task on the qasync loop for the life of the
  window, and is cancelled and awaited on close.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import getpass
import logging
from array import array
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

from app import ledger, template_store
from app.domain import Draft, Finding, Medium, Rendition, Urgency
from app.events import Event, MediumCounts
from app.service import Issei, Prepared
from app.templates import TemplateDef
from app.translation import service as translation
from app.translation.compose import TextTranslation
from app.translation.machine import MachineTranslator
from app.translation.settings import TranslationSettings, load_settings, save_settings
from widgets.errors import ErrorReporter

log = logging.getLogger("issei.console")
T = TypeVar("T")

FindingKey = tuple[Medium, str]  # (medium, language)


def _operator_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name on some service accounts
        return ""


@dataclass
class PreparedView:
    """What ``prepare`` said, plus the findings it added on top of rendering (audience,
    unconfigured media). Those depend on media and audience, not on the text, so the previews
    keep showing them while the operator types and the next ``prepare`` is on its way."""

    prepared: Prepared
    extra_findings: dict[FindingKey, list[Finding]] = field(default_factory=dict)


def audience_key(draft: Draft) -> tuple[object, ...]:
    """The fields of a draft that ``prepare``'s extra findings depend on."""
    return (draft.media, draft.category, draft.urgency, draft.areas, draft.training,
            draft.languages)


@dataclass(frozen=True)
class FilledTemplate:
    name: str
    title: str
    body: str
    category: str
    urgency: Urgency
    translations: dict[str, TextTranslation]


class ConsoleBridge(QObject):
    prepared = Signal(object)  # Prepared, for the newest draft only
    event_received = Signal(object)  # app.events.Event, on the Qt thread
    engine_state = Signal(bool)  # True: running

    _prepare_done = Signal(int, object)  # generation, Future[PreparedView]
    _relay = Signal(object)
    _call_done = Signal(object, object, object, object)  # future, on_done, on_error, owner

    def __init__(
        self, issei: Issei, reporter: ErrorReporter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.issei = issei
        self.reporter = reporter
        self.operator = _operator_name()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-prepare")
        # Writes one at a time, in the order asked (send, retry, halt, memory).
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-write")
        self._reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="issei-read")
        # A translation may wait on the network for seconds: never in front of a read.
        self._translator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-translate")
        self._pools = {"write": self._writer, "read": self._reader,
                       "translate": self._translator, "prepare": self._executor}
        self._generation = 0
        self._busy = False
        self._pending: Draft | None = None
        self._closed = False
        self._engine_task: asyncio.Task[None] | None = None
        self.last_view: PreparedView | None = None
        self._prepare_done.connect(self._on_prepare_done, Qt.ConnectionType.QueuedConnection)
        self._relay.connect(self.event_received, Qt.ConnectionType.QueuedConnection)
        self._call_done.connect(self._on_call_done, Qt.ConnectionType.QueuedConnection)
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

    def composable_media(self) -> tuple[Medium, ...]:
        """Media the core can render, in the domain's order (the composer offers these)."""
        from app.compose.render import RENDERERS

        return tuple(m for m in Medium if m in RENDERERS)

    @property
    def engine_running(self) -> bool:
        return self._engine_task is not None and not self._engine_task.done()

    # -- running core work off the UI thread ----------------------------------------------

    def call(
        self,
        fn: Callable[..., T],
        *args: Any,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        pool: str = "read",
    ) -> Future[T] | None:
        """Run ``fn(*args)`` on a worker; ``on_done(result)`` or ``on_error(exc)`` then runs on
        the Qt thread (skipped when ``owner`` was deleted meanwhile). Without ``on_error`` a
        failure goes to the error dialog."""
        if self._closed:
            return None
        future = self._pools[pool].submit(fn, *args)
        future.add_done_callback(
            lambda f: self._call_done.emit(f, on_done, on_error, owner)
        )
        return future

    def _on_call_done(
        self,
        future: Future[Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        owner: QObject | None,
    ) -> None:
        if self._closed or future.cancelled():
            return
        if owner is not None and not shiboken6.isValid(owner):
            return
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                self.reporter.report_exception(self.tr("処理中にエラーが起きました。"), exc)
            return
        if on_done is not None:
            on_done(future.result())

    # -- composing -------------------------------------------------------------------------

    def render(self, draft: Draft) -> list[Rendition]:
        """The renditions of a draft, now, on this thread (no database: microseconds)."""
        return self.issei.render(draft)

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
        future = self._executor.submit(self._prepare_view, draft)
        future.add_done_callback(lambda f: self._prepare_done.emit(generation, f))

    def _prepare_view(self, draft: Draft) -> PreparedView:
        prepared = self.issei.prepare(draft)
        rendered = {
            (r.medium, r.language): {(f.severity, f.code, f.message) for f in r.findings}
            for r in self.issei.render(prepared.draft)
        }
        extras: dict[FindingKey, list[Finding]] = {}
        for r in prepared.renditions:
            own = rendered.get((r.medium, r.language), set())
            added = [f for f in r.findings if (f.severity, f.code, f.message) not in own]
            if added:
                extras.setdefault((r.medium, r.language), []).extend(added)
        return PreparedView(prepared, extras)

    def _on_prepare_done(self, generation: int, future: Future[PreparedView]) -> None:
        self._busy = False
        if self._closed:
            return
        if self._pending is not None:
            draft, self._pending = self._pending, None
            self._submit(draft)
            return
        try:
            view = future.result()
        except Exception as exc:  # noqa: BLE001 - shown to the operator, typing goes on
            self.reporter.report_exception(
                self.tr("文面の確認または宛先の集計に失敗しました。"), exc
            )
            return
        if generation == self._generation:
            self.last_view = view
            self.prepared.emit(view.prepared)

    def extra_findings_for(self, draft: Draft) -> dict[FindingKey, list[Finding]]:
        """The last ``prepare``'s extra findings, if they still apply to this draft."""
        view = self.last_view
        if view is None:
            return {}
        effective = dataclasses.replace(draft, training=self.issei.is_training(draft.training))
        if audience_key(view.prepared.draft) != audience_key(effective):
            return {}
        return view.extra_findings

    def prepare_async(
        self, draft: Draft, on_done: Callable[[Prepared], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """A fresh preparation for the confirmation dialog (never a stale preview)."""
        self.call(self.issei.prepare, draft, on_done=on_done, on_error=on_error,
                  pool="prepare")

    # -- sending and watching --------------------------------------------------------------

    def send_async(
        self, draft: Draft, on_done: Callable[[str], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Write the send to the outbox on a worker: 100,000 deliveries take seconds to write,
        and the console must keep answering meanwhile. Raises SendRefusedError there when the
        core refuses the draft (given to ``on_error``)."""
        self.call(self._send, draft, on_done=on_done, on_error=on_error, pool="write")

    def _send(self, draft: Draft) -> str:
        return self.issei.send(draft, operator=self.operator)

    def counts(self, message_id: str) -> dict[str, MediumCounts]:
        """Synchronous read, for tests and tools only; the window uses ``counts_async``."""
        return self.issei.counts(message_id)

    def counts_async(self, message_id: str,
                     on_done: Callable[[dict[str, MediumCounts]], None]) -> None:
        self.call(self.issei.counts, message_id, on_done=on_done)

    def failures_async(self, message_id: str,
                       on_done: Callable[[list[tuple[str, str, str]]], None]) -> None:
        self.call(self.issei.failures, message_id, on_done=on_done)

    def retry_failed_async(self, message_id: str, on_done: Callable[[int], None],
                           on_error: Callable[[BaseException], None]) -> None:
        self.call(self._retry, message_id, on_done=on_done, on_error=on_error, pool="write")

    def _retry(self, message_id: str) -> int:
        return self.issei.retry_failed(message_id, operator=self.operator)

    def halt_async(self, message_id: str, on_done: Callable[[int], None],
                   on_error: Callable[[BaseException], None]) -> None:
        self.call(self._halt, message_id, on_done=on_done, on_error=on_error, pool="write")

    def _halt(self, message_id: str) -> int:
        return self.issei.halt(message_id, operator=self.operator)

    def _from_core(self, event: Event) -> None:
        if not self._closed:
            self._relay.emit(event)

    # -- the ledger ------------------------------------------------------------------------

    def history_page(self, before: tuple[Any, str] | None, limit: int,
                     on_done: Callable[[list[ledger.MessageSummary]], None],
                     owner: QObject | None = None) -> None:
        self.call(lambda: ledger.messages(self.issei.sessions, limit=limit, before=before),
                  on_done=on_done, owner=owner)

    def message_summary(self, message_id: str,
                        on_done: Callable[[ledger.MessageSummary | None], None],
                        owner: QObject | None = None) -> None:
        self.call(ledger.message, self.issei.sessions, message_id, on_done=on_done, owner=owner)

    def history_counts(self, message_ids: Sequence[str],
                       on_done: Callable[[dict[str, dict[str, MediumCounts]]], None],
                       owner: QObject | None = None) -> None:
        self.call(ledger.counts_for, self.issei.sessions, list(message_ids),
                  on_done=on_done, owner=owner)

    def renditions_async(self, message_id: str,
                         on_done: Callable[[list[ledger.StoredRendition]], None],
                         owner: QObject | None = None) -> None:
        self.call(ledger.renditions, self.issei.sessions, message_id, on_done=on_done,
                  owner=owner)

    def delivery_ids(self, query: ledger.DeliveryQuery,
                     on_done: Callable[[array[int]], None],
                     owner: QObject | None = None) -> None:
        self.call(ledger.delivery_ids, self.issei.sessions, query, on_done=on_done,
                  owner=owner)

    def deliveries(self, ids: Sequence[int],
                   on_done: Callable[[list[ledger.DeliveryRow]], None],
                   owner: QObject | None = None) -> None:
        self.call(ledger.deliveries, self.issei.sessions, list(ids), on_done=on_done,
                  owner=owner)

    # -- templates -------------------------------------------------------------------------

    def load_templates(self) -> template_store.Library:
        """The shipped library and the municipality's own (a dozen small files: read here)."""
        return template_store.load_all(self.issei.config.data_dir)

    def save_template(self, template: TemplateDef, library: template_store.Library,
                      replacing: str | None) -> None:
        template_store.save_user_template(self.issei.config.data_dir, template, library,
                                          replacing=replacing)
        log.info("template saved name=%s", template.name)

    def delete_template(self, library: template_store.Library, name: str) -> None:
        template_store.delete_user_template(library, name)
        log.info("template deleted name=%s", name)

    def fill_template(self, template: TemplateDef, values: Mapping[str, str]) -> FilledTemplate:
        """The template filled in Japanese, with its reviewed translations filled alike.
        Raises TemplateError (Japanese message) when a placeholder is left empty."""
        title, body = template.fill(values)
        return FilledTemplate(
            template.name, title, body, template.category, template.urgency,
            translation.template_translations(template, values),
        )

    # -- translation -----------------------------------------------------------------------

    def translation_settings(self) -> TranslationSettings:
        return load_settings(self.issei.config.data_dir)

    def save_translation_settings(self, settings: TranslationSettings) -> None:
        save_settings(self.issei.config.data_dir, settings)

    def suggest_translations(
        self, title: str, body: str, languages: Sequence[str],
        on_done: Callable[[translation.Suggestions], None],
        on_error: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Translation memory first, then the machine; on a worker (the network is slow)."""

        def work() -> translation.Suggestions:
            settings = load_settings(self.issei.config.data_dir)
            machine = MachineTranslator(settings)
            return translation.suggest(self.issei.sessions, machine, title, body, languages)

        self.call(work, on_done=on_done, on_error=on_error, owner=owner, pool="translate")

    def remember_translation(self, reviewed: TextTranslation) -> None:
        self.call(translation.remember_reviewed, self.issei.sessions, reviewed, self.operator,
                  pool="write")

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

    def _shutdown_pools(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)

    async def aclose(self) -> None:
        """Stop everything this bridge started; the caller then closes Issei."""
        self._closed = True
        self._unsubscribe()
        task, self._engine_task = self._engine_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(self._shutdown_pools)

    def close_sync(self) -> None:
        """For a bridge whose engine never ran (tests, start-up failures)."""
        self._closed = True
        self._unsubscribe()
        self._shutdown_pools()
