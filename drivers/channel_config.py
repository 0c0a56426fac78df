"""Shared by the website, CAP and L-Alert drivers: typed settings from a raw
``[channels.<name>]`` table, atomic file writes, and POSTing a document.

``app.config`` keeps the tables of later media as plain dicts; each driver turns its table into
a dataclass here, with the same rules as the core's: unknown keys and wrong types are refused
in Japanese, and a secret in the file is refused (it belongs in the keyring or the environment).
"""

from __future__ import annotations

import dataclasses
import os
import ssl
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.config import SECRET_KEYS, ConfigError
from app.dispatch.driver import BatchJob, BatchResult, Outcome
from drivers.line import retry_after_seconds

T = TypeVar("T")

# Words that mark a key as a secret even when the core's list does not name it exactly
# (``application_password``, ``bearer_token`` …).
SECRET_WORDS = ("password", "token", "secret", "api_key")


def is_secret_key(key: str) -> bool:
    return key in SECRET_KEYS or any(word in key for word in SECRET_WORDS)


def parse_channel(cls: type[T], table: dict[str, Any], medium: str) -> T:
    """An instance of the dataclass ``cls`` from the TOML table of ``[channels.<medium>]``."""
    where = f"channels.{medium}"
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in table.items():
        if is_secret_key(key):
            env_name = f"ISSEI_{medium.upper()}_{key.upper()}"
            raise ConfigError(
                f"[{where}] {key}: 秘密情報は設定ファイルに書けません。"
                f"OSのキーリングか環境変数 {env_name} を使ってください"
            )
        if key not in fields:
            raise ConfigError(f"[{where}] {key}: 知らない設定項目です")
        current = getattr(defaults, key)
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(current, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(current, list):
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, type(current))
        if not ok:
            kind = "文字列のリスト" if isinstance(current, list) else type(current).__name__
            raise ConfigError(f"[{where}] {key}: {kind} 型の値が必要です（{value!r}）")
        values[key] = value
    return dataclasses.replace(defaults, **values)  # type: ignore[type-var]


def tls_verify(verify_tls: bool, ca_file: str) -> ssl.SSLContext | bool:
    """httpx's ``verify``: an internal CA file (LGWAN servers often use one) or on/off."""
    if ca_file:
        return ssl.create_default_context(cafile=ca_file)
    return verify_tls


def require_url(value: str, medium: str, key: str = "base_url") -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigError(
            f"[channels.{medium}] {key}: http:// か https:// で始まるURLを書いてください"
            f"（{value!r}）"
        )
    return value.rstrip("/")


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)  # a web server publishing the folder never sees half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


async def post_document(
    client: httpx.AsyncClient,
    job: BatchJob,
    url: str,
    document: bytes,
    *,
    content_type: str,
    token: str | None,
    label: str,
    token_env: str,
) -> BatchResult | None:
    """POST an XML document (CAP, L-Alert) as it is; None when accepted (any 2xx)."""
    headers = {"Content-Type": f"{content_type}; charset=utf-8"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = await client.post(url, content=document, headers=headers)
    except httpx.TimeoutException:
        return BatchResult.all(job, Outcome.TEMPORARY, f"{label}の応答が時間内にありませんでした")
    except httpx.TransportError as exc:
        return BatchResult.all(job, Outcome.TEMPORARY, f"{label}に接続できません: {exc}")
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status in (401, 403):
        reason = f"{label}が認証を拒否しました（{status}）。{token_env} を確認してください"
        return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
    if status == 429 or status >= 500:
        return BatchResult.all(
            job, Outcome.TEMPORARY, f"{label}が一時的に受け付けません（{status}）",
            retry_after=retry_after_seconds(response),
        )
    if status in (404, 405):
        reason = f"{label}が見つかりません（{status}）: {url}"
        return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
    detail = response.text[:200]
    return BatchResult.all(job, Outcome.PERMANENT, f"{label}が拒否しました（{status}）: {detail}")
