"""The engine delivering to LINE through the spec-validating local peer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import LineChannel
from app.domain import Draft, Medium, Urgency
from app.service import Issei
from tests.helpers import add_recipients, line_user_id, make_config, with_issei
from tests.peers.line_peer import Fault, LinePeer

TOKEN = "test-channel-access-token"
DRAFT = Draft(title="大雨警報", body="土砂災害に警戒してください。", media=(Medium.LINE,),
              urgency=Urgency.IMPORTANT)


@pytest.fixture
def peer(monkeypatch: pytest.MonkeyPatch) -> Iterator[LinePeer]:
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", TOKEN)
    with LinePeer(token=TOKEN) as running:
        yield running


def channel(peer: LinePeer, **kwargs: object) -> LineChannel:
    line = LineChannel(base_url=peer.base_url, timeout=2.0, requests_per_second=200.0)
    for key, value in kwargs.items():
        setattr(line, key, value)
    return line


def test_multicast_in_chunks_of_500_each_user_once(
    tmp_path: Path, db_url: str, peer: LinePeer
) -> None:
    users = [line_user_id(i) for i in range(1203)]
    config = make_config(tmp_path, db_url, line=channel(peer))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=users)
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["line"]
        assert (counts.total, counts.sent, counts.failed) == (1203, 1203, 0)

    with_issei(config, body)
    peer.assert_clean()
    assert sorted(len(r.to) for r in peer.accepted) == [203, 500, 500]
    assert set(peer.delivered) == set(users) and max(peer.delivered.values()) == 1
    text = peer.accepted[0].messages[0]["text"]
    assert text.startswith("【大雨警報】") and "土砂災害" in text


def test_throttling_and_server_errors_retry_with_the_same_key(
    tmp_path: Path, db_url: str, peer: LinePeer
) -> None:
    peer.script(Fault.rate_limited(retry_after=0.1), Fault.server_error(503))
    config = make_config(tmp_path, db_url, line=channel(peer))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=[line_user_id(i) for i in range(10)])
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["line"].sent == 10

    with_issei(config, body)
    assert peer.statuses() == [429, 503, 200]
    assert len({r.retry_key for r in peer.requests}) == 1


def test_answer_lost_after_acceptance_is_not_delivered_twice(
    tmp_path: Path, peer: LinePeer
) -> None:
    peer.script(Fault.slow(3.0, accept=True))  # accepted, but the answer comes too late
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/l.db", line=channel(peer, timeout=0.5))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=[line_user_id(i) for i in range(3)])
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["line"]
        assert (counts.sent, counts.duplicates) == (3, 0)

    with_issei(config, body)
    assert 409 in peer.statuses()
    assert max(peer.delivered.values()) == 1


def test_refused_token_fails_every_batch_at_once(
    tmp_path: Path, db_url: str, peer: LinePeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", "revoked-token")
    config = make_config(tmp_path, db_url, line=channel(peer, concurrency=1))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=[line_user_id(i) for i in range(1500)])
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["line"]
        assert (counts.failed, counts.sent, counts.pending) == (1500, 0, 0)
        reasons = {reason for _, _, reason in issei.failures(message_id)}
        assert reasons == {
            "LINEがチャネルアクセストークンを拒否しました（401）。設定を確認してください"
        }

    with_issei(config, body)
    assert peer.statuses() == [401]  # the other two batches were not even tried


def test_broadcast_counts_as_one(tmp_path: Path, peer: LinePeer) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/b.db",
                         line=channel(peer, mode="broadcast"))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=[line_user_id(i) for i in range(5)])
        message_id = issei.send(Draft(title="イベント", body="夏祭りは中止です。",
                                      media=(Medium.LINE,), category="event"))
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["line"]
        assert (counts.total, counts.sent) == (1, 1)

    with_issei(config, body)
    peer.assert_clean()
    (request,) = peer.accepted
    assert request.path.endswith("/broadcast") and "to" not in request.body
    assert request.body["notificationDisabled"] is True  # a non-urgent event arrives silently


def test_text_over_5000_utf16_units_is_refused_before_sending(
    tmp_path: Path, peer: LinePeer
) -> None:
    from app.service import SendRefusedError

    config = make_config(tmp_path, f"sqlite:///{tmp_path}/u.db", line=channel(peer))

    async def body(issei: Issei) -> None:
        add_recipients(issei, line_ids=[line_user_id(1)])
        # 𠮷 is one character but two UTF-16 units: 2,500 of them plus the title exceed 5,000.
        with pytest.raises(SendRefusedError, match="UTF-16"):
            issei.send(Draft(title="長文", body="𠮷" * 2500, media=(Medium.LINE,)))
        issei.send(Draft(title="長文", body="𠮷" * 2490, media=(Medium.LINE,)))  # fits

    with_issei(config, body)
    assert peer.requests == []  # nothing was delivered by this test's engine (never run)
