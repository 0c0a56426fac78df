"""Approval that scales with severity: the first matching rule of the policy decides.

``hold``: the sender alone, with a deliberate hold-to-send in the console.
``second``: a second operator (承認者 or 管理者, not the sender) approves on their own console;
until then the send is written to the outbox but its batches are held.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.models import ApprovalRule
from app.domain import CATEGORIES, CATEGORY_ALIASES, URGENCY_ALIASES, Draft, Urgency

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


REQUIREMENT_LABELS = {SECOND: "承認者が必要", HOLD: "本人のみ（押し続けて送信）"}
REQUIREMENT_ALIASES = {**{k: k for k in REQUIREMENT_LABELS},
                       **{v: k for k, v in REQUIREMENT_LABELS.items()},
                       "承認者": SECOND, "本人のみ": HOLD}


def validate_policy(rules: list[Rule]) -> None:
    """Raise ValueError (Japanese, naming the rule) for a policy that cannot be saved."""
    for number, rule in enumerate(rules, 1):
        where = f"{number}番目の規則"
        if not rule.name.strip():
            raise ValueError(f"{where}に名前を付けてください")
        if rule.requirement not in (HOLD, SECOND):
            raise ValueError(f"{where}「{rule.name}」: 承認の要件「{rule.requirement}」は"
                             "ありません（second: 承認者が必要・hold: 本人のみ）")
        for urgency in rule.urgencies:
            if urgency not in {u.value for u in Urgency}:
                raise ValueError(f"{where}「{rule.name}」: 緊急度「{urgency}」はありません"
                                 "（緊急・重要・通常）")
        for category in rule.categories:
            if category not in CATEGORIES:
                raise ValueError(f"{where}「{rule.name}」: カテゴリ「{category}」はありません"
                                 f"（{'・'.join(CATEGORIES.values())}）")
    if not rules or any(r.urgencies or r.categories or r.all_residents is not None
                        for r in rules[-1:]):
        # Without a catch-all the policy would have no answer for some sends.
        raise ValueError("最後の規則は、すべての配信に当てはまるものにしてください")


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {"name": rule.name, "requirement": rule.requirement,
                            "urgencies": list(rule.urgencies),
                            "categories": list(rule.categories)}
    if rule.all_residents is not None:
        data["all_residents"] = rule.all_residents
    return data


def rule_from_dict(data: dict[str, Any], number: int = 1) -> Rule:
    """A rule from TOML/JSON; Japanese labels (緊急, 防災, 承認者が必要) are accepted."""
    where = f"{number}番目の規則"
    unknown = set(data) - {"name", "requirement", "urgencies", "categories", "all_residents"}
    if unknown:
        raise ValueError(f"{where}: 項目「{'、'.join(sorted(unknown))}」はありません"
                         "（name, requirement, urgencies, categories, all_residents）")
    requirement = str(data.get("requirement", ""))
    urgencies, categories = data.get("urgencies", []), data.get("categories", [])
    if not isinstance(urgencies, list) or not isinstance(categories, list):
        raise ValueError(f"{where}: urgencies と categories は配列で書いてください")
    everyone = data.get("all_residents")
    if everyone is not None and not isinstance(everyone, bool):
        raise ValueError(f"{where}: all_residents は true か false です（省略: どちらでも）")
    return Rule(
        name=str(data.get("name", "")),
        requirement=REQUIREMENT_ALIASES.get(requirement, requirement),
        urgencies=tuple(URGENCY_ALIASES[u].value if u in URGENCY_ALIASES else str(u)
                        for u in urgencies),
        categories=tuple(CATEGORY_ALIASES.get(str(c), str(c)) for c in categories),
        all_residents=everyone,
    )


def policy_from_toml(text: str) -> list[Rule]:
    """``[[rule]]`` tables, first match wins; raises ValueError with the line on bad TOML."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"TOMLとして読めません: {exc}") from exc
    rules = data.get("rule")
    if not isinstance(rules, list) or not rules:
        raise ValueError("規則がありません（[[rule]] を1つ以上書いてください）")
    unknown = set(data) - {"rule"}
    if unknown:
        raise ValueError(f"項目「{'、'.join(sorted(unknown))}」はありません（[[rule]] のみ）")
    policy = [rule_from_dict(r, n) for n, r in enumerate(rules, 1)]
    validate_policy(policy)
    return policy


def policy_from_file(path: Path) -> list[Rule]:
    """A policy file as ``issei policy set`` takes it (UTF-8, with or without a BOM)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may add a BOM
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path} は UTF-8 ではありません（UTF-8 で保存してください）"
                         ) from exc
    except OSError as exc:
        raise ValueError(f"{path} を読めません: {exc}") from exc
    return policy_from_toml(text)


def policy_to_toml(rules: tuple[Rule, ...] | list[Rule]) -> str:
    """The policy as ``issei policy set`` reads it back."""
    lines = ["# 承認ポリシー: 上から順に、最初に当てはまった規則で決まります",
             "# requirement: second = 承認者が必要 / hold = 本人のみ（押し続けて送信）",
             "# urgencies: emergency・important・normal（空: すべて）",
             f"# categories: {'・'.join(CATEGORIES)}（空: すべて）",
             "# all_residents: true = 全住民あて / false = 一部の地区あて（省略: どちらでも）",
             ""]
    for rule in rules:
        lines.append("[[rule]]")
        lines.append(f"name = {json.dumps(rule.name, ensure_ascii=False)}")
        lines.append(f"requirement = \"{rule.requirement}\"")
        lines.append(f"urgencies = {json.dumps(list(rule.urgencies))}")
        lines.append(f"categories = {json.dumps(list(rule.categories))}")
        if rule.all_residents is not None:
            lines.append(f"all_residents = {'true' if rule.all_residents else 'false'}")
        lines.append("")
    return "\n".join(lines)


def describe_rule(rule: Rule) -> str:
    """One line in Japanese: when the rule applies and what it asks."""
    when = []
    if rule.urgencies:
        when.append("緊急度 " + "・".join(Urgency(u).label for u in rule.urgencies))
    if rule.categories:
        when.append("カテゴリ " + "・".join(CATEGORIES.get(c, c) for c in rule.categories))
    if rule.all_residents is not None:
        when.append("全住民あて" if rule.all_residents else "一部の地区あて")
    condition = "、".join(when) if when else "すべての配信"
    return f"{rule.name}: {condition} → {REQUIREMENT_LABELS.get(rule.requirement, '?')}"


def save_policy(session: Session, rules: list[Rule]) -> None:
    validate_policy(rules)
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
