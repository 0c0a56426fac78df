"""Shared by the drivers of issue 3: typed settings from a raw ``[channels.<name>]`` table
(every medium's, through :func:`parse_channel`), atomic file writes, and POSTing a document.

``app.config`` keeps the tables of later media as plain dicts; each driver turns its table into
a dataclass here, with the same rules as the core's: unknown keys and wrong types are refused
in Japanese, and a secret in the file is refused (it belongs in the keyring or the environment).
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import ssl
import tempfile
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any, TypeVar

import httpx

from app.config import SECRET_KEYS, ConfigError
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome, TrainingGuardError
from drivers.line import retry_after_seconds

T = TypeVar("T")

# Keys that hold a secret under another name: a webhook URL carries its own credential.
EXTRA_SECRET_KEYS = {"webhook_url", "page_access_token", "service_account", "auth_token"}
# Words that mark an undeclared key as a secret even when no list names it exactly
# (``application_password``, ``bearer_token`` …); a declared setting such as ``token_url``
# is not one.
SECRET_WORDS = ("password", "token", "secret", "api_key")


def is_secret_key(key: str, declared: Collection[str] = ()) -> bool:
    if key in SECRET_KEYS or key in EXTRA_SECRET_KEYS:
        return True
    return key not in declared and any(word in key for word in SECRET_WORDS)


def parse_channel(cls: type[T], table: Mapping[str, Any] | None, medium: str) -> T:
    """An instance of the dataclass ``cls`` from the TOML table of ``[channels.<medium>]``.

    The one parser of every medium's table: unknown keys, wrong types and secrets written in
    the file are refused in Japanese (a secret belongs in the keyring or the environment)."""
    where = f"channels.{medium}"
    fields = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    defaults = cls()
    values: dict[str, Any] = {}
    for key, value in (table or {}).items():
        if is_secret_key(key, fields):
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
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"[{where}] {key}: 文字列の配列が必要です（{value!r}）")
            ok = True
        else:
            ok = isinstance(value, type(current))
        if not ok:
            raise ConfigError(
                f"[{where}] {key}: {type(current).__name__} 型の値が必要です（{value!r}）"
            )
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


class DocumentDriver:
    """The publish path CAP and L-Alert share: a finished XML document is written to a file
    (a feed folder, an L-Alert hand-off folder) and/or POSTed as it is to a configured
    endpoint. Each subclass builds and checks its own document in ``send``, then calls
    :meth:`publish`."""

    label: str  # 「CAPの送信先」「Lアラートの送信先」: the endpoint, as the operator reads it
    token_env: str  # where the endpoint's bearer token comes from, for a refusal's message

    def __init__(self, *, post_url: str, endpoint: str, token: str | None, simulated: bool,
                 timeout: float, verify_tls: bool, ca_file: str,
                 transport: httpx.AsyncBaseTransport | None) -> None:
        self.post_url = post_url
        self.endpoint = endpoint
        self._token = token
        self.capabilities = Capabilities(
            batch_size=1,
            concurrency=1,  # one writer of a feed or folder at a time
            requests_per_second=None,
            deduplicates=True,  # the same document (same identifiers) on every retry
            simulated=simulated,
        )
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport,
                                         verify=tls_verify(verify_tls, ca_file))

    def guard(self, job: BatchJob) -> None:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)

    async def publish(
        self,
        job: BatchJob,
        document: bytes,
        *,
        content_type: str,
        write: Callable[[], None] | None = None,
        write_error: str = "",
    ) -> BatchResult | None:
        """Write (in a thread) then POST; None when both went through, else the result."""
        if write is not None:
            try:
                await asyncio.to_thread(write)
            except OSError as exc:
                return BatchResult.all(job, Outcome.TEMPORARY, f"{write_error}: {exc}")
        if self.post_url:
            return await post_document(
                self._client, job, self.post_url, document, content_type=content_type,
                token=self._token, label=self.label, token_env=self.token_env,
            )
        return None

    async def aclose(self) -> None:
        await self._client.aclose()
