"""Secrets go to the OS keyring through the keyring API and are read back by the channels."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from app import secrets
from app.config import read_secret


class MemoryKeyring(KeyringBackend):
    """Stands in for Windows Credential Manager: CI has no desktop keyring service."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.values.pop((service, username), None) is None:
            raise PasswordDeleteError("not stored")


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("no Secret Service on this desktop")


@pytest.fixture
def memory() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_stored_secret_is_used_and_never_returned(memory: MemoryKeyring,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ISSEI_LINE_ACCESS_TOKEN", raising=False)
    assert not secrets.is_stored("line", "access_token")
    secrets.store("line", "access_token", "token-123")
    assert memory.values == {("issei", "line.access_token"): "token-123"}
    assert secrets.is_stored("line", "access_token")
    assert read_secret("line", "access_token") == "token-123"
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", "from-env")  # a headless worker's override
    assert read_secret("line", "access_token") == "from-env"
    assert secrets.forget("line", "access_token") and not secrets.forget("line", "access_token")
    assert not hasattr(secrets, "load") and not hasattr(secrets, "get")


def test_unusable_keyring_says_what_to_do_instead() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        with pytest.raises(secrets.SecretStoreError, match="ISSEI_EMAIL_PASSWORD"):
            secrets.store("email", "password", "x")
    finally:
        keyring.set_keyring(previous)
    with pytest.raises(ValueError, match="名前が正しくありません"):
        secrets.store("line;rm", "token", "x")


def test_the_settings_dialog_lists_every_secret_a_channel_reads() -> None:
    """A secret a driver reads but the dialog does not list could only be set by the CLI."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for folder in ("app", "drivers"):
        for path in (root / folder).rglob("*.py"):
            read |= set(re.findall(r'secret\("([a-z_]+)", "([a-z_]+)"\)',
                                   path.read_text(encoding="utf-8")))
    listed = {(m, n) for m, n, _label in secrets.KNOWN}
    assert read, "no secret reads found: the pattern is stale"
    # push.service_account_file is a path to a file, not a secret value.
    assert read - {("push", "service_account_file")} <= listed
    assert len(listed) == len(secrets.KNOWN)
