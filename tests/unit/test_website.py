"""The website medium against a real WordPress (Debian's package, PHP's server, MariaDB).

Every request passes a proxy that validates it against the JSON Schema this same WordPress
serves (``OPTIONS /wp-json/wp/v2/posts``) before WordPress sees it; faults are WordPress's
own answers (a must-use plugin) or the proxy holding/dropping the answer.
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.compose.website import (
    details_line,
    parse_website_ref,
    published_link,
    render_website,
    website_ref,
    with_details,
)
from app.config import ConfigError
from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target, TrainingGuardError
from app.domain import Draft, Medium, Urgency
from app.service import Issei
from drivers.drill import DrillSink
from drivers.website import WebsiteDriver, WebsiteSettings, request_problems
from tests.helpers import make_config, with_issei
from tests.peers.wordpress_peer import (
    CATEGORY_SLUG,
    CONTRIBUTOR,
    EDITOR,
    POSTS,
    Fault,
    PostsValidator,
    WordPressPeer,
    WordPressSite,
)

DRAFT = Draft(title="避難指示（緊急）",
              body="中央地区に避難指示を発令しました。\n\n直ちに避難してください。",
              media=(Medium.WEBSITE,), urgency=Urgency.EMERGENCY, areas=("中央地区",))


@pytest.fixture
def peer(wordpress: WordPressSite, validator: PostsValidator) -> Iterator[WordPressPeer]:
    with WordPressPeer(wordpress, validator) as running:
        yield running


def settings(base_url: str, **kwargs: Any) -> WebsiteSettings:
    values: dict[str, Any] = {"base_url": base_url, "username": EDITOR, "timeout": 5.0,
                              "category": CATEGORY_SLUG}
    values.update(kwargs)
    return WebsiteSettings(**values)


def make_job(draft: Draft = DRAFT, *, key: str | None = None, attempt: int = 1,
             training: bool = False, payload: dict[str, Any] | None = None) -> BatchJob:
    return BatchJob(
        message_id=str(uuid.uuid4()), medium=Medium.WEBSITE,
        idempotency_key=key or str(uuid.uuid4()), attempt=attempt, training=training,
        payload=payload if payload is not None else render_website(draft, "ja").payload,
        targets=(Target(1, "public"),),
    )


def send(driver_settings: WebsiteSettings, password: str | None, *jobs: BatchJob,
         **kwargs: Any) -> list[BatchResult]:
    async def run() -> list[BatchResult]:
        driver = WebsiteDriver(driver_settings, password, **kwargs)
        try:
            return [await driver.send(job) for job in jobs]
        finally:
            await driver.aclose()

    return asyncio.run(run())


def outcome(result: BatchResult) -> Outcome:
    (item,) = result.results
    return item.outcome


# --- success ----------------------------------------------------------------------------------


def test_post_is_published_with_category_and_its_link_is_the_reference(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    job = make_job()
    [result] = send(settings(peer.base_url), wordpress.passwords[EDITOR], job)

    assert outcome(result) == Outcome.SENT
    ref = result.results[0].provider_ref
    assert ref is not None
    post_id, link = parse_website_ref(ref)
    assert link is not None and link.startswith(wordpress.base_url)
    assert link.endswith(f"/issei-{job.idempotency_key.replace('-', '')}/")
    stored = peer.get_post(post_id, wordpress.passwords[EDITOR])
    assert stored["status"] == "publish"
    assert stored["title"]["raw"] == "【緊急】避難指示（緊急）"
    assert "<p>中央地区に避難指示を発令しました。</p>" in stored["content"]["raw"]
    assert "対象地区: 中央地区" in stored["content"]["raw"]
    assert stored["categories"] == [wordpress.category_id]
    assert stored["link"] == link
    # the category slug was looked up once, with a query the served schema accepts
    assert [e.path for e in peer.exchanges] == ["/wp-json/wp/v2/categories", POSTS]
    peer.assert_clean()


def test_category_id_and_draft_status_are_sent_as_configured(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    [result] = send(settings(peer.base_url, category=str(wordpress.category_id), status="draft"),
                    wordpress.passwords[EDITOR], make_job())

    assert outcome(result) == Outcome.SENT
    [exchange] = peer.exchanges  # an id needs no look-up
    assert exchange.body["status"] == "draft" and exchange.body["categories"] == [
        wordpress.category_id]
    peer.assert_clean()


def test_training_post_is_marked_as_a_drill(peer: WordPressPeer,
                                            wordpress: WordPressSite) -> None:
    from dataclasses import replace

    payload = render_website(replace(DRAFT, training=True), "ja").payload
    [result] = send(settings(peer.base_url), wordpress.passwords[EDITOR],
                    make_job(payload=payload, training=True), simulated=True)

    assert outcome(result) == Outcome.SENT
    body = peer.posts()[0].body
    assert body["title"]["raw"].startswith("【訓練】")
    assert body["content"]["raw"].startswith("<p><strong>これは訓練です。")
    peer.assert_clean()


# --- refusals ---------------------------------------------------------------------------------


def test_wrong_application_password_is_401_and_a_medium_error(
    peer: WordPressPeer,
) -> None:
    [result] = send(settings(peer.base_url, category=""), "abcd efgh ijkl mnop qrst uvwx",
                    make_job())

    assert outcome(result) == Outcome.PERMANENT
    assert result.medium_error is not None
    assert "アプリケーションパスワード" in result.medium_error and "401" in result.medium_error
    assert [e.status for e in peer.exchanges] == [401]
    assert peer.created == []
    peer.assert_clean()


def test_user_without_publish_rights_is_403_and_a_medium_error(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    [result] = send(settings(peer.base_url, username=CONTRIBUTOR, category=""),
                    wordpress.passwords[CONTRIBUTOR], make_job())

    assert outcome(result) == Outcome.PERMANENT
    assert result.medium_error is not None
    assert "公開の権限がありません" in result.medium_error
    assert "rest_cannot_publish" in result.medium_error
    assert [e.status for e in peer.exchanges] == [403]
    peer.assert_clean()


def test_missing_password_sends_nothing(peer: WordPressPeer) -> None:
    [result] = send(settings(peer.base_url), None, make_job())

    assert outcome(result) == Outcome.PERMANENT
    assert result.medium_error and "ISSEI_WEBSITE_APPLICATION_PASSWORD" in result.medium_error
    assert peer.exchanges == []


def test_unknown_category_slug_is_a_medium_error(peer: WordPressPeer,
                                                 wordpress: WordPressSite) -> None:
    [result] = send(settings(peer.base_url, category="no-such-category"),
                    wordpress.passwords[EDITOR], make_job())

    assert outcome(result) == Outcome.PERMANENT
    assert result.medium_error and "no-such-category" in result.medium_error
    assert peer.posts() == []
    peer.assert_clean()


# --- faults -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_temporary_then_the_retry_posts_once(
    peer: WordPressPeer, wordpress: WordPressSite, status: int
) -> None:
    peer.script(Fault(status=status))
    first = make_job()
    retry = make_job(key=first.idempotency_key, attempt=2, payload=first.payload)
    r1, r2 = send(settings(peer.base_url, category=""), wordpress.passwords[EDITOR],
                  first, retry)

    assert outcome(r1) == Outcome.TEMPORARY
    assert f"サーバーエラー（{status}）" in (r1.results[0].error or "")
    assert r1.medium_error is None
    assert outcome(r2) == Outcome.SENT
    # WordPress's own error answer, then the retry's look-up (nothing there), then the post
    assert [(e.method, e.status) for e in peer.exchanges] == [
        ("POST", status), ("GET", 200), ("POST", 201)]
    assert peer.exchanges[0].answer["code"] == "issei_test_fault"
    assert peer.count_slug(f"issei-{first.idempotency_key.replace('-', '')}") == 1
    peer.assert_clean()


def test_timeout_is_temporary_and_nothing_is_posted(peer: WordPressPeer,
                                                    wordpress: WordPressSite) -> None:
    peer.script(Fault(delay=3.0))
    started = time.monotonic()
    [result] = send(settings(peer.base_url, category="", timeout=0.5),
                    wordpress.passwords[EDITOR], make_job())

    assert time.monotonic() - started < 2.0
    assert outcome(result) == Outcome.TEMPORARY
    assert "時間内" in (result.results[0].error or "")
    assert peer.created == []


def test_answer_lost_after_the_post_was_made_is_found_not_posted_twice(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    peer.script(Fault(delay=3.0, accept=True))  # WordPress creates it; the answer is late
    first = make_job()
    retry = make_job(key=first.idempotency_key, attempt=2, payload=first.payload)
    r1, r2 = send(settings(peer.base_url, category="", timeout=0.5),
                  wordpress.passwords[EDITOR], first, retry)

    assert outcome(r1) == Outcome.TEMPORARY
    assert outcome(r2) == Outcome.SENT
    slug = f"issei-{first.idempotency_key.replace('-', '')}"
    assert peer.count_slug(slug) == 1
    assert [e.method for e in peer.exchanges] == ["POST", "GET"]  # found: no second POST
    created_id = peer.exchanges[0].answer["id"]
    assert parse_website_ref(r2.results[0].provider_ref or "")[0] == created_id
    peer.assert_clean()


def test_dropped_connection_and_dead_server_are_temporary(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    peer.script(Fault(disconnect=True))
    [dropped] = send(settings(peer.base_url, category=""), wordpress.passwords[EDITOR],
                     make_job())
    assert outcome(dropped) == Outcome.TEMPORARY

    with socket.socket() as sock:  # bound, not listening: connecting is refused
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
        [refused] = send(settings(dead), wordpress.passwords[EDITOR], make_job())
    assert outcome(refused) == Outcome.TEMPORARY
    assert "接続できません" in (refused.results[0].error or "")
    assert refused.medium_error is None


# --- payloads the schema refuses are caught before sending --------------------------------------


def test_invalid_payload_is_refused_before_any_request(peer: WordPressPeer,
                                                       wordpress: WordPressSite) -> None:
    empty_title = make_job(payload={"title": "  ", "content": "<p>x</p>"})
    [r1] = send(settings(peer.base_url, category=""), wordpress.passwords[EDITOR], empty_title)
    [r2] = send(settings(peer.base_url, category="", status="published"),
                wordpress.passwords[EDITOR], make_job())
    [r3] = send(settings(peer.base_url, category="0"), wordpress.passwords[EDITOR], make_job())

    assert outcome(r1) == outcome(r2) == outcome(r3) == Outcome.PERMANENT
    assert "title" in (r1.results[0].error or "") and r1.medium_error is None
    assert r2.medium_error and "status" in r2.medium_error  # the configuration is wrong
    assert r3.medium_error and "categories" in r3.medium_error
    assert peer.exchanges == []  # nothing reached WordPress


@pytest.mark.parametrize(
    "body",
    [
        {"title": {"raw": "t"}, "content": {"raw": "c"}, "status": "publish"},
        {"title": {"raw": "t"}, "status": "published"},
        {"title": "t", "status": "publish"},
        {"title": {"raw": "t"}, "status": "publish", "categories": ["bousai"]},
        {"title": {"raw": "t"}, "status": "publish", "categories": 3},
        {"title": {"raw": "t"}, "status": "publish", "slug": 12},
        {"title": {"raw": "t"}, "status": "publish", "catgories": [1]},
    ],
    ids=["valid", "bad-status", "title-string", "category-slug", "categories-int",
         "slug-int", "misspelt"],
)
def test_our_rules_agree_with_the_schema_wordpress_serves(
    validator: PostsValidator, body: dict[str, Any]
) -> None:
    assert bool(request_problems(body)) == bool(validator.check_body(body)), (
        request_problems(body), validator.check_body(body))


def test_peer_refuses_what_the_served_schema_refuses(peer: WordPressPeer,
                                                     wordpress: WordPressSite) -> None:
    import httpx

    response = httpx.post(peer.base_url + POSTS, json={"title": "t", "status": "published"},
                          auth=(EDITOR, wordpress.passwords[EDITOR]))
    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_param"
    assert {v.property for v in peer.violations} == {"title", "status"}
    assert peer.created == []


# --- guards and training ----------------------------------------------------------------------


def test_training_job_on_the_real_driver_is_refused_before_any_request(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    with pytest.raises(TrainingGuardError):
        send(settings(peer.base_url), wordpress.passwords[EDITOR], make_job(training=True))
    assert peer.exchanges == []


def test_drill_sink_answers_like_wordpress(tmp_path: Path) -> None:
    sink = DrillSink(tmp_path / "drill").start()
    try:
        first = make_job(training=True)
        again = make_job(key=first.idempotency_key, attempt=2, training=True,
                         payload=first.payload)
        r1, r2 = send(settings(sink.http_url("website")), "drill", first, again,
                      simulated=True)
    finally:
        sink.stop()
    assert outcome(r1) == outcome(r2) == Outcome.SENT
    assert r1.results[0].provider_ref == r2.results[0].provider_ref  # found, not re-posted
    post_id, link = parse_website_ref(r1.results[0].provider_ref or "")
    assert post_id >= 1 and link and "/website/issei-" in link
    records = sink.recorder.read("website")
    assert len(records) == 1 and records[0]["path"] == POSTS
    assert records[0]["body"]["title"]["raw"].startswith("【緊急】")


# --- the whole path: engine, ledger, link for other media -------------------------------------


def test_engine_posts_once_and_the_link_is_offered_to_other_media(
    tmp_path: Path, peer: WordPressPeer, wordpress: WordPressSite,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISSEI_WEBSITE_APPLICATION_PASSWORD", wordpress.passwords[EDITOR])
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/w.db")
    config.channels["website"] = {"base_url": peer.base_url, "username": EDITOR,
                                  "category": wordpress.category_id, "status": "publish"}
    config.configured_media.add("website")

    async def body(issei: Issei) -> str | None:
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["website"]
        assert (counts.total, counts.sent, counts.failed) == (1, 1, 0)
        with issei.sessions() as session:
            return published_link(session, message_id)

    link = with_issei(config, body)
    assert link is not None and link.startswith(wordpress.base_url)
    [created] = peer.created
    assert created.answer["link"] == link
    text = with_details("中央地区に避難指示。" * 30, link, limit=140)
    assert text.endswith(details_line(link)) and len(text) <= 140
    peer.assert_clean()


# --- corrections and cancellations edit the original post ---------------------------------------


def follow_up(kind: str, original: BatchResult | None, *, title: str, body: str) -> BatchJob:
    """The job the outbox hands over for a 【訂正】/【取消】 of ``original`` (rendered as
    :meth:`Issei.correct`/:meth:`Issei.cancel` do: the mark in the title, the old text quoted)."""
    draft = Draft(title=title, body=body, media=(Medium.WEBSITE,), urgency=Urgency.EMERGENCY,
                  areas=("中央地区",), kind=kind)
    refs = ()
    if original is not None and original.results[0].provider_ref:
        refs = (original.results[0].provider_ref,)
    return BatchJob(
        message_id=str(uuid.uuid4()), medium=Medium.WEBSITE,
        idempotency_key=str(uuid.uuid4()), attempt=1, training=False,
        payload=render_website(draft, "ja").payload, targets=(Target(1, "public"),),
        kind=kind, original_refs=refs,
    )


CORRECTED = ("南地区に避難指示を発令しました。"
             "\n\n――訂正前の内容――\n中央地区に避難指示を発令しました。")
CANCELLED = ("先ほどお知らせした「避難指示（緊急）」は取り消します。\n理由: 誤って配信したため"
             "\n\n――取り消した内容――\n中央地区に避難指示を発令しました。")


def test_correction_updates_the_original_post_and_keeps_its_permalink(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    password = wordpress.passwords[EDITOR]
    [original] = send(settings(peer.base_url), password, make_job())
    post_id, link = parse_website_ref(original.results[0].provider_ref or "")
    correction = follow_up("correction", original, title="【訂正】避難指示（緊急）",
                           body=CORRECTED)
    [result] = send(settings(peer.base_url), password, correction)

    assert outcome(result) == Outcome.SENT
    assert result.results[0].provider_ref == original.results[0].provider_ref  # same post
    assert len(peer.created) == 1  # the original only: nothing new was posted
    [edit] = peer.updated
    assert edit.path == f"{POSTS}/{post_id}"
    assert set(edit.body) == {"title", "content", "excerpt"}  # slug, status, categories kept
    stored = peer.get_post(post_id, password)
    assert stored["link"] == link and stored["status"] == "publish"
    assert stored["title"]["raw"] == "【訂正】【緊急】避難指示（緊急）"
    content = stored["content"]["raw"]
    assert content.index("南地区") < content.index("訂正前の内容") < content.index("中央地区")
    assert stored["categories"] == [wordpress.category_id]
    peer.assert_clean()


def test_cancellation_marks_the_post_withdrawn_instead_of_deleting_it(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    password = wordpress.passwords[EDITOR]
    [original] = send(settings(peer.base_url), password, make_job())
    post_id, link = parse_website_ref(original.results[0].provider_ref or "")
    cancel = follow_up("cancellation", original, title="【取消】避難指示（緊急）",
                       body=CANCELLED)
    [result] = send(settings(peer.base_url), password, cancel)

    assert outcome(result) == Outcome.SENT
    assert parse_website_ref(result.results[0].provider_ref or "") == (post_id, link)
    assert [(e.method, e.path) for e in peer.exchanges if e.path.startswith(POSTS)] == [
        ("POST", POSTS), ("POST", f"{POSTS}/{post_id}")]  # created, then edited: no DELETE
    stored = peer.get_post(post_id, password)
    assert stored["status"] == "publish"  # the link still opens
    assert stored["title"]["raw"].startswith("【取消】")
    content = stored["content"]["raw"]
    assert content.startswith("<p><strong>【取消】この情報は取り消されました。")
    assert content.index("取り消します") < content.index("中央地区に避難指示を発令しました。")
    assert stored["excerpt"]["raw"].startswith("【取消】")
    peer.assert_clean()


def test_follow_up_of_an_original_that_was_never_posted_is_a_new_post(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    correction = follow_up("correction", None, title="【訂正】避難指示（緊急）", body=CORRECTED)
    [result] = send(settings(peer.base_url), wordpress.passwords[EDITOR], correction)

    assert outcome(result) == Outcome.SENT
    assert peer.updated == []
    [created] = peer.created
    assert created.body["slug"] == f"issei-{correction.idempotency_key.replace('-', '')}"
    post_id, _ = parse_website_ref(result.results[0].provider_ref or "")
    assert post_id == created.answer["id"]
    assert peer.get_post(post_id, wordpress.passwords[EDITOR])["title"]["raw"].startswith(
        "【訂正】")
    peer.assert_clean()


def test_follow_up_of_a_post_removed_on_the_site_is_posted_anew(
    peer: WordPressPeer, wordpress: WordPressSite
) -> None:
    gone = website_ref(987654, None)  # no such post on this site
    job = follow_up("cancellation", None, title="【取消】避難指示（緊急）", body=CANCELLED)
    job = BatchJob(**{**job.__dict__, "original_refs": (gone,)})
    [result] = send(settings(peer.base_url), wordpress.passwords[EDITOR], job)

    assert outcome(result) == Outcome.SENT
    assert [(e.method, e.path, e.status) for e in peer.exchanges if e.path.startswith(POSTS)
            ] == [("POST", f"{POSTS}/987654", 404), ("POST", POSTS, 201)]
    assert peer.exchanges[-1].body["title"]["raw"].startswith("【取消】")
    peer.assert_clean()


def test_training_follow_up_through_the_drill_sink_edits_the_post(tmp_path: Path) -> None:
    sink = DrillSink(tmp_path / "drill").start()
    try:
        first = make_job(training=True)
        [original] = send(settings(sink.http_url("website")), "drill", first, simulated=True)
    finally:
        sink.stop()
    # a later process (a new sink on the same drill folder) corrects what the first posted
    sink = DrillSink(tmp_path / "drill").start()
    try:
        job = follow_up("cancellation", original, title="【取消】避難指示（緊急）",
                        body=CANCELLED)
        job = BatchJob(**{**job.__dict__, "training": True})
        [result] = send(settings(sink.http_url("website")), "drill", job, simulated=True)
    finally:
        sink.stop()
    assert outcome(result) == Outcome.SENT
    post_id = original.results[0].provider_ref.split()[0]  # type: ignore[union-attr]
    records = sink.recorder.read("website")
    assert [r["path"] for r in records] == [POSTS, f"{POSTS}/{post_id}"]  # edited, not new
    assert records[-1]["body"]["title"]["raw"].startswith("【取消】")
    # the permalink residents already have stays the same, as on a real site
    assert result.results[0].provider_ref == original.results[0].provider_ref


@pytest.mark.parametrize(
    "body",
    [
        {"title": {"raw": "t"}, "content": {"raw": "c"}, "excerpt": {"raw": "e"}},
        {"title": "t"},
        {"title": {"raw": "t"}, "content": 3},
        {"title": {"raw": "t"}, "sluggish": "x"},
    ],
    ids=["valid", "title-string", "content-int", "misspelt"],
)
def test_update_rules_agree_with_the_schema_of_the_edit_route(
    validator: PostsValidator, body: dict[str, Any]
) -> None:
    ours = request_problems(body, update=True)
    assert bool(ours) == bool(validator.check_update(body)), (ours, validator.check_update(body))


def test_engine_corrects_then_cancels_the_same_post_and_the_ledger_links_them(
    tmp_path: Path, peer: WordPressPeer, wordpress: WordPressSite,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ISSEI_WEBSITE_APPLICATION_PASSWORD", wordpress.passwords[EDITOR])
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/f.db")
    config.channels["website"] = {"base_url": peer.base_url, "username": EDITOR,
                                  "category": wordpress.category_id, "status": "publish"}
    config.configured_media.add("website")

    async def body(issei: Issei) -> tuple[str | None, ...]:
        original = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        correction = issei.correct(original, "南地区に避難指示を発令しました。")
        await issei.engine.run(until_idle=True)
        cancel = issei.cancel(original, reason="誤って配信したため")
        await issei.engine.run(until_idle=True)
        for follow in (correction, cancel):
            counts = issei.counts(follow)["website"]
            assert (counts.total, counts.sent, counts.failed) == (1, 1, 0)
        assert issei.message_links(original)["followed_by"] == [
            {"message_id": correction, "kind": "correction"},
            {"message_id": cancel, "kind": "cancellation"},
        ]
        assert issei.message_links(correction)["correction_of"] == original
        assert issei.message_links(cancel)["correction_of"] == original
        with issei.sessions() as session:
            return tuple(published_link(session, m) for m in (original, correction, cancel))

    links = with_issei(config, body)
    assert links[0] is not None and len(set(links)) == 1  # one post, one permalink throughout
    [created] = peer.created
    assert len(peer.updated) == 2
    stored = peer.get_post(created.answer["id"], wordpress.passwords[EDITOR])
    assert stored["title"]["raw"] == "【取消】【緊急】避難指示（緊急）"
    assert "誤って配信したため" in stored["content"]["raw"]
    peer.assert_clean()


# --- pure helpers -----------------------------------------------------------------------------


def test_reference_keeps_id_and_link_and_falls_back_to_the_short_link() -> None:
    assert parse_website_ref(website_ref(12, "https://city.example.jp/2026/11/a/")) == (
        12, "https://city.example.jp/2026/11/a/")
    long_link = "https://city.example.jp/" + "%E9%81%BF" * 80
    assert website_ref(12, long_link) == "12"
    assert parse_website_ref("12", "https://city.example.jp/") == (
        12, "https://city.example.jp/?p=12")


def test_with_details_fits_the_limit_and_prefers_a_sentence_end() -> None:
    link = "https://city.example.jp/p/1"
    short = with_details("避難してください。", link, limit=280)
    assert short == f"避難してください。\n詳細はこちら→{link}"
    long = with_details("中央地区に避難指示。" + "あ" * 300, link, limit=100)
    assert len(long) <= 100 and long.endswith(link) and "…" in long
    sentences = with_details("一つ目の文です。" * 20, link, limit=100)
    assert sentences.split("\n")[0].endswith("。") and len(sentences) <= 100
    assert with_details("本文", None, limit=10) == "本文"


def test_config_refuses_a_password_in_the_file_and_a_wrong_status(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/c.db")
    base = {"base_url": "https://www.city.example.lg.jp", "username": "bousai"}
    config.channels["website"] = {**base, "application_password": "leak"}
    with pytest.raises(ConfigError, match="ISSEI_WEBSITE_APPLICATION_PASSWORD"):
        WebsiteSettings.from_config(config)
    config.channels["website"] = {**base, "status": "published"}
    with pytest.raises(ConfigError, match="status"):
        WebsiteSettings.from_config(config)
    config.channels["website"] = {**base, "category": 7, "timeout": 10}
    parsed = WebsiteSettings.from_config(config)
    assert (parsed.category, parsed.timeout) == ("7", 10.0)
