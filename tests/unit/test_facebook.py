"""Facebook Page posts against the Graph peer that checks parameters against Page.json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from app.compose.facebook import render_facebook
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import Medium
from drivers.facebook import FacebookDriver, FacebookSettings
from tests.peers.facebook_peer import FacebookPeer, graph_error
from tests.peers.scripted_http import Fault
from tests.unit.net_helpers import DRAFT, error, job, outcomes, send

PAGE = "104758223456789"
TOKEN = "EAAB-page-token"


@pytest.fixture
def peer() -> Iterator[FacebookPeer]:
    with FacebookPeer(PAGE, TOKEN) as running:
        yield running


def driver(peer: FacebookPeer, token: str | None = TOKEN, timeout: float = 2.0) -> FacebookDriver:
    return FacebookDriver(FacebookSettings(base_url=peer.base_url, page_id=PAGE,
                                           timeout=timeout), token)


def fb_job(payload: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return job(Medium.FACEBOOK, payload or render_facebook(
        replace(DRAFT, media=(Medium.FACEBOOK,)), "ja").payload, **kwargs)


def test_post_with_link_is_valid_per_page_json_and_id_recorded(peer: FacebookPeer) -> None:
    link = "https://www.city.example.jp/bousai/1"
    payload = render_facebook(replace(DRAFT, media=(Medium.FACEBOOK,)), "ja", link=link).payload
    [result] = send(lambda: driver(peer), fb_job(payload))
    assert outcomes(result) == {Outcome.SENT}
    post_id = result.results[0].provider_ref
    assert post_id in peer.posts and post_id.startswith(f"{PAGE}_")  # type: ignore[union-attr]
    sent = peer.posts[post_id]  # type: ignore[index]
    assert sent["link"] == link and sent["published"] == "true"
    assert sent["message"].startswith("【大雨警報】") and "詳細はこちら" in sent["message"]
    assert peer.accepted[0].headers["authorization"] == f"Bearer {TOKEN}"
    peer.assert_clean()


@pytest.mark.parametrize(("fault", "medium_error", "outcome"), [
    (graph_error(400, 190, "Error validating access token: Session has expired"), True,
     Outcome.PERMANENT),
    (graph_error(403, 200, "(#200) Requires pages_manage_posts permission"), True,
     Outcome.PERMANENT),
    (graph_error(400, 506, "Duplicate status message"), False, Outcome.PERMANENT),
    (graph_error(400, 368, "Temporarily blocked"), True, Outcome.PERMANENT),
    (graph_error(500, 2, "Service temporarily unavailable", "OAuthException"), False,
     Outcome.TEMPORARY),
    (graph_error(503, 1, "An unknown error occurred"), False, Outcome.TEMPORARY),
])
def test_graph_errors_by_code(peer: FacebookPeer, fault: Fault, medium_error: bool,
                              outcome: Outcome) -> None:
    peer.script(fault)
    [result] = send(lambda: driver(peer), fb_job())
    assert outcomes(result) == {outcome}
    assert (result.medium_error is not None) is medium_error
    peer.assert_clean()


def test_wrong_token_is_refused_by_the_peer(peer: FacebookPeer) -> None:
    [result] = send(lambda: driver(peer, token="wrong"), fb_job())
    assert result.medium_error is not None and "190" in result.medium_error


def test_throttling_waits_for_the_usage_header(peer: FacebookPeer) -> None:
    usage = json.dumps({PAGE: [{"type": "pages", "estimated_time_to_regain_access": 7}]})
    peer.script(graph_error(400, 32, "Page request limit reached",
                            **{"X-Business-Use-Case-Usage": usage}))
    [result] = send(lambda: driver(peer), fb_job())
    assert outcomes(result) == {Outcome.TEMPORARY} and result.retry_after == 420.0


def test_timeout_is_temporary(peer: FacebookPeer) -> None:
    peer.script(Fault.slow(3.0))
    [result] = send(lambda: driver(peer, timeout=0.5), fb_job())
    assert outcomes(result) == {Outcome.TEMPORARY} and "時間内" in error(result)


@pytest.mark.parametrize("payload", [
    {"message": "x", "privacy": "{}"},  # not a parameter we may send
    {"message": ""},
    {"message": "x", "link": "javascript:alert(1)"},
    {"message": "あ" * 63207},
])
def test_invalid_post_is_refused_before_sending(peer: FacebookPeer,
                                                payload: dict[str, Any]) -> None:
    [result] = send(lambda: driver(peer), fb_job(payload))
    assert outcomes(result) == {Outcome.PERMANENT}
    assert peer.requests == []


def test_peer_refuses_parameters_page_json_does_not_list(peer: FacebookPeer) -> None:
    import httpx

    with httpx.Client(base_url=peer.base_url) as client:
        bad = client.post(f"/v25.0/{PAGE}/feed", data={"message": "x", "mesage": "typo",
                                                       "published": "yes"},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    assert {v.split(":")[0] for v in peer.violations} == {"page.json"}
    assert len(peer.violations) == 2


def test_training_guard(peer: FacebookPeer) -> None:
    with pytest.raises(TrainingGuardError):
        send(lambda: driver(peer), fb_job(training=True))
    assert peer.requests == []


# --- corrections and cancellations edit the original post (PagePost.json) ----------------------


def follow_up(kind: str, refs: tuple[str, ...], title: str, body: str) -> Any:
    draft = replace(DRAFT, title=title, body=body, media=(Medium.FACEBOOK,), kind=kind)
    return replace(fb_job(render_facebook(draft, "ja").payload), kind=kind, original_refs=refs)


def posted(peer: FacebookPeer) -> str:
    [result] = send(lambda: driver(peer), fb_job())
    ref = result.results[0].provider_ref
    assert ref is not None
    return ref


def test_correction_edits_the_original_post_with_the_new_message(peer: FacebookPeer) -> None:
    original = posted(peer)
    job_ = follow_up("correction", (original,), "【訂正】大雨警報",
                     "南小学校へ避難してください。\n\n――訂正前の内容――\n中央小学校へ避難してください。")
    [result] = send(lambda: driver(peer), job_)

    assert outcomes(result) == {Outcome.SENT}
    assert result.results[0].provider_ref == original  # the same post
    assert len(peer.posts) == 1  # nothing new on the Page
    [(edited, form)] = peer.edits
    assert edited == original and set(form) == {"message"}
    message = peer.posts[original]["message"]
    # the renderer's head line (app/compose) wraps the whole title: 【【訂正】大雨警報】
    assert "【訂正】【大雨警報】" in message.split("\n")[0]
    assert message.index("南小学校") < message.index("訂正前の内容") < message.index("中央小学校")
    assert peer.accepted[-1].path == f"/v25.0/{original}"
    peer.assert_clean()


def test_cancellation_edits_the_post_into_a_notice(peer: FacebookPeer) -> None:
    original = posted(peer)
    job_ = follow_up("cancellation", (original,), "【取消】大雨警報",
                     "先ほどお知らせした「大雨警報」は取り消します。")
    [result] = send(lambda: driver(peer), job_)

    assert outcomes(result) == {Outcome.SENT} and result.results[0].provider_ref == original
    message = peer.posts[original]["message"]
    notice, _, rest = message.partition("\n\n")
    assert notice == "【取消】この投稿の情報は取り消されました。"
    assert "【取消】【大雨警報】" in rest.split("\n")[0] and "取り消します" in rest
    assert len(peer.posts) == 1
    peer.assert_clean()


@pytest.mark.parametrize("refs", [(), (f"{PAGE}_999",)], ids=["never-posted", "removed"])
def test_follow_up_without_a_live_original_is_a_new_post(peer: FacebookPeer,
                                                         refs: tuple[str, ...]) -> None:
    job_ = follow_up("cancellation", refs, "【取消】大雨警報", "取り消します。")
    [result] = send(lambda: driver(peer), job_)

    assert outcomes(result) == {Outcome.SENT}
    new = result.results[0].provider_ref
    assert new in peer.posts and new not in refs
    assert peer.posts[new]["message"].startswith("【取消】この投稿の情報は取り消されました。")  # type: ignore[index]
    assert peer.edits == []
    assert len(peer.requests) == len(refs) + 1  # the refused edit (if any), then the post
    peer.assert_clean()


def test_edit_errors_are_interpreted_like_posts(peer: FacebookPeer) -> None:
    original = posted(peer)
    peer.script(graph_error(403, 200, "(#200) Requires pages_manage_posts permission"))
    [result] = send(lambda: driver(peer),
                    follow_up("correction", (original,), "【訂正】大雨警報", "訂正します。"))
    assert outcomes(result) == {Outcome.PERMANENT} and result.medium_error is not None
    assert peer.edits == []


def test_peer_refuses_edit_parameters_page_post_json_does_not_list(peer: FacebookPeer) -> None:
    import httpx

    original = posted(peer)
    with httpx.Client(base_url=peer.base_url) as client:
        bad = client.post(f"/v25.0/{original}", data={"message": "x", "link": "https://a.jp/",
                                                       "is_hidden": "maybe"},
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    assert sorted(peer.violations) == [
        "pagepost.json: is_hidden is not a bool: 'maybe'",
        "pagepost.json: unknown edit parameter 'link'",
    ]
    assert peer.edits == []
