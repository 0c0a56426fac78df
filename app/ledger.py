"""The ledger (配信台帳): past messages, what each medium carried, and every delivery.

Reads only, each in one short query, written for pages: a history of thousands of messages
and a message of 100,000 deliveries are read a screenful at a time, never all at once.
Counting reuses ``outbox.counts`` so that the ledger and the live monitor never disagree.
"""

from __future__ import annotations

import datetime as dt
import enum
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import Session, lazyload, sessionmaker

from app.db.models import Delivery, Message, RenditionRow
from app.dispatch import outbox
from app.domain import DeliveryState
from app.events import MediumCounts


@dataclass(frozen=True)
class MessageSummary:
    id: str
    created_at: dt.datetime
    title: str
    body: str
    category: str
    urgency: str
    training: bool
    media: tuple[str, ...]
    languages: tuple[str, ...]
    areas: tuple[str, ...]
    created_by: str
    console: str
    halted: bool
    correction_of: str | None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)  # SQLite: naive


def _summary(m: Message) -> MessageSummary:
    return MessageSummary(
        id=m.id, created_at=_aware(m.created_at), title=m.title, body=m.body,
        category=m.category,
        urgency=m.urgency, training=m.training, media=tuple(m.media or ()),
        languages=tuple(m.languages or ()), areas=tuple(m.areas or ()),
        created_by=m.created_by, console=m.console, halted=m.halted_at is not None,
        correction_of=m.correction_of,
    )


def messages(
    sessions: sessionmaker[Session],
    *,
    limit: int = 100,
    before: tuple[dt.datetime, str] | None = None,
) -> list[MessageSummary]:
    """Newest first; ``before`` is the (created_at, id) of the last row already shown."""
    query = (
        select(Message)
        .options(lazyload(Message.renditions))  # a list needs no payloads
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(tuple_(Message.created_at, Message.id) < before)
    with sessions() as session:
        rows = session.scalars(query).all()
        return [_summary(m) for m in rows]


def message(sessions: sessionmaker[Session], message_id: str) -> MessageSummary | None:
    with sessions() as session:
        m = session.get(Message, message_id)
        return None if m is None else _summary(m)


def counts_for(
    sessions: sessionmaker[Session], message_ids: Sequence[str]
) -> dict[str, dict[str, MediumCounts]]:
    return {message_id: outbox.counts(sessions, message_id) for message_id in message_ids}


@dataclass(frozen=True)
class StoredRendition:
    medium: str
    language: str
    payload: dict[str, object]
    findings: list[dict[str, str]]


def renditions(sessions: sessionmaker[Session], message_id: str) -> list[StoredRendition]:
    """What each medium carried in each language, as stored when the message was sent."""
    with sessions() as session:
        rows = session.scalars(
            select(RenditionRow).where(RenditionRow.message_id == message_id)
            .order_by(RenditionRow.id)
        ).all()
        return [StoredRendition(r.medium, r.language, dict(r.payload or {}),
                                list(r.findings or [])) for r in rows]


class StateFilter(enum.StrEnum):
    ALL = "all"
    FAILED = "failed"
    PENDING = "pending"
    SENT = "sent"
    CANCELLED = "cancelled"

    @property
    def states(self) -> tuple[str, ...]:
        return {
            "all": (),
            "failed": (DeliveryState.FAILED.value,),
            "pending": (DeliveryState.QUEUED.value, DeliveryState.SENDING.value),
            "sent": (DeliveryState.SENT.value, DeliveryState.DELIVERED.value),
            "cancelled": (DeliveryState.CANCELLED.value,),
        }[self.value]


@dataclass(frozen=True)
class DeliveryQuery:
    message_id: str
    medium: str | None = None
    state: StateFilter = StateFilter.ALL


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    medium: str
    target: str
    state: str
    attempts: int
    possible_duplicate: bool
    provider_ref: str
    last_error: str
    updated_at: dt.datetime


def _where(query: DeliveryQuery, statement: Select) -> Select:  # type: ignore[type-arg]
    statement = statement.where(Delivery.message_id == query.message_id)
    if query.medium:
        statement = statement.where(Delivery.medium == query.medium)
    if query.state.states:
        statement = statement.where(Delivery.state.in_(query.state.states))
    return statement


def delivery_ids(sessions: sessionmaker[Session], query: DeliveryQuery) -> array[int]:
    """Every matching delivery id in display order (medium, then queue order).

    Read once per view (100,000 ids are 0.8 MB in an array); pages are then fetched by id,
    which costs the same on the last page as on the first, unlike OFFSET.
    """
    statement = _where(query, select(Delivery.id)).order_by(Delivery.medium, Delivery.id)
    with sessions() as session:
        return array("q", session.scalars(statement))


def deliveries(sessions: sessionmaker[Session], ids: Sequence[int]) -> list[DeliveryRow]:
    """The rows of these ids, in the order given (ids that vanished are skipped)."""
    if not ids:
        return []
    statement = select(
        Delivery.id, Delivery.medium, Delivery.target, Delivery.state, Delivery.attempts,
        Delivery.possible_duplicate, Delivery.provider_ref, Delivery.last_error,
        Delivery.updated_at,
    ).where(Delivery.id.in_(list(ids)))
    with sessions() as session:
        found = {
            i: DeliveryRow(i, m, t, s, a, bool(d), p or "", e or "", _aware(u))
            for i, m, t, s, a, d, p, e, u in session.execute(statement)
        }
    return [found[i] for i in ids if i in found]
