"""The LINE driver against a real local peer that validates every request against LINE's spec.

The peer (tests/peers/line_peer.py) checks each request with openapi-core against the official
OpenAPI document, validates every message object against the schema its ``type`` selects, and
applies LINE's rules the spec does not encode; so "accepted" here means "LINE would accept it".
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target, TrainingGuardError
from app.domain import Medium
from drivers.line import LineDriver
from tests.peers.line_peer import BROADCAST_PATH, MULTICAST_PATH, Fault, LinePeer

TOKEN = "line-channel-access-token-for-tests"
TEXT = "【避難指示】中央地区に避難指示を発令しました。直ちに中央小学校へ避難してください。"


def user_id(n: int) -> str:
    return "U" + f"{n:032x}"


def make_job(
    addresses: list[str],
    *,
    messages: list[dict[str, Any]] | None = None,
    key: str | None = None,
    attempt: int = 1,
    training: bool = False,
    silent: bool = False,
    first_delivery_id: int = 1,
) -> BatchJob:
    return BatchJob(
        message_id=str(uuid.uuid4()),
        medium=Medium.LINE,
        idempotency_key=key or str(uuid.uuid4()),
        attempt=attempt,
        training=training,
        payload={
            "messages": messages if messages is not None else [{"type": "text", "text": TEXT}],
            "notificationDisabled": silent,
        },
        targets=tuple(Target(first_delivery_id + i, a) for i, a in enumerate(addresses)),
    )


def send(
    base_url: str, *jobs: BatchJob, token: str | None = TOKEN, **kwargs: Any
) -> list[BatchResult]:
    """Send jobs one after another through one real driver, then close it."""

    async def run() -> list[BatchResult]:
        driver = LineDriver(base_url, token, **kwargs)
        try:
            return [await driver.send(job) for job in jobs]
        finally:
            await driver.aclose()

    return asyncio.run(run())


def outcomes(result: BatchResult) -> set[Outcome]:
    return {r.outcome for r in result.results}


@pytest.fixture
def peer() -> Iterator[LinePeer]:
    with LinePeer(token=TOKEN) as running:
        yield running


# --- accepted sends ---------------------------------------------------------------------------


def test_multicast_of_500_ids_is_accepted_and_valid(peer: LinePeer) -> None:
    ids = [user_id(n) for n in range(500)]
    job = make_job(ids)
    [result] = send(peer.base_url, job)

    assert outcomes(result) == {Outcome.SENT}
    assert [r.delivery_id for r in result.results] == list(range(1, 501))
    assert result.medium_error is None and result.retry_after is None
    [request] = peer.accepted
    assert request.path == MULTICAST_PATH
    assert request.body == {
        "to": ids,
        "messages": [{"type": "text", "text": TEXT}],
        "notificationDisabled": False,
    }
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert {r.provider_ref for r in result.results} == {request.request_id}
    assert peer.delivered == dict.fromkeys(ids, 1)
    peer.assert_clean()


def test_broadcast_goes_to_the_broadcast_endpoint_without_recipients(peer: LinePeer) -> None:
    [result] = send(peer.base_url, make_job(["broadcast"], silent=True), mode="broadcast")

    assert outcomes(result) == {Outcome.SENT}
    [request] = peer.accepted
    assert request.path == BROADCAST_PATH
    assert "to" not in request.body
    assert request.body["notificationDisabled"] is True
    assert peer.broadcasts == 1 and peer.delivered_count == peer.friends
    peer.assert_clean()


def test_retry_key_header_is_the_batch_idempotency_key(peer: LinePeer) -> None:
    job = make_job([user_id(1), user_id(2)])
    send(peer.base_url, job)

    [request] = peer.requests
    assert request.retry_key == job.idempotency_key
    assert str(uuid.UUID(request.retry_key)) == request.retry_key  # canonical UUID text
    peer.assert_clean()


def test_same_key_twice_is_answered_409_and_counts_as_sent(peer: LinePeer) -> None:
    ids = [user_id(n) for n in range(3)]
    first = make_job(ids)
    retry = make_job(ids, key=first.idempotency_key, attempt=2)
    r1, r2 = send(peer.base_url, first, retry)

    assert peer.statuses() == [200, 409]
    assert outcomes(r1) == outcomes(r2) == {Outcome.SENT}
    original = peer.requests[0].request_id
    assert {r.provider_ref for r in r2.results} == {original}  # x-line-accepted-request-id
    assert peer.delivered == dict.fromkeys(ids, 1)  # nobody got it twice
    peer.assert_clean()


def test_accepted_but_answer_lost_then_retry_is_409_not_a_second_delivery(
    peer: LinePeer,
) -> None:
    ids = [user_id(n) for n in range(10)]
    first = make_job(ids)
    peer.script(Fault.slow(3.0, accept=True))  # LINE accepts, the answer never arrives in time
    r1, r2 = send(peer.base_url, first, make_job(ids, key=first.idempotency_key, attempt=2),
                  timeout=0.5)

    assert outcomes(r1) == {Outcome.TEMPORARY}
    assert outcomes(r2) == {Outcome.SENT}
    assert peer.requests[1].status == 409
    assert peer.delivered == dict.fromkeys(ids, 1)
    peer.assert_clean()


def test_notification_disabled_is_passed_through(peer: LinePeer) -> None:
    send(peer.base_url, make_job([user_id(1)], silent=True))
    assert peer.accepted[0].body["notificationDisabled"] is True
    peer.assert_clean()


def test_text_of_exactly_5000_utf16_units_is_accepted(peer: LinePeer) -> None:
    text = "𠮷" * 2500  # 2,500 characters, 5,000 UTF-16 code units
    [result] = send(peer.base_url, make_job([user_id(1)], messages=[{"type": "text",
                                                                      "text": text}]))
    assert outcomes(result) == {Outcome.SENT}
    peer.assert_clean()


def test_many_concurrent_batches_are_all_accepted(peer: LinePeer) -> None:
    jobs = [make_job([user_id(b * 500 + n) for n in range(500)], first_delivery_id=b * 500)
            for b in range(10)]

    async def run() -> list[BatchResult]:
        driver = LineDriver(peer.base_url, TOKEN, concurrency=8)
        try:
            return await asyncio.gather(*(driver.send(j) for j in jobs))
        finally:
            await driver.aclose()

    results = asyncio.run(run())

    assert all(outcomes(r) == {Outcome.SENT} for r in results)
    assert len(peer.delivered) == 5000 and set(peer.delivered.values()) == {1}
    assert len({r.retry_key for r in peer.accepted}) == 10
    peer.assert_clean()


# --- refusals and faults ----------------------------------------------------------------------


def test_refused_token_is_a_permanent_medium_error(peer: LinePeer) -> None:
    [result] = send(peer.base_url, make_job([user_id(1)]), token="not-the-channel-token")

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None
    assert "チャネルアクセストークン" in result.medium_error and "401" in result.medium_error
    assert peer.statuses() == [401]
    assert peer.accepted == []
    peer.assert_clean()  # a wrong token is not a malformed request


def test_forbidden_is_a_permanent_medium_error_with_line_message(peer: LinePeer) -> None:
    peer.script(Fault.forbidden("Access to this API is not available for your account"))
    [result] = send(peer.base_url, make_job([user_id(1)]))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None
    assert "403" in result.medium_error
    assert "not available for your account" in result.medium_error
    peer.assert_clean()


@pytest.mark.parametrize(("retry_after", "expected"), [("7", 7.0), ("0.25", 0.25), (None, None)])
def test_rate_limited_is_temporary_with_retry_after(
    peer: LinePeer, retry_after: str | None, expected: float | None
) -> None:
    peer.script(Fault.rate_limited(retry_after=retry_after))
    first = make_job([user_id(1)])
    r1, r2 = send(peer.base_url, first, make_job([user_id(1)], key=first.idempotency_key,
                                                 attempt=2))

    assert outcomes(r1) == {Outcome.TEMPORARY}
    assert r1.retry_after == expected
    assert r1.medium_error is None
    assert "429" in (r1.results[0].error or "")
    assert outcomes(r2) == {Outcome.SENT}  # the fault was used once; the retry went through
    assert peer.statuses() == [429, 200]
    peer.assert_clean()


def test_monthly_limit_is_a_permanent_medium_error(peer: LinePeer) -> None:
    peer.script(Fault.monthly_limit())
    [result] = send(peer.base_url, make_job([user_id(1)]))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None and "上限" in result.medium_error
    peer.assert_clean()


def test_exhausted_monthly_quota_is_refused_by_the_stateful_peer() -> None:
    with LinePeer(token=TOKEN, monthly_quota=600) as quota_peer:
        first = make_job([user_id(n) for n in range(500)])
        second = make_job([user_id(n) for n in range(500, 1000)], first_delivery_id=501)
        r1, r2 = send(quota_peer.base_url, first, second)

        assert outcomes(r1) == {Outcome.SENT}
        assert outcomes(r2) == {Outcome.PERMANENT}
        assert r2.medium_error is not None
        assert quota_peer.statuses() == [200, 429]
        quota_peer.assert_clean()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_is_temporary(peer: LinePeer, status: int) -> None:
    peer.script(Fault.server_error(status))
    [result] = send(peer.base_url, make_job([user_id(1)]))

    assert outcomes(result) == {Outcome.TEMPORARY}
    assert str(status) in (result.results[0].error or "")
    assert result.medium_error is None
    assert peer.accepted == []
    peer.assert_clean()


def test_timeout_is_temporary(peer: LinePeer) -> None:
    peer.script(Fault.slow(3.0))  # longer than the client's 0.5 s
    started = time.monotonic()
    [result] = send(peer.base_url, make_job([user_id(1)]), timeout=0.5)

    assert time.monotonic() - started < 1.5
    assert outcomes(result) == {Outcome.TEMPORARY}
    assert "時間内" in (result.results[0].error or "")
    assert peer.accepted == []
    peer.assert_clean()


def test_dropped_connection_is_temporary(peer: LinePeer) -> None:
    peer.script(Fault.drop())
    [result] = send(peer.base_url, make_job([user_id(1)]))

    assert outcomes(result) == {Outcome.TEMPORARY}
    assert peer.statuses() == [0]
    peer.assert_clean()


def test_connection_refused_is_temporary() -> None:
    with socket.socket() as sock:  # bound but not listening: connecting is refused
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        [result] = send(f"http://127.0.0.1:{port}", make_job([user_id(1)]), timeout=2.0)

    assert outcomes(result) == {Outcome.TEMPORARY}
    assert "接続できません" in (result.results[0].error or "")


# --- payloads the spec (or LINE) refuses ------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "property_"),
    [
        ([{"type": "txt", "text": "避難してください"}], "messages[0].type"),
        ([{"type": "text"}], "messages[0].text"),
        ([{"type": "text", "text": 5}], "messages[0].text"),
        ([{"type": "flex", "contents": {"type": "bubble"}}], "messages[0].altText"),
        ([{"type": "text", "text": "a"}] * 6, "messages"),
        ([], "messages"),
        ([{"type": "text", "text": "a", "sender": {"name": "防災" * 11}}],
         "messages[0].sender.name"),
    ],
    ids=["unknown-type", "missing-text", "text-not-string", "flex-without-altText",
         "six-messages", "no-messages", "sender-name-too-long"],
)
def test_spec_invalid_payload_is_refused_by_the_peer_and_permanent(
    peer: LinePeer, messages: list[dict[str, Any]], property_: str
) -> None:
    [result] = send(peer.base_url, make_job([user_id(1)], messages=messages))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is None  # the message is wrong, not the medium
    assert peer.statuses() == [400]
    assert property_ in {v.property for v in peer.violations}
    assert property_ in (result.results[0].error or "")  # LINE's details reach the operator
    assert peer.accepted == []


def test_text_over_5000_utf16_units_is_refused(peer: LinePeer) -> None:
    text = "𠮷" * 2501  # 2,501 characters but 5,002 UTF-16 code units
    assert len(text) <= 5000
    [result] = send(peer.base_url, make_job([user_id(1)], messages=[{"type": "text",
                                                                      "text": text}]))

    assert outcomes(result) == {Outcome.PERMANENT}
    [violation] = peer.violations
    assert (violation.source, violation.property) == ("line-rule", "messages[0].text")
    assert "5002" in violation.message


def test_more_than_500_targets_is_refused_by_the_driver_without_a_request(
    peer: LinePeer,
) -> None:
    [result] = send(peer.base_url, make_job([user_id(n) for n in range(501)]))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert peer.requests == []


# --- guards -----------------------------------------------------------------------------------


def test_training_job_on_a_real_driver_raises_and_sends_nothing(peer: LinePeer) -> None:
    with pytest.raises(TrainingGuardError):
        send(peer.base_url, make_job([user_id(1)], training=True))
    assert peer.requests == []


def test_training_job_on_a_simulated_driver_is_sent(peer: LinePeer) -> None:
    [result] = send(peer.base_url, make_job([user_id(1)], training=True), simulated=True)
    assert outcomes(result) == {Outcome.SENT}
    peer.assert_clean()


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_is_a_medium_error_and_sends_nothing(
    peer: LinePeer, token: str | None
) -> None:
    [result] = send(peer.base_url, make_job([user_id(1), user_id(2)]), token=token)

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None
    assert "チャネルアクセストークン" in result.medium_error
    assert peer.requests == []


# --- the peer itself: its validation is real --------------------------------------------------


def _post(peer: LinePeer, body: Any, headers: dict[str, str],
          path: str = MULTICAST_PATH) -> httpx.Response:
    with httpx.Client(base_url=peer.base_url) as client:
        return client.post(path, json=body, headers=headers)


VALID_BODY = {"to": [user_id(1)], "messages": [{"type": "text", "text": "テスト"}]}


def test_peer_refuses_a_send_without_retry_key(peer: LinePeer) -> None:
    response = _post(peer, VALID_BODY, {"Authorization": f"Bearer {TOKEN}"})

    assert response.status_code == 400
    assert response.json()["details"][0]["property"] == "X-Line-Retry-Key"
    assert [v.property for v in peer.violations] == ["X-Line-Retry-Key"]
    assert peer.accepted == []


@pytest.mark.parametrize("key", ["not-a-uuid", "12345", "123e4567-e89b-12d3-a456-42661417400"])
def test_peer_refuses_a_non_uuid_retry_key(peer: LinePeer, key: str) -> None:
    response = _post(peer, VALID_BODY, {"Authorization": f"Bearer {TOKEN}",
                                        "X-Line-Retry-Key": key})

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "details"}
    assert body["details"] == [{"message": "must be a valid uuid",
                                "property": "X-Line-Retry-Key"}]
    assert [(v.source, v.property) for v in peer.violations] == [("openapi", "X-Line-Retry-Key")]


def test_peer_answers_like_line_and_validates_its_own_answers(peer: LinePeer) -> None:
    key = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {TOKEN}", "X-Line-Retry-Key": key}
    ok = _post(peer, VALID_BODY, headers)
    again = _post(peer, VALID_BODY, headers)
    no_auth = _post(peer, VALID_BODY, {"X-Line-Retry-Key": str(uuid.uuid4())})
    too_many = _post(peer, {**VALID_BODY, "to": [user_id(n) for n in range(501)]},
                     {**headers, "X-Line-Retry-Key": str(uuid.uuid4())})
    unknown = _post(peer, VALID_BODY, headers, path="/v2/bot/message/shout")

    assert (ok.status_code, ok.json()) == (200, {})
    assert ok.headers["x-line-request-id"]
    assert again.status_code == 409
    assert again.headers["x-line-accepted-request-id"] == ok.headers["x-line-request-id"]
    assert no_auth.status_code == 401
    assert no_auth.json()["message"].startswith("Authentication failed")
    assert too_many.status_code == 400
    assert "to" in {d["property"] for d in too_many.json()["details"]}
    assert unknown.status_code == 404
    assert peer.response_violations == [] and peer.internal_errors == []
    assert {v.property for v in peer.violations} >= {"Authorization", "to"}


def test_peer_checks_its_own_answers_against_the_spec(peer: LinePeer) -> None:
    peer.script(Fault(429, {"error": "not LINE's shape"}))  # ErrorResponse requires "message"
    [result] = send(peer.base_url, make_job([user_id(1)]))

    assert outcomes(result) == {Outcome.TEMPORARY}
    assert len(peer.response_violations) == 1 and "429" in peer.response_violations[0]
    with pytest.raises(AssertionError, match="429"):
        peer.assert_clean()
