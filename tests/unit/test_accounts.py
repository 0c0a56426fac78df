"""Operators, departments, approval by severity, override, and a tamper-evident audit log."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from app import audit
from app.accounts.operators import AccountError, Role, add_department, add_operator, sign_in
from app.accounts.passwords import hash_password, verify_password
from app.config import EmailChannel
from app.db.models import AuditEntry
from app.domain import Draft, Medium, Urgency
from app.service import Issei, NotSignedInError, SendRefusedError
from tests.helpers import add_recipients, make_config, with_issei
from tests.peers.smtp_peer import SmtpPeer
from tests.tamper import drop_audit_guards

PASSWORD = "correct horse battery"
EVACUATION = Draft(title="避難指示", body="直ちに避難してください。", media=(Medium.EMAIL,),
                   urgency=Urgency.EMERGENCY, category="disaster", areas=("北地区",))
NOTICE = Draft(title="ごみ収集日の変更", body="祝日のため変更します。", media=(Medium.EMAIL,),
               category="life", areas=("北地区",))


def setup_accounts(issei: Issei) -> None:
    with issei.sessions.begin() as s:
        add_department(s, "危機管理課", sender_name="○○市 危機管理課")
        add_department(s, "広報課", categories=["event", "life"], media=["email"],
                       areas=["北地区", "南地区"])
        add_operator(s, "sato", PASSWORD, Role.SENDER, department="危機管理課")
        add_operator(s, "suzuki", PASSWORD, Role.APPROVER, department="危機管理課")
        add_operator(s, "suzuki2", PASSWORD, Role.ADMIN, department="危機管理課")
        add_operator(s, "koho", PASSWORD, Role.SENDER, department="広報課")
        add_operator(s, "mimi", PASSWORD, Role.VIEWER, department="危機管理課")
    add_recipients(issei, ["a@example.jp", "b@example.jp"])
    with issei.sessions.begin() as s:
        from app.db.models import Recipient

        s.execute(update(Recipient).values(area="北地区"))


def test_password_hashes_are_salted_and_slow_to_guess() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$16384$")
    assert verify_password(PASSWORD, first) and not verify_password("wrong", first)
    assert not verify_password(PASSWORD, first[:-4] + "AAAA")
    assert not verify_password(PASSWORD, "not-a-hash")


def test_department_permissions_and_roles(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/p.db",
                         email=EmailChannel(host="127.0.0.1", port=1))

    async def body(issei: Issei) -> None:
        setup_accounts(issei)
        with pytest.raises(NotSignedInError, match="サインイン"):
            issei.send(NOTICE)
        with pytest.raises(AccountError, match="ログイン名かパスワードが違います"):
            sign_in(issei.sessions, "koho", "wrong password")
        koho = sign_in(issei.sessions, "koho", PASSWORD)
        with pytest.raises(SendRefusedError, match="カテゴリ「防災」を配信できません"):
            issei.send(EVACUATION, signed_in=koho)
        with pytest.raises(SendRefusedError, match="LINEで配信できません"):
            issei.send(Draft(**{**NOTICE.__dict__, "media": (Medium.EMAIL, Medium.LINE)}),
                       signed_in=koho)
        with pytest.raises(SendRefusedError, match="全地区あてに配信できません"):
            issei.send(Draft(**{**NOTICE.__dict__, "areas": ()}), signed_in=koho)
        viewer = sign_in(issei.sessions, "mimi", PASSWORD)
        with pytest.raises(SendRefusedError, match="閲覧者）は配信できません"):
            issei.send(NOTICE, signed_in=viewer)
        # Within its permissions, a routine notice to part of the town goes without approval.
        message_id = issei.send(NOTICE, signed_in=koho)
        assert issei.message_links(message_id)["approval"] == "none"

    with_issei(config, body)


def test_evacuation_order_waits_for_a_second_operator(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, db_url, email=EmailChannel(
            host="127.0.0.1", port=peer.port, security="none"))

        async def body(issei: Issei) -> None:
            setup_accounts(issei)
            sato = sign_in(issei.sessions, "sato", PASSWORD)
            suzuki = sign_in(issei.sessions, "suzuki", PASSWORD)
            message_id = issei.send(EVACUATION, signed_in=sato)
            assert issei.message_links(message_id)["approval"] == "pending"
            assert [p["message_id"] for p in issei.pending_approvals()] == [message_id]
            await issei.engine.run(until_idle=True)
            assert peer.received == [] and issei.counts(message_id)["email"].pending == 2
            with pytest.raises(NotSignedInError, match="承認できません（承認者・管理者のみ）"):
                issei.approve(message_id, sato)
            own = issei.send(EVACUATION, signed_in=suzuki)
            with pytest.raises(NotSignedInError, match="自分の配信は承認できません"):
                issei.approve(own, suzuki)
            issei.reject(own, sign_in(issei.sessions, "suzuki2", PASSWORD), "重複")
            assert issei.approve(message_id, suzuki) == 1
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == 2
            assert issei.pending_approvals() == []

        with_issei(config, body)
        assert sorted(peer.delivered_to()) == ["a@example.jp", "b@example.jp"]


def test_rejected_send_is_never_delivered(tmp_path: Path) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/r.db", email=EmailChannel(
            host="127.0.0.1", port=peer.port, security="none"))

        async def body(issei: Issei) -> None:
            setup_accounts(issei)
            message_id = issei.send(EVACUATION, signed_in=sign_in(issei.sessions, "sato",
                                                                  PASSWORD))
            issei.reject(message_id, sign_in(issei.sessions, "suzuki", PASSWORD),
                         "地区が違います")
            await issei.engine.run(until_idle=True)
            counts = issei.counts(message_id)["email"]
            assert (counts.cancelled, counts.pending, counts.sent) == (2, 0, 0)
            with pytest.raises(ValueError, match="承認待ちではありません"):
                issei.approve(message_id, sign_in(issei.sessions, "suzuki", PASSWORD))

        with_issei(config, body)
        assert peer.received == []


def test_emergency_override_is_audited_and_tampering_is_detected(tmp_path: Path) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/o.db", email=EmailChannel(
            host="127.0.0.1", port=peer.port, security="none"))

        async def body(issei: Issei) -> None:
            setup_accounts(issei)
            sato = sign_in(issei.sessions, "sato", PASSWORD)
            message_id = issei.send(EVACUATION, signed_in=sato)
            with pytest.raises(ValueError, match="理由を入力してください"):
                issei.override(message_id, sato, "")
            issei.override(message_id, sato, "承認者が不在で河川が氾濫寸前")
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == 2
            with issei.sessions() as s:
                entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "override")).one()
                assert entry.operator == "sato"
                assert entry.detail["reason"] == "承認者が不在で河川が氾濫寸前"
                assert audit.verify(s) == []
            # The database refuses a plain edit (migration 0009) …
            with pytest.raises(DBAPIError, match="追記のみ"), issei.sessions.begin() as s:
                s.execute(update(AuditEntry).where(AuditEntry.action == "override")
                          .values(detail={"reason": "承認済み"}))
            # … so someone with DDL rights drops the guards and edits the override's reason:
            with issei.sessions.begin() as s:
                drop_audit_guards(s)
            with issei.sessions.begin() as s:
                s.execute(update(AuditEntry).where(AuditEntry.action == "override")
                          .values(detail={"reason": "承認済み"}))
            with issei.sessions() as s:
                assert any("改ざん" in p for p in audit.verify(s))
            # … or removes a row: the chain breaks there too.
            with issei.sessions.begin() as s:
                s.execute(update(AuditEntry).where(AuditEntry.action == "override")
                          .values(detail={"reason": "承認者が不在で河川が氾濫寸前"}))
                first = s.scalar(select(func.min(AuditEntry.id)).where(
                    AuditEntry.action == "send"))
                s.execute(delete(AuditEntry).where(AuditEntry.id == first))
            with issei.sessions() as s:
                assert any("つながっていません" in p for p in audit.verify(s))

        with_issei(config, body)


def test_automatic_sends_follow_their_rule_not_the_operator_policy(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/a.db",
                         email=EmailChannel(host="127.0.0.1", port=1))

    async def body(issei: Issei) -> None:
        setup_accounts(issei)
        auto = issei.send(EVACUATION, automatic="震度5弱以上")
        assert issei.message_links(auto)["approval"] == "none"
        confirm = issei.send(EVACUATION, automatic="大雨警報", hold_for_approval=True)
        assert issei.message_links(confirm)["approval"] == "pending"

    with_issei(config, body)


def test_audit_export_is_cp932_and_refuses_what_cp932_cannot_hold(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/e.db",
                         email=EmailChannel(host="127.0.0.1", port=1))

    async def body(issei: Issei) -> None:
        add_recipients(issei, ["a@example.jp"])
        issei.send(Draft(title="髙橋①のお知らせ", body="本文", media=(Medium.EMAIL,)))
        out = tmp_path / "audit.csv"
        with issei.sessions() as s:
            assert audit.export_csv(s, out) == []
        text = out.read_bytes().decode("cp932")
        assert text.startswith("日時,操作者,端末,操作,配信ID,内容,ハッシュ\r\n")
        assert ",配信," in text and "髙橋①のお知らせ" in text
        issei.send(Draft(title="𠮷野家の前で集合", body="本文", media=(Medium.EMAIL,)))
        out.unlink()
        with issei.sessions() as s:
            problems = audit.export_csv(s, out)
        assert problems and "「𠮷」は cp932 で書けません" in problems[0]
        assert not out.exists()
        with issei.sessions() as s:
            assert audit.export_csv(s, out, "utf-8-sig") == []
        assert "𠮷野家" in out.read_text(encoding="utf-8-sig")

    with_issei(config, body)


def test_sign_in_throttle_waits_after_a_few_failures_and_doubles() -> None:
    from app.accounts.throttle import FIRST_WAIT, FREE_FAILURES, SignInThrottle

    now = [0.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(FREE_FAILURES):
        assert throttle.failed("Sato") == 0.0
        assert throttle.wait_seconds("sato") == 0.0  # a mistype costs nothing
    assert throttle.failed("sato") == FIRST_WAIT
    assert throttle.wait_seconds("SATO ") == FIRST_WAIT  # per login, case-insensitive
    assert throttle.wait_seconds("suzuki") == 0.0  # another operator is not slowed down
    now[0] += FIRST_WAIT
    assert throttle.wait_seconds("sato") == 0.0
    assert throttle.failed("sato") == 2 * FIRST_WAIT
    throttle.succeeded("sato")
    assert throttle.wait_seconds("sato") == 0.0 and throttle.failed("sato") == 0.0


def test_approval_queue_shows_audience_requester_and_decisions(tmp_path: Path) -> None:
    from app.accounts import approval

    config = make_config(tmp_path, f"sqlite:///{tmp_path / 'q.sqlite3'}",
                         email=EmailChannel(host="127.0.0.1", port=9, security="none"))

    async def body(issei: Issei) -> None:
        setup_accounts(issei)
        sato = sign_in(issei.sessions, "sato", PASSWORD)
        suzuki = sign_in(issei.sessions, "suzuki", PASSWORD)
        held = issei.send(EVACUATION, signed_in=sato)
        alone = issei.send(NOTICE, signed_in=sato)  # hold-to-send: the sender alone
        with issei.sessions() as session:
            queue = approval.pending_requests(session)
            assert [r.message_id for r in queue] == [held]
            request = queue[0]
            assert request.audience == {"email": 2} and request.media == ("email",)
            assert (request.created_by, request.department) == ("sato", "危機管理課")
            assert request.body == EVACUATION.body and request.urgency == "emergency"
        issei.reject(held, suzuki, "地区の誤り")
        with issei.sessions() as session:
            assert approval.pending_requests(session) == []
            decided = {d.message_id: d for d in approval.decisions(session, [held, alone])}
        assert (decided[held].state, decided[held].by, decided[held].note) == (
            "rejected", "suzuki", "地区の誤り")
        assert decided[alone].state == "none"

    with_issei(config, body)


def test_a_held_send_reaches_another_console_within_a_second(
    tmp_path: Path, pg_url: str
) -> None:
    """Two consoles on PostgreSQL: console A's held send is heard by console B's engine
    (LISTEN/NOTIFY) as an event for a message B never saw, and B's queue then lists it —
    what the 承認 tab does on every console."""
    import asyncio
    import time

    from app.accounts import approval
    from app.config import Config
    from app.dispatch.driver import DriverSet
    from app.events import DeliveryProgress, Event

    config = make_config(tmp_path / "a", pg_url, email=EmailChannel(
        host="127.0.0.1", port=9, security="none"))

    async def body(console_a: Issei) -> None:
        setup_accounts(console_a)
        console_b = Issei(Config(database_url=pg_url, data_dir=tmp_path / "b", training=False,
                                 embedded=False), DriverSet(), DriverSet())
        heard: list[tuple[float, str]] = []

        def on_event(event: Event) -> None:
            if isinstance(event, DeliveryProgress):
                heard.append((time.monotonic(), event.message_id))

        console_b.events.subscribe(on_event)
        runner = asyncio.create_task(console_b.engine.run())
        try:
            deadline = time.monotonic() + 10
            while console_b.engine.shared_channel_up is not True:
                assert time.monotonic() < deadline, "console B never listened"
                await asyncio.sleep(0.02)
            sato = sign_in(console_a.sessions, "sato", PASSWORD)
            started = time.monotonic()
            held = await asyncio.to_thread(console_a.send, EVACUATION, signed_in=sato)
            while not any(m == held for _t, m in heard):
                assert time.monotonic() - started < 1.0, "console B did not hear the request"
                await asyncio.sleep(0.005)
            with console_b.sessions() as session:
                assert [r.message_id for r in approval.pending_requests(session)] == [held]
            assert time.monotonic() - started < 1.0
        finally:
            runner.cancel()
            await asyncio.gather(runner, return_exceptions=True)
            await console_b.aclose()

    with_issei(config, body)
