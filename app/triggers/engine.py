"""From a raw bulletin to decisions and sends: the one path the live poller, the CLI replay and
the console's drop panel all share (replay runs it on a throwaway database with a sender that
records instead of sending, so what it prints is what the live system would do).

Order of work for one bulletin:

1. store the raw bytes (always first: a bulletin that cannot be read is still kept),
2. parse; an unreadable or unknown bulletin is reported in Japanese and stops here,
3. claim it by its envelope key, so the same telegram acts once (also across consoles),
4. per rule of the bulletin's family: 取消 → cancel what its EventID started; else match,
   apply drill policy and storm control, and send, queue for confirmation, or ignore,
5. mark the claim done. A crash between 3 and 5 leaves the claim open; after the lease it is
   taken over and the bulletin acts again (a duplicate message beats a missed warning).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.domain import Draft, Medium
from app.service import SendRefusedError
from app.templates import TemplateDef, TemplateError
from app.triggers import storm as storm_control
from app.triggers.bulletin import INFO_CANCEL, INFO_CORRECTION, Bulletin, parse_bulletin
from app.triggers.match import Item, Match, combine, common_values, evaluate
from app.triggers.models import JmaBulletin, JmaProcessed, TriggerDecision, TriggerState
from app.triggers.rules import Rule, RuleSet
from app.triggers.xmlsafe import BulletinError

log = logging.getLogger("issei.triggers")

CLAIM_LEASE = dt.timedelta(seconds=120)
DECISION_ORDER = ("cancel", "send", "confirm", "ignore")
LIVE = ("sent", "pending", "approved")  # decisions whose message stands (or may)
# What residents received (or will): the rate cap counts these, cancelled ones included.
TOLD = (*LIVE, "replaced", "cancelled")
HELD = "_held"  # key in ``TriggerState.latest``: the merged update waiting for its window


class Sender(Protocol):
    """What the engine needs from Issei: the real one sends, the replay one records."""

    def send(self, draft: Draft, *, operator: str, rule: str) -> str: ...

    def halt(self, message_id: str, *, operator: str) -> int: ...


@dataclass
class RuleResult:
    rule: str
    decision: str  # send | confirm | cancel | ignore
    reason: str
    matched: bool = False
    title: str = ""
    body: str = ""
    message_id: str | None = None
    decision_id: int | None = None


@dataclass
class Outcome:
    source: str
    type: str
    status: str = ""
    info_type: str = ""
    event_id: str = ""
    decision: str = "ignore"
    reason: str = ""
    title: str = ""
    body: str = ""
    results: list[RuleResult] = field(default_factory=list)
    bulletin_id: int | None = None

    @property
    def rules(self) -> list[str]:
        return [r.rule for r in self.results if r.matched]

    def as_json(self) -> dict[str, Any]:
        """The verification tool's line: exactly the keys issue 6 names."""
        return {"file": self.source, "type": self.type, "status": self.status,
                "info_type": self.info_type, "event_id": self.event_id, "rules": self.rules,
                "decision": self.decision, "reason": self.reason, "title": self.title,
                "body": self.body}


def _event_field(event_ids: tuple[str, ...]) -> str:
    return " " + " ".join(event_ids) + " " if event_ids else ""


class TriggerEngine:
    def __init__(self, sessions: sessionmaker[Session], ruleset: RuleSet, sender: Sender, *,
                 console: str = "", clock: Callable[[], dt.datetime] = utcnow,
                 bulletin_time: bool = False, max_age: float | None = None) -> None:
        self.sessions = sessions
        # A bulletin older than this (recovered after downtime, delayed feed) is recorded but
        # sends nothing: an hours-old EEW or intensity report would alarm, not help.
        self.max_age = max_age
        # Replay runs on the bulletins' own clock (Head/ReportDateTime), so storm control sees
        # the minutes between them that the live system would have seen.
        self.bulletin_time = bulletin_time
        self.ruleset = ruleset
        self.sender = sender
        self.console = console
        self.clock = clock

    # -- entry point -----------------------------------------------------------------------

    def process(self, raw: bytes, source: str, *, type_hint: str = "",
                now: dt.datetime | None = None) -> Outcome:
        now = now or self.clock()
        bulletin_id = self._store(raw, source, type_hint)
        try:
            bulletin = parse_bulletin(raw)
        except BulletinError as exc:
            outcome = Outcome(source, type_hint, decision="ignore",
                              reason=f"電文を読めません: {exc}（原文は保存済み）",
                              bulletin_id=bulletin_id)
            self._finish_row(bulletin_id, outcome, error=str(exc))
            log.warning("bulletin unreadable source=%s: %s", source, exc)
            return outcome
        env = bulletin.envelope
        if self.bulletin_time:
            now = env.report_time or env.issued_at or now
        now = now.astimezone(dt.UTC)  # SQLite keeps no offset: store UTC only
        outcome = Outcome(source, bulletin.type_code or type_hint or "unknown", env.status,
                          env.info_type, env.event_id, bulletin_id=bulletin_id)
        self._describe_row(bulletin_id, bulletin)
        if bulletin.spec is None:
            outcome.reason = (f"この種類の電文（{env.control_title}）には対応していません"
                              "（自動配信の対象外・原文は保存済み）")
            self._finish_row(bulletin_id, outcome)
            return outcome
        if type_hint and type_hint != bulletin.type_code and not (
                type_hint.startswith("VXKO") and bulletin.type_code == "VXKO"):
            log.warning("feed says %s but Control/Title says %s (%s)", type_hint,
                        bulletin.type_code, source)
        if not self._claim(env.key, bulletin_id, now):
            outcome.reason = "同じ電文は処理済みです（重複して受信）"
            return outcome
        try:
            self._decide(bulletin, outcome, now)
        finally:
            self._release(env.key)
        self._finish_row(bulletin_id, outcome)
        log.info("bulletin %s %s %s event=%s decision=%s", outcome.type, env.status,
                 env.info_type, env.event_id, outcome.decision)
        return outcome

    # -- storing and claiming --------------------------------------------------------------

    def _store(self, raw: bytes, source: str, type_hint: str) -> int:
        digest = hashlib.sha256(raw).hexdigest()
        with self.sessions() as session:
            existing = session.scalar(select(JmaBulletin.id).where(JmaBulletin.sha256 == digest))
            if existing is not None:
                return existing
        try:
            with self.sessions.begin() as session:
                row = JmaBulletin(sha256=digest, raw=raw, source=source[:1000],
                                  type_code=type_hint[:16])
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:  # another console stored the same bytes a moment ago
            with self.sessions() as session:
                found = session.scalar(select(JmaBulletin.id).where(JmaBulletin.sha256 == digest))
                assert found is not None
                return found

    def _describe_row(self, bulletin_id: int, bulletin: Bulletin) -> None:
        env = bulletin.envelope
        with self.sessions.begin() as session:
            row = session.get(JmaBulletin, bulletin_id)
            assert row is not None
            row.type_code = (bulletin.type_code or row.type_code)[:16]
            row.control_title = env.control_title[:200]
            row.status, row.info_type = env.status[:10], env.info_type[:10]
            row.event_id, row.serial = env.event_id[:300], env.serial[:20]
            row.envelope_key = env.key

    def _finish_row(self, bulletin_id: int, outcome: Outcome, *, error: str | None = None) -> None:
        with self.sessions.begin() as session:
            row = session.get(JmaBulletin, bulletin_id)
            assert row is not None
            row.decision, row.reason = outcome.decision, outcome.reason
            if error is not None:
                row.error = error

    def _claim(self, key: str, bulletin_id: int, now: dt.datetime) -> bool:
        try:
            with self.sessions.begin() as session:
                session.add(JmaProcessed(envelope_key=key, bulletin_id=bulletin_id,
                                         claimed_at=now, claimed_by=self.console))
            return True
        except IntegrityError:
            pass
        with self.sessions.begin() as session:
            claim = session.get(JmaProcessed, key, with_for_update=True)
            if claim is None or claim.done:
                return False
            claimed_at = claim.claimed_at
            if claimed_at.tzinfo is None:
                claimed_at = claimed_at.replace(tzinfo=dt.UTC)
            if now - claimed_at < CLAIM_LEASE:
                return False  # another console is acting on it right now
            claim.claimed_at, claim.claimed_by = now, self.console  # it crashed: take over
            log.warning("taking over an unfinished bulletin claim %s", key)
            return True

    def _release(self, key: str) -> None:
        with self.sessions.begin() as session:
            claim = session.get(JmaProcessed, key)
            if claim is not None:
                claim.done = True

    # -- deciding --------------------------------------------------------------------------

    def _decide(self, bulletin: Bulletin, outcome: Outcome, now: dt.datetime) -> None:
        rules = [r for r in self.ruleset.rules if r.type == bulletin.family]
        env = bulletin.envelope
        if not rules:
            outcome.reason = (f"{bulletin.spec.label if bulletin.spec else env.control_title}"
                              "に対する自動配信条件はありません")
            return
        for rule in rules:
            try:
                result = self._decide_rule(rule, bulletin, now)
            except (TemplateError, ValueError) as exc:  # never lose the other rules
                log.exception("rule %s failed on %s", rule.name, outcome.source)
                result = RuleResult(rule.name, "ignore", f"処理できませんでした: {exc}", True)
            outcome.results.append(result)
        for decision in DECISION_ORDER:
            chosen = [r for r in outcome.results if r.decision == decision]
            if chosen:
                outcome.decision = decision
                outcome.title, outcome.body = chosen[0].title, chosen[0].body
                break
        outcome.reason = "／".join(f"{r.rule}: {r.reason}" for r in outcome.results if r.reason)

    def _decide_rule(self, rule: Rule, bulletin: Bulletin, now: dt.datetime) -> RuleResult:
        env = bulletin.envelope
        training = env.is_drill
        if training and rule.drill == "ignore":
            return self._drill_preview(rule, bulletin)
        if env.info_type == INFO_CANCEL:  # a cancellation is acted on however late it is
            return self._cancel(rule, bulletin, now, training=training)
        found = evaluate(bulletin, rule.when, self.ruleset.municipality, self.ruleset.codes)
        issued = env.report_time or env.issued_at
        if (isinstance(found, Match) and self.max_age is not None and issued is not None
                and (now - issued).total_seconds() > self.max_age):
            minutes = int((now - issued).total_seconds() // 60)
            return RuleResult(rule.name, "ignore",
                              f"発表から{minutes}分経った電文のため自動配信しません"
                              "（受信の遅れ・停止からの復旧）", True)
        if not isinstance(found, Match):
            if env.info_type == INFO_CORRECTION and self._live_decisions(rule, bulletin, training):
                return self._cancel(rule, bulletin, now, training=training,
                                    why="訂正により対象外になりました")
            return RuleResult(rule.name, "ignore", found.reason)
        return self._act(rule, bulletin, found, now, training=training)

    def _drill_preview(self, rule: Rule, bulletin: Bulletin) -> RuleResult:
        status = bulletin.envelope.status
        if bulletin.envelope.info_type == INFO_CANCEL:
            return RuleResult(rule.name, "ignore", f"{status}電文の取消です（配信しません）")
        found = evaluate(bulletin, rule.when, self.ruleset.municipality, self.ruleset.codes)
        if isinstance(found, Match):
            what = "、".join(i.label for i in found.items)
            return RuleResult(rule.name, "ignore",
                              f"{status}電文のため配信しません（本番なら該当: {what}）", True)
        return RuleResult(rule.name, "ignore", f"{status}電文（{found.reason or '対象外'}）")

    # -- send / confirm --------------------------------------------------------------------

    def _state_rule(self, rule: Rule, training: bool) -> str:
        # Drills keep their own storm-control state: a drill must not mute a real warning.
        return f"訓練:{rule.name}" if training else rule.name

    def _act(self, rule: Rule, bulletin: Bulletin, found: Match, now: dt.datetime, *,
             training: bool) -> RuleResult:
        env = bulletin.envelope
        # A 訂正 replaces what we said about its event; with nothing said, it is a first report.
        replaced = (self._live_decisions(rule, bulletin, training)
                    if env.info_type == INFO_CORRECTION else [])
        correction = bool(replaced)
        state_rule = self._state_rule(rule, training)
        storm = self.ruleset.storm
        with self.sessions() as session:
            told = {s.key: s for s in session.scalars(select(TriggerState).where(
                TriggerState.rule == state_rule,
                TriggerState.key.in_([i.key for i in found.items])))}
            recent_level = self._recent_level(session, state_rule, now)
        verdicts = []
        for item in found.items:
            state = told.get(item.key)
            previous = None if state is None else storm_control.Told(
                state.level, state.signature, _aware(state.told_at))
            verdicts.append(storm_control.judge(item, previous, recent_level, now, storm,
                                                correction=correction))
        sending = [v for v in verdicts if v.sends]
        held = [v for v in verdicts if not v.sends]
        merges = [v.item for v in verdicts if v.kind == "merge"]
        payload = (self._held_payload(rule, bulletin, found, merges, now, training)
                   if merges else None)
        self._remember(state_rule, held, now, payload=payload)
        if not sending:
            reason = "、".join(storm_control.explain(v, storm) for v in held)
            return RuleResult(rule.name, "ignore", reason, True)
        media = list(rule.media)
        dropped: list[Medium] = []
        escalation = any(v.kind == "escalation" for v in sending) or correction
        if not escalation:
            with self.sessions() as session:
                recent = self._recent_media(session, now, training)
            media, dropped = storm_control.capped_media(media, recent, storm)
            if not media:
                names = "・".join(m.label for m in dropped)
                return RuleResult(rule.name, "ignore",
                                  f"配信回数の上限（{names}: {storm.max_per_medium}件／"
                                  f"{int(storm.per_seconds)}秒）に達したため見送りました", True)
        items = [v.item for v in sending]
        values = {**common_values(bulletin, self.ruleset.municipality), **combine(found, items)}
        title, body = rule.template.fill(values)
        if correction:
            title = f"【訂正】{title}"
        reason = "、".join(storm_control.explain(v, storm) for v in verdicts)
        if dropped:
            reason += f"（上限のため{'・'.join(m.label for m in dropped)}は見送り）"
        if training:
            reason = f"{env.status}電文: 訓練として配信（{reason}）"
        draft = Draft(title=title, body=body, media=tuple(media),
                      category=rule.template.category, urgency=rule.template.urgency,
                      areas=rule.areas, training=training)
        if correction:
            self._halt_previous(replaced)
        decision = "confirm" if rule.mode == "confirm" else "send"
        row = self._record(rule, bulletin, draft, decision, reason, items, now)
        result = RuleResult(rule.name, decision, reason, True, title, body, decision_id=row)
        if decision == "send":
            self._deliver(row, draft, rule, result)
        else:
            result.reason += "（担当者の承認待ち）"
        self._remember(state_rule, sending, now, told=True)
        return result

    def _deliver(self, decision_id: int, draft: Draft, rule: Rule, result: RuleResult) -> None:
        message_id, error = self.send_draft(draft, operator=f"自動配信:{rule.name}",
                                            rule=rule.name)
        with self.sessions.begin() as session:
            row = session.get(TriggerDecision, decision_id)
            assert row is not None
            row.message_id, row.error = message_id, error
            row.state = "sent" if message_id else "failed"
            if message_id and len(draft.media) < len(row.media):
                row.media = [m.value for m in draft.media]
        result.message_id = message_id
        if error:
            result.reason += f"（配信できなかった媒体があります: {error}）"

    def send_draft(self, draft: Draft, *, operator: str, rule: str
                   ) -> tuple[str | None, str | None]:
        return send_draft(self.sender, draft, operator=operator, rule=rule)

    def _recent_level(self, session: Session, state_rule: str, now: dt.datetime) -> int:
        since = now - dt.timedelta(seconds=self.ruleset.storm.per_seconds)
        levels = [s.level for s in session.scalars(
            select(TriggerState).where(TriggerState.rule == state_rule,
                                       TriggerState.told_at.is_not(None)))
            if (_aware(s.told_at) or now) >= since]
        return max(levels, default=0)

    def _recent_media(self, session: Session, now: dt.datetime, training: bool
                      ) -> dict[str, int]:
        since = now - dt.timedelta(seconds=self.ruleset.storm.per_seconds)
        counts: dict[str, int] = {}
        rows = session.scalars(select(TriggerDecision).where(
            TriggerDecision.state.in_(TOLD), TriggerDecision.training == training,
            TriggerDecision.created_at >= since))
        for row in rows:
            for medium in row.media:
                counts[medium] = counts.get(medium, 0) + 1
        return counts

    def _remember(self, state_rule: str, verdicts: list[storm_control.Verdict],
                  now: dt.datetime, *, told: bool = False,
                  payload: dict[str, Any] | None = None) -> None:
        if not verdicts:
            return
        try:
            with self.sessions.begin() as session:
                for verdict in verdicts:
                    self._remember_one(session, state_rule, verdict, now, told, payload)
        except IntegrityError:  # another console created the same key first: theirs stands
            log.info("storm state for %s was written by another console", state_rule)

    @staticmethod
    def _remember_one(session: Session, state_rule: str, verdict: storm_control.Verdict,
                      now: dt.datetime, told: bool, payload: dict[str, Any] | None) -> None:
        item = verdict.item
        state = session.scalar(select(TriggerState).where(
            TriggerState.rule == state_rule, TriggerState.key == item.key))
        if state is None:
            state = TriggerState(rule=state_rule, key=item.key, level=0, signature="",
                                 merged=0, latest={})
            session.add(state)
        state.latest = dict(item.values)
        state.updated_at = now
        if told:
            # What is told now supersedes anything held: the held update never goes out too.
            state.level, state.signature, state.told_at = item.level, item.signature, now
            state.merged = 0
        elif verdict.kind == "merge":
            state.merged = (state.merged or 0) + 1
            if payload is not None:  # the newest held content, sent when the window closes
                state.latest = {**state.latest, HELD: payload}
        elif verdict.kind == "same":
            state.merged = 0  # back to what residents were told: nothing left to release

    def _record(self, rule: Rule, bulletin: Bulletin, draft: Draft, decision: str, reason: str,
                items: list[Item], now: dt.datetime, *, cancels: int | None = None) -> int:
        env = bulletin.envelope
        with self.sessions.begin() as session:
            row = TriggerDecision(
                created_at=now, bulletin_id=None, rule=rule.name, product=env.control_title,
                event_ids=_event_field(env.event_ids), keys=[i.key for i in items],
                levels={i.key: [i.level, i.signature] for i in items},
                decision=decision, state="pending" if decision == "confirm" else "sending",
                reason=reason, title=draft.title, body=draft.body,
                media=[m.value for m in draft.media], category=draft.category,
                urgency=draft.urgency.value, areas=list(draft.areas), training=draft.training,
                cancels=cancels,
            )
            bulletin_row = session.scalar(select(JmaBulletin.id).where(
                JmaBulletin.envelope_key == env.key))
            row.bulletin_id = bulletin_row
            session.add(row)
            session.flush()
            return row.id

    # -- held (merged) updates: released when their merge window closes ------------------

    def _held_payload(self, rule: Rule, bulletin: Bulletin, found: Match, items: list[Item],
                      now: dt.datetime, training: bool) -> dict[str, Any]:
        """The draft a held update would be, stored in the storm state (survives restarts)."""
        env = bulletin.envelope
        values = {**common_values(bulletin, self.ruleset.municipality), **combine(found, items)}
        title, body = rule.template.fill(values)
        with self.sessions() as session:
            source = session.scalar(select(JmaBulletin.source).where(
                JmaBulletin.envelope_key == env.key)) or ""
        return {"group": env.key, "rule": rule.name, "training": training,
                "title": title, "body": body, "held_at": now.isoformat(),
                "product": env.control_title, "event_ids": list(env.event_ids),
                "source": source, "type": bulletin.type_code, "status": env.status,
                "info_type": env.info_type, "event_id": env.event_id,
                "label": "、".join(i.label for i in items),
                "items": {i.key: [i.level, i.signature] for i in items}}

    def flush_held(self, now: dt.datetime | None = None, *, at_close: bool = False
                   ) -> list[Outcome]:
        """Release every held update whose merge window has closed by ``now``: once, within
        the per-medium cap (a capped one stays held and is tried again on the next call).

        Live, it goes out ``now``; with ``at_close`` (replay) it goes out at the moment its
        window closed, or — if the cap was full then — once the rate period has passed."""
        now = (now or self.clock()).astimezone(dt.UTC)
        storm = self.ruleset.storm
        window = dt.timedelta(seconds=storm.merge_window)
        with self.sessions() as session:
            rows = session.scalars(select(TriggerState).where(TriggerState.merged > 0)
                                   .order_by(TriggerState.id)).all()
        groups: dict[tuple[str, str], list[tuple[TriggerState, dt.datetime]]] = {}
        for row in rows:
            payload, told_at = (row.latest or {}).get(HELD), _aware(row.told_at)
            if not isinstance(payload, dict) or told_at is None or told_at + window > now:
                continue
            groups.setdefault((row.rule, str(payload["group"])), []).append(
                (row, told_at + window))
        ordered = sorted(groups.values(), key=lambda g: (max(c for _r, c in g), g[0][0].id))
        outcomes = []
        for group in ordered:
            close = max(c for _r, c in group)
            times = [now]
            if at_close:
                later = close + dt.timedelta(seconds=storm.per_seconds)
                times = [t for t in (close, later) if t <= now] or [now]
            for when in times:
                outcome = self._flush_group([r for r, _c in group], when)
                if outcome is not None:
                    outcomes.append(outcome)
                    break
        return outcomes

    def _flush_group(self, rows: list[TriggerState], when: dt.datetime) -> Outcome | None:
        payload: dict[str, Any] = rows[0].latest[HELD]
        storm = self.ruleset.storm
        training = bool(payload["training"])
        rule = next((r for r in self.ruleset.rules if r.name == payload["rule"]), None)
        media: list[Medium] = list(rule.media) if rule else []
        dropped: list[Medium] = []
        if rule is not None:
            with self.sessions() as session:
                recent = self._recent_media(session, when, training)
            media, dropped = storm_control.capped_media(media, recent, storm)
            if not media:
                log.info("held update %s waits: every medium is at its cap", payload["group"])
                return None
        label = str(payload["label"])
        reason = (f"{label}（{int(storm.merge_window)}秒以内にまとめて保留していた続報を、"
                  "まとめる時間の終了時に配信）")
        if dropped:
            reason += f"（上限のため{'・'.join(m.label for m in dropped)}は見送り）"
        if training:
            reason = f"{payload['status']}電文: 訓練として配信（{reason}）"
        decision = "confirm" if rule is not None and rule.mode == "confirm" else "send"
        draft = None
        with self.sessions.begin() as session:
            claimed = []
            for row in rows:  # the claim: only one console releases a held update
                live = session.get(TriggerState, row.id, with_for_update=True)
                if live is None or live.merged != row.merged or \
                        (live.latest or {}).get(HELD) != payload:
                    continue
                level, signature = payload["items"].get(live.key, [live.level, live.signature])
                live.level, live.signature, live.told_at = level, signature, when
                live.merged, live.updated_at = 0, when
                live.latest = {k: v for k, v in (live.latest or {}).items() if k != HELD}
                claimed.append(live.key)
            if not claimed:
                return None
            if rule is None:
                log.warning("held update dropped: rule %s no longer exists", payload["rule"])
                return None
            draft = Draft(title=str(payload["title"]), body=str(payload["body"]),
                          media=tuple(media), category=rule.template.category,
                          urgency=rule.template.urgency, areas=rule.areas, training=training)
            bulletin_id = session.scalar(select(JmaBulletin.id).where(
                JmaBulletin.envelope_key == payload["group"]))
            record = TriggerDecision(
                created_at=when, bulletin_id=bulletin_id, rule=rule.name,
                product=str(payload["product"]),
                event_ids=_event_field(tuple(payload["event_ids"])), keys=claimed,
                levels={k: payload["items"][k] for k in claimed if k in payload["items"]},
                decision=decision, state="pending" if decision == "confirm" else "sending",
                reason=reason, title=draft.title, body=draft.body,
                media=[m.value for m in media], category=draft.category,
                urgency=draft.urgency.value, areas=list(draft.areas), training=training)
            session.add(record)
            session.flush()
            decision_id = record.id
        result = RuleResult(rule.name, decision, reason, True, draft.title, draft.body,
                            decision_id=decision_id)
        if decision == "send":
            self._deliver(decision_id, draft, rule, result)
        else:
            result.reason += "（担当者の承認待ち）"
        log.info("held update released rule=%s event=%s", rule.name, payload["event_id"])
        return Outcome(str(payload["source"]), str(payload["type"]), str(payload["status"]),
                       str(payload["info_type"]), str(payload["event_id"]), decision,
                       f"{rule.name}: {result.reason}", draft.title, draft.body, [result],
                       bulletin_id)

    def _drop_held(self, state_rule: str, event_ids: tuple[str, ...]) -> int:
        """A 取消 drops what its event holds: a cancelled update must never be released."""
        wanted, dropped = set(event_ids), 0
        with self.sessions.begin() as session:
            for state in session.scalars(select(TriggerState).where(
                    TriggerState.rule == state_rule, TriggerState.merged > 0)):
                payload = (state.latest or {}).get(HELD)
                if isinstance(payload, dict) and wanted & set(payload["event_ids"]):
                    state.merged = 0
                    state.latest = {k: v for k, v in state.latest.items() if k != HELD}
                    dropped += 1
        return dropped

    # -- cancel / correction ---------------------------------------------------------------

    def _live_decisions(self, rule: Rule, bulletin: Bulletin, training: bool
                        ) -> list[TriggerDecision]:
        env = bulletin.envelope
        if not env.event_ids:
            return []
        with self.sessions() as session:
            rows = session.scalars(select(TriggerDecision).where(
                TriggerDecision.rule == rule.name, TriggerDecision.product == env.control_title,
                TriggerDecision.decision.in_(("send", "confirm")),
                TriggerDecision.state.in_(LIVE), TriggerDecision.training == training,
            ).order_by(TriggerDecision.id)).all()
        wanted = set(env.event_ids)
        return [r for r in rows if wanted & set(r.event_ids.split())]

    def _halt_previous(self, rows: list[TriggerDecision]) -> None:
        for row in rows:
            self._withdraw(row, "replaced")

    def _withdraw(self, row: TriggerDecision, why: str) -> None:
        """Take back a decision: a pending one is withdrawn; a sent one is marked cancelled or
        replaced, and whatever of its message has not gone out yet is halted."""
        with self.sessions.begin() as session:
            live = session.get(TriggerDecision, row.id)
            assert live is not None
            was_pending = live.state == "pending"
            live.state = "withdrawn" if was_pending else why
            live.decided_at = utcnow()
            if was_pending:
                live.decided_by = f"自動（{'取消' if why == 'cancelled' else '訂正'}）"
        if not was_pending and row.message_id:
            try:
                self.sender.halt(row.message_id, operator=f"自動配信:{row.rule}")
            except ValueError as exc:
                log.warning("could not halt %s: %s", row.message_id, exc)

    def _cancel(self, rule: Rule, bulletin: Bulletin, now: dt.datetime, *, training: bool,
                why: str = "") -> RuleResult:
        env = bulletin.envelope
        if not env.event_ids:
            return RuleResult(rule.name, "ignore",
                              "EventIDのない取消です（次の電文で状態が置き換わります）")
        previous = self._live_decisions(rule, bulletin, training)
        if self._drop_held(self._state_rule(rule, training), env.event_ids):
            log.info("held update of %s dropped by a cancellation", env.event_id)
        if not previous:
            return RuleResult(rule.name, "ignore", "取り消された情報による配信はありません")
        told = [r for r in previous if r.state != "pending"]
        for row in previous:
            self._withdraw(row, "cancelled")
        self._forget(self._state_rule(rule, training), previous)
        ids = "・".join(f"#{r.id}" for r in previous)
        what = why or f"{env.control_title}の取消"
        if not told:
            return RuleResult(rule.name, "cancel",
                              f"{what}: 承認待ちの配信（{ids}）を取り下げました", True)
        template = self.ruleset.cancel_template
        assert template is not None
        values = {**common_values(bulletin, self.ruleset.municipality),
                  "地域名": self.ruleset.municipality.short_name,
                  "本文": env.body_text or env.headline or "先ほどの情報を取り消します。"}
        if why:
            town = self.ruleset.municipality.short_name
            values["本文"] = f"先ほどの情報は訂正され、{town}は対象外となりました。"
        title, body = _fill(template, values)
        draft = Draft(title=title, body=body, media=rule.media, category=template.category,
                      urgency=template.urgency, areas=rule.areas, training=training)
        decision = "confirm" if rule.mode == "confirm" else "send"
        reason = f"{what}: 配信済みの{ids}を取り消し、未送信分を止めました"
        row_id = self._record(rule, bulletin, draft, decision, reason, [], now,
                              cancels=told[-1].id)
        result = RuleResult(rule.name, "cancel", reason, True, title, body, decision_id=row_id)
        if decision == "send":
            self._deliver(row_id, draft, rule, result)
        else:
            result.reason += "（取消のお知らせは担当者の承認待ち）"
        return result

    def _forget(self, state_rule: str, rows: list[TriggerDecision]) -> None:
        keys = {k for r in rows for k in r.keys}
        if not keys:
            return
        with self.sessions.begin() as session:
            for state in session.scalars(select(TriggerState).where(
                    TriggerState.rule == state_rule, TriggerState.key.in_(keys))):
                session.delete(state)


def _fill(template: TemplateDef, values: dict[str, str]) -> tuple[str, str]:
    return template.fill(values)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC
    return moment


def send_draft(sender: Sender, draft: Draft, *, operator: str, rule: str
               ) -> tuple[str | None, str | None]:
    """Send; if some media cannot take it (not configured, nobody subscribed), send on the
    others rather than not at all, and say which were dropped."""
    try:
        return sender.send(draft, operator=operator, rule=rule), None
    except SendRefusedError as exc:
        if any(medium is None for medium, _finding in exc.findings):
            return None, str(exc)  # refused as a whole (permissions, policy)
        bad = {medium for medium, _finding in exc.findings if medium is not None}
        remaining = tuple(m for m in draft.media if m not in bad)
        if not remaining or len(remaining) == len(draft.media):
            return None, str(exc)
        try:
            message_id = sender.send(replace(draft, media=remaining), operator=operator,
                                     rule=rule)
        except (ValueError, PermissionError) as again:
            return None, f"{exc}\n{again}"
        draft_media = "・".join(m.label for m in bad)
        return message_id, f"{draft_media}: {exc}"
    except (ValueError, PermissionError) as exc:  # refused: recorded, shown, not raised
        return None, str(exc)
