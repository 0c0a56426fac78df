"""Who receives a message on each medium, as SQL the database runs itself.

A resident subscribed to no category receives every category. An emergency (緊急) reaches
everyone with a contact point in the chosen areas, whatever they subscribed to: a
life-safety message must not be filtered by a preference set for newsletters. Two residents
sharing one address (a family) get one delivery.

The same query counts the audience for the composer and fills the outbox on send
(INSERT … SELECT), so 100,000 recipients never travel through Python.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, func, not_, or_, select
from sqlalchemy.orm import Session

from app.db.models import Recipient, RecipientCategory
from app.domain import Draft, Medium, Urgency

BROADCAST = "broadcast"  # LINE: every friend of the official account
PUBLIC = "public"  # a public post (website, X …): one delivery, no recipients

CONTACT_COLUMN = {
    Medium.EMAIL: Recipient.email,
    Medium.LINE: Recipient.line_user_id,
    Medium.SMS: Recipient.sms,
}


def single_target(medium: Medium, *, line_broadcast: bool) -> str | None:
    """The one target of a medium that has no per-recipient deliveries, else None."""
    if medium is Medium.LINE and line_broadcast:
        return BROADCAST
    if medium not in CONTACT_COLUMN:
        return PUBLIC
    return None


def _conditions(draft: Draft, column: ColumnElement[str | None]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Recipient.active.is_(True), column.is_not(None), column != ""
    ]
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
    return conditions


def audience_select(draft: Draft, medium: Medium) -> Select[tuple[int, str, int]]:
    """(recipient id, target, position from 0) per distinct target, in recipient order."""
    column = CONTACT_COLUMN[medium]
    key = func.lower(column) if medium is Medium.EMAIL else column
    first_id = func.min(Recipient.id)
    return (
        select(
            first_id.label("recipient_id"),
            func.min(column).label("target"),
            (func.row_number().over(order_by=first_id) - 1).label("position"),
        )
        .where(*_conditions(draft, column))
        .group_by(key)
    )


def audience_count(
    session: Session, draft: Draft, medium: Medium, *, line_broadcast: bool = False
) -> int:
    if single_target(medium, line_broadcast=line_broadcast) is not None:
        return 1
    column = CONTACT_COLUMN[medium]
    key = func.lower(column) if medium is Medium.EMAIL else column
    query = select(func.count(func.distinct(key))).where(*_conditions(draft, column))
    return int(session.scalar(query) or 0)


def audience_targets(
    session: Session, draft: Draft, medium: Medium, *, line_broadcast: bool = False
) -> list[str]:
    """The targets themselves, for a preview list or a test."""
    target = single_target(medium, line_broadcast=line_broadcast)
    if target is not None:
        return [target]
    sub = audience_select(draft, medium).subquery()
    return list(session.scalars(select(sub.c.target).order_by(sub.c.position)))
