"""Who receives a message on each medium, as SQL the database runs itself.

A resident subscribed to no category receives every category. An emergency (緊急) reaches
everyone with a contact point in the chosen areas, whatever they subscribed to: a
life-safety message must not be filtered by a preference set for newsletters. Two residents
sharing one address (a family) get one delivery.

The same query counts the audience for the composer and fills the outbox on send
(INSERT … SELECT), so 100,000 recipients never travel through Python.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased

from app.db.models import Recipient, RecipientCategory
from app.domain import Draft, Medium, Urgency

BROADCAST = "broadcast"  # LINE: every friend of the official account
PUBLIC = "public"  # a public post (website, X …): one delivery, no recipients

CONTACT_COLUMN = {
    Medium.EMAIL: Recipient.email,
    Medium.LINE: Recipient.line_user_id,
    Medium.SMS: Recipient.sms,
    Medium.PHONE: Recipient.phone,  # only residents flagged for calls (要配慮者): see below
    Medium.FAX: Recipient.fax,
}


# A medium without recipients whose public delivery is split per configured service, so
# the ledger shows (and a retry repeats) each one alone — Apprise: one per URL, "apprise:0" …
# Set by the medium's driver when it is built (drivers/apprise_bridge.py).
FIXED_TARGETS: dict[Medium, tuple[str, ...]] = {}


def fixed_targets(medium: Medium, single: str) -> tuple[str, ...]:
    """The deliveries of a medium without recipients: its services, or the one ``single``."""
    return FIXED_TARGETS.get(medium) or (single,)


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
    if column is Recipient.phone:  # the automatic call goes to 要配慮者 only, not to everyone
        conditions.append(Recipient.needs_phone_call.is_(True))
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


def delivery_languages(draft: Draft) -> tuple[str, tuple[str, ...]]:
    """(the fallback language, every language a send of ``draft`` delivers in).

    A send is refused unless every language of the draft has a reviewed rendition, so each
    of them can be delivered. Japanese is the fallback: a resident whose language the message
    does not carry reads the Japanese text (or the first language, for a draft without one).
    """
    languages = tuple(dict.fromkeys(draft.languages)) or ("ja",)
    fallback = "ja" if "ja" in languages else languages[0]
    return fallback, languages


def resident_language(
    language: ColumnElement[str], languages: Sequence[str], fallback: str
) -> ColumnElement[str]:
    """The language a resident receives: their own when the message carries it, else the
    fallback. As SQL, so that it runs inside INSERT … SELECT."""
    others = [code for code in languages if code != fallback]
    if not others:
        return literal(fallback, String)
    return case((language.in_(others), language), else_=literal(fallback, String))


def audience_select(
    draft: Draft, medium: Medium, languages: Sequence[str] = (), fallback: str = "ja"
) -> Select[tuple[int, str, int, str]]:
    """(recipient id, target, position, language) per distinct target.

    ``language`` is the one the target receives (see ``resident_language``; an address
    shared by a family takes the language of its first-registered resident); ``position``
    counts from 0 within that language, in recipient order, so that each batch holds one
    language.
    """
    column = CONTACT_COLUMN[medium]
    key = func.lower(column) if medium is Medium.EMAIL else column
    first_id = func.min(Recipient.id)
    if not [code for code in languages if code != fallback]:  # one language: no join needed
        return (
            select(
                first_id.label("recipient_id"),
                func.min(column).label("target"),
                (func.row_number().over(order_by=first_id) - 1).label("position"),
                literal(fallback, String).label("language"),
            )
            .where(*_conditions(draft, column))
            .group_by(key)
        )
    grouped = (
        select(first_id.label("recipient_id"), func.min(column).label("target"))
        .where(*_conditions(draft, column))
        .group_by(key)
        .subquery()
    )
    first = aliased(Recipient)
    language = resident_language(first.language, languages, fallback)
    return (
        select(
            grouped.c.recipient_id,
            grouped.c.target,
            (func.row_number().over(partition_by=language, order_by=grouped.c.recipient_id)
             - 1).label("position"),
            language.label("language"),
        )
        .join(first, first.id == grouped.c.recipient_id)
    )


def audience_count(
    session: Session, draft: Draft, medium: Medium, *, line_broadcast: bool = False
) -> int:
    single = single_target(medium, line_broadcast=line_broadcast)
    if single is not None:
        return len(fixed_targets(medium, single))
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
        return list(fixed_targets(medium, target))
    sub = audience_select(draft, medium).subquery()
    return list(session.scalars(select(sub.c.target).order_by(sub.c.position)))


def audience_languages(session: Session, draft: Draft, medium: Medium) -> dict[str, int]:
    """Distinct targets per *registered* language (a shared address counts once, in the
    language of its first-registered resident, as ``audience_select`` delivers it).

    ``split_languages`` turns this into what each language receives; the sum is
    ``audience_count``. Only for media that deliver per resident (``CONTACT_COLUMN``).
    """
    column = CONTACT_COLUMN[medium]
    key = func.lower(column) if medium is Medium.EMAIL else column
    grouped = (
        select(func.min(Recipient.id).label("recipient_id"))
        .where(*_conditions(draft, column))
        .group_by(key)
        .subquery()
    )
    first = aliased(Recipient)
    rows = session.execute(
        select(first.language, func.count())
        .select_from(grouped)
        .join(first, first.id == grouped.c.recipient_id)
        .group_by(first.language)
    )
    counts: dict[str, int] = {}
    for language, n in rows:
        code = str(language or "ja")
        counts[code] = counts.get(code, 0) + int(n)
    return counts


def split_languages(
    draft: Draft, registered: dict[str, int]
) -> tuple[dict[str, int], dict[str, int]]:
    """(targets per language they receive, in the draft's order; targets per registered
    language the message does not carry, who receive the fallback — Japanese — instead)."""
    fallback, languages = delivery_languages(draft)
    received = dict.fromkeys(languages, 0)
    unserved: dict[str, int] = {}
    for code, n in sorted(registered.items(), key=lambda item: (-item[1], item[0])):
        if code in received:
            received[code] += n
        else:
            received[fallback] += n
            unserved[code] = unserved.get(code, 0) + n
    return received, unserved
