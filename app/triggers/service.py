"""The trigger subsystem as the console and the CLI use it, wired to the real ``Issei``.

* ``process`` / ``process_file``: one bulletin through the live engine (sends for real),
* ``watch``: the feed poller loop (sends through ``Issei.send``; the outbox delivers); each
  poll ends with ``flush``, which releases held (merged) updates whose window has closed,
* ``pending`` / ``approve`` / ``reject``: the queue of ``mode = "confirm"`` decisions.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import select

from app import audit
from app.db.models import utcnow
from app.domain import Draft, Medium, Urgency
from app.triggers.engine import Outcome, TriggerEngine, send_draft
from app.triggers.feed import FeedPoller, PollReport
from app.triggers.models import TriggerDecision
from app.triggers.rules import FeedSettings, RuleSet

if TYPE_CHECKING:
    from app.service import Issei

log = logging.getLogger("issei.triggers")


class PendingError(ValueError):
    """The decision cannot be approved or rejected (already decided, withdrawn …)."""


@dataclass(frozen=True)
class PendingDecision:
    """One automatic send waiting for an operator (what the console's queue shows)."""

    id: int
    created_at: dt.datetime
    rule: str
    decision: str  # send (a warning) | cancel (a retraction notice)
    reason: str
    title: str
    body: str
    media: tuple[Medium, ...]
    training: bool


# -- the confirm queue: needs no rules file (every console's 承認 tab shows it) ---------------


def pending_decisions(issei: Issei) -> list[PendingDecision]:
    with issei.sessions() as session:
        rows = session.scalars(select(TriggerDecision).where(
            TriggerDecision.state == "pending").order_by(TriggerDecision.id)).all()
    return [PendingDecision(
        r.id, r.created_at, r.rule, "cancel" if r.cancels else "send", r.reason, r.title,
        r.body, tuple(Medium(m) for m in r.media), r.training) for r in rows]


def decision_draft(issei: Issei, decision_id: int) -> Draft:
    """The draft a pending decision would send (for the audience it would reach)."""
    row = _pending(issei, decision_id)
    return Draft(title=row.title, body=row.body, media=tuple(Medium(m) for m in row.media),
                 category=row.category, urgency=Urgency(row.urgency), areas=tuple(row.areas),
                 training=row.training)


def approve_decision(issei: Issei, decision_id: int, *, operator: str) -> str:
    """Send the queued draft as it was composed; returns the message id."""
    row = _pending(issei, decision_id)
    draft = decision_draft(issei, decision_id)
    message_id, error = send_draft(IsseiSender(issei), draft, operator=f"{operator}（承認）",
                                   rule=row.rule)
    with issei.sessions.begin() as session:
        live = session.get(TriggerDecision, decision_id)
        assert live is not None
        live.decided_by, live.decided_at = operator, utcnow()
        live.message_id, live.error = message_id, error
        live.state = "approved" if message_id else "failed"
        audit.append(session, "trigger_approve", operator=operator,
                     console=issei.console, message_id=message_id,
                     detail={"decision": decision_id, "rule": row.rule, "error": error})
    if message_id is None:
        raise PendingError(f"配信できませんでした: {error}")
    return message_id


def reject_decision(issei: Issei, decision_id: int, *, operator: str, note: str = "") -> None:
    row = _pending(issei, decision_id)
    with issei.sessions.begin() as session:
        live = session.get(TriggerDecision, decision_id)
        assert live is not None
        live.state, live.decided_by, live.decided_at = "rejected", operator, utcnow()
        live.error = note or None
        audit.append(session, "trigger_reject", operator=operator,
                     console=issei.console,
                     detail={"decision": decision_id, "rule": row.rule, "note": note})


def _pending(issei: Issei, decision_id: int) -> TriggerDecision:
    with issei.sessions() as session:
        row = session.get(TriggerDecision, decision_id)
    if row is None:
        raise PendingError(f"承認待ちの配信 #{decision_id} はありません")
    if row.state == "withdrawn":
        raise PendingError(f"#{decision_id} は取消・訂正の電文により取り下げられました")
    if row.state != "pending":
        raise PendingError(f"#{decision_id} は既に処理されています（{row.state}）")
    return row


class IsseiSender:
    def __init__(self, issei: Issei) -> None:
        self.issei = issei

    def send(self, draft: Draft, *, operator: str, rule: str) -> str:
        # ``automatic``: the send follows its trigger rule, not the operators' approval policy
        # (a confirm-mode rule was already approved here, in the trigger queue).
        return self.issei.send(draft, operator=operator, automatic=rule)

    def halt(self, message_id: str, *, operator: str) -> int:
        return self.issei.halt(message_id, operator=operator)


class Triggers:
    def __init__(self, issei: Issei, ruleset: RuleSet) -> None:
        self.issei = issei
        self.ruleset = ruleset
        self.engine = TriggerEngine(issei.sessions, ruleset, IsseiSender(issei),
                                    console=issei.console, max_age=ruleset.feed.max_age)

    # -- one bulletin ----------------------------------------------------------------------

    def process(self, raw: bytes, source: str) -> Outcome:
        return self.engine.process(raw, source)

    def process_file(self, path: Path) -> Outcome:
        return self.engine.process(path.read_bytes(), str(path))

    def flush(self) -> list[Outcome]:
        """Release held updates whose merge window has closed (the watch loop calls this)."""
        return self.engine.flush_held()

    # -- confirmation queue ----------------------------------------------------------------

    def pending(self) -> list[PendingDecision]:
        return pending_decisions(self.issei)

    def approve(self, decision_id: int, *, operator: str) -> str:
        """Send the queued draft as it was composed; returns the message id."""
        return approve_decision(self.issei, decision_id, operator=operator)

    def reject(self, decision_id: int, *, operator: str, note: str = "") -> None:
        reject_decision(self.issei, decision_id, operator=operator, note=note)

    # -- feed ------------------------------------------------------------------------------

    def poller(self, client: httpx.AsyncClient, settings: FeedSettings | None = None
               ) -> FeedPoller:
        return FeedPoller(self.issei.sessions, self.engine, settings or self.ruleset.feed, client)

    async def poll_once(self, settings: FeedSettings | None = None) -> PollReport:
        async with _client() as client:
            poller = self.poller(client, settings)
            return await poller.poll(long=True)

    async def watch(self, stop: asyncio.Event, settings: FeedSettings | None = None) -> None:
        async with _client() as client:
            await self.poller(client, settings).run(stop)


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=10.0), follow_redirects=True)
