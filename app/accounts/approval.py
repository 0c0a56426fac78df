"""Approval that scales with severity: the first matching rule of the policy decides.

``hold``: the sender alone, with a deliberate hold-to-send in the console.
``second``: a second operator (承認者 or 管理者, not the sender) approves on their own console;
until then the send is written to the outbox but its batches are held.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.models import ApprovalRule
from app.domain import Draft

HOLD = "hold"
SECOND = "second"


@dataclass(frozen=True)
class Rule:
    name: str
    requirement: str
    urgencies: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    all_residents: bool | None = None

    def matches(self, draft: Draft) -> bool:
        if self.urgencies and draft.urgency.value not in self.urgencies:
            return False
        if self.categories and draft.category not in self.categories:
            return False
        return self.all_residents is None or self.all_residents == (not draft.areas)


# The policy until an administrator edits it: life-safety and town-wide sends need a second
# pair of eyes; routine notices to part of the town go with a hold-to-send.
DEFAULT_POLICY = (
    Rule("緊急（避難指示など）", SECOND, urgencies=("emergency",)),
    Rule("全住民あて", SECOND, all_residents=True),
    Rule("通常のお知らせ", HOLD),
)


def load_policy(session: Session) -> tuple[Rule, ...]:
    rows = session.scalars(select(ApprovalRule).order_by(ApprovalRule.position)).all()
    if not rows:
        return DEFAULT_POLICY
    return tuple(
        Rule(r.name, r.requirement, tuple(r.urgencies), tuple(r.categories), r.all_residents)
        for r in rows
    )


def save_policy(session: Session, rules: list[Rule]) -> None:
    for rule in rules:
        if rule.requirement not in (HOLD, SECOND):
            raise ValueError(f"承認の要件「{rule.requirement}」はありません（hold・second）")
    if not rules or any(r.urgencies or r.categories or r.all_residents is not None
                        for r in rules[-1:]):
        # Without a catch-all the policy would have no answer for some sends.
        raise ValueError("最後の規則は、すべての配信に当てはまるものにしてください")
    session.execute(delete(ApprovalRule))
    for position, rule in enumerate(rules):
        session.add(ApprovalRule(position=position, name=rule.name, requirement=rule.requirement,
                                 urgencies=list(rule.urgencies), categories=list(rule.categories),
                                 all_residents=rule.all_residents))


def requirement_for(session: Session, draft: Draft) -> Rule:
    for rule in load_policy(session):
        if rule.matches(draft):
            return rule
    return Rule("既定", SECOND)  # an edited policy always ends in a catch-all; be safe anyway


# -- the approval queue, as every console's panel shows it ------------------------------------


@dataclass(frozen=True)
class PendingRequest:
    """A send waiting for a second operator: what it says, where it goes, who asked."""

    message_id: str
    title: str
    body: str
    urgency: str
    category: str
    areas: tuple[str, ...]
    media: tuple[str, ...]
    audience: dict[str, int]  # deliveries per medium that the approval would release
    training: bool
    created_by: str
    department: str
    console: str
    created_at: str  # ISO 8601, UTC
    # An automatic send of a ``mode = "confirm"`` trigger rule waits in the same queue: its
    # decision id (app.triggers) and why the rule fired; ``message_id`` is then "trigger-<id>".
    trigger_decision: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    message_id: str
    title: str
    state: str  # none | pending | approved | rejected | overridden
    by: str
    note: str


def pending_requests(session: Session) -> list[PendingRequest]:
    """Every held send, oldest first, with its audience per medium (one grouped query)."""
    from sqlalchemy import func

    from app.db.models import Delivery, Message

    messages = session.scalars(
        select(Message).where(Message.approval == "pending").order_by(Message.created_at)
    ).all()
    if not messages:
        return []
    audience: dict[str, dict[str, int]] = {}
    for message_id, medium, n in session.execute(
        select(Delivery.message_id, Delivery.medium, func.count())
        .where(Delivery.message_id.in_([m.id for m in messages]))
        .group_by(Delivery.message_id, Delivery.medium)
    ):
        audience.setdefault(message_id, {})[medium] = int(n)
    return [
        PendingRequest(
            message_id=m.id, title=m.title, body=m.body, urgency=m.urgency,
            category=m.category, areas=tuple(m.areas or ()), media=tuple(m.media or ()),
            audience=audience.get(m.id, {}), training=m.training, created_by=m.created_by,
            department=m.department, console=m.console,
            created_at=m.created_at.isoformat(),
        )
        for m in messages
    ]


def decisions(session: Session, message_ids: list[str]) -> list[Decision]:
    """The approval state of these messages (the sender's console watches its own)."""
    from app.db.models import Message

    if not message_ids:
        return []
    rows = session.scalars(select(Message).where(Message.id.in_(message_ids))).all()
    return [Decision(m.id, m.title, m.approval, m.approval_by, m.approval_note) for m in rows]
