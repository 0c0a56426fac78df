"""Live triggers through the real ``Issei`` on SQLite and PostgreSQL: automatic sends land in
the outbox, confirm-mode decisions wait in the database for an operator, cancellations halt."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import EmailChannel
from app.db.models import AuditEntry, Delivery, Message
from app.service import Issei
from app.triggers.models import TriggerDecision
from app.triggers.rules import parse_rules
from app.triggers.service import PendingError, Triggers
from tests.helpers import add_recipients, make_config, with_issei
from tests.peers.smtp_peer import SmtpPeer

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"
QUAKE = (SAMPLES / "32-35_06_03_240613_VXSE53.xml").read_bytes()
CANCEL = (SAMPLES / "32-35_06_06_100915_VXSE53.xml").read_bytes()
RESIDENTS = [f"resident{i}@example.jp" for i in range(3)]


def rules(mode: str, *, media: str = '["email"]', max_age: str = "1e12") -> str:
    # The official samples are from 2008: max_age is lifted so they count as fresh.
    return (f'[area]\nmunicipality = "岩手県金ケ崎町"\n[feed]\nmax_age = {max_age}\n'
            f'[[rule]]\nname = "震度5弱以上"\nwhen = {{ type = "earthquake", '
            f'min_intensity = "5-" }}\nmedia = {media}\nmode = "{mode}"\n')


def channel(peer: SmtpPeer) -> EmailChannel:
    return EmailChannel(host="127.0.0.1", port=peer.port, security="none",
                        from_address="bousai@town.example.jp", timeout=5.0)


def test_confirm_mode_waits_for_an_operator_then_sends(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        async def body(issei: Issei) -> None:
            add_recipients(issei, RESIDENTS)
            triggers = Triggers(issei, parse_rules(rules("confirm")))
            outcome = triggers.process(QUAKE, "quake.xml")
            assert outcome.decision == "confirm" and "担当者の承認待ち" in outcome.reason
            with issei.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Message)) == 0
            [pending] = triggers.pending()
            assert pending.rule == "震度5弱以上" and pending.decision == "send"
            assert pending.title.startswith("【地震】金ケ崎町で震度５弱以上の可能性")
            assert [m.value for m in pending.media] == ["email"]
            message_id = triggers.approve(pending.id, operator="suzuki")
            assert triggers.pending() == []
            with pytest.raises(PendingError, match="既に処理されています（approved）"):
                triggers.approve(pending.id, operator="suzuki")
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == len(RESIDENTS)
            with issei.sessions() as s:
                row = s.get(TriggerDecision, pending.id)
                assert (row.state, row.decided_by, row.message_id) == (
                    "approved", "suzuki", message_id)
                actions = set(s.scalars(select(AuditEntry.action)))
                assert "trigger_approve" in actions

        with_issei(make_config(tmp_path, db_url, email=channel(peer)), body)
        assert sorted(peer.delivered_to()) == sorted(RESIDENTS)
        assert "【地震】金ケ崎町で震度５弱以上の可能性" in peer.received[0].message["Subject"]


def test_a_cancel_withdraws_what_waits_and_reject_is_recorded(tmp_path: Path,
                                                               db_url: str) -> None:
    async def body(issei: Issei) -> None:
        add_recipients(issei, RESIDENTS)
        triggers = Triggers(issei, parse_rules(rules("confirm")))
        triggers.process(QUAKE, "quake.xml")
        [pending] = triggers.pending()
        outcome = triggers.process(CANCEL, "cancel.xml")
        assert outcome.decision == "cancel"
        assert f"承認待ちの配信（#{pending.id}）を取り下げました" in outcome.reason
        assert triggers.pending() == []
        with pytest.raises(PendingError, match="取消・訂正の電文により取り下げられました"):
            triggers.approve(pending.id, operator="suzuki")
        with issei.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Message)) == 0  # nothing went out

        other = Triggers(issei, parse_rules(rules("confirm").replace(
            "岩手県金ケ崎町", "山形県大蔵村")))
        other.process(QUAKE.replace(b"<Serial>1</Serial>", b"<Serial>9</Serial>"), "again.xml")
        [waiting] = other.pending()
        other.reject(waiting.id, operator="tanaka", note="現地で揺れを確認できず")
        with pytest.raises(PendingError, match="既に処理されています（rejected）"):
            other.reject(waiting.id, operator="tanaka")
        with pytest.raises(PendingError, match="#999 はありません"):
            other.approve(999, operator="tanaka")
        with issei.sessions() as s:
            assert s.get(TriggerDecision, waiting.id).state == "rejected"
            assert "trigger_reject" in set(s.scalars(select(AuditEntry.action)))

    with_issei(make_config(tmp_path, db_url), body)


def test_auto_send_then_cancel_halts_and_tells_residents(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        async def body(issei: Issei) -> None:
            add_recipients(issei, RESIDENTS)
            triggers = Triggers(issei, parse_rules(rules("auto", media='["email", "line"]')))
            sent = triggers.process(QUAKE, "quake.xml")
            # LINE is not configured here: the warning still goes out by e-mail, and says so
            assert sent.decision == "send" and "LINE" in sent.reason
            first = sent.results[0].message_id
            assert first and issei.counts(first)["email"].pending == len(RESIDENTS)
            cancel = triggers.process(CANCEL, "cancel.xml")
            assert cancel.decision == "cancel"
            counts = issei.counts(first)["email"]
            assert counts.cancelled == len(RESIDENTS)  # halted before it went out
            notice = cancel.results[0].message_id
            assert notice and notice != first
            await issei.engine.run(until_idle=True)
            assert issei.counts(notice)["email"].sent == len(RESIDENTS)
            with issei.sessions() as s:
                assert s.get(Message, first).halted_at is not None
                assert s.scalar(select(func.count()).select_from(Delivery).where(
                    Delivery.message_id == notice)) == len(RESIDENTS)

        with_issei(make_config(tmp_path, db_url, email=channel(peer)), body)
        [mail] = [m.message for m in peer.received]
        assert mail["Subject"] == "【取消】先ほどの「震源・震度情報」のお知らせ"


def test_an_old_bulletin_is_recorded_but_sends_nothing(tmp_path: Path) -> None:
    async def body(issei: Issei) -> None:
        add_recipients(issei, RESIDENTS)
        triggers = Triggers(issei, parse_rules(rules("auto", max_age="1800")))
        outcome = triggers.process(QUAKE, "quake.xml")
        assert outcome.decision == "ignore"
        assert "分経った電文のため自動配信しません" in outcome.reason
        with issei.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Message)) == 0

    with_issei(make_config(tmp_path, f"sqlite:///{tmp_path / 'x.sqlite3'}"), body)
