"""Who receives a message on each medium.

A resident subscribed to no category receives every category. An emergency (緊急) reaches
everyone with a contact point in the chosen areas, whatever they subscribed to: a
life-safety message must not be filtered by a preference set for newsletters.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, not_, or_, select
from sqlalchemy.orm import Session

from app.db.models import Recipient, RecipientCategory
from app.domain import Draft, Medium, Urgency

BROADCAST = "broadcast"

CONTACT_COLUMN = {
    Medium.EMAIL: Recipient.email,
    Medium.LINE: Recipient.line_user_id,
    Medium.SMS: Recipient.sms,
}


@dataclass(frozen=True)
class AudienceMember:
    recipient_id: int | None
    target: str


def audience_for(
    session: Session, draft: Draft, medium: Medium, *, line_broadcast: bool = False
) -> list[AudienceMember]:
    if medium is Medium.LINE and line_broadcast:
        return [AudienceMember(None, BROADCAST)]
    column = CONTACT_COLUMN.get(medium)
    if column is None:  # a public post (website, X, …): one delivery, no recipients
        return [AudienceMember(None, "public")]
    conditions = [Recipient.active.is_(True), column.is_not(None), column != ""]
    if draft.areas:
        conditions.append(Recipient.area.in_(draft.areas))
    if draft.urgency is not Urgency.EMERGENCY:
        subscribed = exists().where(
            and_(
                RecipientCategory.recipient_id == Recipient.id,
                RecipientCategory.category == draft.category,
            )
        )
        any_subscription = exists().where(RecipientCategory.recipient_id == Recipient.id)
        conditions.append(or_(not_(any_subscription), subscribed))
    rows = session.execute(
        select(Recipient.id, column).where(*conditions).order_by(Recipient.id)
    ).all()
    seen: set[str] = set()
    members: list[AudienceMember] = []
    for recipient_id, target in rows:
        key = target.lower() if medium is Medium.EMAIL else target
        if key in seen:  # one family, one address: one delivery
            continue
        seen.add(key)
        members.append(AudienceMember(recipient_id, target))
    return members


def audience_counts(
    session: Session, draft: Draft, *, line_broadcast: bool = False
) -> dict[Medium, int]:
    return {
        m: len(audience_for(session, draft, m, line_broadcast=line_broadcast))
        for m in draft.media
    }
