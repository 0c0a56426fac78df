"""The outbox side of 「詳細はこちら」 (see app.compose.links): is the website post up, and the
one settled rendition every batch of a length-limited medium then sends.

Synchronous, one short transaction each; the engine calls them through its database thread.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.compose import links
from app.compose.website import parse_website_ref
from app.db.models import Delivery, DeliveryBatch, RenditionRow
from app.domain import DeliveryState, Medium

_DONE_OK = (DeliveryState.SENT.value, DeliveryState.DELIVERED.value)
_PENDING = (DeliveryState.QUEUED.value, DeliveryState.SENDING.value)


def website_link(
    session_factory: sessionmaker[Session], message_id: str
) -> tuple[str | None, bool]:
    """(the post's permalink once it is up, whether waiting longer can still bring one).

    No website delivery at all, or every one failed or cancelled: nothing will come."""
    with session_factory() as session:
        rows = session.execute(
            select(Delivery.state, Delivery.provider_ref).where(
                Delivery.message_id == message_id, Delivery.medium == Medium.WEBSITE.value
            )
        ).all()
    for state, ref in rows:
        if state in _DONE_OK and ref:
            try:
                link = parse_website_ref(ref)[1]
            except ValueError:
                continue
            if link:
                return link, False
    return None, any(state in _PENDING for state, _ in rows)


def settle(
    session_factory: sessionmaker[Session], batch_id: int, medium: Medium, link: str | None
) -> dict[str, Any]:
    """Settle this batch's rendition once (the first batch decides, later ones read it) and
    return it: the ledger keeps the text that was actually sent."""
    with session_factory.begin() as session:
        batch = session.get(DeliveryBatch, batch_id)
        if batch is None:
            raise LookupError(f"batch {batch_id} is gone")
        row = session.scalars(
            select(RenditionRow).where(
                RenditionRow.message_id == batch.message_id,
                RenditionRow.medium == medium.value,
                RenditionRow.language == batch.language,
            ).with_for_update()
        ).one()
        payload = dict(row.payload or {})
        if links.awaits_link(payload):
            payload = links.settle(medium, payload, link)
            row.payload = payload
        return payload
