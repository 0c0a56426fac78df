"""「詳細はこちら」: the website post's permalink in X, SMS and push — previewed as a placeholder,
delivered as the real link, recorded as sent — and a dead website never holds an SMS beyond
``[channels.website] link_wait_seconds``."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from sqlalchemy import insert, select

from app.compose import links
from app.compose.render import render
from app.compose.twitter_text import weighted_length
from app.config import ConfigError
from app.db.models import Recipient, RenditionRow
from app.domain import Draft, Medium, Severity
from app.service import Issei
from drivers.drill import DrillSink
from drivers.website import WebsiteSettings
from tests.helpers import make_config, with_issei
from tests.peers.twilio_peer import TwilioPeer
from tests.peers.wordpress_peer import (
    CATEGORY_SLUG,
    EDITOR,
    PostsValidator,
    WordPressPeer,
    WordPressSite,
)
from tests.peers.x_peer import XPeer

SID = "AC" + "b2" * 16
SMS_TOKEN = "twilio-token-for-link-tests"
X_TOKEN = "x-token-for-link-tests"
LONG = Draft(
    title="避難指示",
    body="中央地区に避難指示を発令しました。" * 8 + "中央小学校へ避難してください。" * 8,
    media=(Medium.WEBSITE, Medium.X, Medium.SMS, Medium.PUSH),
    category="disaster",
)


@pytest.fixture(autouse=True)
def _restore_link_options() -> Iterator[None]:
    before = links.OPTIONS.wait_seconds
    yield
    links.configure(before)


# --- the preview -----------------------------------------------------------------------------


def test_preview_shows_where_the_link_goes_and_what_happens_without_it() -> None:
    x = render(LONG, Medium.X)
    (post,) = x.payload["posts"]
    assert post["text"].endswith(f"詳細はこちら {links.PLACEHOLDER}")
    assert post["weighted_length"] <= 280 and x.payload[links.PENDING] is True
    assert x.payload["fallback"]["mode"] == "thread" and len(x.payload["fallback"]["posts"]) > 1
    assert any(f.code == "x_link" and "スレッド" in f.message for f in x.findings)
    sms = render(LONG, Medium.SMS)
    assert sms.payload["body"].endswith(f"詳細はこちら→{links.PLACEHOLDER}")
    assert sms.payload["parts"] == 3 and not sms.has_errors
    assert any(f.code == "sms_link" and "全文" in f.message for f in sms.findings)
    push = render(LONG, Medium.PUSH)
    assert push.payload["message"]["data"]["link"] == links.PLACEHOLDER
    # without the website among the media nothing waits: X is a thread, SMS the whole text
    alone = replace(LONG, media=(Medium.X, Medium.SMS))
    assert render(alone, Medium.X).payload["mode"] == "thread"
    assert links.PENDING not in render(alone, Medium.SMS).payload


def test_settling_puts_the_real_link_in_or_falls_back() -> None:
    link = "https://www.city.example.lg.jp/bousai/issei-0123456789abcdef0123456789abcdef/"
    x = render(LONG, Medium.X).payload
    with_link = links.settle(Medium.X, x, link)
    (post,) = with_link["posts"]
    assert post["text"].endswith(f"詳細はこちら {link}") and links.PENDING not in with_link
    assert post["weighted_length"] == weighted_length(post["text"]) <= 280
    assert links.settle(Medium.X, x, None)["posts"] == x["fallback"]["posts"]
    sms = render(LONG, Medium.SMS).payload
    short = links.settle(Medium.SMS, sms, link)
    assert short["body"].endswith(f"詳細はこちら→{link}") and short["parts"] <= 3
    whole = links.settle(Medium.SMS, sms, None)
    assert whole["body"] == sms["full_text"] and whole["parts"] > 3
    push = links.settle(Medium.PUSH, render(LONG, Medium.PUSH).payload, None)
    assert "link" not in push["message"]["data"] and links.PENDING not in push


def test_link_wait_is_typed_and_bounded(tmp_path: Path) -> None:
    from app.config import load_config

    path = tmp_path / "c.toml"
    path.write_text('[channels.website]\nbase_url = "https://www.example.jp"\n'
                    'username = "u"\nlink_wait_seconds = 600\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="link_wait_seconds"):
        WebsiteSettings.from_config(load_config(path, tmp_path))


# --- through the engine ----------------------------------------------------------------------


def _add_phones(issei: Issei, *numbers: str) -> None:
    with issei.sessions.begin() as s:
        s.execute(insert(Recipient), [{"name": f"住民{i}", "sms": n}
                                      for i, n in enumerate(numbers)])


def _stored(issei: Issei, message_id: str, medium: Medium) -> dict[str, Any]:
    with issei.sessions() as s:
        payload: dict[str, Any] = s.scalar(select(RenditionRow.payload).where(
            RenditionRow.message_id == message_id, RenditionRow.medium == medium.value))
    return payload


def test_drill_x_sms_and_push_carry_the_website_permalink(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/l.db", training=True)

    async def body(issei: Issei) -> str:
        _add_phones(issei, "090-1111-2222", "090-3333-4444")
        message_id = issei.send(LONG)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)
        assert all(c.sent == c.total > 0 for c in counts.values()), counts
        return message_id

    message_id = with_issei(config, body)
    drill = DrillSink(tmp_path / "drill").recorder
    (post,) = drill.read("website")
    slug = post["body"]["slug"]
    (x_post,) = drill.read("x")
    text = x_post["body"]["text"]
    assert "詳細はこちら http://127.0.0.1:" in text and text.endswith(f"/website/{slug}/")
    sms = [dict(parse_qsl(r["body"]))["Body"] for r in drill.read("sms")]
    assert len(sms) == 2 and all(f"/website/{slug}/" in b and "詳細はこちら→" in b for b in sms)
    (push,) = drill.read("push")[-1:]
    assert push["body"]["message"]["data"]["link"].endswith(f"/website/{slug}/")
    assert links.PLACEHOLDER not in repr(drill.read("x") + drill.read("sms"))

    async def ledger(issei: Issei) -> None:  # the ledger keeps the text that was sent
        stored = _stored(issei, message_id, Medium.X)
        assert stored["posts"][0]["text"] == text and links.PENDING not in stored

    with_issei(config, ledger)


@pytest.fixture
def twilio() -> Iterator[TwilioPeer]:
    with TwilioPeer(SID, SMS_TOKEN) as peer:
        yield peer


@pytest.fixture
def x_peer() -> Iterator[XPeer]:
    with XPeer(X_TOKEN) as peer:
        yield peer


def _real_config(tmp_path: Path, website_url: str, twilio: TwilioPeer, x_peer: XPeer,
                 monkeypatch: pytest.MonkeyPatch, wait: float) -> Any:
    monkeypatch.setenv("ISSEI_SMS_AUTH_TOKEN", SMS_TOKEN)
    monkeypatch.setenv("ISSEI_X_ACCESS_TOKEN", X_TOKEN)
    monkeypatch.setenv("ISSEI_WEBSITE_APPLICATION_PASSWORD", "app pass word")
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/r.db", max_attempts=2)
    config.channels["website"] = {"base_url": website_url, "username": "bousai",
                                  "timeout": 30.0, "link_wait_seconds": wait}
    config.channels["sms"] = {"base_url": twilio.base_url, "account_sid": SID,
                              "from_number": "+815011112222"}
    config.channels["x"] = {"base_url": x_peer.base_url}
    config.configured_media |= {"website", "sms", "x"}
    return config


def test_spec_checked_x_and_sms_requests_carry_the_permalink(
    tmp_path: Path, twilio: TwilioPeer, x_peer: XPeer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The website here is the drill sink's WordPress double, reached by the real driver.
    site = DrillSink(tmp_path / "site").start()
    try:
        config = _real_config(tmp_path, site.http_url("website"), twilio, x_peer,
                              monkeypatch, wait=5.0)

        async def body(issei: Issei) -> None:
            _add_phones(issei, "090-1111-2222")
            message_id = issei.send(replace(LONG, media=(Medium.WEBSITE, Medium.X,
                                                         Medium.SMS)))
            await issei.engine.run(until_idle=True)
            assert all(c.sent == c.total for c in issei.counts(message_id).values())

        with_issei(config, body)
    finally:
        site.stop()
    (post,) = site.recorder.read("website")
    link = f"/website/{post['body']['slug']}/"
    (x_text,) = [p["text"] for p in x_peer.posts.values()]
    assert x_text.endswith(link) and "詳細はこちら" in x_text
    (sms,) = twilio.messages.values()
    assert sms["body"].endswith(link) and "詳細はこちら→" in sms["body"]
    twilio.assert_clean()
    x_peer.assert_clean()


def test_x_and_sms_carry_the_permalink_the_real_wordpress_returned(
    tmp_path: Path, twilio: TwilioPeer, x_peer: XPeer, monkeypatch: pytest.MonkeyPatch,
    wordpress: WordPressSite, validator: PostsValidator,
) -> None:
    # Debian's WordPress behind the proxy that validates every request against the schema the
    # site serves; X and Twilio are the spec-validated peers.
    site = wordpress
    with WordPressPeer(site, validator) as wordpress:
        config = _real_config(tmp_path, wordpress.base_url, twilio, x_peer,
                              monkeypatch, wait=20.0)
        config.channels["website"].update(username=EDITOR, category=CATEGORY_SLUG)
        monkeypatch.setenv("ISSEI_WEBSITE_APPLICATION_PASSWORD", site.passwords[EDITOR])

        async def body(issei: Issei) -> str:
            _add_phones(issei, "090-1111-2222", "090-3333-4444")
            message_id = issei.send(replace(LONG, media=(Medium.WEBSITE, Medium.X,
                                                         Medium.SMS)))
            await issei.engine.run(until_idle=True)
            counts = issei.counts(message_id)
            assert all(c.sent == c.total > 0 for c in counts.values()), counts
            return message_id

        message_id = with_issei(config, body)
        [created] = wordpress.created
        wordpress.assert_clean()
        link = created.answer["link"]
        # WordPress's own permalink (its pretty structure, its host), not the proxy's address
        assert link.startswith(site.base_url + "/") and "/issei-" in link, link
        assert link.endswith("/") and site.base_url != wordpress.base_url
    (x_text,) = [p["text"] for p in x_peer.posts.values()]
    assert x_text.endswith(f"詳細はこちら {link}")
    assert weighted_length(x_text) <= 280
    bodies = sorted(m["body"] for m in twilio.messages.values())
    assert len(bodies) == 2 and all(b.endswith(f"詳細はこちら→{link}") for b in bodies)
    assert links.PLACEHOLDER not in repr(bodies) + x_text
    twilio.assert_clean()
    x_peer.assert_clean()

    async def ledger(issei: Issei) -> None:  # the ledger keeps the text that was sent
        assert _stored(issei, message_id, Medium.X)["posts"][0]["text"] == x_text
        assert _stored(issei, message_id, Medium.SMS)["body"] == bodies[0]

    with_issei(config, ledger)


def test_a_dead_website_does_not_hold_sms_beyond_the_wait(
    tmp_path: Path, twilio: TwilioPeer, x_peer: XPeer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A website that takes the connection and never answers (its backlog, no accept()).
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        url = f"http://127.0.0.1:{hung.getsockname()[1]}"
        config = _real_config(tmp_path, url, twilio, x_peer, monkeypatch, wait=1.0)

        async def body(issei: Issei) -> float:
            _add_phones(issei, "090-1111-2222")
            message_id = issei.send(replace(LONG, media=(Medium.WEBSITE, Medium.X, Medium.SMS)))
            started = time.monotonic()
            engine = asyncio.create_task(issei.engine.run())
            try:
                while issei.counts(message_id)["sms"].sent < 1:
                    assert time.monotonic() - started < 10, "SMS held by the website"
                    await asyncio.sleep(0.05)
                elapsed = time.monotonic() - started
                while issei.counts(message_id)["x"].sent < 1:
                    await asyncio.sleep(0.05)
                assert issei.counts(message_id)["website"].pending == 1  # still hanging
                stored = _stored(issei, message_id, Medium.X)
                assert stored["mode"] == "thread" and links.PENDING not in stored
            finally:
                engine.cancel()
                await asyncio.gather(engine, return_exceptions=True)
            return elapsed

        elapsed = with_issei(config, body)
    assert 0.9 <= elapsed < 3.0, elapsed
    (sms,) = twilio.messages.values()
    assert sms["body"] == render(LONG, Medium.SMS).payload["full_text"]  # the whole text
    texts = x_peer.thread_of(min(x_peer.posts))
    assert len(texts) > 1 and all(links.PLACEHOLDER not in t for t in texts)
    twilio.assert_clean()
    x_peer.assert_clean()


def test_findings_never_block_a_send_for_want_of_a_link() -> None:
    huge = replace(LONG, body="避難してください。" * 400)  # a thread far over ten posts
    x = render(huge, Medium.X)
    assert not x.has_errors  # the link is expected; without it the operator was warned
    assert any(f.severity is Severity.WARNING and "リンクが得られない場合" in f.message
               for f in x.findings)
