"""App push: FCM HTTP v1 with a service-account JWT exchanged at a local token endpoint; the
peer verifies the RS256 signature and validates every message against FCM's derived schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from app.compose.push import render_push
from app.config import Config
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import Medium, Urgency
from drivers.push import PushDriver, PushSettings, ServiceAccount, load_account
from tests.peers.fcm_peer import FcmPeer, fcm_error, fcm_validator, make_service_account
from tests.peers.scripted_http import Fault
from tests.unit.net_helpers import DRAFT, error, job, outcomes, run, send

PROJECT = "issei-test"


@pytest.fixture(scope="module")
def account() -> tuple[rsa.RSAPrivateKey, str]:
    return make_service_account()


@pytest.fixture
def peer(account: tuple[rsa.RSAPrivateKey, str]) -> Iterator[FcmPeer]:
    key, text = account
    with FcmPeer(PROJECT, json.loads(text)["client_email"], key.public_key()) as running:
        yield running


def driver(peer: FcmPeer, account_text: str, timeout: float = 2.0) -> PushDriver:
    settings = PushSettings(base_url=peer.base_url, token_url=peer.token_url,
                            project_id=PROJECT, timeout=timeout)
    return PushDriver(settings, ServiceAccount.parse(account_text))


def push_job(payload: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return job(Medium.PUSH, payload or render_push(
        replace(DRAFT, media=(Medium.PUSH,), urgency=Urgency.EMERGENCY), "ja").payload,
        **kwargs)


def test_message_goes_to_the_category_topic_with_an_exchanged_token(
    peer: FcmPeer, account: tuple[rsa.RSAPrivateKey, str]
) -> None:
    r1, r2 = send(lambda: driver(peer, account[1]), push_job(), push_job())
    assert outcomes(r1) == outcomes(r2) == {Outcome.SENT}
    assert (r1.results[0].provider_ref or "").startswith(f"projects/{PROJECT}/messages/")
    assert peer.token_requests == 1  # the token is reused until shortly before it expires
    message = peer.sent[0]
    assert message["topic"] == "issei-disaster"
    assert message["android"]["priority"] == "HIGH"
    assert message["data"]["body"].startswith("土砂災害")
    peer.assert_clean()


def test_a_revoked_token_is_renewed_once(peer: FcmPeer,
                                         account: tuple[rsa.RSAPrivateKey, str]) -> None:
    async def body(d: PushDriver) -> list[Any]:
        first = await d.send(push_job())
        peer.revoke_all()
        return [first, await d.send(push_job())]

    _, r2 = run(lambda: driver(peer, account[1]), body)
    assert outcomes(r2) == {Outcome.SENT} and peer.token_requests == 2
    assert peer.statuses() == [200, 200, 401, 200, 200]


def test_a_key_the_token_endpoint_refuses_is_a_medium_error(peer: FcmPeer) -> None:
    _, other = make_service_account()  # a key the peer does not know
    [result] = send(lambda: driver(peer, other), push_job())
    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None and "拒否" in result.medium_error
    assert peer.sent == []


@pytest.mark.parametrize(("fault", "outcome", "medium_error"), [
    (fcm_error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "mismatch"),
     Outcome.PERMANENT, True),
    (fcm_error(429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED", "quota", **{"Retry-After": "9"}),
     Outcome.TEMPORARY, False),
    (fcm_error(503, "UNAVAILABLE", "UNAVAILABLE", "unavailable"), Outcome.TEMPORARY, False),
    (fcm_error(500, "INTERNAL", "INTERNAL", "internal"), Outcome.TEMPORARY, False),
])
def test_fcm_errors(peer: FcmPeer, account: tuple[rsa.RSAPrivateKey, str], fault: Fault,
                    outcome: Outcome, medium_error: bool) -> None:
    async def body(d: PushDriver) -> Any:
        warm = await d.send(push_job())  # exchanges the token; the fault answers the send
        assert outcomes(warm) == {Outcome.SENT}
        peer.script(fault)
        return await d.send(push_job())

    result = run(lambda: driver(peer, account[1]), body)
    assert outcomes(result) == {outcome}
    assert (result.medium_error is not None) is medium_error
    if fault.status == 429:
        assert result.retry_after == 9.0


def test_timeout_is_temporary(peer: FcmPeer, account: tuple[rsa.RSAPrivateKey, str]) -> None:
    async def body(d: PushDriver) -> Any:
        await d.send(push_job())
        peer.script(Fault.slow(3.0))
        return await d.send(push_job())

    result = run(lambda: driver(peer, account[1], timeout=0.5), body)
    assert outcomes(result) == {Outcome.TEMPORARY} and "時間内" in error(result)


@pytest.mark.parametrize("change", [
    {"android": {"priority": "URGENT"}},
    {"android": {"ttl": 3600}},
    {"data": {"count": 3}},
    {"token": "device-token"},  # a second target
    {"to": "/topics/all"},  # the legacy API's field
    {"data": {"body": "あ" * 2000}},  # over 4 KB
])
def test_spec_invalid_message_is_refused_before_sending(
    peer: FcmPeer, account: tuple[rsa.RSAPrivateKey, str], change: dict[str, Any]
) -> None:
    payload = push_job().payload
    message = {**payload["message"], **change}
    # the same message is refused by FCM's own schema (or FCM's documented rules)
    schema_errors = list(fcm_validator().iter_errors({"message": {**message,
                                                                  "topic": "issei-x"}}))
    too_big = len(json.dumps(message, ensure_ascii=False).encode()) > 4096
    assert schema_errors or "token" in change or too_big
    [result] = send(lambda: driver(peer, account[1]),
                    push_job({**payload, "message": message}))
    assert outcomes(result) == {Outcome.PERMANENT}
    assert peer.requests == []  # not even the token exchange


def test_service_account_from_env_or_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          account: tuple[rsa.RSAPrivateKey, str]) -> None:
    config = Config(database_url="sqlite://", data_dir=tmp_path, training=False,
                    embedded=False)
    monkeypatch.delenv("ISSEI_PUSH_SERVICE_ACCOUNT", raising=False)
    path = tmp_path / "sa.json"
    path.write_text(account[1], encoding="utf-8")
    monkeypatch.setenv("ISSEI_PUSH_SERVICE_ACCOUNT_FILE", str(path))
    assert isinstance(load_account(config), ServiceAccount)
    monkeypatch.setenv("ISSEI_PUSH_SERVICE_ACCOUNT", "{not json")
    assert "JSON" in str(load_account(config))
    monkeypatch.setenv("ISSEI_PUSH_SERVICE_ACCOUNT", account[1])
    assert isinstance(load_account(config), ServiceAccount)


def test_training_guard(peer: FcmPeer, account: tuple[rsa.RSAPrivateKey, str]) -> None:
    with pytest.raises(TrainingGuardError):
        send(lambda: driver(peer, account[1]), push_job(training=True))
    assert peer.requests == []
