"""Generic webhook, signed per Standard Webhooks (standardwebhooks.com, spec v1).

Headers: ``webhook-id`` (the batch idempotency key: the same on every retry, so a receiver can
drop duplicates), ``webhook-timestamp`` (epoch seconds, per attempt) and ``webhook-signature``
``v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`` over exactly the bytes sent.
The secret is ``whsec_`` + base64 (``ISSEI_WEBHOOK_SECRET``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

import httpx

from app.config import Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import Medium
from drivers.http_common import HttpDriver, parse_channel, retry_after_seconds, utc_now_iso

SECRET_PREFIX = "whsec_"


@dataclass
class WebhookSettings:
    url: str = ""
    timeout: float = 15.0

    @classmethod
    def from_config(cls, config: Config) -> WebhookSettings:
        return parse_channel(cls, config.channels.get("webhook"), "webhook")


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64 after ``whsec_`` (a bare base64 secret is accepted too)."""
    text = secret[len(SECRET_PREFIX):] if secret.startswith(SECRET_PREFIX) else secret
    return base64.b64decode(text, validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def message_id(job: BatchJob) -> str:
    return "msg_" + job.idempotency_key.replace("-", "")


class WebhookDriver(HttpDriver):
    medium = Medium.WEBHOOK
    label = "Webhook"

    def __init__(self, settings: WebhookSettings, secret: str | None, *,
                 simulated: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(
            "", capabilities=Capabilities(batch_size=1, concurrency=2, requests_per_second=None,
                                          deduplicates=True, simulated=simulated),
            timeout=settings.timeout, transport=transport,
            endpoint=settings.url or "webhook",
        )
        self.settings = settings
        self._secret = secret

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        if not self.settings.url:
            return self.missing(job, "送信先URL（[channels.webhook] url）")
        if not self._secret:
            return self.missing(job, "署名の秘密鍵（環境変数 ISSEI_WEBHOOK_SECRET かキーリング）")
        try:
            secret_key(self._secret)
        except (binascii.Error, ValueError):
            reason = "Webhookの秘密鍵は whsec_ に続くbase64です"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        envelope: dict[str, Any] = {
            "type": job.payload.get("type", "alert.published"),
            "timestamp": utc_now_iso(),
            "data": {**job.payload.get("data", {}), "message_id": job.message_id},
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        msg_id = message_id(job)
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(self._secret, msg_id, timestamp, body),
        }
        response = await self.request("POST", self.settings.url, content=body, headers=headers)
        if isinstance(response, str):
            return BatchResult.all(job, Outcome.TEMPORARY, response)
        status = response.status_code
        if 200 <= status < 300:
            return BatchResult.all(job, Outcome.SENT, provider_ref=msg_id)
        if status == 410:  # Standard Webhooks: the receiver asks us to stop
            reason = "Webhookの受け手が受信を停止しています（410）"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status in (401, 403):
            reason = (f"Webhookの受け手が署名か認証を拒否しました（{status}）。"
                      "秘密鍵を確認してください")
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status in (408, 409, 425, 429) or status >= 500:
            return BatchResult.all(job, Outcome.TEMPORARY, f"Webhookの受け手のエラー（{status}）",
                                   retry_after=retry_after_seconds(response))
        return BatchResult.all(job, Outcome.PERMANENT,
                               f"Webhookの受け手が拒否しました（{status}）: {response.text[:200]}")


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> WebhookDriver:
    settings = WebhookSettings.from_config(config)
    secret = config.secret("webhook", "secret")
    if base_url is not None:
        settings.url = f"{base_url}/hook"
        secret = SECRET_PREFIX + base64.b64encode(b"issei-drill-secret-not-real").decode()
    return WebhookDriver(settings, secret, simulated=simulated)
