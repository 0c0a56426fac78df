"""The outbox and engine delivering e-mail to a real SMTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.config import EmailChannel
from app.db.models import Delivery, DeliveryBatch, Message, RenditionRow
from app.dispatch import outbox
from app.dispatch.driver import BatchJob
from app.domain import Draft, Medium, Urgency
from app.service import Issei, SendRefusedError
from drivers.email_smtp import EmailDriver, EmailSettings
from tests.helpers import add_recipients, make_config, with_issei
from tests.peers.smtp_peer import SmtpPeer


def email_channel(peer: SmtpPeer, **kwargs: object) -> EmailChannel:
    channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none",
                           from_address="bousai@city.example.jp", recipients_per_transaction=10,
                           connections=2, timeout=5.0)
    for key, value in kwargs.items():
        setattr(channel, key, value)
    return channel


DRAFT = Draft(title="避難所開設のお知らせ", body="中央小学校を避難所として開設しました。",
              media=(Medium.EMAIL,), urgency=Urgency.IMPORTANT)


def test_send_writes_everything_in_one_transaction_then_delivers(
    tmp_path: Path, db_url: str
) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, db_url, email=email_channel(
            peer, return_path="bounce@city.example.jp",
            list_unsubscribe="https://www.city.example.jp/mail/stop"))
        addresses = [f"resident{i}@example.jp" for i in range(35)]

        async def body(issei: Issei) -> None:
            add_recipients(issei, addresses)
            message_id = issei.send(DRAFT)
            queued = issei.counts(message_id)["email"]
            assert (queued.total, queued.pending, queued.sent) == (35, 35, 0)
            with issei.sessions() as s:
                assert s.scalar(select(func.count()).select_from(DeliveryBatch)) == 4
                assert s.scalar(select(func.count()).select_from(RenditionRow)) == 1
            await issei.engine.run(until_idle=True)
            done = issei.counts(message_id)["email"]
            assert (done.total, done.sent, done.failed, done.pending) == (35, 35, 0, 0)

        with_issei(config, body)
        assert sorted(peer.delivered_to()) == sorted(addresses)
        assert max(len(m.rcpt_tos) for m in peer.received) == 10
        msg = peer.received[0].message
        assert msg["Subject"] == "避難所開設のお知らせ"
        assert b"=?utf-8?" in peer.received[0].raw.split(b"\r\n\r\n")[0]  # RFC 2047 encoded
        assert msg["To"] == "undisclosed-recipients:;"
        assert msg["Message-ID"].endswith("@city.example.jp>")
        assert len({m.message["Message-ID"] for m in peer.received}) == 4  # one per batch
        assert peer.received[0].mail_from == "bounce@city.example.jp"  # the Return-Path
        assert msg["List-Unsubscribe"] == "<https://www.city.example.jp/mail/stop>"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "中央小学校" in msg.get_body().get_content()


def test_one_refused_address_fails_alone_and_4xx_is_retried(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer(rcpt_answers={
        "nobody@example.jp": "550 5.1.1 User unknown",
        "busy@example.jp": "451 4.2.1 Mailbox busy",
    }) as peer:
        config = make_config(tmp_path, db_url, email=email_channel(peer))

        async def body(issei: Issei) -> None:
            add_recipients(issei, ["a@example.jp", "nobody@example.jp", "busy@example.jp"])
            message_id = issei.send(DRAFT)
            # The busy mailbox recovers after its first refusal.
            original = issei.engine._deliver

            async def deliver_then_recover(claimed: outbox.ClaimedBatch) -> None:
                await original(claimed)
                peer.rcpt_answers.pop("busy@example.jp", None)

            issei.engine._deliver = deliver_then_recover  # type: ignore[method-assign]
            await issei.engine.run(until_idle=True)
            counts = issei.counts(message_id)["email"]
            assert (counts.sent, counts.failed) == (2, 1)
            failures = issei.failures(message_id)
            assert failures == [("email", "nobody@example.jp", "SMTP 550 5.1.1 User unknown")]
            with issei.sessions() as s:
                busy = s.scalars(select(Delivery).where(Delivery.target == "busy@example.jp")).one()
                assert busy.attempts == 2 and busy.state == "sent"

        with_issei(config, body)
        assert sorted(peer.delivered_to()) == ["a@example.jp", "busy@example.jp"]


def test_unreachable_server_retries_then_fails_with_a_clear_reason(
    tmp_path: Path, db_url: str
) -> None:
    from drivers.drill import free_port

    channel = EmailChannel(host="127.0.0.1", port=free_port(), security="none", timeout=2.0)
    config = make_config(tmp_path, db_url, email=channel, max_attempts=3)

    async def body(issei: Issei) -> None:
        add_recipients(issei, ["a@example.jp", "b@example.jp"])
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["email"]
        assert (counts.total, counts.failed, counts.sent) == (2, 2, 0)
        reason = issei.failures(message_id)[0][2]
        assert "再試行の上限（3回）" in reason and "接続できません" in reason
        # The operator fixes the server and retries: nothing was lost.
        assert issei.retry_failed(message_id) == 2
        assert issei.counts(message_id)["email"].pending == 2

    with_issei(config, body)


def test_halt_cancels_what_is_still_queued(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, db_url, email=email_channel(peer))

        async def body(issei: Issei) -> None:
            add_recipients(issei, [f"r{i}@example.jp" for i in range(20)])
            message_id = issei.send(DRAFT)
            assert issei.halt(message_id) == 20
            await issei.engine.run(until_idle=True)
            counts = issei.counts(message_id)["email"]
            assert (counts.cancelled, counts.sent, counts.pending) == (20, 0, 0)
            with issei.sessions() as s:
                assert s.get(Message, message_id).halted_at is not None

        with_issei(config, body)
        assert peer.received == []


def test_training_send_never_reaches_the_configured_server(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as real_server:
        config = make_config(tmp_path, db_url, email=email_channel(real_server))

        async def body(issei: Issei) -> None:
            add_recipients(issei, ["real.resident@example.jp"])
            message_id = issei.send(Draft(**{**DRAFT.__dict__, "training": True}))
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == 1
            records = (issei.drill_folder / "email.jsonl").read_text(encoding="utf-8")
            assert "real.resident@example.jp" in records
            assert "【訓練】避難所開設のお知らせ" in records

        with_issei(config, body)
        assert real_server.received == []


def test_authentication_over_starttls_and_implicit_tls(tmp_path: Path) -> None:
    for security in ("starttls", "tls"):
        with SmtpPeer(security=security, username="bousai", password="s3cret") as peer:
            assert peer.ca is not None
            ca_file = tmp_path / f"ca-{security}.pem"
            peer.ca.cert_pem.write_to_path(str(ca_file))
            channel = email_channel(peer, security=security, username="bousai",
                                    ca_file=str(ca_file))
            config = make_config(tmp_path / security, f"sqlite:///{tmp_path / security}.db",
                                 email=channel)
            import os

            os.environ["ISSEI_EMAIL_PASSWORD"] = "s3cret"
            try:
                async def body(issei: Issei) -> None:
                    add_recipients(issei, ["a@example.jp"])
                    message_id = issei.send(DRAFT)
                    await issei.engine.run(until_idle=True)
                    assert issei.failures(message_id) == []
                    assert issei.counts(message_id)["email"].sent == 1

                with_issei(config, body)
            finally:
                del os.environ["ISSEI_EMAIL_PASSWORD"]
            assert peer.received[0].authenticated_as == "bousai"


def test_wrong_password_fails_the_medium_at_once(tmp_path: Path) -> None:
    with SmtpPeer(security="starttls", username="bousai", password="right") as peer:
        assert peer.ca is not None
        ca_file = tmp_path / "ca.pem"
        peer.ca.cert_pem.write_to_path(str(ca_file))
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/x.db",
                             email=email_channel(peer, security="starttls", username="bousai",
                                                 ca_file=str(ca_file)))
        import os

        os.environ["ISSEI_EMAIL_PASSWORD"] = "wrong"
        try:
            async def body(issei: Issei) -> None:
                add_recipients(issei, [f"r{i}@example.jp" for i in range(25)])
                message_id = issei.send(DRAFT)
                await issei.engine.run(until_idle=True)
                counts = issei.counts(message_id)["email"]
                assert (counts.failed, counts.sent) == (25, 0)
                assert "認証を拒否" in issei.failures(message_id)[0][2]

            with_issei(config, body)
        finally:
            del os.environ["ISSEI_EMAIL_PASSWORD"]


def test_invalid_draft_is_refused_and_writes_nothing(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        config = make_config(tmp_path, db_url, email=email_channel(peer))

        async def body(issei: Issei) -> None:
            add_recipients(issei, ["a@example.jp"])
            try:
                issei.send(Draft(title="", body="本文", media=(Medium.EMAIL,)))
            except SendRefusedError as exc:
                assert "件名を入力してください" in str(exc)
            else:
                raise AssertionError("an empty title must be refused")
            with issei.sessions() as s:
                assert s.scalar(select(func.count()).select_from(Message)) == 0

        with_issei(config, body)


def test_retry_after_and_backoff_schedule(tmp_path: Path) -> None:
    policy = outbox.RetryPolicy(max_attempts=8, base_seconds=2, max_seconds=300)
    assert outbox.backoff_seconds(1, policy, 0.0) == 1.0
    assert outbox.backoff_seconds(1, policy, 0.999) < 2.0
    assert outbox.backoff_seconds(4, policy, 0.0) == 8.0
    assert outbox.backoff_seconds(30, policy, 0.5) == 225.0  # capped at max_seconds

    from app.dispatch.driver import BatchResult, Outcome

    config = make_config(tmp_path, f"sqlite:///{tmp_path}/r.db",
                         email=EmailChannel(host="127.0.0.1", port=1))

    async def body(issei: Issei) -> None:
        add_recipients(issei, ["a@example.jp"])
        issei.send(DRAFT)
        claimed = outbox.claim(issei.sessions, ["email"], "test:1:1", 60)
        assert claimed is not None
        before = dt.datetime.now(dt.UTC)
        outbox.record(issei.sessions, claimed,
                      BatchResult.all(claimed.job, Outcome.TEMPORARY, "429", retry_after=120),
                      policy, 0.0)
        due = outbox.next_due(issei.sessions, ["email"])
        assert due is not None and due >= before + dt.timedelta(seconds=119)

    with_issei(config, body)


@pytest.mark.parametrize("subject", [
    "【訓練（くんれん）】北小学校 体育館に ひなんじょを ひらきました",  # a space where it folds
    "[DRILL] Evacuation shelter open: 北小学校 体育館 and the rest of a long English subject",
    "Plain ASCII subject",
])
def test_subject_survives_folding_with_every_space(subject: str) -> None:
    channel = EmailChannel(host="127.0.0.1", port=25, security="none",
                           from_address="bousai@example.jp", from_name="防災課")
    driver = EmailDriver(EmailSettings.from_channel(channel, None))
    job = BatchJob(message_id="m", medium=Medium.EMAIL, targets=(), idempotency_key="k",
                   payload={"subject": subject, "body": "本文"}, attempt=1, training=False)
    raw = driver._build(job)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n"))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert str(parsed["Subject"]) == subject
