"""X: twitter-text v3 weighted length against ALL its conformance vectors, the thread / shorten
/ link renderings, and the driver against the X peer (spec from the shared folder)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.compose import twitter_text as tt
from app.compose.x import MAX_THREAD, render_x
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import Medium, Severity
from drivers.x import XDriver, XSettings
from tests.peers.scripted_http import Fault
from tests.peers.x_peer import SPEC_MISSING, XPeer, fault, rate_limited
from tests.unit.net_helpers import DRAFT, error, job, outcomes, send

DATA = Path(__file__).resolve().parents[1] / "data" / "specs" / "x"
VECTORS = yaml.safe_load((DATA / "twitter-text-conformance-validate.yml").read_text("utf-8"))
TOKEN = "x-user-access-token"
LONG = replace(DRAFT, media=(Medium.X,), body="土砂災害に警戒してください。" * 40)


def _cases(section: str) -> list[Any]:
    return [pytest.param(case, id=case["description"][:60]) for case in VECTORS["tests"][section]]


# --- twitter-text conformance (every vector of validate.yml) ----------------------------------


def test_config_is_the_shipped_v3_json() -> None:
    config = json.loads((DATA / "twitter-text-config-v3.json").read_text("utf-8"))
    assert tt.TextConfig.from_json(config) == tt.V3


@pytest.mark.parametrize(("section", "config"), [
    ("WeightedTweetsCounterTest", tt.V2),
    ("WeightedTweetsWithDiscountedEmojiCounterTest", tt.V3),
    ("UnicodeDirectionalMarkerCounterTest", tt.V3),
])
def test_weighted_counter_vectors(section: str, config: tt.TextConfig) -> None:
    failures = []
    for case in VECTORS["tests"][section]:
        parsed = tt.parse(case["text"], config)
        got = {"weightedLength": parsed.weighted_length, "valid": parsed.valid,
               "permillage": parsed.permillage, "validRangeStart": 0,
               "validRangeEnd": parsed.valid_range_end, "displayRangeStart": 0,
               "displayRangeEnd": parsed.display_range_end}
        expected = case["expected"]
        if {k: got[k] for k in expected} != expected:
            failures.append((case["description"], got, expected))
    assert failures == []
    assert len(VECTORS["tests"][section]) >= 2


@pytest.mark.parametrize("case", _cases("tweets"))
def test_legacy_tweet_validity(case: dict[str, Any]) -> None:
    assert tt.parse(case["text"], tt.V1).valid is case["expected"]


@pytest.mark.parametrize(("section", "check"), [
    ("usernames", tt.is_valid_username),
    ("lists", tt.is_valid_list),
    ("hashtags", tt.is_valid_hashtag),
    ("urls", tt.is_valid_url),
    ("urls_without_protocol", lambda u: tt.is_valid_url(u, require_protocol=False)),
])
def test_validator_vectors(section: str, check: Any) -> None:
    wrong = [c["description"] for c in VECTORS["tests"][section]
             if check(c["text"]) is not c["expected"]]
    assert wrong == []


def test_every_section_of_the_vectors_is_covered() -> None:
    assert set(VECTORS["tests"]) == {
        "tweets", "usernames", "lists", "hashtags", "urls", "urls_without_protocol",
        "WeightedTweetsCounterTest", "WeightedTweetsWithDiscountedEmojiCounterTest",
        "UnicodeDirectionalMarkerCounterTest"}


@pytest.mark.parametrize(("text", "weight"), [
    ("あ" * 140, 280), ("避難指示", 8), ("詳細は https://www.city.example.jp/a/b/c/d", 30),
    ("詳細はcity.example.jpへ", 31),  # a bare domain inside Japanese text is a link too
    ("👨‍👩‍👧‍👦", 2),
])
def test_japanese_weights(text: str, weight: int) -> None:
    assert tt.weighted_length(text) == weight


# --- rendering --------------------------------------------------------------------------------


def test_short_message_is_one_post() -> None:
    rendition = render_x(replace(DRAFT, media=(Medium.X,)), "ja")
    assert rendition.payload["mode"] == "single"
    [post] = rendition.payload["posts"]
    assert post["text"].startswith("【大雨警報】") and post["weighted_length"] <= 280


def test_long_message_becomes_a_numbered_thread_losing_nothing() -> None:
    rendition = render_x(replace(LONG, training=True), "ja")
    posts = [p["text"] for p in rendition.payload["posts"]]
    assert rendition.payload["mode"] == "thread" and len(posts) > 1
    assert all(tt.weighted_length(p) <= 280 for p in posts)
    assert all(p.startswith("【訓練】") for p in posts)  # each post alone says it is a drill
    assert [p.rsplit(" ", 1)[1] for p in posts] == [f"({i}/{len(posts)})"
                                                      for i in range(1, len(posts) + 1)]
    joined = "".join(p.removeprefix("【訓練】").rsplit(" ", 1)[0] for p in posts)
    assert joined.replace("\n", "") == ("【大雨警報】" + LONG.body)
    assert not rendition.has_errors


def test_shorten_cuts_at_a_sentence_boundary() -> None:
    rendition = render_x(LONG, "ja", long_text="shorten")
    [post] = rendition.payload["posts"]
    assert post["text"].endswith("。") and post["weighted_length"] <= 280
    assert {f.code for f in rendition.findings if f.severity is Severity.WARNING} == {
        "x_shortened"}


def test_website_link_wins_over_thread() -> None:
    link = "https://www.city.example.jp/bousai/2026/0001.html"
    rendition = render_x(LONG, "ja", link=link)
    [post] = rendition.payload["posts"]
    assert rendition.payload["mode"] == "link"
    assert post["text"].endswith(f"詳細はこちら {link}") and post["weighted_length"] <= 280


def test_too_long_for_a_thread_is_an_error() -> None:
    rendition = render_x(replace(LONG, body="警戒してください。" * 200), "ja")
    assert len(rendition.payload["posts"]) > MAX_THREAD
    assert "too_long" in {f.code for f in rendition.findings if f.severity is Severity.ERROR}


# --- the driver against the peer --------------------------------------------------------------


@pytest.fixture
def peer() -> Iterator[XPeer]:
    with XPeer(TOKEN) as running:
        yield running


def driver(peer: XPeer, token: str | None = TOKEN, timeout: float = 2.0) -> XDriver:
    return XDriver(XSettings(base_url=peer.base_url, timeout=timeout), token)


def x_job(payload: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    payload = payload or render_x(replace(DRAFT, media=(Medium.X,)), "ja").payload
    return job(Medium.X, payload, **kwargs)


def test_post_is_spec_valid_and_id_recorded(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [result] = send(lambda: driver(peer), x_job())
    assert outcomes(result) == {Outcome.SENT}
    assert result.results[0].provider_ref == next(iter(peer.posts))
    assert peer.accepted[0].headers["authorization"] == f"Bearer {TOKEN}"
    peer.assert_clean()


def test_thread_is_posted_as_a_reply_chain(peer: XPeer) -> None:
    payload = render_x(LONG, "ja").payload
    [result] = send(lambda: driver(peer), x_job(payload))
    ids = (result.results[0].provider_ref or "").split(",")
    assert len(ids) == len(payload["posts"]) and ids[0] in peer.posts
    assert peer.thread_of(ids[0]) == [p["text"] for p in payload["posts"]]
    peer.assert_clean()


def test_interrupted_thread_resumes_without_reposting(peer: XPeer) -> None:
    payload = render_x(LONG, "ja").payload
    peer.script(Fault(accept=True), rate_limited(30))
    first = x_job(payload)
    retry = x_job(payload, key=first.idempotency_key, attempt=2)
    r1, r2 = send(lambda: driver(peer), first, retry)

    assert outcomes(r1) == {Outcome.TEMPORARY}
    assert 25 <= (r1.retry_after or 0) <= 31  # from x-rate-limit-reset
    assert "1件目まで投稿済み" in error(r1)
    assert outcomes(r2) == {Outcome.SENT}
    assert len(peer.posts) == len(payload["posts"])  # nothing twice
    root = (r2.results[0].provider_ref or "").split(",")[0]
    assert peer.thread_of(root) == [p["text"] for p in payload["posts"]]
    peer.assert_clean()


def test_refused_token_is_a_medium_error(peer: XPeer) -> None:
    [result] = send(lambda: driver(peer, token="expired"), x_job())
    assert result.medium_error is not None and "401" in result.medium_error
    peer.assert_clean()


def test_duplicate_is_permanent_not_a_medium_error(peer: XPeer) -> None:
    r1, r2 = send(lambda: driver(peer), x_job(), x_job())
    assert outcomes(r1) == {Outcome.SENT}
    assert outcomes(r2) == {Outcome.PERMANENT} and r2.medium_error is None
    assert "同じ内容" in error(r2)
    peer.assert_clean()


def test_forbidden_app_is_a_medium_error(peer: XPeer) -> None:
    peer.script(fault(403, "Forbidden", "You are not permitted to perform this action."))
    [result] = send(lambda: driver(peer), x_job())
    assert result.medium_error is not None and "403" in result.medium_error


def test_rate_limit_waits_until_reset(peer: XPeer) -> None:
    peer.script(rate_limited(120))
    [result] = send(lambda: driver(peer), x_job())
    assert outcomes(result) == {Outcome.TEMPORARY}
    assert 115 <= (result.retry_after or 0) <= 121
    peer.assert_clean()


@pytest.mark.parametrize("status_code", [500, 503])
def test_server_error_is_temporary(peer: XPeer, status_code: int) -> None:
    peer.script(fault(status_code, "Service Unavailable", "Service Unavailable"))
    [result] = send(lambda: driver(peer), x_job())
    assert outcomes(result) == {Outcome.TEMPORARY} and str(status_code) in error(result)


def test_timeout_is_temporary(peer: XPeer) -> None:
    peer.script(Fault.slow(3.0))
    started = time.monotonic()
    [result] = send(lambda: driver(peer, timeout=0.5), x_job())
    assert outcomes(result) == {Outcome.TEMPORARY} and "時間内" in error(result)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("payload", [
    {"posts": [{"text": "あ" * 141}]},
    {"posts": [{"text": "避難\ufffe"}]},
    {"posts": []},
    {"posts": [{"text": f"{i}"} for i in range(11)]},
])
def test_spec_invalid_post_is_refused_before_sending(peer: XPeer,
                                                     payload: dict[str, Any]) -> None:
    [result] = send(lambda: driver(peer), x_job(payload))
    assert outcomes(result) == {Outcome.PERMANENT}
    assert peer.requests == []


def test_peer_validates_against_the_official_document(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    import httpx

    with httpx.Client(base_url=peer.base_url) as client:
        bad = client.post("/2/tweets", json={"text": "a", "media": {"media_ids": []}},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400
    assert any("openapi" in v for v in peer.violations)
    assert peer.response_violations == []  # our 400 Problem is valid per the document


def test_training_guard(peer: XPeer) -> None:
    with pytest.raises(TrainingGuardError):
        send(lambda: driver(peer), x_job(training=True))
    assert peer.requests == []


# --- corrections and cancellations delete the original and post anew ---------------------------


def follow_up(kind: str, refs: tuple[str, ...], title: str, body: str) -> Any:
    draft = replace(DRAFT, title=title, body=body, media=(Medium.X,), kind=kind)
    return replace(x_job(render_x(draft, "ja").payload), kind=kind, original_refs=refs)


CANCEL_BODY = ("先ほどお知らせした「大雨警報」は取り消します。\n理由: 誤って配信したため"
               "\n\n――取り消した内容――\n土砂災害に警戒してください。")


def test_correction_deletes_the_whole_thread_then_posts_the_correction(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [original] = send(lambda: driver(peer), x_job(render_x(LONG, "ja").payload))
    old_ids = (original.results[0].provider_ref or "").split(",")
    assert len(old_ids) > 1  # a thread
    correction = follow_up("correction", (",".join(old_ids),), "【訂正】大雨警報",
                           "南小学校へ避難してください。\n\n――訂正前の内容――\n中央小学校へ。")
    [result] = send(lambda: driver(peer), correction)

    assert outcomes(result) == {Outcome.SENT}
    assert peer.deleted == old_ids[::-1]  # replies first, the root last
    new_ids = (result.results[0].provider_ref or "").split(",")
    assert set(peer.posts) == set(new_ids) and not set(new_ids) & set(old_ids)
    assert "【訂正】【大雨警報】" in peer.posts[new_ids[0]]["text"]
    assert [r.request.method for r in peer.requests[len(old_ids):]] == (
        ["DELETE"] * len(old_ids) + ["POST"] * len(new_ids))
    peer.assert_clean()  # every DELETE and its answer valid per the OpenAPI document


def test_cancellation_deletes_and_posts_a_short_notice(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [original] = send(lambda: driver(peer), x_job())
    old = original.results[0].provider_ref or ""
    [result] = send(lambda: driver(peer),
                    follow_up("cancellation", (old,), "【取消】大雨警報", CANCEL_BODY))

    assert outcomes(result) == {Outcome.SENT}
    assert peer.deleted == [old]
    [notice] = [p["text"] for p in peer.posts.values()]
    assert "【取消】【大雨警報】" in notice.split("\n")[0]
    assert "取り消します" in notice and "誤って配信したため" in notice
    assert "取り消した内容" not in notice and "土砂災害" not in notice  # short: no quote
    peer.assert_clean()


def test_a_post_already_deleted_counts_as_done(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [original] = send(lambda: driver(peer), x_job())
    old = original.results[0].provider_ref or ""
    gone = "1799999999999999999"  # deleted by hand on x.com meanwhile
    [result] = send(lambda: driver(peer),
                    follow_up("correction", (f"{old},{gone}",), "【訂正】大雨警報", "訂正です。"))

    assert outcomes(result) == {Outcome.SENT}
    assert [(r.request.method, r.status) for r in peer.requests[1:]] == [
        ("DELETE", 404), ("DELETE", 200), ("POST", 201)]
    assert peer.deleted == [old]
    peer.assert_clean()


def test_delete_refused_stops_before_posting_and_says_so(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [original] = send(lambda: driver(peer), x_job())
    old = original.results[0].provider_ref or ""
    peer.script(fault(403, "Forbidden", "You are not allowed to delete this Tweet."))
    [result] = send(lambda: driver(peer),
                    follow_up("correction", (old,), "【訂正】大雨警報", "訂正です。"))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert error(result).startswith(f"元の投稿（{old}）を削除できません")
    assert [r.request.method for r in peer.requests[1:]] == ["DELETE"]  # no correction posted
    assert old in peer.posts


def test_retry_after_a_rate_limit_while_deleting_posts_once(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [original] = send(lambda: driver(peer), x_job())
    old = original.results[0].provider_ref or ""
    peer.script(rate_limited(30))
    first = follow_up("cancellation", (old,), "【取消】大雨警報", CANCEL_BODY)
    retry = replace(first, attempt=2)
    r1, r2 = send(lambda: driver(peer), first, retry)

    assert outcomes(r1) == {Outcome.TEMPORARY} and r1.retry_after is not None
    assert outcomes(r2) == {Outcome.SENT}
    assert peer.deleted == [old] and len(peer.posts) == 1
    peer.assert_clean()


def test_follow_up_of_an_original_never_posted_only_posts(peer: XPeer) -> None:
    if not peer.spec_available:
        pytest.skip(SPEC_MISSING)
    [result] = send(lambda: driver(peer),
                    follow_up("cancellation", (), "【取消】大雨警報", CANCEL_BODY))
    assert outcomes(result) == {Outcome.SENT}
    assert [r.request.method for r in peer.requests] == ["POST"] and peer.deleted == []
