"""SMS: UCS-2 parts and cost, E.164, the Twilio driver against the spec-validating peer,
delivery status by polling, and the engine end to end."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from app.compose.sms import PhoneNumberError, render_sms, segments, to_e164
from app.config import ConfigError
from app.db.models import Delivery, Recipient
from app.dispatch import status
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import DeliveryState, Medium, Severity
from app.service import Issei, SendRefusedError
from drivers.sms import SmsDriver, SmsSettings, map_status
from tests.helpers import make_config, with_issei
from tests.peers.scripted_http import Fault
from tests.peers.twilio_peer import TwilioPeer
from tests.unit.net_helpers import DRAFT, error, job, outcomes, send

SID = "AC" + "a1" * 16
TOKEN = "twilio-auth-token-for-tests"
BODY = "【大雨警報】\n土砂災害に警戒してください。"


@pytest.fixture
def peer() -> Iterator[TwilioPeer]:
    with TwilioPeer(SID, TOKEN) as running:
        yield running


def driver(peer: TwilioPeer, token: str | None = TOKEN, **kwargs: object) -> SmsDriver:
    settings = SmsSettings(base_url=peer.base_url, account_sid=SID, from_number="+815011112222",
                           timeout=2.0, requests_per_second=100.0)
    for key, value in kwargs.items():
        setattr(settings, key, value)
    return SmsDriver(settings, token)


def sms_job(*numbers: str, body: str = BODY, **kwargs: object) -> object:
    return job(Medium.SMS, {"body": body}, numbers, **kwargs)  # type: ignore[arg-type]


# --- rendering --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "encoding", "units", "parts"), [
    ("あ" * 70, "UCS-2", 70, 1),
    ("あ" * 71, "UCS-2", 71, 2),
    ("あ" * 134, "UCS-2", 134, 2),
    ("あ" * 135, "UCS-2", 135, 3),
    ("𠮷" * 35, "UCS-2", 70, 1),  # a surrogate pair is two UTF-16 units
    ("あ" * 66 + "𠮷" + "あ" * 66, "UCS-2", 134, 3),  # a pair is never split across parts
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
])
def test_parts_follow_ucs2_and_gsm7_rules(text: str, encoding: str, units: int,
                                           parts: int) -> None:
    assert segments(text) == (encoding, units, parts)


def test_rendition_shows_parts_and_cost() -> None:
    draft = replace(DRAFT, media=(Medium.SMS,), body="あ" * 100)
    rendition = render_sms(draft, "ja")
    assert rendition.payload["encoding"] == "UCS-2"
    assert rendition.payload["parts"] == 2  # 100 + title line > 70: two parts of 67
    assert rendition.payload["cost_per_recipient"] == 22.0  # 11 円 a part by default
    (info,) = [f for f in rendition.findings if f.code == "sms_parts"]
    assert "2通分" in info.message and "22円" in info.message
    assert not rendition.has_errors


def test_over_1600_characters_is_an_error_before_sending() -> None:
    rendition = render_sms(replace(DRAFT, media=(Medium.SMS,), body="あ" * 1600), "ja")
    assert [f.code for f in rendition.findings if f.severity is Severity.ERROR] == ["too_long"]


@pytest.mark.parametrize(("given", "e164"), [
    ("090-1234-5678", "+819012345678"),
    ("０８０ １２３４ ５６７８", "+818012345678"),  # full-width from a spreadsheet
    ("(070)1234-5678", "+817012345678"),
    ("+81 90 1234 5678", "+819012345678"),
    ("0081-90-1234-5678", "+819012345678"),
    ("819012345678", "+819012345678"),
    ("03-1234-5678", "+81312345678"),
])
def test_japanese_numbers_become_e164(given: str, e164: str) -> None:
    assert to_e164(given) == e164


@pytest.mark.parametrize("bad", ["", "abc", "090-12", "+0123456789", "1234"])
def test_unconvertible_numbers_are_refused(bad: str) -> None:
    with pytest.raises(PhoneNumberError, match=r"E\.164"):
        to_e164(bad)


# --- the driver -------------------------------------------------------------------------------


def test_each_number_gets_one_spec_valid_message(peer: TwilioPeer) -> None:
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678", "080-2222-3333"))

    assert outcomes(result) == {Outcome.SENT}
    assert sorted(peer.sent_to) == ["+818022223333", "+819012345678"]
    refs = {r.provider_ref for r in result.results}
    assert refs == set(peer.messages) and all(r.startswith("SM") for r in refs)
    form = peer.accepted[0].request.form
    assert form["Body"] == [BODY] and form["From"] == ["+815011112222"]
    peer.assert_clean()


def test_bad_number_fails_alone(peer: TwilioPeer) -> None:
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678", "not a number"))

    assert [r.outcome for r in result.results] == [Outcome.SENT, Outcome.PERMANENT]
    assert "E.164" in (result.results[1].error or "")
    assert result.medium_error is None
    peer.assert_clean()


def test_refused_credentials_are_a_medium_error(peer: TwilioPeer) -> None:
    [result] = send(lambda: driver(peer, token="wrong"), sms_job("090-1234-5678"))

    assert outcomes(result) == {Outcome.PERMANENT}
    assert result.medium_error is not None and "401" in result.medium_error
    assert peer.messages == {}
    peer.assert_clean()


def test_forbidden_is_a_medium_error(peer: TwilioPeer) -> None:
    peer.script(Fault(403, {"code": 20008, "message": "Resource not accessible with Test "
                                                       "Account Credentials", "status": 403}))
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678"))
    assert result.medium_error is not None and "403" in result.medium_error
    peer.assert_clean()


def test_unsubscribed_recipient_is_permanent_for_that_number_only(peer: TwilioPeer) -> None:
    peer.script(Fault(400, {"code": 21610, "message": "Attempt to send to unsubscribed "
                                                       "recipient", "status": 400}))
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678"))
    assert outcomes(result) == {Outcome.PERMANENT} and result.medium_error is None
    assert "配信停止" in error(result)


def test_throttling_is_temporary_with_retry_after(peer: TwilioPeer) -> None:
    peer.script(Fault(429, {"code": 20429, "message": "Too Many Requests", "status": 429},
                      {"Retry-After": "3"}))
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678"))
    assert outcomes(result) == {Outcome.TEMPORARY}
    assert result.retry_after == 3.0 and "429" in error(result)


@pytest.mark.parametrize("status_code", [500, 503])
def test_server_error_is_temporary(peer: TwilioPeer, status_code: int) -> None:
    peer.script(Fault(status_code, {"code": 20500, "message": "Internal Server Error",
                                    "status": status_code}))
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678"))
    assert outcomes(result) == {Outcome.TEMPORARY} and str(status_code) in error(result)


def test_timeout_after_acceptance_is_not_sent_twice(peer: TwilioPeer) -> None:
    # Twilio accepted but the answer came too late; the retry finds it in the Messages list.
    peer.script(Fault.slow(3.0, accept=True))
    first = sms_job("090-1234-5678")
    retry = sms_job("090-1234-5678", key=first.idempotency_key,  # type: ignore[attr-defined]
                    attempt=2)
    r1, r2 = send(lambda: driver(peer, timeout=0.5), first, retry)

    assert outcomes(r1) == {Outcome.TEMPORARY} and "時間内" in error(r1)
    assert outcomes(r2) == {Outcome.SENT}
    assert len(peer.messages) == 1
    assert r2.results[0].provider_ref == next(iter(peer.messages))
    assert [r.request.method for r in peer.requests] == ["POST", "GET"]
    peer.assert_clean()


def test_spec_invalid_payload_is_refused_before_sending(peer: TwilioPeer) -> None:
    [result] = send(lambda: driver(peer), sms_job("090-1234-5678", body="あ" * 1601))
    assert outcomes(result) == {Outcome.PERMANENT} and "1600" in error(result)
    assert peer.requests == []


def test_peer_refuses_what_the_spec_refuses(peer: TwilioPeer) -> None:
    import httpx

    with httpx.Client(base_url=peer.base_url, auth=(SID, TOKEN)) as client:
        bad = client.post(f"/2010-04-01/Accounts/{SID}/Messages.json",
                          data={"To": "09012345678", "Body": "x", "From": "+815011112222",
                                "MessagingServiceSid": "not-an-MG-sid"})
    assert bad.status_code == 400
    assert any("does not match '^MG" in v for v in peer.violations)
    assert any("E.164" in v for v in peer.violations)


def test_training_guard_and_missing_settings(peer: TwilioPeer) -> None:
    with pytest.raises(TrainingGuardError):
        send(lambda: driver(peer), sms_job("090-1234-5678", training=True))
    [no_token] = send(lambda: driver(peer, token=None), sms_job("090-1234-5678"))
    [no_sender] = send(lambda: driver(peer, from_number=""), sms_job("090-1234-5678"))
    assert "ISSEI_SMS_AUTH_TOKEN" in (no_token.medium_error or "")
    assert "from_number" in (no_sender.medium_error or "")
    assert peer.requests == []


# --- delivery status by polling ---------------------------------------------------------------


@pytest.mark.parametrize(("twilio", "ours"), [
    ("queued", DeliveryState.SENT), ("sent", DeliveryState.SENT),
    ("delivered", DeliveryState.DELIVERED), ("undelivered", DeliveryState.FAILED),
    ("failed", DeliveryState.FAILED), ("canceled", DeliveryState.CANCELLED),
])
def test_twilio_statuses_map_to_delivery_states(twilio: str, ours: DeliveryState) -> None:
    update = map_status({"status": twilio, "error_code": 30003 if ours is
                         DeliveryState.FAILED else None})
    assert update.state is ours
    assert (update.error is not None) == (ours in (DeliveryState.FAILED,
                                                   DeliveryState.CANCELLED))


def test_engine_sends_then_polling_records_delivered_and_undelivered(
    tmp_path: Path, peer: TwilioPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISSEI_SMS_AUTH_TOKEN", TOKEN)
    peer.outcomes["+818000000000"] = ("undelivered", 30003)
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/s.db")
    config.channels["sms"] = {"base_url": peer.base_url, "account_sid": SID,
                              "from_number": "+815011112222", "cost_per_part": 3.5}
    config.configured_media.add("sms")

    async def body(issei: Issei) -> None:
        with issei.sessions.begin() as s:
            s.execute(insert(Recipient), [
                {"name": "a", "sms": "090-1111-2222"}, {"name": "b", "sms": "080-0000-0000"},
                {"name": "c", "sms": "090 1111 2222"},  # the same phone written differently
            ])
        prepared = issei.prepare(replace(DRAFT, media=(Medium.SMS,)))
        (rendition,) = prepared.renditions
        assert rendition.payload["cost_per_recipient"] == 3.5  # [channels.sms] cost_per_part
        message_id = issei.send(replace(DRAFT, media=(Medium.SMS,)))
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["sms"].sent == 3
        changed = await status.poll_once(issei.sessions, Medium.SMS,
                                         issei.drivers.get(Medium.SMS))  # type: ignore[arg-type]
        assert changed == 3
        with issei.sessions() as s:
            states = dict(s.execute(select(Delivery.target, Delivery.state)).all())
        assert states["080-0000-0000"] == "failed"
        assert states["090-1111-2222"] == "delivered"
        counts = issei.counts(message_id)["sms"]
        assert (counts.sent, counts.failed) == (2, 1)
        assert any("30003" in r for _, _, r in issei.failures(message_id))

    with_issei(config, body)
    peer.assert_clean()


def test_running_engine_polls_statuses_until_final(
    tmp_path: Path, peer: TwilioPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine itself asks Twilio, periodically, about SMS still "sent" — nobody calls
    poll_once — and stops asking once each is final."""
    monkeypatch.setenv("ISSEI_SMS_AUTH_TOKEN", TOKEN)
    peer.outcomes["+818000000000"] = ("undelivered", 30005)
    peer.outcomes["+819011112222"] = ("sending", None)  # no receipt yet at the first round
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/p.db")
    config.channels["sms"] = {"base_url": peer.base_url, "account_sid": SID,
                              "from_number": "+815011112222"}
    config.configured_media.add("sms")

    def fetches() -> int:
        return sum(1 for r in peer.requests
                   if r.request.method == "GET" and "/Messages/SM" in r.path)

    async def body(issei: Issei) -> None:
        with issei.sessions.begin() as s:
            s.execute(insert(Recipient), [{"name": "a", "sms": "090-1111-2222"},
                                          {"name": "b", "sms": "080-0000-0000"}])
        issei.engine.status_poll_seconds = 0.2
        issei.engine.status_page = 1  # one per round: the rounds must page past the first
        message_id = issei.send(replace(DRAFT, media=(Medium.SMS,)))
        engine = asyncio.create_task(issei.engine.run())
        try:
            async def until(check: object) -> None:
                for _ in range(100):
                    if check():  # type: ignore[operator]
                        return
                    await asyncio.sleep(0.05)
                raise AssertionError("the engine did not poll")

            await until(lambda: issei.counts(message_id)["sms"].failed == 1)
            assert any("30005" in r for _, _, r in issei.failures(message_id))
            with issei.sessions() as s:
                assert s.scalar(select(Delivery.state).where(
                    Delivery.target == "090-1111-2222")) == "sent"  # still on its way
            peer.outcomes["+819011112222"] = ("delivered", None)
            await until(lambda: _state(issei, "090-1111-2222") == "delivered")
            asked = fetches()
            await asyncio.sleep(0.6)  # both final: nothing more is asked
            assert fetches() == asked
        finally:
            engine.cancel()
            await asyncio.gather(engine, return_exceptions=True)

    with_issei(config, body)
    peer.assert_clean()


def _state(issei: Issei, target: str) -> str | None:
    with issei.sessions() as s:
        return s.scalar(select(Delivery.state).where(Delivery.target == target))


def test_sms_config_is_typed_and_refuses_secrets(tmp_path: Path) -> None:
    from app.config import load_config

    path = tmp_path / "c.toml"
    path.write_text('[channels.sms]\naccount_sid = "AC1"\nauth_token = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="ISSEI_SMS_AUTH_TOKEN"):
        load_config(path, tmp_path)
    path.write_text('[channels.sms]\ncost_per_part = "高い"\n', encoding="utf-8")
    config = load_config(path, tmp_path)
    with pytest.raises(ConfigError, match="cost_per_part"):
        SmsSettings.from_config(config)


def test_send_refuses_an_sms_over_1600_characters(tmp_path: Path, peer: TwilioPeer) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/r.db")
    config.channels["sms"] = {"base_url": peer.base_url, "account_sid": SID}
    config.configured_media.add("sms")

    async def body(issei: Issei) -> None:
        with pytest.raises(SendRefusedError, match="1600"):
            issei.send(replace(DRAFT, media=(Medium.SMS,), body="あ" * 1700))

    with_issei(config, body)
    assert asyncio.iscoroutinefunction(SmsDriver.poll_status)
