"""SMS delivery-status polling from ``[channels.sms]``: ``status_poll_seconds``,
``status_max_age_hours`` and ``status_page_size`` reach the engine; bad values are refused in
Japanese before anything starts; the running engine polls at the configured pace and leaves
deliveries older than the configured age alone."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from app import cli
from app.config import ConfigError, StatusPolling, load_config, status_polling
from app.db.models import Delivery, Recipient, utcnow
from app.domain import Medium
from app.service import Issei
from drivers.sms import SmsSettings
from tests.helpers import with_issei
from tests.peers.twilio_peer import TwilioPeer
from tests.unit.net_helpers import DRAFT

SID = "AC" + "c3" * 16
TOKEN = "twilio-token-for-status-config"


def _write(tmp_path: Path, sms_lines: str, base_url: str = "http://127.0.0.1:9") -> Path:
    path = tmp_path / "issei.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/s.db"\n'
        f'[channels.sms]\nbase_url = "{base_url}"\naccount_sid = "{SID}"\n'
        f'from_number = "+815011112222"\n{sms_lines}\n',
        encoding="utf-8",
    )
    return path


def test_defaults_without_the_keys(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, ""), tmp_path)
    assert status_polling(config) == StatusPolling(30.0, 24.0, 500)


def test_configured_values_reach_the_engine_and_the_driver_still_parses(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, "status_poll_seconds = 5\nstatus_max_age_hours = 6.5\n"
                                          "status_page_size = 100"), tmp_path)
    assert SmsSettings.from_config(config).account_sid == SID  # the keys are not the driver's

    async def body(issei: Issei) -> tuple[float, float, int]:
        engine = issei.engine
        return engine.status_poll_seconds, engine.status_max_age_hours, engine.status_page

    assert with_issei(config, body) == (5.0, 6.5, 100)


@pytest.mark.parametrize(("line", "message"), [
    ("status_poll_seconds = 0", "status_poll_seconds: 1〜3600秒の数値で指定してください（0）"),
    ("status_poll_seconds = 86400", "status_poll_seconds: 1〜3600秒の数値"),
    ('status_poll_seconds = "30"',
     "status_poll_seconds: 1〜3600秒の数値で指定してください（'30'）"),
    ("status_poll_seconds = true", "status_poll_seconds: 1〜3600秒の数値"),
    ("status_max_age_hours = -1", "status_max_age_hours: 1〜168時間の数値"),
    ("status_max_age_hours = 1000", "status_max_age_hours: 1〜168時間の数値"),
    ("status_page_size = 2.5", "status_page_size: 1〜1000件の整数"),
    ("status_page_size = 5000", "status_page_size: 1〜1000件の整数"),
])
def test_bad_values_are_refused_in_japanese(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(_write(tmp_path, line), tmp_path)
    assert str(raised.value).startswith("[channels.sms] " + message)


def test_the_cli_stops_with_the_message_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "status_max_age_hours = 0")
    code = cli.main(["--config", str(path), "--data-dir", str(tmp_path / "data"), "status", "x"])
    assert code == cli.EXIT_INVALID
    err = capsys.readouterr().err
    assert "設定エラー: [channels.sms] status_max_age_hours: 1〜168時間の数値" in err
    assert not (tmp_path / "s.db").exists()


@pytest.fixture
def peer() -> Iterator[TwilioPeer]:
    with TwilioPeer(SID, TOKEN) as running:
        yield running


def test_the_running_engine_polls_at_the_configured_pace_and_age(
    tmp_path: Path, peer: TwilioPeer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISSEI_SMS_AUTH_TOKEN", TOKEN)
    peer.outcomes["+819011112222"] = ("delivered", None)
    peer.outcomes["+819033334444"] = ("delivered", None)
    config = load_config(_write(tmp_path, "status_poll_seconds = 1\nstatus_max_age_hours = 1",
                                peer.base_url), tmp_path)

    def fetched() -> list[str]:
        return [r.path for r in peer.requests
                if r.request.method == "GET" and "/Messages/SM" in r.path]

    async def body(issei: Issei) -> None:
        with issei.sessions.begin() as s:
            s.execute(insert(Recipient), [{"name": "a", "sms": "090-1111-2222"},
                                          {"name": "b", "sms": "090-3333-4444"}])
        message_id = issei.send(replace(DRAFT, media=(Medium.SMS,)))
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["sms"].sent == 2
        with issei.sessions.begin() as s:  # one was sent two hours ago: past the age
            s.execute(update(Delivery).where(Delivery.target == "090-3333-4444")
                      .values(updated_at=utcnow() - dt.timedelta(hours=2)))
        started = asyncio.get_running_loop().time()
        engine = asyncio.create_task(issei.engine.run())
        try:
            while _state(issei, "090-1111-2222") != "delivered":
                assert asyncio.get_running_loop().time() - started < 10, "not polled"
                await asyncio.sleep(0.05)
            elapsed = asyncio.get_running_loop().time() - started
            await asyncio.sleep(1.2)  # another round: the old one is still not asked about
        finally:
            engine.cancel()
            await asyncio.gather(engine, return_exceptions=True)
        # the first round waits the configured second (the default would be 30)
        assert 0.9 <= elapsed < 8.0, elapsed
        assert _state(issei, "090-3333-4444") == "sent"
        assert len(fetched()) == 1

    with_issei(config, body)
    peer.assert_clean()


def _state(issei: Issei, target: str) -> str | None:
    with issei.sessions() as s:
        return s.scalar(select(Delivery.state).where(Delivery.target == target))
