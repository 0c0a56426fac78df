"""The outbox: the single source of truth for what must be, is being, and was delivered.

Every function here is synchronous and runs in one short transaction; the asyncio engine
calls them through a thread. Claims use ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite
serialises writers with ``BEGIN IMMEDIATE`` (see app.db.session).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    Select,
    and_,
    case,
    false,
    func,
    insert,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Delivery, DeliveryBatch, Message, RenditionRow, utcnow
from app.dispatch.audience import (
    audience_select,
    delivery_languages,
    fixed_targets,
    resident_language,
    single_target,
)
from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target
from app.dispatch.notify import announce
from app.domain import DeliveryState, Draft, Medium, Rendition
from app.events import MediumCounts

QUEUED = DeliveryState.QUEUED.value
SENDING = DeliveryState.SENDING.value
SENT = DeliveryState.SENT.value
FAILED = DeliveryState.FAILED.value
CANCELLED = DeliveryState.CANCELLED.value
BATCH_DONE = "done"
HELD = "held"  # a batch waiting for a second operator's approval; never claimed
AWAITING_OPERATOR = "manual"  # handed to an operator (e.g. L-Alert input); never claimed


@dataclass(frozen=True)
class ClaimedBatch:
    batch_id: int
    job: BatchJob


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 300.0


@dataclass(frozen=True)
class Recorded:
    message_id: str
    medium: str
    finished_batch: bool
    medium_error: str | None


def submit(
    session_factory: sessionmaker[Session],
    draft: Draft,
    renditions: Sequence[Rendition],
    batch_sizes: dict[Medium, int],
    broadcast_media: frozenset[Medium] = frozenset(),
    *,
    created_by: str = "",
    console: str = "",
    correction_of: str | None = None,
    held: bool = False,
    department: str = "",
    on_written: Callable[[Session, str, dict[Medium, int]], None] | None = None,
) -> tuple[str, dict[Medium, int]]:
    """Write the message, its renditions, its batches and every delivery in ONE transaction.

    Deliveries are filled by INSERT … SELECT from the recipients, batch by position. Returns
    the message id and the number of deliveries per medium.
    """
    message_id = str(uuid.uuid4())
    now = utcnow()
    written: dict[Medium, int] = {}
    with session_factory.begin() as session:
        if session.bind is not None and session.get_bind().dialect.name == "postgresql":
            # The count that sizes the batches and the insert that fills them must see the
            # same recipients, even if someone imports a list at this very moment.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        session.add(
            Message(
                id=message_id,
                title=draft.title,
                body=draft.body,
                category=draft.category,
                urgency=draft.urgency.value,
                areas=list(draft.areas),
                media=[m.value for m in draft.media],
                languages=list(draft.languages),
                training=draft.training,
                created_at=now,
                created_by=created_by,
                console=console,
                correction_of=correction_of,
                kind=draft.kind,
                approval="pending" if held else "none",
                department=department,
            )
        )
        session.flush()
        for rendition in renditions:
            session.add(
                RenditionRow(
                    message_id=message_id,
                    medium=rendition.medium.value,
                    language=rendition.language,
                    payload=rendition.payload,
                    findings=[
                        {"severity": f.severity.value, "code": f.code, "message": f.message}
                        for f in rendition.findings
                    ],
                )
            )
        _store_translations(session, message_id, draft)
        session.flush()
        announce(session, message_id)
        for medium, size in batch_sizes.items():
            written[medium] = _fill_medium(
                session, message_id, draft, medium, max(1, size), medium in broadcast_media, now,
                correction_of, HELD if held else QUEUED,
            )
        if on_written is not None:  # e.g. the audit row: it commits with the send or not at all
            on_written(session, message_id, written)
    return message_id, written


def _fill_medium(
    session: Session,
    message_id: str,
    draft: Draft,
    medium: Medium,
    size: int,
    line_broadcast: bool,
    now: dt.datetime,
    follows: str | None = None,
    batch_state: str = "queued",
) -> int:
    """Queue one medium's deliveries, one batch per (language, slice of ``size``).

    Each resident gets the rendition in their language when the message carries it, else
    the fallback (Japanese); see ``audience.resident_language``. A correction or cancellation
    (``follows``) goes to exactly those who received the original on this medium, in the
    language each of them received it in, not to today's audience."""
    single = single_target(medium, line_broadcast=line_broadcast)
    fallback, languages = delivery_languages(draft)
    people = (
        _received_original(follows, medium, languages, fallback).subquery()
        if follows and not single
        else audience_select(draft, medium, languages, fallback).subquery() if not single
        else None
    )
    fixed = fixed_targets(medium, single) if single else ()
    one_language = not [code for code in languages if code != fallback]
    if people is None:
        per_language = {fallback: len(fixed)}
    elif one_language:  # the common case: the same plain count as ever
        per_language = {fallback: int(
            session.scalar(select(func.count()).select_from(people)) or 0  # type: ignore[arg-type]
        )}
    else:
        per_language = {
            str(code): int(n) for code, n in session.execute(
                select(people.c.language, func.count()).group_by(people.c.language)
            ).all()
        }
    total = sum(per_language.values())
    if total == 0:
        return 0
    order = [code for code in dict.fromkeys((fallback, *languages)) if code in per_language]
    order += sorted(set(per_language) - set(order))  # cannot happen; never drop anyone
    first_seq: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    for code in order:
        first_seq[code] = len(rows)
        rows += [
            {
                "message_id": message_id,
                "medium": medium.value,
                "seq": len(rows) + n,
                "language": code,
                "idempotency_key": str(uuid.uuid4()),
                "state": batch_state,
                "attempts": 0,
                "next_attempt_at": now,
            }
            for n in range(-(-per_language[code] // size))
        ]
    session.execute(insert(DeliveryBatch), rows)
    batch = select(DeliveryBatch.id, DeliveryBatch.seq, DeliveryBatch.language).where(
        DeliveryBatch.message_id == message_id, DeliveryBatch.medium == medium.value
    ).subquery()
    if single:  # one delivery per fixed target (Apprise: per URL), ``size`` to a batch
        targets = union_all(*(
            select(literal(n).label("n"), literal(t).label("target"))
            for n, t in enumerate(fixed)
        )).subquery()
        source = select(
            literal(message_id), batch.c.id, literal(medium.value), null(), targets.c.target,
            literal(QUEUED), literal(0), false(), literal(now, DateTime(timezone=True)),
        ).join(batch, batch.c.seq == targets.c.n // size)
    else:
        assert people is not None
        if one_language:
            joined = batch.c.seq == people.c.position // size
        else:
            base = case(first_seq, value=people.c.language, else_=literal(0))
            joined = and_(batch.c.language == people.c.language,
                          batch.c.seq == base + people.c.position // size)
        source = select(
            literal(message_id), batch.c.id, literal(medium.value), people.c.recipient_id,
            people.c.target, literal(QUEUED), literal(0), false(),
            literal(now, DateTime(timezone=True)),
        ).join(batch, joined)
    columns = ["message_id", "batch_id", "medium", "recipient_id", "target", "state",
               "attempts", "possible_duplicate", "updated_at"]
    result = session.connection().execute(insert(Delivery).from_select(columns, source))
    inserted = result.rowcount
    if inserted is None or inserted < 0:  # some drivers do not report INSERT … SELECT counts
        inserted = session.scalar(
            select(func.count()).select_from(Delivery).where(
                Delivery.message_id == message_id, Delivery.medium == medium.value
            )
        )
    inserted = int(inserted or 0)
    if inserted != total:  # cannot happen under the isolation above; never lose anyone silently
        raise RuntimeError(f"{medium}: counted {total} recipients but queued {inserted}")
    return inserted


def _received_original(
    original_id: str, medium: Medium, languages: Sequence[str], fallback: str
) -> Select[tuple[int, str, int, str]]:
    """Who received the original on ``medium``, with the language they received it in
    (or the fallback, should the follow-up not carry that language)."""
    first_id = func.min(Delivery.id)
    received = (
        select(
            first_id.label("first_id"),
            func.min(Delivery.recipient_id).label("recipient_id"),
            Delivery.target.label("target"),
            func.min(DeliveryBatch.language).label("received_in"),
        )
        .join(DeliveryBatch, DeliveryBatch.id == Delivery.batch_id)
        .where(
            Delivery.message_id == original_id,
            Delivery.medium == medium.value,
            Delivery.state.in_([SENT, DeliveryState.DELIVERED.value]),
        )
        .group_by(Delivery.target)
        .subquery()
    )
    language = resident_language(received.c.received_in, languages, fallback)
    return select(
        received.c.recipient_id,
        received.c.target,
        (func.row_number().over(partition_by=language, order_by=received.c.first_id)
         - 1).label("position"),
        language.label("language"),
    )


def received_by_language(session: Session, message_id: str) -> dict[str, dict[str, int]]:
    """medium -> language -> how many distinct targets received ``message_id``: who a
    correction or cancellation of it reaches, and in which language."""
    rows = session.execute(
        select(Delivery.medium, DeliveryBatch.language, func.count(func.distinct(Delivery.target)))
        .join(DeliveryBatch, DeliveryBatch.id == Delivery.batch_id)
        .where(
            Delivery.message_id == message_id,
            Delivery.state.in_([SENT, DeliveryState.DELIVERED.value]),
        )
        .group_by(Delivery.medium, DeliveryBatch.language)
    ).all()
    out: dict[str, dict[str, int]] = {}
    for medium, language, n in rows:
        out.setdefault(str(medium), {})[str(language)] = int(n)
    return out


def _store_translations(session: Session, message_id: str, draft: Draft) -> None:
    """Keep the reviewed title and body of each language the message is sent in, so that a
    correction or cancellation can quote the original in the language people received."""
    from app.translation.compose import MultilingualDraft, translation_state
    from app.translation.models import MessageTranslation

    if not isinstance(draft, MultilingualDraft):
        return
    for code in dict.fromkeys(draft.languages):
        found = draft.translation(code)
        if code == "ja" or found is None or translation_state(draft, code) is not None:
            continue
        session.add(MessageTranslation(
            message_id=message_id, language=code, title=found.title, body=found.body,
            origin=found.origin.value, reviewed_by=found.reviewed_by,
        ))


def claim(
    session_factory: sessionmaker[Session],
    media: Iterable[str],
    worker: str,
    lease_seconds: float,
) -> ClaimedBatch | None:
    """Take the oldest due batch of these media, mark it and its deliveries as sending."""
    now = utcnow()
    with session_factory.begin() as session:
        row = session.execute(
            select(DeliveryBatch.id, DeliveryBatch.message_id, DeliveryBatch.medium,
                   DeliveryBatch.language, DeliveryBatch.idempotency_key, DeliveryBatch.attempts)
            .where(
                DeliveryBatch.state == QUEUED,
                DeliveryBatch.medium.in_(list(media)),
                DeliveryBatch.next_attempt_at <= now,
            )
            .order_by(DeliveryBatch.next_attempt_at, DeliveryBatch.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        batch_id, message_id, medium, language, key, attempts = row
        session.execute(
            update(DeliveryBatch)
            .where(DeliveryBatch.id == batch_id)
            .values(
                state=SENDING,
                attempts=attempts + 1,
                claimed_by=worker,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
            )
        )
        targets = session.execute(
            select(Delivery.id, Delivery.target)
            .where(Delivery.batch_id == batch_id, Delivery.state == QUEUED)
            .order_by(Delivery.id)
        ).all()
        session.execute(
            update(Delivery)
            .where(Delivery.batch_id == batch_id, Delivery.state == QUEUED)
            .values(state=SENDING, attempts=Delivery.attempts + 1, updated_at=now)
        )
        training, payload, kind, follows = session.execute(
            select(Message.training, RenditionRow.payload, Message.kind, Message.correction_of)
            .join(RenditionRow, RenditionRow.message_id == Message.id)
            .where(
                Message.id == message_id,
                RenditionRow.medium == medium,
                RenditionRow.language == language,
            )
        ).one()
        original_refs: list[str] = []
        if follows:
            original_refs = [
                ref for ref in session.scalars(
                    select(Delivery.provider_ref).where(
                        Delivery.message_id == follows,
                        Delivery.medium == medium,
                        Delivery.provider_ref.is_not(None),
                        Delivery.state.in_([SENT, DeliveryState.DELIVERED.value]),
                    ).distinct()
                ) if ref
            ]
    job = BatchJob(
        message_id=message_id,
        medium=Medium(medium),
        idempotency_key=key,
        attempt=attempts + 1,
        training=bool(training),
        payload=payload or {},
        targets=tuple(Target(d_id, target) for d_id, target in targets),
        kind=kind or "alert",
        original_refs=tuple(sorted(original_refs)),
        language=language,
    )
    return ClaimedBatch(batch_id, job)


def backoff_seconds(attempt: int, policy: RetryPolicy, jitter: float) -> float:
    """Exponential backoff with "equal jitter": half fixed, half random (jitter in [0, 1))."""
    cap = min(policy.max_seconds, policy.base_seconds * 2 ** max(0, attempt - 1))
    return cap / 2 + cap / 2 * jitter


def record(
    session_factory: sessionmaker[Session],
    claimed: ClaimedBatch,
    result: BatchResult,
    policy: RetryPolicy,
    jitter: float,
) -> Recorded:
    """Store one batch's outcome per recipient and schedule what must be retried."""
    now = utcnow()
    job = claimed.job
    by_outcome: dict[Outcome, list[int]] = {o: [] for o in Outcome}
    errors: dict[int, str] = {}
    refs: dict[int, str] = {}
    reported = set()
    for item in result.results:
        by_outcome[item.outcome].append(item.delivery_id)
        reported.add(item.delivery_id)
        if item.error:
            errors[item.delivery_id] = item.error
        if item.provider_ref:
            refs[item.delivery_id] = item.provider_ref
    # A driver that forgot a recipient must not lose it: treat it as a temporary failure.
    for target in job.targets:
        if target.delivery_id not in reported:
            by_outcome[Outcome.TEMPORARY].append(target.delivery_id)
            errors[target.delivery_id] = "配信結果が返りませんでした"

    if result.awaiting_operator:
        return _await_operator(session_factory, claimed, result, now)
    out_of_attempts = job.attempt >= policy.max_attempts
    retry_ids = by_outcome[Outcome.TEMPORARY]
    failed_ids = list(by_outcome[Outcome.PERMANENT])
    if out_of_attempts or result.medium_error:
        failed_ids += retry_ids
        for delivery_id in retry_ids:
            reason = errors.get(delivery_id, "一時的な失敗")
            errors[delivery_id] = (
                result.medium_error
                if result.medium_error
                else f"再試行の上限（{policy.max_attempts}回）に達しました: {reason}"
            )
        retry_ids = []

    with session_factory.begin() as session:
        live = Delivery.state.in_([SENDING, QUEUED])
        # One UPDATE per provider reference (an SMTP transaction or a LINE request shares one).
        sent_by_ref: dict[str | None, list[int]] = {}
        for delivery_id in by_outcome[Outcome.SENT]:
            sent_by_ref.setdefault(refs.get(delivery_id), []).append(delivery_id)
        for ref, ids in sent_by_ref.items():
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), live)
                .values(state=SENT, last_error=None, provider_ref=ref, updated_at=now)
            )
        if failed_ids:
            session.execute(
                update(Delivery),
                [{"id": i, "state": FAILED, "last_error": errors.get(i), "updated_at": now}
                 for i in failed_ids],
            )
        if retry_ids:
            session.execute(
                update(Delivery),
                [{"id": i, "state": QUEUED, "last_error": errors.get(i), "updated_at": now}
                 for i in retry_ids],
            )
        delay = backoff_seconds(job.attempt, policy, jitter)
        if result.retry_after is not None:
            delay = max(delay, result.retry_after)
        batch_error = result.medium_error or next(iter(errors.values()), None)
        session.execute(
            update(DeliveryBatch)
            .where(DeliveryBatch.id == claimed.batch_id)
            .values(
                state=QUEUED if retry_ids else BATCH_DONE,
                next_attempt_at=now + dt.timedelta(seconds=delay) if retry_ids else now,
                lease_until=None,
                claimed_by=None,
                last_error=batch_error,
            )
        )
        if result.medium_error:
            _fail_remaining(session, job.message_id, job.medium.value, result.medium_error, now)
        announce(session, job.message_id)
    return Recorded(job.message_id, job.medium.value, not retry_ids, result.medium_error)


def _await_operator(
    session_factory: sessionmaker[Session], claimed: ClaimedBatch, result: BatchResult,
    now: dt.datetime,
) -> Recorded:
    job = claimed.job
    reason = next((r.error for r in result.results if r.error), "担当者の入力待ち")
    ref = next((r.provider_ref for r in result.results if r.provider_ref), None)
    with session_factory.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.batch_id == claimed.batch_id, Delivery.state == SENDING)
            .values(state=QUEUED, last_error=reason, provider_ref=ref, updated_at=now)
        )
        session.execute(
            update(DeliveryBatch).where(DeliveryBatch.id == claimed.batch_id).values(
                state=AWAITING_OPERATOR, lease_until=None, claimed_by=None, last_error=reason
            )
        )
        announce(session, job.message_id)
    return Recorded(job.message_id, job.medium.value, True, None)


def _fail_remaining(
    session: Session, message_id: str, medium: str, reason: str, now: dt.datetime
) -> None:
    """A refused token fails every batch of that medium at once: the operator fixes and retries."""
    queued = select(DeliveryBatch.id).where(
        DeliveryBatch.message_id == message_id,
        DeliveryBatch.medium == medium,
        DeliveryBatch.state == QUEUED,
    )
    session.execute(
        update(Delivery)
        .where(Delivery.batch_id.in_(queued), Delivery.state == QUEUED)
        .values(state=FAILED, last_error=reason, updated_at=now)
    )
    session.execute(
        update(DeliveryBatch)
        .where(DeliveryBatch.id.in_(queued))
        .values(state=BATCH_DONE, last_error=reason)
    )


def recover(
    session_factory: sessionmaker[Session],
    dead_workers: Iterable[str],
    deduplicating_media: Iterable[str],
) -> int:
    """Put batches whose worker died (or whose lease ran out) back in the queue.

    Deliveries that were in flight on a medium without deduplication may reach their
    recipient twice; they are flagged so the status counts them as possible duplicates.
    """
    now = utcnow()
    dead = list(dead_workers)
    dedup = list(deduplicating_media)
    with session_factory.begin() as session:
        stale = (
            select(DeliveryBatch.id)
            .where(DeliveryBatch.state == SENDING)
            .where((DeliveryBatch.lease_until < now) | DeliveryBatch.claimed_by.in_(dead))
        )
        stale_ids = list(session.scalars(stale.with_for_update(skip_locked=True)))
        if not stale_ids:
            return 0
        session.execute(
            update(Delivery)
            .where(Delivery.batch_id.in_(stale_ids), Delivery.state == SENDING)
            .values(
                state=QUEUED,
                possible_duplicate=case(
                    (Delivery.medium.in_(dedup), Delivery.possible_duplicate), else_=True
                ),
                updated_at=now,
            )
        )
        session.execute(
            update(DeliveryBatch)
            .where(DeliveryBatch.id.in_(stale_ids))
            .values(state=QUEUED, claimed_by=None, lease_until=None, next_attempt_at=now)
        )
    return len(stale_ids)


def sending_workers(session_factory: sessionmaker[Session]) -> list[str]:
    with session_factory() as session:
        return list(
            session.scalars(
                select(DeliveryBatch.claimed_by)
                .where(DeliveryBatch.state == SENDING, DeliveryBatch.claimed_by.is_not(None))
                .distinct()
            )
        )


def counts(session_factory: sessionmaker[Session], message_id: str) -> dict[str, MediumCounts]:
    with session_factory() as session:
        rows = session.execute(
            select(
                Delivery.medium,
                Delivery.state,
                func.count(),
                func.sum(case((Delivery.possible_duplicate.is_(True), 1), else_=0)),
            )
            .where(Delivery.message_id == message_id)
            .group_by(Delivery.medium, Delivery.state)
        ).all()
        media = session.scalar(select(Message.media).where(Message.id == message_id)) or []
    acc: dict[str, dict[str, int]] = {m: {} for m in media}
    for medium, state, n, dups in rows:
        c = acc.setdefault(medium, {})
        c[state] = c.get(state, 0) + n
        if state in (SENT, DeliveryState.DELIVERED.value):
            c["duplicates"] = c.get("duplicates", 0) + int(dups or 0)
    return {
        medium: MediumCounts(
            total=sum(v for k, v in c.items() if k != "duplicates"),
            sent=c.get(SENT, 0) + c.get(DeliveryState.DELIVERED.value, 0),
            failed=c.get(FAILED, 0),
            pending=c.get(QUEUED, 0) + c.get(SENDING, 0),
            cancelled=c.get(CANCELLED, 0),
            duplicates=c.get("duplicates", 0),
        )
        for medium, c in acc.items()
    }


def work_left(session_factory: sessionmaker[Session], message_id: str | None = None) -> bool:
    with session_factory() as session:
        query = select(func.count()).select_from(DeliveryBatch).where(
            DeliveryBatch.state.in_([QUEUED, SENDING])
        )
        if message_id:
            query = query.where(DeliveryBatch.message_id == message_id)
        return bool(session.scalar(query))


def next_due(session_factory: sessionmaker[Session], media: Iterable[str]) -> dt.datetime | None:
    with session_factory() as session:
        value = session.scalar(
            select(func.min(DeliveryBatch.next_attempt_at)).where(
                DeliveryBatch.state == QUEUED, DeliveryBatch.medium.in_(list(media))
            )
        )
    if value is not None and value.tzinfo is None:  # SQLite gives naive UTC back
        value = value.replace(tzinfo=dt.UTC)
    return value


def release(session_factory: sessionmaker[Session], message_id: str, approval: str,
            by: str, note: str = "") -> int:
    """Approval (or an emergency override): held batches join the queue now."""
    now = utcnow()
    with session_factory.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None or message.approval != "pending":
            return 0
        message.approval, message.approval_by, message.approval_note = approval, by, note
        n = session.execute(
            update(DeliveryBatch)
            .where(DeliveryBatch.message_id == message_id, DeliveryBatch.state == HELD)
            .values(state=QUEUED, next_attempt_at=now)
        ).rowcount
        announce(session, message_id)
    return int(n or 0)


def reject(session_factory: sessionmaker[Session], message_id: str, by: str, note: str) -> int:
    """A refused approval: nothing of it is ever sent."""
    now = utcnow()
    with session_factory.begin() as session:
        message = session.get(Message, message_id, with_for_update=True)
        if message is None or message.approval != "pending":
            return 0
        message.approval, message.approval_by, message.approval_note = "rejected", by, note
        held = select(DeliveryBatch.id).where(
            DeliveryBatch.message_id == message_id, DeliveryBatch.state == HELD
        )
        n = session.execute(
            update(Delivery)
            .where(Delivery.batch_id.in_(held), Delivery.state == QUEUED)
            .values(state=CANCELLED, last_error=f"承認されませんでした: {note}", updated_at=now)
        ).rowcount
        session.execute(
            update(DeliveryBatch).where(DeliveryBatch.id.in_(held)).values(state=BATCH_DONE)
        )
        announce(session, message_id)
    return int(n or 0)


def halt(session_factory: sessionmaker[Session], message_id: str) -> int:
    """Stop a running send: everything still queued is cancelled; what is in flight finishes."""
    now = utcnow()
    with session_factory.begin() as session:
        session.execute(update(Message).where(Message.id == message_id).values(halted_at=now))
        queued = select(DeliveryBatch.id).where(
            DeliveryBatch.message_id == message_id, DeliveryBatch.state.in_([QUEUED, HELD])
        )
        cancelled = session.execute(
            update(Delivery)
            .where(Delivery.message_id == message_id, Delivery.state == QUEUED)
            .values(state=CANCELLED, last_error="配信中止", updated_at=now)
        ).rowcount
        session.execute(
            update(DeliveryBatch).where(DeliveryBatch.id.in_(queued)).values(state=BATCH_DONE)
        )
        announce(session, message_id)
    return int(cancelled or 0)


def retry_failed(
    session_factory: sessionmaker[Session], message_id: str, medium: str | None = None
) -> int:
    """The operator's retry: failed deliveries go back in the queue with fresh attempts."""
    now = utcnow()
    with session_factory.begin() as session:
        condition = [Delivery.message_id == message_id, Delivery.state == FAILED]
        if medium:
            condition.append(Delivery.medium == medium)
        batch_ids = list(session.scalars(select(Delivery.batch_id).where(*condition).distinct()))
        n = session.execute(
            update(Delivery).where(*condition).values(state=QUEUED, attempts=0, updated_at=now)
        ).rowcount
        if batch_ids:
            session.execute(
                update(DeliveryBatch)
                .where(DeliveryBatch.id.in_(batch_ids))
                .values(state=QUEUED, attempts=0, next_attempt_at=now, last_error=None)
            )
    return int(n or 0)


def message_exists(session_factory: sessionmaker[Session], message_id: str) -> bool:
    with session_factory() as session:
        return session.get(Message, message_id) is not None


def failures(
    session_factory: sessionmaker[Session], message_id: str, limit: int = 50
) -> list[tuple[str, str, str]]:
    """(medium, target, reason) of failed deliveries, for the status report."""
    with session_factory() as session:
        return [
            (m, t, e or "")
            for m, t, e in session.execute(
                select(Delivery.medium, Delivery.target, Delivery.last_error)
                .where(Delivery.message_id == message_id, Delivery.state == FAILED)
                .order_by(Delivery.id)
                .limit(limit)
            )
        ]
