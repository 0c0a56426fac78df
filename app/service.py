"""The core's front door: what the CLI and the console ask of Issei.

It knows nothing of Qt or of concrete drivers; the composition root (app.main) hands it the
driver sets and runs the engine on whichever loop the front end has.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.accounts import approval
from app.accounts.operators import SignedIn, accounts_enabled
from app.compose import render_all
from app.compose.text import phrases
from app.config import Config, status_polling
from app.db.models import Recipient
from app.db.session import is_sqlite, make_engine, session_factory, upgrade
from app.dispatch import notify, outbox
from app.dispatch.audience import (
    audience_count,
    audience_languages,
    single_target,
    split_languages,
)
from app.dispatch.driver import DriverSet
from app.dispatch.engine import Engine
from app.domain import (
    Draft,
    Finding,
    Medium,
    Rendition,
    Severity,
    Urgency,
)
from app.events import EventBus, MediumCounts, MessageHalted, MessageQueued

log = logging.getLogger("issei.service")


class SendRefusedError(ValueError):
    """The draft cannot be sent as it is; ``findings`` say why, for the operator."""

    def __init__(self, findings: list[tuple[Medium | None, Finding]]) -> None:
        self.findings = findings
        super().__init__("\n".join(
            f"{m.label}: {f.message}" if m is not None else f.message for m, f in findings
        ))


class NotSignedInError(PermissionError):
    """Accounts are enabled and nobody signed in (or the approver may not approve)."""


@dataclass
class Prepared:
    draft: Draft
    renditions: list[Rendition]
    audiences: dict[Medium, int] = field(default_factory=dict)  # deliveries per medium
    broadcast: frozenset[Medium] = frozenset()  # one delivery reaches every friend (LINE)
    # What the approval policy makes of this send, as ``send`` will apply it: "hold" (the
    # sender alone, with a hold-to-send in the console) or "second" (held until a second
    # operator approves); the policy rule that decided, and why it differs from the rule's
    # own requirement (no accounts: nobody could approve, so the sender holds to send).
    approval: str = "hold"
    approval_rule: str = ""
    approval_note: str = ""
    # ``prepare(by_language=True)``, per-resident media only: targets per language they
    # receive (the draft's order), and per registered language the message does not carry
    # (those receive Japanese — the fallback — instead).
    languages: dict[Medium, dict[str, int]] = field(default_factory=dict)
    unserved: dict[Medium, dict[str, int]] = field(default_factory=dict)

    @property
    def errors(self) -> list[tuple[Medium, Finding]]:
        return [
            (r.medium, f) for r in self.renditions for f in r.findings
            if f.severity is Severity.ERROR
        ]


@dataclass
class FollowUp:
    """A correction (訂正) or cancellation (取消), rendered and not yet sent, beside the
    original it follows (for the before/after view)."""

    original_id: str
    kind: str  # correction | cancellation
    draft: Draft
    renditions: list[Rendition]  # after: every medium in every language it is sent in
    before: list[Rendition]  # the original's stored renditions
    received: dict[str, dict[str, int]]  # medium -> language -> who received the original
    original_title: str = ""
    original_body: str = ""

    @property
    def errors(self) -> list[tuple[Medium, Finding]]:
        return [
            (r.medium, f) for r in self.renditions for f in r.findings
            if f.severity is Severity.ERROR
        ]


class Issei:
    def __init__(self, config: Config, drivers: DriverSet, training_drivers: DriverSet) -> None:
        self.config = config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.db_engine = make_engine(config.database_url)
        upgrade(self.db_engine)
        self.sessions: sessionmaker[Session] = session_factory(self.db_engine)
        self.events = EventBus()
        self.drivers = drivers
        self.training_drivers = training_drivers
        self.console = config.console_name or socket.gethostname()
        self.engine = Engine(
            self.sessions, drivers, training_drivers, self.events,
            policy=outbox.RetryPolicy(
                config.max_attempts, config.retry_base_seconds, config.retry_max_seconds
            ),
            lease_seconds=config.lease_seconds,
            db_threads=1 if is_sqlite(self.db_engine) else 4,
            listen_url=None if is_sqlite(self.db_engine)
            else notify.psycopg_url(config.database_url),
        )
        self.engine.configure_status(status_polling(config))

    # -- composing -------------------------------------------------------------------------

    def is_training(self, requested: bool) -> bool:
        return self.config.training or requested

    def render(self, draft: Draft, *, signed_in: SignedIn | None = None) -> list[Rendition]:
        """The renditions alone (no audience, no database): cheap enough for every keystroke.
        ``prepare`` renders the same way, then adds audience and driver findings.
        ``signed_in``: the console's operator, so the preview carries their department's
        sender name as ``send`` will (see ``with_sender``)."""
        from app.voice.tts import analysed_sentences_only  # numpy: not at start-up

        if signed_in is not None:
            draft = self.with_sender(draft, signed_in)

        with analysed_sentences_only():  # the background prepare analyses the rest
            return render_all(_with_training(draft, self.is_training(draft.training)))

    @staticmethod
    def with_sender(draft: Draft, signed_in: SignedIn | None) -> Draft:
        """The draft carrying the sending department's name (issue 7), as ``send`` sends it.

        The core decides, so the CLI (``--operator``) and the console agree: the signed-in
        operator's department ``sender_name``; nobody signed in (no accounts, automatic sends)
        or a department without one: "" (each channel's configured name). The console renders
        ``with_sender(draft, signed_in)`` so that its preview shows what goes out."""
        from dataclasses import replace

        name = " ".join(signed_in.sender_name.split()) if signed_in is not None else ""
        return draft if draft.sender_name == name else replace(draft, sender_name=name)

    def prepare(self, draft: Draft, *, by_language: bool = False,
                signed_in: SignedIn | None = None) -> Prepared:
        """Renditions, audience per medium, and the approval the send will need.
        ``by_language`` (the confirmation): also who receives which language.
        ``signed_in``: as in ``render``, the sender name ``send`` will put on the draft."""
        if signed_in is not None:
            draft = self.with_sender(draft, signed_in)
        draft = _with_training(draft, self.is_training(draft.training))
        prepared = Prepared(draft, render_all(draft))
        if draft.recording:  # issue 5: the operator's recording must be in the store
            from app.voice.recordings import check_renditions

            check_renditions(self.sessions, draft.recording, prepared.renditions)
        driver_set = self.training_drivers if draft.training else self.drivers
        with self.sessions() as session:
            _approval_for(session, draft, prepared)
            for medium in draft.media:
                driver = driver_set.get(medium)
                if driver is None:
                    _rendition(prepared, medium).findings.append(
                        _unconfigured(medium, draft.training)
                    )
                    continue
                if driver.capabilities.broadcast:
                    prepared.broadcast |= {medium}
                line_broadcast = driver.capabilities.broadcast
                if by_language and single_target(medium, line_broadcast=line_broadcast) is None:
                    registered = audience_languages(session, draft, medium)
                    count = sum(registered.values())
                    prepared.languages[medium], unserved = split_languages(draft, registered)
                    if unserved:
                        prepared.unserved[medium] = unserved
                else:
                    count = audience_count(session, draft, medium, line_broadcast=line_broadcast)
                prepared.audiences[medium] = count
                if not count:
                    _rendition(prepared, medium).findings.append(
                        Finding(Severity.WARNING, "no_audience",
                                f"{medium.label}の配信対象が0件です（地区・カテゴリを確認）")
                    )
        if prepared.audiences and not any(prepared.audiences.values()):
            first = prepared.renditions[0]
            first.findings.append(
                Finding(Severity.ERROR, "nobody", "どの媒体にも配信対象がいません")
            )
        return prepared

    def send(self, draft: Draft, *, operator: str = "", signed_in: SignedIn | None = None,
             automatic: str | None = None, hold_for_approval: bool = False) -> str:
        """Validate, check permissions and the approval policy, then write the whole send to
        the outbox in one transaction (with its audit row).

        ``signed_in``: the operator at the console; needed once accounts exist.
        ``automatic``: the trigger rule's name for automatic sends, which follow their rule
        (``hold_for_approval`` for a rule in confirm mode) instead of the operator policy.
        """
        if not draft.media:
            raise ValueError("配信する媒体を1つ以上選んでください")
        with self.sessions() as session:
            enabled = accounts_enabled(session)
            rule = approval.requirement_for(session, draft)
        if signed_in is not None:
            operator = signed_in.login
            refusals = signed_in.refusals(draft)
            if refusals:
                raise SendRefusedError(refusals)
        elif automatic is not None:
            operator = operator or f"自動配信: {automatic}"
        elif enabled:
            raise NotSignedInError("配信するにはサインインしてください")
        if automatic is not None:
            held = hold_for_approval
        else:
            held = enabled and rule.requirement == approval.SECOND
        prepared = self.prepare(self.with_sender(draft, signed_in))
        if prepared.errors:
            raise SendRefusedError(prepared.errors)
        driver_set = self.training_drivers if prepared.draft.training else self.drivers
        batch_sizes: dict[Medium, int] = {}
        broadcast: set[Medium] = set()
        for medium in prepared.audiences:
            driver = driver_set.get(medium)
            assert driver is not None  # prepare() refused media without a driver
            batch_sizes[medium] = driver.capabilities.batch_size
            if driver.capabilities.broadcast:
                broadcast.add(medium)
        def audit_send(session: Session, message_id: str, written: dict[Medium, int]) -> None:
            audit.append(
                session, "send", operator=operator, console=self.console,
                message_id=message_id,
                detail={
                    "training": prepared.draft.training,
                    "media": {m.value: n for m, n in written.items()},
                    "title": prepared.draft.title,
                    "digest": _digest(prepared.draft),
                    "department": signed_in.department if signed_in else "",
                    "approval": "pending" if held else (
                        f"automatic: {automatic}" if automatic is not None else rule.requirement
                    ),
                    "policy_rule": rule.name if automatic is None else "",
                },
            )

        message_id, _written = outbox.submit(
            self.sessions, prepared.draft, prepared.renditions, batch_sizes, frozenset(broadcast),
            created_by=operator, console=self.console, held=held,
            department=signed_in.department if signed_in else "", on_written=audit_send,
        )
        counts = self.counts(message_id)
        self.events.publish(MessageQueued(message_id, prepared.draft.training, counts))
        self.engine.wake()
        log.info("message queued id=%s training=%s media=%s", message_id,
                 prepared.draft.training, {m: c.total for m, c in counts.items()})
        return message_id

    # -- approval (承認) ---------------------------------------------------------------------

    def pending_approvals(self) -> list[dict[str, object]]:
        """Sends waiting for a second operator, oldest first, for every console's panel."""
        from app.db.models import Message

        with self.sessions() as session:
            rows = session.scalars(
                select(Message).where(Message.approval == "pending")
                .order_by(Message.created_at)
            ).all()
            return [
                {"message_id": m.id, "title": m.title, "created_by": m.created_by,
                 "department": m.department, "urgency": m.urgency, "media": list(m.media),
                 "training": m.training, "created_at": m.created_at.isoformat()}
                for m in rows
            ]

    def approve(self, message_id: str, approver: SignedIn) -> int:
        """A second operator approves: the held send is released to the workers."""
        self._check_approver(message_id, approver)
        n = outbox.release(self.sessions, message_id, "approved", approver.login)
        self._audit_decision("approve", message_id, approver.login, {"batches": n})
        self.engine.wake()
        return n

    def reject(self, message_id: str, approver: SignedIn, reason: str) -> int:
        self._check_approver(message_id, approver)
        if not reason.strip():
            raise ValueError("差し戻す理由を入力してください")
        n = outbox.reject(self.sessions, message_id, approver.login, reason.strip())
        self._audit_decision("reject", message_id, approver.login,
                             {"reason": reason.strip(), "cancelled": n})
        return n

    def override(self, message_id: str, operator: SignedIn, reason: str) -> int:
        """Emergency override: the sender releases their own held send, with a reason.

        For when no second operator can be reached in time; the audit log names who and why.
        """
        if not operator.role.may_send:
            raise NotSignedInError(f"{operator.role.label}は配信できません")
        if len(reason.strip()) < 4:
            raise ValueError("緊急時の承認省略には理由を入力してください")
        if self._approval_state(message_id)[0] != "pending":
            raise ValueError("この配信は承認待ちではありません")
        n = outbox.release(self.sessions, message_id, "overridden", operator.login,
                           reason.strip())
        self._audit_decision("override", message_id, operator.login, {"reason": reason.strip()})
        log.warning("approval overridden message=%s by=%s reason=%s", message_id,
                    operator.login, reason.strip())
        self.engine.wake()
        return n

    def _approval_state(self, message_id: str) -> tuple[str, str]:
        from app.db.models import Message

        with self.sessions() as session:
            message = session.get(Message, message_id)
            if message is None:
                raise ValueError(f"配信ID {message_id} は見つかりません")
            return message.approval, message.created_by

    def _check_approver(self, message_id: str, approver: SignedIn) -> None:
        state, sender = self._approval_state(message_id)
        if state != "pending":
            raise ValueError("この配信は承認待ちではありません")
        if not approver.role.may_approve:
            raise NotSignedInError(f"{approver.role.label}は承認できません（承認者・管理者のみ）")
        if approver.login == sender:
            raise NotSignedInError("自分の配信は承認できません。別の承認者が承認してください")

    def _audit_decision(self, action: str, message_id: str, who: str,
                        detail: dict[str, object]) -> None:
        with self.sessions.begin() as session:
            audit.append(session, action, operator=who, console=self.console,
                         message_id=message_id, detail=detail)

    # -- corrections and cancellations (訂正・取消) ----------------------------------------

    def correct(self, message_id: str, body: str, *, title: str | None = None,
                operator: str = "",
                translations: Mapping[str, tuple[str, str]] | None = None,
                signed_in: SignedIn | None = None, console: bool = False) -> str:
        """A 【訂正】 to everyone who received the original, quoting it, in the language
        each of them received. ``translations``: language -> (title, body) of the corrected
        text, reviewed by the operator; a language without one gets the Japanese.
        ``console``: asked at a console, where accounts (once enabled) need a sign-in."""
        prepared = self.prepare_correction(message_id, body, title=title,
                                           translations=translations, operator=operator)
        return self._submit_follow_up(prepared, operator, signed_in, console)

    def cancel(self, message_id: str, *, reason: str = "", operator: str = "",
               signed_in: SignedIn | None = None, console: bool = False) -> str:
        """A 【取消】 to everyone who received the original, quoting it, in their language."""
        prepared = self.prepare_cancellation(message_id, reason=reason)
        return self._submit_follow_up(prepared, operator, signed_in, console)

    def prepare_correction(
        self, message_id: str, body: str, *, title: str | None = None,
        translations: Mapping[str, tuple[str, str]] | None = None, operator: str = "",
    ) -> FollowUp:
        """The correction rendered for every medium and language, without sending it: what
        the console shows beside the original before the operator confirms."""
        if not body.strip():
            raise ValueError("訂正の本文を入力してください")
        return self._prepare_follow_up(message_id, "correction", body=body, title=title,
                                       translations=translations or {}, operator=operator)

    def prepare_cancellation(self, message_id: str, *, reason: str = "") -> FollowUp:
        return self._prepare_follow_up(message_id, "cancellation", reason=reason)

    def _prepare_follow_up(
        self, message_id: str, kind: str, *, body: str = "", title: str | None = None,
        reason: str = "", translations: Mapping[str, tuple[str, str]] | None = None,
        operator: str = "",
    ) -> FollowUp:
        from app.db.models import Message, RenditionRow
        from app.translation.compose import MultilingualDraft, Origin, TextTranslation
        from app.translation.languages import label
        from app.translation.models import MessageTranslation

        with self.sessions() as session:
            original = session.get(Message, message_id)
            if original is None:
                raise ValueError(f"配信ID {message_id} は見つかりません")
            if original.kind != "alert":
                raise ValueError("訂正・取消は、もとの配信（配信ID）に対して行ってください")
            cancelled = session.scalar(
                select(func.count()).select_from(Message).where(
                    Message.correction_of == message_id, Message.kind == "cancellation"
                )
            )
            if cancelled:
                raise ValueError("この配信はすでに取り消されています")
            media = tuple(Medium(m) for m in original.media)
            stored = {
                t.language: (t.title, t.body) for t in session.scalars(
                    select(MessageTranslation).where(MessageTranslation.message_id == message_id)
                )
            }
            before = [
                Rendition(Medium(r.medium), r.language, dict(r.payload or {}))
                for r in session.scalars(
                    select(RenditionRow).where(RenditionRow.message_id == message_id)
                    .order_by(RenditionRow.id)
                )
                if r.medium in Medium._value2member_map_
            ]
            received = outbox.received_by_language(session, message_id)
            ja_title, ja_body = _follow_up_text(
                kind, "ja", original.title, original.body, body, title, reason
            )
            notes: list[Finding] = []
            follow_translations: list[TextTranslation] = []
            for language in original.languages:
                if language == "ja":
                    continue
                name = label(language)
                if language not in stored:
                    notes.append(Finding(Severity.WARNING, "translation_not_kept",
                                         f"もとの{name}の訳が残っていないため、{name}で受け取った"
                                         "人にも日本語で届きます"))
                    continue
                new_text = (translations or {}).get(language)
                if kind == "correction" and (new_text is None or not new_text[1].strip()):
                    notes.append(Finding(Severity.WARNING, "translation_missing",
                                         f"{name}の訂正文がないため、{name}で受け取った人にも"
                                         "日本語で届きます"))
                    continue
                old_title, old_body = stored[language]
                new_title, new_body = new_text if new_text is not None else ("", "")
                t_title, t_body = _follow_up_text(
                    kind, language, old_title, old_body, new_body, new_title or None, ""
                )
                follow_translations.append(TextTranslation(
                    language=language, title=t_title, body=t_body, source_title=ja_title,
                    source_body=ja_body, origin=Origin.MANUAL, reviewed=True,
                    reviewed_by=operator,
                ))
            draft = MultilingualDraft(
                title=ja_title, body=ja_body, media=media, category=original.category,
                urgency=Urgency(original.urgency), areas=tuple(original.areas),
                training=original.training, kind=kind,
                languages=("ja", *(t.language for t in follow_translations)),
                translations=tuple(follow_translations),
            )
        renditions = render_all(draft)
        if notes and renditions:
            renditions[0].findings.extend(notes)
        return FollowUp(message_id, kind, draft, renditions, before, received,
                        original.title, original.body)

    def _submit_follow_up(self, prepared: FollowUp, operator: str,
                          signed_in: SignedIn | None = None, console: bool = False) -> str:
        message_id, kind, draft, renditions = (
            prepared.original_id, prepared.kind, prepared.draft, prepared.renditions
        )
        media = draft.media
        if signed_in is not None:  # issue 7: sent under the operator's department name
            named = self.with_sender(draft, signed_in)
            if named is not draft:
                draft, renditions = named, render_all(named)
        errors: list[tuple[Medium | None, Finding]] = [
            (r.medium, f) for r in renditions for f in r.findings
            if f.severity is Severity.ERROR
        ]
        if signed_in is not None:  # the same permissions as a send of this draft
            operator = signed_in.login
            errors += signed_in.refusals(draft)
        elif console:
            with self.sessions() as session:
                if accounts_enabled(session):
                    raise NotSignedInError("訂正・取消を送るにはサインインしてください")
        driver_set = self.training_drivers if draft.training else self.drivers
        batch_sizes: dict[Medium, int] = {}
        broadcast: set[Medium] = set()
        for medium in media:
            driver = driver_set.get(medium)
            if driver is None:
                errors.append((medium, _unconfigured(medium, draft.training)))
                continue
            batch_sizes[medium] = driver.capabilities.batch_size
            if driver.capabilities.broadcast:
                broadcast.add(medium)
        if errors:
            raise SendRefusedError(errors)
        self._prepare_follow_up(message_id, "cancellation")  # still allowed (another console)
        new_id, written = outbox.submit(
            self.sessions, draft, renditions, batch_sizes, frozenset(broadcast),
            created_by=operator, console=self.console, correction_of=message_id,
        )
        with self.sessions.begin() as session:
            audit.append(
                session, kind, operator=operator, console=self.console, message_id=new_id,
                detail={"original": message_id, "training": draft.training,
                        "media": {m.value: n for m, n in written.items()},
                        "digest": _digest(draft)},
            )
        self.events.publish(MessageQueued(new_id, draft.training, self.counts(new_id)))
        self.engine.wake()
        log.info("%s queued id=%s original=%s", kind, new_id, message_id)
        return new_id

    # -- watching --------------------------------------------------------------------------

    def counts(self, message_id: str) -> dict[str, MediumCounts]:
        return outbox.counts(self.sessions, message_id)

    def message_training(self, message_id: str) -> bool | None:
        from app.db.models import Message

        with self.sessions() as session:
            message = session.get(Message, message_id)
            return None if message is None else message.training

    def message_links(self, message_id: str) -> dict[str, object]:
        """How a message relates to others in the ledger: what it follows, what follows it."""
        from app.db.models import Message

        with self.sessions() as session:
            message = session.get(Message, message_id)
            if message is None:
                return {}
            followers = session.execute(
                select(Message.id, Message.kind).where(Message.correction_of == message_id)
                .order_by(Message.created_at)
            ).all()
            return {
                "kind": message.kind,
                "approval": message.approval,
                "correction_of": message.correction_of,
                "followed_by": [{"message_id": i, "kind": k} for i, k in followers],
            }

    def failures(self, message_id: str) -> list[tuple[str, str, str]]:
        return outbox.failures(self.sessions, message_id)

    def halt(self, message_id: str, *, operator: str = "") -> int:
        n = outbox.halt(self.sessions, message_id)
        with self.sessions.begin() as session:
            audit.append(session, "halt", operator=operator, console=self.console,
                         message_id=message_id, detail={"cancelled": n})
        self.events.publish(MessageHalted(message_id, n))
        return n

    def retry_failed(self, message_id: str, medium: str | None = None, *,
                     operator: str = "") -> int:
        n = outbox.retry_failed(self.sessions, message_id, medium)
        with self.sessions.begin() as session:
            audit.append(session, "retry", operator=operator, console=self.console,
                         message_id=message_id, detail={"medium": medium, "deliveries": n})
        self.engine.wake()
        return n

    def recipient_count(self) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(Recipient)) or 0)

    async def aclose(self) -> None:
        await self.engine.aclose()
        self.db_engine.dispose()

    @property
    def drill_folder(self) -> Path:
        return self.config.data_dir / "drill"


def _approval_for(session: Session, draft: Draft, prepared: Prepared) -> None:
    """The approval ``send`` will apply to an operator's send of ``draft`` (kept in step
    with ``Issei.send``: held only when accounts exist and the rule asks for a second)."""
    rule = approval.requirement_for(session, draft)
    prepared.approval_rule = rule.name
    if rule.requirement == approval.SECOND and not accounts_enabled(session):
        prepared.approval = approval.HOLD
        prepared.approval_note = "no_accounts"
    else:
        prepared.approval = rule.requirement


def _rendition(prepared: Prepared, medium: Medium) -> Rendition:
    return next(r for r in prepared.renditions if r.medium is medium)


def _with_training(draft: Draft, training: bool) -> Draft:
    from dataclasses import replace

    return replace(draft, training=training)


def _unconfigured(medium: Medium, training: bool) -> Finding:
    where = "訓練用の受け口" if training else f"設定ファイルの [channels.{medium.value}]"
    return Finding(Severity.ERROR, "not_configured", f"{medium.label}は{where}に用意されていません")


def _follow_up_text(kind: str, language: str, old_title: str, old_body: str, body: str,
                    title: str | None, reason: str) -> tuple[str, str]:
    """The title and body of a correction or cancellation in ``language``, quoting the
    original (``old_*``, in the same language) under the language's fixed headings."""
    fixed = phrases(language)
    if kind == "correction":
        new_title = f"{fixed.correction_mark}{(title or old_title).strip()}"
        new_body = f"{body.strip()}\n\n{fixed.before_correction}\n{old_body.strip()}"
        return new_title, new_body
    lines = [fixed.cancel_notice.format(title=old_title.strip())]
    if reason.strip():
        lines.append(f"{fixed.reason}: {reason.strip()}")
    lines.append(f"\n{fixed.cancelled_content}\n{old_body.strip()}")
    return f"{fixed.cancellation_mark}{old_title.strip()}", "\n".join(lines)


def _digest(draft: Draft) -> str:
    import hashlib

    return hashlib.sha256(f"{draft.title}\n{draft.body}".encode()).hexdigest()
