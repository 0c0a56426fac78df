"""Typed configuration from a TOML file, secrets from the OS keyring or the environment.

Secrets are never read from the TOML file: a file that carries one is refused, so that a
token cannot end up on a shared drive by accident.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger("issei.config")

KEYRING_SERVICE = "issei"
SECRET_KEYS = {
    "password", "access_token", "auth_token", "token", "secret", "api_key",
    "application_password", "page_access_token", "webhook_url", "service_account",
}


class ConfigError(ValueError):
    """The configuration cannot be used; the message says why, in Japanese."""


@dataclass
class EmailChannel:
    host: str = "127.0.0.1"
    port: int = 587
    security: str = "starttls"  # none | starttls | tls
    username: str = ""
    from_address: str = "bousai@example.jp"
    from_name: str = ""
    return_path: str = ""  # envelope sender; empty: from_address
    list_unsubscribe: str = ""  # mailto: or https: URL
    recipients_per_transaction: int = 100
    connections: int = 4
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str = ""  # an internal CA (LGWAN mail servers often use one)


@dataclass
class LineChannel:
    base_url: str = "https://api.line.me"
    mode: str = "multicast"  # broadcast | multicast
    requests_per_second: float = 100.0  # LINE allows 200 req/s for multicast; keep headroom
    concurrency: int = 8
    timeout: float = 30.0


@dataclass
class Config:
    database_url: str
    data_dir: Path
    training: bool  # embedded default: everything goes to the drill sink
    embedded: bool  # no --config given
    console_name: str = ""
    email: EmailChannel = field(default_factory=EmailChannel)
    line: LineChannel = field(default_factory=LineChannel)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)  # media of later issues
    configured_media: set[str] = field(default_factory=set)
    max_attempts: int = 8
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 300.0
    lease_seconds: float = 120.0
    # The whole file as read, for parts that parse their own tables ([radio], [dialer] …).
    raw: dict[str, Any] = field(default_factory=dict)

    def secret(self, medium: str, name: str) -> str | None:
        return read_secret(medium, name)


# [channels.sms] keys read by the engine's delivery-status polling, not by the SMS driver.
STATUS_KEYS = ("status_poll_seconds", "status_max_age_hours", "status_page_size")


@dataclass(frozen=True)
class StatusPolling:
    """How the engine asks the SMS provider whether sent messages arrived."""

    poll_seconds: float = 30.0  # between rounds
    max_age_hours: float = 24.0  # a delivery still "sent" after this is no longer asked about
    page_size: int = 500  # provider references asked per round (Twilio pages hold up to 1000)


_STATUS_LIMITS: dict[str, tuple[str, type, float, float, str]] = {
    "status_poll_seconds": ("poll_seconds", float, 1, 3600, "秒"),
    "status_max_age_hours": ("max_age_hours", float, 1, 168, "時間"),
    "status_page_size": ("page_size", int, 1, 1000, "件"),
}


def status_polling(config: Config) -> StatusPolling:
    """The status-polling settings from ``[channels.sms]``; a wrong type or a value out of
    range is refused in Japanese with the key and the allowed range."""
    table = config.channels.get("sms") or {}
    values: dict[str, Any] = {}
    for key, (name, kind, low, high, unit) in _STATUS_LIMITS.items():
        if key not in table:
            continue
        value = table[key]
        number = (not isinstance(value, bool) and isinstance(value, int | float)
                  and (kind is float or isinstance(value, int)))
        if not number or not low <= value <= high:
            kind_ja = "整数" if kind is int else "数値"
            raise ConfigError(
                f"[channels.sms] {key}: {low:g}〜{high:g}{unit}の{kind_ja}で指定してください"
                f"（{value!r}）"
            )
        values[name] = kind(value)
    return StatusPolling(**values)


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("issei", appauthor=False))


def read_secret(medium: str, name: str) -> str | None:
    """``ISSEI_<MEDIUM>_<NAME>`` wins; otherwise the OS keyring (service ``issei``)."""
    env_name = f"ISSEI_{medium.upper()}_{name.upper()}"
    value = os.environ.get(env_name)
    if value:
        return value
    try:
        import keyring
        from keyring.errors import KeyringError

        try:
            return keyring.get_password(KEYRING_SERVICE, f"{medium}.{name}")
        except KeyringError as exc:  # no backend on a headless worker
            log.debug("keyring unavailable: %s", exc)
            return None
    except Exception as exc:  # noqa: BLE001 - a broken keyring must not stop a send
        log.debug("keyring unavailable: %s", exc)
        return None


def _fill(target: Any, table: dict[str, Any], where: str) -> None:
    for key, value in table.items():
        if key in SECRET_KEYS:
            env_name = f"ISSEI_{where.split('.')[-1].upper()}_{key.upper()}"
            raise ConfigError(
                f"[{where}] {key}: 秘密情報は設定ファイルに書けません。"
                f"OSのキーリングか環境変数 {env_name} を使ってください"
            )
        if not hasattr(target, key):
            raise ConfigError(f"[{where}] {key}: 知らない設定項目です")
        expected = type(getattr(target, key))
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected):
            raise ConfigError(
                f"[{where}] {key}: {expected.__name__} 型の値が必要です（{value!r}）"
            )
        setattr(target, key, value)


def load_config(config_file: Path | None, data_dir: Path | None) -> Config:
    data_dir = (data_dir or default_data_dir()).expanduser()
    if config_file is None:
        return Config(
            database_url=f"sqlite:///{data_dir / 'issei.sqlite3'}",
            data_dir=data_dir,
            training=True,
            embedded=True,
        )
    try:
        raw = tomllib.loads(config_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"設定ファイルが見つかりません: {config_file}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"設定ファイルは UTF-8 で保存してください: {config_file}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"設定ファイルの書式が正しくありません: {config_file}: {exc}") from None

    app_table = raw.get("app", {})
    database = raw.get("database", {})
    url = database.get("url") or f"sqlite:///{data_dir / 'issei.sqlite3'}"
    config = Config(
        database_url=url,
        data_dir=data_dir,
        training=bool(app_table.get("training", False)),
        embedded=False,
        console_name=str(app_table.get("console_name", "")),
        raw=raw,
    )
    for key in ("max_attempts", "retry_base_seconds", "retry_max_seconds", "lease_seconds"):
        if key in app_table:
            _fill(config, {key: app_table[key]}, "app")
    channels = raw.get("channels", {})
    if not isinstance(channels, dict):
        raise ConfigError("[channels] は表である必要があります")
    for name, table in channels.items():
        if not isinstance(table, dict):
            raise ConfigError(f"[channels.{name}] は表である必要があります")
        config.configured_media.add(name)
        if name == "email":
            _fill(config.email, table, "channels.email")
        elif name == "line":
            _fill(config.line, table, "channels.line")
        else:
            for key in table:
                if key in SECRET_KEYS:
                    _fill(object(), {key: ""}, f"channels.{name}")
            config.channels[name] = dict(table)
    _validate(config)
    return config


def _validate(config: Config) -> None:
    if config.email.security not in {"none", "starttls", "tls"}:
        raise ConfigError("[channels.email] security は none・starttls・tls のいずれかです")
    if config.line.mode not in {"broadcast", "multicast"}:
        raise ConfigError("[channels.line] mode は broadcast か multicast です")
    if not 1 <= config.email.recipients_per_transaction <= 1000:
        raise ConfigError("[channels.email] recipients_per_transaction は 1〜1000 です")
    if not 1 <= config.email.connections <= 64:
        raise ConfigError("[channels.email] connections は 1〜64 です")
    status_polling(config)
    if not config.database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError("[database] url は sqlite:/// か postgresql:// で始まる必要があります")
