"""Secrets (channel tokens, passwords) in the OS keyring of the PC: Windows Credential
Manager, macOS Keychain, Secret Service on Linux. Stored under service ``issei`` and user
``<medium>.<name>``, read by app.config.read_secret (an environment variable wins).

Nothing here ever returns a stored value to a screen: the settings dialog and the CLI can
store, replace, delete and ask "is one stored?", never show it again.
"""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from app.config import KEYRING_SERVICE


class SecretStoreError(RuntimeError):
    """The keyring cannot be used on this PC; the message says what to do instead."""


def _key(medium: str, name: str) -> str:
    if not medium.isidentifier() or not name.isidentifier():
        raise ValueError(f"秘密情報の名前が正しくありません: {medium}.{name}")
    return f"{medium}.{name}"


def _unavailable(exc: Exception, medium: str, name: str) -> SecretStoreError:
    return SecretStoreError(
        f"このPCではキーリングが使えません（{exc}）。"
        f"環境変数 ISSEI_{medium.upper()}_{name.upper()} で渡してください"
    )


def store(medium: str, name: str, value: str) -> None:
    if not value:
        raise ValueError("空の値は保存できません")
    try:
        keyring.set_password(KEYRING_SERVICE, _key(medium, name), value)
    except KeyringError as exc:
        raise _unavailable(exc, medium, name) from exc


def is_stored(medium: str, name: str) -> bool:
    try:
        return keyring.get_password(KEYRING_SERVICE, _key(medium, name)) is not None
    except KeyringError:
        return False


def forget(medium: str, name: str) -> bool:
    try:
        keyring.delete_password(KEYRING_SERVICE, _key(medium, name))
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise _unavailable(exc, medium, name) from exc
    return True


# The secrets the channels read (``config.secret(medium, name)``), in the order the settings
# dialog lists them, with what each one is in the operator's words.
KNOWN: tuple[tuple[str, str, str], ...] = (
    ("email", "password", "メール（SMTP）のパスワード"),
    ("line", "access_token", "LINE チャネルアクセストークン"),
    ("sms", "auth_token", "SMS ゲートウェイの認証トークン"),
    ("x", "access_token", "X（旧Twitter）のアクセストークン"),
    ("facebook", "page_access_token", "Facebook ページのアクセストークン"),
    ("website", "application_password", "ホームページ（WordPress）のアプリケーションパスワード"),
    ("push", "service_account", "アプリ通知（FCM）のサービスアカウント"),
    ("cap", "token", "CAP 送信先のトークン"),
    ("lalert", "token", "L-Alert 連携のトークン"),
    ("slack", "webhook_url", "Slack の Webhook URL"),
    ("teams", "webhook_url", "Teams の Webhook URL"),
    ("webhook", "secret", "Webhook の署名用シークレット"),
    ("apprise", "urls", "Apprise の通知先 URL"),
    ("fax", "password", "FAX ゲートウェイのパスワード"),
    ("dialer", "sip_password", "一斉架電（SIP）のパスワード"),
    ("translation", "api_key", "機械翻訳の API キー"),
)
