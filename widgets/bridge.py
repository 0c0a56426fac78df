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
import datetime as dt
import getpass
import logging
from array import array
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app import audit, ledger, template_store
from app.accounts import approval
from app.accounts.operators import AccountError, SignedIn, accounts_enabled, sign_in
from app.accounts.throttle import SignInThrottle
from app.domain import Draft, Finding, Medium, Rendition, Severity, Urgency
from app.events import Event, MediumCounts
from app.service import Issei, NotSignedInError, Prepared
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


class DatabaseDownError(RuntimeError):
    """The database cannot be reached: the send was not written (the draft stays)."""


@dataclass(frozen=True)
class AuditView:
    """The audit log as the viewer shows it: the newest rows and the whole chain's check."""

    rows: list[tuple[int, str, str, str, str, str, str, str]]  # id, at (JST), operator,
    # console, action label, message id, detail (JSON), hash
    total: int
    problems: list[str]


@dataclass(frozen=True)
class SecretState:
    medium: str
    name: str
    stored: bool
    from_environment: bool


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
    signed_in_changed = Signal(object)  # SignedIn | None
    database_state = Signal(bool)  # False: the database cannot be reached; True: back
    sent = Signal(str, str)  # message id, title: a send from this console was written

    _prepare_done = Signal(int, object)  # generation, Future[PreparedView]
    _relay = Signal(object)
    _call_done = Signal(object, object, object, object)  # future, on_done, on_error, owner

    def __init__(
        self, issei: Issei, reporter: ErrorReporter, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.issei = issei
        self.reporter = reporter
        self._os_user = _operator_name()
        self.signed_in: SignedIn | None = None
        self.accounts_enabled: bool | None = None  # None: not asked yet
        self.throttle = SignInThrottle()
        self.database_up = True
        self._restart_engine = False  # the engine stopped because the database went away
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-prepare")
        # Writes one at a time, in the order asked (send, retry, halt, memory).
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-write")
        self._reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="issei-read")
        # A translation may wait on the network for seconds: never in front of a read.
        self._translator = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-translate")
        # The health check must answer even when a read is stuck on a dead connection.
        self._health = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-health")
        # Recording, speech synthesis and playback (a playback holds its thread for seconds).
        self._voice = ThreadPoolExecutor(max_workers=2, thread_name_prefix="issei-voice")
        self._checking = False
        self._pools = {"write": self._writer, "read": self._reader,
                       "translate": self._translator, "prepare": self._executor,
                       "health": self._health, "voice": self._voice}
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
    def operator(self) -> str:
        """Who acts: the signed-in operator, else this PC's user name (no accounts)."""
        return self.signed_in.login if self.signed_in is not None else self._os_user

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
        if isinstance(exc, DBAPIError):
            # The database went away: the banner says so once, instead of a dialog per read;
            # the console re-reads everything when it is back.
            log.warning("database call failed: %s", exc)
            self._database_seen(False)
            if on_error is None:
                return
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                self.reporter.report_exception(self.tr("処理中にエラーが起きました。"), exc)
            return
        if not self.database_up and self.issei.db_engine.dialect.name == "sqlite":
            self._database_seen(True)  # no health check on SQLite: a good answer says it
        if on_done is not None:
            on_done(future.result())

    # -- composing -------------------------------------------------------------------------

    def render(self, draft: Draft) -> list[Rendition]:
        """The renditions of a draft, now, on this thread (no database: microseconds)."""
        return self.issei.render(draft, signed_in=self.signed_in)  # with the sender name

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
        prepared = self.issei.prepare(draft, signed_in=self.signed_in)
        self._add_refusals(prepared)
        rendered = {
            (r.medium, r.language): {(f.severity, f.code, f.message) for f in r.findings}
            for r in self.issei.render(prepared.draft, signed_in=self.signed_in)
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
        except DBAPIError as exc:  # the banner says it; typing goes on, nothing is lost
            log.warning("prepare: database unreachable: %s", exc)
            self._database_seen(False)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the operator, typing goes on
            self.reporter.report_exception(
                self.tr("文面の確認または宛先の集計に失敗しました。"), exc
            )
            return
        self._database_seen(True)
        if generation == self._generation:
            self.last_view = view
            self.prepared.emit(view.prepared)

    def _add_refusals(self, prepared: Prepared) -> None:
        """What the signed-in operator may not send, as findings the composer shows (the
        core refuses the same draft anyway): media, areas, categories outside the department,
        a 閲覧者, nobody signed in while accounts exist."""
        if not prepared.renditions:
            return
        who = self.signed_in
        refusals: list[tuple[Medium | None, Finding]] = []
        if who is not None:
            refusals = who.refusals(prepared.draft)
        else:
            with self.issei.sessions() as session:
                enabled = accounts_enabled(session)
            self.accounts_enabled = enabled
            if enabled:
                refusals = [(None, Finding(Severity.ERROR, "not_signed_in",
                                           "配信するにはサインインしてください"))]
        for medium, finding in refusals:
            target = next((r for r in prepared.renditions if r.medium is medium),
                          prepared.renditions[0])
            target.findings.append(finding)

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
        who = self.signed_in
        self.call(lambda: self.issei.prepare(draft, by_language=True, signed_in=who),
                  on_done=on_done,
                  on_error=on_error, pool="prepare")

    # -- sending and watching --------------------------------------------------------------

    def send_async(
        self, draft: Draft, on_done: Callable[[str], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Write the send to the outbox on a worker: 100,000 deliveries take seconds to write,
        and the console must keep answering meanwhile. Raises SendRefusedError there when the
        core refuses the draft (given to ``on_error``)."""
        def done(message_id: str) -> None:
            self.sent.emit(message_id, draft.title.strip())
            on_done(message_id)

        self.call(self._send, draft, on_done=done, on_error=on_error, pool="write")

    def _send(self, draft: Draft) -> str:
        if not self.database_up:
            raise DatabaseDownError(self.tr(
                "データベースに接続できないため配信を登録できません。"
                "文面はそのまま残っています。接続が戻ってからもう一度送ってください。"))
        return self.issei.send(draft, operator=self.operator, signed_in=self.signed_in)

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

    # -- operators: sign-in, approval, audit, secrets ------------------------------------

    def accounts_enabled_async(self, on_done: Callable[[bool], None],
                               on_error: Callable[[BaseException], None] | None = None) -> None:
        def work() -> bool:
            with self.issei.sessions() as session:
                return accounts_enabled(session)

        def done(enabled: bool) -> None:
            self.accounts_enabled = enabled
            on_done(enabled)

        self.call(work, on_done=done, on_error=on_error)

    def sign_in_async(self, login: str, password: str, on_done: Callable[[SignedIn], None],
                      on_error: Callable[[BaseException], None]) -> None:
        """Check the password on a worker (scrypt is slow on purpose). Wrong passwords are
        rate-limited per login: after a few, the next try must wait, doubling each time."""
        login = login.strip()
        wait = self.throttle.wait_seconds(login)
        if wait > 0:
            on_error(AccountError(self.tr(
                "続けて間違えたため、{n} 秒後にもう一度お試しください").format(n=int(wait) + 1)))
            return

        def work() -> SignedIn:
            try:
                who = sign_in(self.issei.sessions, login, password)
            except AccountError:
                with self.issei.sessions.begin() as session:
                    audit.append(session, "sign_in_failed", operator=login,
                                 console=self.issei.console)
                raise
            with self.issei.sessions.begin() as session:
                audit.append(session, "sign_in", operator=who.login,
                             console=self.issei.console,
                             detail={"role": who.role.value, "department": who.department})
            return who

        def done(who: SignedIn) -> None:
            self.throttle.succeeded(login)
            self.set_signed_in(who)
            on_done(who)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, AccountError):
                imposed = self.throttle.failed(login)
                if imposed:
                    exc = AccountError(self.tr(
                        "{error}。続けて間違えたため、{n} 秒待ってからもう一度お試しください")
                        .format(error=exc, n=int(imposed)))
            on_error(exc)

        self.call(work, on_done=done, on_error=failed, pool="write")

    def set_signed_in(self, who: SignedIn | None) -> None:
        self.signed_in = who
        log.info("operator %s", f"signed in login={who.login} role={who.role.value} "
                 f"department={who.department}" if who else "signed out",
                 extra={"event": "signed_in" if who else "signed_out"})
        self.signed_in_changed.emit(who)

    def sign_out(self) -> None:
        who = self.signed_in
        if who is None:
            return
        self.set_signed_in(None)

        def work() -> None:
            with self.issei.sessions.begin() as session:
                audit.append(session, "sign_out", operator=who.login,
                             console=self.issei.console)

        self.call(work, on_error=lambda exc: log.warning("sign-out not audited: %s", exc),
                  pool="write")

    def _require_signed_in(self) -> SignedIn:
        if self.signed_in is None:
            raise NotSignedInError("サインインしてください")
        return self.signed_in

    def pending_approvals_async(self, on_done: Callable[[list[approval.PendingRequest]], None],
                                owner: QObject | None = None,
                                on_error: Callable[[BaseException], None] | None = None) -> None:
        def work() -> list[approval.PendingRequest]:
            with self.issei.sessions() as session:
                requests = approval.pending_requests(session)
            return requests + self._trigger_requests()

        self.call(work, on_done=on_done, owner=owner, on_error=on_error)

    def _trigger_requests(self) -> list[approval.PendingRequest]:
        """Confirm-mode automatic sends (the 自動配信 queue), as rows of the same queue, with
        the audience they would reach now."""
        from app.triggers import service as triggers

        rows = []
        for decision in triggers.pending_decisions(self.issei):
            try:
                draft = triggers.decision_draft(self.issei, decision.id)
            except triggers.PendingError:
                continue  # decided meanwhile
            audience = self.issei.prepare(draft).audiences
            at = decision.created_at
            if at.tzinfo is None:
                at = at.replace(tzinfo=dt.UTC)
            rows.append(approval.PendingRequest(
                message_id=f"trigger-{decision.id}",
                title=("（取消の知らせ）" if decision.decision == "cancel" else "")
                + decision.title,
                body=decision.body, urgency=draft.urgency.value, category=draft.category,
                areas=draft.areas, media=tuple(m.value for m in draft.media),
                audience={m.value: n for m, n in audience.items()}, training=draft.training,
                created_by=f"自動配信: {decision.rule}", department="", console="",
                created_at=at.isoformat(), trigger_decision=decision.id,
                reason=decision.reason))
        return rows

    def approve_trigger_async(self, decision_id: int, on_done: Callable[[str], None],
                              on_error: Callable[[BaseException], None],
                              owner: QObject | None = None) -> None:
        from app.triggers import service as triggers

        def work() -> str:
            if self.accounts_enabled and self.signed_in is None:
                raise NotSignedInError("サインインしてください")
            return triggers.approve_decision(self.issei, decision_id, operator=self.operator)

        self.call(work, on_done=on_done, on_error=on_error, owner=owner, pool="write")

    def reject_trigger_async(self, decision_id: int, reason: str,
                             on_done: Callable[[None], None],
                             on_error: Callable[[BaseException], None],
                             owner: QObject | None = None) -> None:
        from app.triggers import service as triggers

        def work() -> None:
            if self.accounts_enabled and self.signed_in is None:
                raise NotSignedInError("サインインしてください")
            triggers.reject_decision(self.issei, decision_id, operator=self.operator,
                                     note=reason)

        self.call(work, on_done=on_done, on_error=on_error, owner=owner, pool="write")

    def decisions_async(self, message_ids: Sequence[str],
                        on_done: Callable[[list[approval.Decision]], None],
                        owner: QObject | None = None,
                        on_error: Callable[[BaseException], None] | None = None) -> None:
        ids = list(message_ids)

        def work() -> list[approval.Decision]:
            with self.issei.sessions() as session:
                return approval.decisions(session, ids)

        self.call(work, on_done=on_done, owner=owner, on_error=on_error)

    def approve_async(self, message_id: str, on_done: Callable[[int], None],
                      on_error: Callable[[BaseException], None]) -> None:
        self.call(lambda: self.issei.approve(message_id, self._require_signed_in()),
                  on_done=on_done, on_error=on_error, pool="write")

    def reject_async(self, message_id: str, reason: str, on_done: Callable[[int], None],
                     on_error: Callable[[BaseException], None]) -> None:
        self.call(lambda: self.issei.reject(message_id, self._require_signed_in(), reason),
                  on_done=on_done, on_error=on_error, pool="write")

    def override_async(self, message_id: str, reason: str, on_done: Callable[[int], None],
                       on_error: Callable[[BaseException], None]) -> None:
        self.call(lambda: self.issei.override(message_id, self._require_signed_in(), reason),
                  on_done=on_done, on_error=on_error, pool="write")

    def audit_async(self, on_done: Callable[[AuditView], None], limit: int = 2000,
                    owner: QObject | None = None,
                    on_error: Callable[[BaseException], None] | None = None) -> None:
        """The newest ``limit`` rows and the verification of the whole chain."""
        def work() -> AuditView:
            import json

            from sqlalchemy import func, select

            from app.db.models import AuditEntry

            with self.issei.sessions() as session:
                problems = audit.verify(
                    session, witness=self.issei.config.data_dir / audit.WITNESS_FILE)
                total = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
                entries = session.scalars(
                    select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
                rows = [
                    (e.id,
                     e.at.replace(tzinfo=dt.UTC).astimezone(audit.JST)
                     .strftime("%Y-%m-%d %H:%M:%S"),
                     e.operator, e.console, audit.ACTION_LABELS.get(e.action, e.action),
                     e.message_id or "",
                     json.dumps(e.detail, ensure_ascii=False, sort_keys=True), e.hash)
                    for e in entries
                ]
            return AuditView(rows, total, problems)

        self.call(work, on_done=on_done, owner=owner, on_error=on_error)

    def audit_export_async(self, path: Any, encoding: str,
                           on_done: Callable[[list[str]], None],
                           on_error: Callable[[BaseException], None] | None = None) -> None:
        def work() -> list[str]:
            with self.issei.sessions() as session:
                return audit.export_csv(session, path, encoding)

        self.call(work, on_done=on_done, on_error=on_error)

    def secret_states_async(self, names: Sequence[tuple[str, str]],
                            on_done: Callable[[list[SecretState]], None],
                            owner: QObject | None = None) -> None:
        """Only whether each secret is stored, never its value (the keyring may block)."""
        from app import secrets

        wanted = list(names)

        def work() -> list[SecretState]:
            import os

            return [SecretState(m, n, secrets.is_stored(m, n),
                                f"ISSEI_{m.upper()}_{n.upper()}" in os.environ)
                    for m, n in wanted]

        self.call(work, on_done=on_done, owner=owner, pool="write")

    def store_secret_async(self, medium: str, name: str, value: str,
                           on_done: Callable[[None], None],
                           on_error: Callable[[BaseException], None]) -> None:
        from app import secrets

        def work() -> None:
            secrets.store(medium, name, value)
            with self.issei.sessions.begin() as session:  # who, never what
                audit.append(session, "secret_set", operator=self.operator,
                             console=self.issei.console, detail={"secret": f"{medium}.{name}"})

        self.call(work, on_done=on_done, on_error=on_error, pool="write")

    def forget_secret_async(self, medium: str, name: str, on_done: Callable[[bool], None],
                            on_error: Callable[[BaseException], None]) -> None:
        from app import secrets

        def work() -> bool:
            gone = secrets.forget(medium, name)
            with self.issei.sessions.begin() as session:
                audit.append(session, "secret_forget", operator=self.operator,
                             console=self.issei.console, detail={"secret": f"{medium}.{name}"})
            return gone

        self.call(work, on_done=on_done, on_error=on_error, pool="write")

    # -- the database's health ---------------------------------------------------------------

    def check_database(self) -> None:
        """One ``SELECT 1`` on its own thread; ``database_state`` fires when the answer
        changes. The window calls this every few seconds and whenever a read fails."""
        if self._closed or self._checking:
            return
        if self.issei.db_engine.dialect.name == "sqlite":
            # The embedded file is on this PC (and a SQLite "connection" check would take
            # its write lock: BEGIN IMMEDIATE); a failing read still raises the banner.
            return
        self._checking = True

        def work() -> bool:
            try:
                with self.issei.db_engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return True
            except DBAPIError as exc:
                log.warning("database unreachable: %s", exc)
                return False

        def done(up: bool) -> None:
            self._checking = False
            self._database_seen(up)

        def failed(exc: BaseException) -> None:
            self._checking = False
            log.warning("database check failed: %s", exc)
            self._database_seen(False)

        self.call(work, on_done=done, on_error=failed, pool="health")

    def _database_seen(self, up: bool) -> None:
        if up == self.database_up:
            return
        self.database_up = up
        log.warning("database %s", "reachable again" if up else "unreachable",
                    extra={"event": "database_up" if up else "database_down"})
        if up and self._restart_engine and not self.engine_running:
            self._restart_engine = False
            with contextlib.suppress(RuntimeError):  # no running loop (tests without engine)
                self.start_engine()
        self.database_state.emit(up)

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
        if isinstance(exc, DBAPIError):
            # The database went away under the engine: say so in the banner, start it again
            # when the database is back (the outbox kept everything; leases hand over).
            log.warning("engine stopped: database unreachable: %s", exc)
            self._restart_engine = True
            self._database_seen(False)
            return
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
