"""Configuration: typed keys, secrets never from the file, clear Japanese errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config, read_secret


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "issei.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_embedded_default_is_training_on_sqlite(tmp_path: Path) -> None:
    config = load_config(None, tmp_path)
    assert config.training and config.embedded
    assert config.database_url == f"sqlite:///{tmp_path / 'issei.sqlite3'}"


def test_channels_are_read_with_types(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, """
[database]
url = "postgresql://issei@db.example/issei"
[channels.email]
host = "mail.city.example.jp"
port = 465
security = "tls"
username = "bousai"
from_address = "bousai@city.example.jp"
recipients_per_transaction = 200
connections = 6
[channels.line]
base_url = "http://127.0.0.1:9999"
mode = "broadcast"
"""), tmp_path)
    assert not config.training and not config.embedded
    assert (config.email.port, config.email.security, config.email.connections) == (465, "tls", 6)
    assert config.line.mode == "broadcast"
    assert config.configured_media == {"email", "line"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[channels.email]\npassword = "x"\n', "ISSEI_EMAIL_PASSWORD"),
        ('[channels.line]\naccess_token = "x"\n', "ISSEI_LINE_ACCESS_TOKEN"),
        ('[channels.email]\nport = "587"\n', "int 型"),
        ('[channels.email]\nsecurity = "ssl"\n', "none・starttls・tls"),
        ('[channels.email]\nhots = "x"\n', "知らない設定項目"),
        ('[channels.line]\nmode = "push"\n', "broadcast か multicast"),
        ("[channels.email\n", "書式が正しくありません"),
        ('[database]\nurl = "mysql://x"\n', "sqlite:/// か postgresql://"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_config(write(tmp_path, text), tmp_path)


def test_config_not_utf8_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "sjis.toml"
    path.write_bytes("[app]\nconsole_name = \"防災課\"\n".encode("cp932"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path, tmp_path)
    with pytest.raises(ConfigError, match="見つかりません"):
        load_config(tmp_path / "nothing.toml", tmp_path)


def test_secret_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", "token-from-env")
    assert read_secret("line", "access_token") == "token-from-env"
