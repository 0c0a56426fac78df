"""The optional Apprise bridge: a real ``json://`` notification to a local server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from app.compose.apprise import render_apprise
from app.dispatch.driver import Outcome, TrainingGuardError
from app.domain import Medium, Urgency
from drivers.apprise_bridge import NOT_INSTALLED, AppriseDriver
from tests.peers.apprise_peer import AppriseTarget
from tests.peers.scripted_http import Fault
from tests.unit.net_helpers import DRAFT, error, job, outcomes, send


@pytest.fixture
def target() -> Iterator[AppriseTarget]:
    with AppriseTarget() as running:
        yield running


def ap_job(targets: tuple[str, ...] = ("public",), **kwargs: Any) -> Any:
    draft = replace(DRAFT, media=(Medium.APPRISE,), urgency=Urgency.EMERGENCY)
    return job(Medium.APPRISE, render_apprise(draft, "ja").payload, targets, **kwargs)


def test_each_url_is_notified_and_recorded(target: AppriseTarget) -> None:
    urls = [target.json_url("a"), target.json_url("b")]
    [result] = send(lambda: AppriseDriver(urls), ap_job())
    assert outcomes(result) == {Outcome.SENT}
    assert sorted(r["path"] for r in target.received) == ["/a", "/b"]
    assert target.received[0]["title"] == "【緊急】【大雨警報】"
    assert target.received[0]["type"] == "failure"  # an emergency shows as Apprise's red
    assert "json://127.0.0.1" in (result.results[0].provider_ref or "")
    target.assert_clean()


def test_one_url_per_delivery_target(target: AppriseTarget) -> None:
    urls = [target.json_url("a"), target.json_url("b")]
    [result] = send(lambda: AppriseDriver(urls), ap_job(("apprise:1",)))
    assert outcomes(result) == {Outcome.SENT}
    assert [r["path"] for r in target.received] == ["/b"]


def test_retry_repeats_only_the_failed_service(target: AppriseTarget) -> None:
    urls = [target.json_url("a"), target.json_url("b")]
    target.script(Fault(500, {"error": "down"}))  # whichever comes first fails once
    first = ap_job()
    r1, r2 = send(lambda: AppriseDriver(urls), first,
                  ap_job(key=first.idempotency_key, attempt=2))
    assert outcomes(r1) == {Outcome.TEMPORARY} and "失敗" in error(r1)
    assert outcomes(r2) == {Outcome.SENT}
    assert sorted(r["path"] for r in target.received) == ["/a", "/b"]  # each exactly once


@pytest.mark.parametrize("status", [401, 403, 429, 503])
def test_refusals_and_throttling_are_reported_as_failures(target: AppriseTarget,
                                                         status: int) -> None:
    target.script(Fault(status, {"error": "x"}))
    [result] = send(lambda: AppriseDriver([target.json_url()]), ap_job())
    assert outcomes(result) == {Outcome.TEMPORARY}  # Apprise reports only "not delivered"


def test_invalid_url_is_refused_before_sending(target: AppriseTarget) -> None:
    [result] = send(lambda: AppriseDriver(["nosuchservice://x", target.json_url()]), ap_job())
    assert outcomes(result) == {Outcome.PERMANENT} and "URL" in error(result)
    assert target.requests == []


def test_not_installed_is_refused_with_a_clear_message(
    target: AppriseTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "apprise", None)  # import apprise → ImportError
    [result] = send(lambda: AppriseDriver([target.json_url()]), ap_job())
    assert result.medium_error == NOT_INSTALLED and "pip install apprise" in NOT_INSTALLED
    assert target.requests == []


def test_no_urls_and_training_guard(target: AppriseTarget) -> None:
    [result] = send(lambda: AppriseDriver([]), ap_job())
    assert "urls" in (result.medium_error or "")
    with pytest.raises(TrainingGuardError):
        send(lambda: AppriseDriver([target.json_url()]), ap_job(training=True))


def test_timeout_is_temporary(target: AppriseTarget) -> None:
    import time

    target.script(Fault.slow(3.0))
    started = time.monotonic()
    [result] = send(lambda: AppriseDriver([target.json_url() + "?rto=0.5"]), ap_job())
    assert outcomes(result) == {Outcome.TEMPORARY}
    assert time.monotonic() - started < 2.5  # Apprise's read timeout (rto), not the peer's


def test_ledger_has_one_delivery_per_service_and_retries_only_the_failed(
    target: AppriseTarget, tmp_path: Any, db_url: str,
) -> None:
    """Three URLs are three deliveries: two land, the dead one fails alone with its own
    reason, and the operator's retry repeats only that one."""
    import socket

    from sqlalchemy import select

    from app.db.models import Delivery
    from app.service import Issei
    from tests.helpers import make_config, with_issei

    with socket.socket() as s:  # a port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        dead = f"json://127.0.0.1:{s.getsockname()[1]}/down"
    urls = [target.json_url("a"), dead, target.json_url("c")]
    config = make_config(tmp_path, db_url, max_attempts=2)
    config.channels["apprise"] = {"urls": urls}
    config.configured_media.add("apprise")

    async def body(issei: Issei) -> list[tuple[str, str, str | None, str | None]]:
        draft = replace(DRAFT, media=(Medium.APPRISE,))
        assert issei.prepare(draft).audiences[Medium.APPRISE] == 3  # the composer's count
        message_id = issei.send(draft)
        await issei.engine.run(until_idle=True)
        counts = issei.counts(message_id)["apprise"]
        assert (counts.total, counts.sent, counts.failed) == (3, 2, 1)
        assert issei.retry_failed(message_id, "apprise") == 1
        await issei.engine.run(until_idle=True)
        with issei.sessions() as s:
            return [tuple(r) for r in s.execute(  # type: ignore[misc]
                select(Delivery.target, Delivery.state, Delivery.provider_ref,
                       Delivery.last_error).order_by(Delivery.id))]

    rows = with_issei(config, body)
    assert [(t, state) for t, state, _, _ in rows] == [
        ("apprise:0", "sent"), ("apprise:1", "failed"), ("apprise:2", "sent")]
    assert "/a" in (rows[0][2] or "") and "/c" in (rows[2][2] or "")
    assert "json://127.0.0.1" in (rows[1][3] or "")  # the failed service is named
    assert sorted(r["path"] for r in target.received) == ["/a", "/c"]  # never repeated
    target.assert_clean()


def test_before_apprise_parses_a_url_only_a_plain_server_is_shown() -> None:
    from drivers.apprise_bridge import _redact

    assert _redact("tgram://123456:bot-token/987654") == "tgram://…"  # the token is the host
    assert _redact("discord://webhook_id/webhook_token") == "discord://…"
    assert _redact("json://user:secret@10.0.0.5:8080/hook") == "json://10.0.0.5:8080/…"
