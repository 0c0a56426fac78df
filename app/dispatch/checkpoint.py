"""Progress a driver makes inside one batch, saved as it goes (see ``BatchJob.checkpoint``).

An X thread is several requests; if the worker is killed between two of them, the posts
already made must not be made again. The driver reports its progress (the ids posted so far)
after each step and it is written at once to the delivery's ``provider_ref`` — no new table:
the finished send overwrites it with the final reference, a retry reads it back.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Delivery, utcnow
from app.domain import DeliveryState


def saved(session_factory: sessionmaker[Session], delivery_id: int) -> str | None:
    with session_factory() as session:
        return session.scalar(select(Delivery.provider_ref).where(Delivery.id == delivery_id))


def save(session_factory: sessionmaker[Session], delivery_id: int, ref: str) -> None:
    """Only while the delivery is in flight: a late call never rewrites a finished one."""
    with session_factory.begin() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.SENDING.value)
            .values(provider_ref=ref[:200], updated_at=utcnow())
        )
