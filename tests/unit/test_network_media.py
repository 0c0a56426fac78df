"""Registration of the network media: typed [channels.*] settings, secrets kept out of the
file, real drivers only where configured, every medium drillable, the training guard."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from app.compose.render import RENDERERS, render
from app.config import ConfigError, load_config
from app.domain import Medium
from drivers.drill import DrillSink
from drivers.network_media import MODULES
from drivers.registry import drill_drivers, real_drivers
from tests.unit.net_helpers import DRAFT

NETWORK = tuple(MODULES)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issei.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("medium", "key", "env"), [
    ("slack", "webhook_url", "ISSEI_SLACK_WEBHOOK_URL"),
    ("teams", "webhook_url", "ISSEI_TEAMS_WEBHOOK_URL"),
    ("x", "access_token", "ISSEI_X_ACCESS_TOKEN"),
    ("facebook", "page_access_token", "ISSEI_FACEBOOK_PAGE_ACCESS_TOKEN"),
    ("push", "service_account", "ISSEI_PUSH_SERVICE_ACCOUNT"),
    ("webhook", "secret", "ISSEI_WEBHOOK_SECRET"),
])
def test_secrets_in_the_file_are_refused(tmp_path: Path, medium: str, key: str,
                                         env: str) -> None:
    path = write(tmp_path, f'[channels.{medium}]\n{key} = "s3cr3t"\n')
    with pytest.raises(ConfigError, match=env):
        real_drivers(load_config(path, tmp_path))


@pytest.mark.parametrize(("table", "message"), [
    ('[channels.x]\nlong_text = "summarise"\n', "long_text"),
    ('[channels.push]\nproject = "p"\n', "知らない設定項目"),
    ('[channels.apprise]\nurls = "json://a"\n', "文字列の配列"),
    ('[channels.facebook]\ntimeout = true\n', "float"),
])
def test_settings_are_typed(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        real_drivers(load_config(write(tmp_path, table), tmp_path))


def test_real_drivers_only_for_configured_media(tmp_path: Path) -> None:
    path = write(tmp_path, '[channels.sms]\naccount_sid = "AC1"\n\n'
                           '[channels.apprise]\nurls = ["json://127.0.0.1:9/"]\n')
    drivers = real_drivers(load_config(path, tmp_path))
    assert {m for m in NETWORK if drivers.get(m)} == {Medium.SMS, Medium.APPRISE}
    assert not any(drivers.get(m).capabilities.simulated for m in  # type: ignore[union-attr]
                   (Medium.SMS, Medium.APPRISE))


def test_every_network_medium_is_drillable_and_simulated(tmp_path: Path) -> None:
    sink = DrillSink(tmp_path / "drill").start()
    try:
        drivers = drill_drivers(load_config(None, tmp_path), sink)
        for medium in NETWORK:
            driver = drivers.get(medium)
            assert driver is not None and driver.capabilities.simulated, medium
            assert "127.0.0.1" in driver.endpoint or medium in (Medium.SLACK, Medium.TEAMS)
    finally:
        sink.stop()


@pytest.mark.parametrize("medium", NETWORK)
def test_each_medium_renders_a_preview_with_the_training_mark(medium: Medium) -> None:
    assert medium in RENDERERS
    rendition = render(replace(DRAFT, media=(medium,), training=True), medium)
    assert not rendition.has_errors
    assert "【訓練】" in repr(rendition.payload)


@pytest.mark.parametrize("medium", NETWORK)
def test_empty_title_is_an_error_everywhere(medium: Medium) -> None:
    rendition = render(replace(DRAFT, title=" ", media=(medium,)), medium)
    assert "title_empty" in {f.code for f in rendition.findings}


def test_one_parser_reads_every_channel_table(tmp_path: Path) -> None:
    """drivers.http_common and drivers.channel_config share one parser: a secret by name
    (``bearer_token``) is refused for the network media as for the website, while a declared
    setting whose name only looks like one (push's ``token_url``) is read."""
    from drivers import channel_config, http_common
    from drivers.push import PushSettings

    assert http_common.parse_channel is channel_config.parse_channel
    with pytest.raises(ConfigError, match="ISSEI_SMS_BEARER_TOKEN"):
        real_drivers(load_config(write(tmp_path, '[channels.sms]\nbearer_token = "t"\n'),
                                 tmp_path))
    settings = channel_config.parse_channel(
        PushSettings, {"token_url": "http://127.0.0.1:9/token", "timeout": 5}, "push")
    assert settings.token_url == "http://127.0.0.1:9/token" and settings.timeout == 5.0
