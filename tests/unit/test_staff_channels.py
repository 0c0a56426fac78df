"""Slack, Teams (Adaptive Card 1.5) and Standard Webhooks against their local peers."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from app.compose.slack import render_slack
from app.compose.teams import render_teams
from app.compose.webhook import render_webhook
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import Medium, Severity
from drivers.slack import SlackDriver, SlackSettings
from drivers.teams import TeamsDriver, TeamsSettings
from drivers.webhook import WebhookDriver, WebhookSettings, sign
from tests.peers.scripted_http import Fault
from tests.peers.slack_peer import SlackPeer, slack_fault
from tests.peers.teams_peer import TeamsPeer, card_validator
from tests.peers.webhook_peer import WebhookReceiver
from tests.unit.net_helpers import DRAFT, error, job, outcomes, send

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()


# --- Slack ------------------------------------------------------------------------------------


@pytest.fixture
def slack() -> Iterator[SlackPeer]:
    with SlackPeer() as running:
        yield running


def slack_driver(peer: SlackPeer, url: str | None = None, timeout: float = 2.0) -> SlackDriver:
    return SlackDriver(SlackSettings(timeout=timeout),
                       peer.webhook_url if url is None else url)


def slack_job(body: str = DRAFT.body, **kwargs: Any) -> Any:
    return job(Medium.SLACK, render_slack(replace(DRAFT, body=body, media=(Medium.SLACK,)),
                                          "ja").payload, **kwargs)


def test_slack_message_is_accepted_ok(slack: SlackPeer) -> None:
    [result] = send(lambda: slack_driver(slack), slack_job())
    assert outcomes(result) == {Outcome.SENT}
    [message] = slack.messages
    assert message["blocks"][0]["text"]["text"] == "【大雨警報】"
    assert "配信区分: 防災" in json.dumps(message, ensure_ascii=False)
    slack.assert_clean()


def test_slack_long_body_is_split_into_sections_within_limits(slack: SlackPeer) -> None:
    body = ("土砂災害に警戒してください。\n" * 600)[:9000]
    rendition = render_slack(replace(DRAFT, body=body, media=(Medium.SLACK,)), "ja")
    sections = [b for b in rendition.payload["blocks"] if b["type"] == "section"]
    assert len(sections) == 3 and all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert "".join(s["text"]["text"] for s in sections).count("土砂災害") == body.count("土砂災害")
    [result] = send(lambda: slack_driver(slack), job(Medium.SLACK, rendition.payload))
    assert outcomes(result) == {Outcome.SENT}
    slack.assert_clean()


def test_slack_escapes_control_characters() -> None:
    rendition = render_slack(replace(DRAFT, body="<!channel> A&B", media=(Medium.SLACK,)), "ja")
    assert "&lt;!channel&gt; A&amp;B" in rendition.payload["text"]


@pytest.mark.parametrize(("fault", "outcome", "medium_error"), [
    (slack_fault(403, "action_prohibited"), Outcome.PERMANENT, True),
    (slack_fault(410, "channel_is_archived"), Outcome.PERMANENT, True),
    (slack_fault(400, "invalid_payload"), Outcome.PERMANENT, False),
    (slack_fault(429, "rate_limited", **{"Retry-After": "30"}), Outcome.TEMPORARY, False),
    (slack_fault(500, "internal_error"), Outcome.TEMPORARY, False),
])
def test_slack_documented_answers(slack: SlackPeer, fault: Fault, outcome: Outcome,
                                  medium_error: bool) -> None:
    slack.script(fault)
    [result] = send(lambda: slack_driver(slack), slack_job())
    assert outcomes(result) == {outcome}
    assert (result.medium_error is not None) is medium_error
    if fault.status == 429:
        assert result.retry_after == 30.0


def test_slack_unknown_webhook_is_no_service(slack: SlackPeer) -> None:
    [result] = send(lambda: slack_driver(slack, slack.base_url + "/services/T/B/revoked"),
                    slack_job())
    assert result.medium_error is not None and "no_service" in result.medium_error


def test_slack_timeout_is_temporary(slack: SlackPeer) -> None:
    slack.script(Fault.slow(3.0))
    [result] = send(lambda: slack_driver(slack, timeout=0.5), slack_job())
    assert outcomes(result) == {Outcome.TEMPORARY} and "時間内" in error(result)


@pytest.mark.parametrize("payload", [
    {"text": ""},
    {"text": "x", "blocks": [{"type": "image"}]},
    {"text": "x", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "a" * 3001}}]},
    {"text": "x", "blocks": [{"type": "divider"}] * 51},
])
def test_slack_invalid_payload_is_refused_before_sending(slack: SlackPeer,
                                                         payload: dict[str, Any]) -> None:
    [result] = send(lambda: slack_driver(slack), job(Medium.SLACK, payload))
    assert outcomes(result) == {Outcome.PERMANENT} and slack.requests == []


def test_slack_missing_url_and_training_guard(slack: SlackPeer) -> None:
    [result] = send(lambda: slack_driver(slack, url=""), slack_job())
    assert "ISSEI_SLACK_WEBHOOK_URL" in (result.medium_error or "")
    with pytest.raises(TrainingGuardError):
        send(lambda: slack_driver(slack), slack_job(training=True))
    assert slack.requests == []


# --- Teams ------------------------------------------------------------------------------------


@pytest.fixture
def teams() -> Iterator[TeamsPeer]:
    with TeamsPeer() as running:
        yield running


def teams_driver(peer: TeamsPeer, url: str | None = None, timeout: float = 2.0) -> TeamsDriver:
    return TeamsDriver(TeamsSettings(timeout=timeout), peer.webhook_url if url is None else url)


def teams_job(**kwargs: Any) -> Any:
    return job(Medium.TEAMS, render_teams(replace(DRAFT, media=(Medium.TEAMS,)), "ja").payload,
               **kwargs)


def test_teams_card_is_valid_adaptive_card_and_run_id_recorded(teams: TeamsPeer) -> None:
    [result] = send(lambda: teams_driver(teams), teams_job())
    assert outcomes(result) == {Outcome.SENT}
    assert (result.results[0].provider_ref or "").startswith("08584")
    [card] = teams.cards
    assert card["version"] == "1.5" and card["body"][0]["text"] == "【大雨警報】"
    teams.assert_clean()


def test_teams_wrong_sig_is_a_medium_error(teams: TeamsPeer) -> None:
    [result] = send(lambda: teams_driver(teams, teams.webhook_url.replace("sig=", "sig=x")),
                    teams_job())
    assert result.medium_error is not None and "401" in result.medium_error


@pytest.mark.parametrize(("status", "outcome"), [(429, Outcome.TEMPORARY),
                                                 (502, Outcome.TEMPORARY),
                                                 (403, Outcome.PERMANENT)])
def test_teams_errors(teams: TeamsPeer, status: int, outcome: Outcome) -> None:
    teams.script(Fault(status, {"error": {"code": "X", "message": "x"}}, {"Retry-After": "5"}))
    [result] = send(lambda: teams_driver(teams), teams_job())
    assert outcomes(result) == {outcome}


def test_teams_timeout_is_temporary(teams: TeamsPeer) -> None:
    teams.script(Fault.slow(3.0))
    [result] = send(lambda: teams_driver(teams, timeout=0.5), teams_job())
    assert outcomes(result) == {Outcome.TEMPORARY}


@pytest.mark.parametrize(("path", "value"), [
    (("version",), "1.6"),
    (("body", 0, "color"), "Red"),
    (("body", 1, "wrapp"), True),
    (("body", 2, "facts", 0, "value"), 3),
])
def test_teams_card_the_schema_refuses_is_refused_before_sending(
    teams: TeamsPeer, path: tuple[Any, ...], value: Any
) -> None:
    payload = teams_job().payload
    card = json.loads(json.dumps(payload["attachments"][0]["content"]))
    target = card
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    bad = {**payload, "attachments": [{**payload["attachments"][0], "content": card}]}
    schema_refuses = bool(list(card_validator().iter_errors(card))) or path == ("version",)
    assert schema_refuses
    [result] = send(lambda: teams_driver(teams), job(Medium.TEAMS, bad))
    assert outcomes(result) == {Outcome.PERMANENT} and teams.requests == []


def test_teams_training_guard(teams: TeamsPeer) -> None:
    with pytest.raises(TrainingGuardError):
        send(lambda: teams_driver(teams), teams_job(training=True))


# --- Standard Webhooks ------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as running:
        yield running


def hook_driver(peer: WebhookReceiver, secret: str | None = SECRET,
                timeout: float = 2.0) -> WebhookDriver:
    return WebhookDriver(WebhookSettings(url=peer.url, timeout=timeout), secret)


def hook_job(**kwargs: Any) -> Any:
    return job(Medium.WEBHOOK, render_webhook(replace(DRAFT, media=(Medium.WEBHOOK,)),
                                              "ja").payload, **kwargs)


def test_webhook_signature_verifies_with_the_reference_library(
    receiver: WebhookReceiver
) -> None:
    first = hook_job()
    [result] = send(lambda: hook_driver(receiver), first)
    assert outcomes(result) == {Outcome.SENT}
    receiver.assert_clean()  # standardwebhooks.Webhook.verify accepted it
    [payload] = receiver.received
    assert payload["type"] == "alert.published"
    assert payload["data"]["headline"] == "【大雨警報】"
    assert payload["data"]["message_id"] == first.message_id
    assert result.results[0].provider_ref == receiver.ids[0]


def test_webhook_id_is_stable_across_retries(receiver: WebhookReceiver) -> None:
    receiver.script(Fault(503, {"error": "busy"}))
    first = hook_job()
    r1, r2 = send(lambda: hook_driver(receiver), first,
                  hook_job(key=first.idempotency_key, attempt=2))
    assert outcomes(r1) == {Outcome.TEMPORARY} and outcomes(r2) == {Outcome.SENT}
    ids = [r.headers["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]  # the receiver's idempotency key


def test_signature_matches_the_spec_example() -> None:
    # Standard Webhooks spec: sign "{id}.{timestamp}.{body}" with the base64-decoded secret
    wh = Webhook(SECRET)
    body = b'{"type":"alert.published"}'
    ts = int(time.time())
    assert sign(SECRET, "msg_1", ts, body) == wh.sign("msg_1", _dt(ts), body.decode())


def _dt(ts: int) -> Any:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, tz=dt.UTC)


def test_wrong_secret_is_refused_by_the_receiver(receiver: WebhookReceiver) -> None:
    other = "whsec_" + base64.b64encode(b"another-secret-another-secret!!!").decode()
    [result] = send(lambda: hook_driver(receiver, other), hook_job())
    assert result.medium_error is not None and "401" in result.medium_error
    assert any("standard-webhooks" in v for v in receiver.violations)


@pytest.mark.parametrize(("status", "outcome", "medium_error"), [
    (410, Outcome.PERMANENT, True), (429, Outcome.TEMPORARY, False),
    (500, Outcome.TEMPORARY, False), (422, Outcome.PERMANENT, False)])
def test_webhook_receiver_answers(receiver: WebhookReceiver, status: int, outcome: Outcome,
                                  medium_error: bool) -> None:
    receiver.script(Fault(status, {"error": "x"}))
    [result] = send(lambda: hook_driver(receiver), hook_job())
    assert outcomes(result) == {outcome}
    assert (result.medium_error is not None) is medium_error


def test_webhook_timeout_and_bad_secret_and_guard(receiver: WebhookReceiver) -> None:
    receiver.script(Fault.slow(3.0))
    [slow] = send(lambda: hook_driver(receiver, timeout=0.5), hook_job())
    assert outcomes(slow) == {Outcome.TEMPORARY}
    [bad] = send(lambda: hook_driver(receiver, "whsec_not base64!"), hook_job())
    assert "whsec_" in (bad.medium_error or "")
    with pytest.raises(TrainingGuardError):
        send(lambda: hook_driver(receiver), hook_job(training=True))
    assert len(receiver.requests) == 1


def test_large_webhook_payload_warns() -> None:
    rendition = render_webhook(replace(DRAFT, body="あ" * 8000, media=(Medium.WEBHOOK,)), "ja")
    assert [f.code for f in rendition.findings if f.severity is Severity.WARNING] == ["large"]
