"""Delivery status after "sent": media that report later whether a message arrived (SMS).

A desktop console has no public URL for a provider's callback, so we poll: deliveries in state
``sent`` that carry a provider reference are asked about, and the answers move them to
``delivered`` or ``failed``. Drivers that can answer implement :class:`StatusPolling`; they
never touch the database — this module does. The engine runs a round every
``status_poll_seconds`` while it runs (not in a one-shot ``until_idle`` run).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Delivery, Message, utcnow
from app.domain import DeliveryState, Medium


@dataclass(frozen=True)
class StatusUpdate:
    state: DeliveryState  # SENT (still on its way), DELIVERED, FAILED or CANCELLED
    error: str | None = None


@runtime_checkable
class StatusPolling(Protocol):
    async def poll_status(self, refs: Sequence[str]) -> dict[str, StatusUpdate]: ...


def refs_to_poll(
    session_factory: sessionmaker[Session], medium: Medium, *, max_age_hours: float = 72.0,
    limit: int = 500, training: bool | None = None,
) -> list[str]:
    """Provider references of this medium's deliveries still in state ``sent``, sent within
    ``max_age_hours`` (older ones stay ``sent``: the provider no longer knows better).

    ``training``: only drill sends (True) or only real ones (False) — each is asked of its
    own driver."""
    return [ref for _, ref in refs_page(session_factory, medium, max_age_hours=max_age_hours,
                                        limit=limit, training=training)]


def refs_page(
    session_factory: sessionmaker[Session], medium: Medium, *, max_age_hours: float = 72.0,
    limit: int = 500, training: bool | None = None, after: int = 0,
) -> list[tuple[int, str]]:
    """One page of ``(cursor, reference)`` in delivery order, after the cursor ``after``:
    a caller that pages through them asks about every one in turn, however many are out,
    instead of the same first ``limit`` every round."""
    since = utcnow() - dt.timedelta(hours=max_age_hours)
    first = func.min(Delivery.id)
    query = (
        select(first, Delivery.provider_ref)
        .where(
            Delivery.medium == medium.value,
            Delivery.state == DeliveryState.SENT.value,
            Delivery.provider_ref.is_not(None),
            Delivery.updated_at >= since,
        )
        .group_by(Delivery.provider_ref)
        .having(first > after)
        .order_by(first)
        .limit(limit)
    )
    if training is not None:
        query = query.join(Message, Message.id == Delivery.message_id).where(
            Message.training.is_(training))
    with session_factory() as session:
        return [(int(cursor), ref) for cursor, ref in session.execute(query) if ref]


def apply_updates(
    session_factory: sessionmaker[Session], medium: Medium, updates: Mapping[str, StatusUpdate],
    changed_messages: set[str] | None = None,
) -> int:
    """Move deliveries by provider reference; only from ``sent``, so a late answer never
    overrides an operator's cancellation. Returns the number of deliveries changed (and adds
    the messages they belong to to ``changed_messages``)."""
    now = utcnow()
    changed = 0
    with session_factory.begin() as session:
        for ref, status in updates.items():
            if status.state is DeliveryState.SENT:
                continue
            if changed_messages is not None:
                changed_messages.update(session.scalars(
                    select(Delivery.message_id).where(
                        Delivery.medium == medium.value,
                        Delivery.provider_ref == ref,
                        Delivery.state == DeliveryState.SENT.value,
                    ).distinct()
                ))
            result = session.execute(
                update(Delivery)
                .where(
                    Delivery.medium == medium.value,
                    Delivery.provider_ref == ref,
                    Delivery.state == DeliveryState.SENT.value,
                )
                .values(state=status.state.value, last_error=status.error, updated_at=now)
            )
            changed += int(result.rowcount or 0)
    return changed


async def poll_once(
    session_factory: sessionmaker[Session], medium: Medium, driver: StatusPolling
) -> int:
    """One round for one medium (database work is quick; a caller on a UI loop may still
    prefer to run the two database steps in a thread)."""
    refs = refs_to_poll(session_factory, medium)
    if not refs:
        return 0
    updates = await driver.poll_status(refs)
    return apply_updates(session_factory, medium, updates)
