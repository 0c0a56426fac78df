"""訂正・取消: a follow-up reaches exactly who received the original, quotes it, and links."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import update

from app.config import EmailChannel, LineChannel
from app.db.models import Recipient
from app.dispatch import outbox
from app.domain import Draft, Medium
from app.service import Issei
from drivers.drill import DrillSink
from tests.helpers import add_recipients, line_user_id, make_config, with_issei
from tests.peers.line_peer import LinePeer
from tests.peers.smtp_peer import SmtpPeer

TOKEN = "test-channel-access-token"
ORIGINAL = Draft(title="避難所開設", body="北小学校を開設しました。", media=(Medium.EMAIL,))


def test_correction_goes_to_those_who_received_the_original(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer(rcpt_answers={"gone@example.jp": "550 5.1.1 no such user"}) as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none")
        config = make_config(tmp_path, db_url, email=channel)

        async def body(issei: Issei) -> None:
            add_recipients(issei, ["a@example.jp", "b@example.jp", "gone@example.jp"])
            original = issei.send(ORIGINAL)
            await issei.engine.run(until_idle=True)
            # After the original: one resident leaves, one new resident registers.
            with issei.sessions.begin() as s:
                s.execute(update(Recipient).where(Recipient.email == "b@example.jp")
                          .values(active=False))
            add_recipients(issei, ["new@example.jp"])
            peer.received.clear()

            correction = issei.correct(original, "南小学校を開設しました。")
            await issei.engine.run(until_idle=True)
            counts = issei.counts(correction)["email"]
            assert (counts.total, counts.sent) == (2, 2)
            links = issei.message_links(original)
            assert links["followed_by"] == [{"message_id": correction, "kind": "correction"}]
            assert issei.message_links(correction)["correction_of"] == original

        with_issei(config, body)
    # The correction follows the original's ledger: "b" received the original, so "b" must
    # learn of the correction too; "new" never saw the original; "gone" never received it.
    assert sorted(peer.delivered_to()) == ["a@example.jp", "b@example.jp"]
    message = peer.received[0].message
    assert message["Subject"] == "【訂正】避難所開設"
    text = message.get_body().get_content()
    assert text.index("南小学校") < text.index("――訂正前の内容――") < text.index("北小学校")


def test_cancellation_quotes_the_original_and_cannot_be_repeated(tmp_path: Path) -> None:
    with SmtpPeer() as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none")
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/c.db", email=channel)

        async def body(issei: Issei) -> None:
            add_recipients(issei, ["a@example.jp"])
            original = issei.send(ORIGINAL)
            await issei.engine.run(until_idle=True)
            cancel = issei.cancel(original, reason="誤って配信したため")
            await issei.engine.run(until_idle=True)
            assert issei.counts(cancel)["email"].sent == 1
            with pytest.raises(ValueError, match="すでに取り消されています"):
                issei.cancel(original)
            with pytest.raises(ValueError, match="もとの配信"):
                issei.correct(cancel, "x")
            with pytest.raises(ValueError, match="見つかりません"):
                issei.cancel("00000000-0000-0000-0000-000000000000")

        with_issei(config, body)
    message = peer.received[-1].message
    assert message["Subject"] == "【取消】避難所開設"
    text = message.get_body().get_content()
    assert "「避難所開設」は取り消します" in text and "誤って配信したため" in text
    assert "北小学校を開設しました" in text


def test_line_correction_and_public_refs_reach_the_driver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", TOKEN)
    with LinePeer(token=TOKEN) as peer:
        line = LineChannel(base_url=peer.base_url, mode="broadcast")
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/l.db", line=line)

        async def body(issei: Issei) -> None:
            add_recipients(issei, line_ids=[line_user_id(1)])
            original = issei.send(Draft(title="断水", body="明日断水します。",
                                        media=(Medium.LINE,)))
            await issei.engine.run(until_idle=True)
            correction = issei.correct(original, "断水は中止になりました。")
            claimed = outbox.claim(issei.sessions, ["line"], "test:1:1", 60)
            assert claimed is not None and claimed.job.message_id == correction
            assert claimed.job.kind == "correction"
            # The original broadcast's request id: a medium that can edit a post uses it.
            assert claimed.job.original_refs == (peer.accepted[0].request_id,)

        with_issei(config, body)


def test_training_correction_edits_and_deletes_like_the_real_services(tmp_path: Path) -> None:
    """In training the drill sink behaves as WordPress, Facebook and X do: the correction
    edits the website and Facebook posts in place and deletes the X post, never a new post
    beside the old one."""
    from sqlalchemy import select

    from app.db.models import Delivery

    config = make_config(tmp_path, f"sqlite:///{tmp_path}/t.db", training=True)
    media = (Medium.WEBSITE, Medium.FACEBOOK, Medium.X)

    async def body(issei: Issei) -> tuple[dict[str, str], dict[str, str]]:
        original = issei.send(Draft(title="避難所開設", body="北小学校を開設しました。",
                                    media=media))
        await issei.engine.run(until_idle=True)
        correction = issei.correct(original, "南小学校を開設しました。")
        await issei.engine.run(until_idle=True)
        assert all(c.sent == c.total == 1 for c in issei.counts(correction).values())

        def refs(message_id: str) -> dict[str, str]:
            with issei.sessions() as s:
                return dict(s.execute(select(Delivery.medium, Delivery.provider_ref).where(
                    Delivery.message_id == message_id)).all())

        return refs(original), refs(correction)

    before, after = with_issei(config, body)
    drill = DrillSink(tmp_path / "drill").recorder
    website = drill.read("website")
    post_id = before["website"].split()[0]
    assert [r["path"] for r in website] == ["/wp-json/wp/v2/posts",
                                            f"/wp-json/wp/v2/posts/{post_id}"]
    assert "【訂正】" in website[1]["body"]["title"]["raw"]
    assert "南小学校" in website[1]["body"]["content"]["raw"]
    assert after["website"] == before["website"]  # the same post, the same permalink
    facebook = drill.read("facebook")
    assert facebook[1]["path"].endswith(f"/{before['facebook']}")  # an edit of that post
    assert after["facebook"] == before["facebook"]
    x = drill.read("x")
    assert [r.get("method", "POST") for r in x] == ["POST", "DELETE", "POST"]
    assert x[1]["path"] == f"/2/tweets/{before['x']}"
    assert after["x"] != before["x"] and "【訂正】" in x[2]["body"]["text"]
