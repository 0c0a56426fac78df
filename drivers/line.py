"""LINE Messaging API: multicast (≤500 user ids a request) or broadcast to every friend.

Every request carries ``X-Line-Retry-Key`` (the batch's idempotency key), so a retry after a
timeout or a crash can never deliver twice: LINE answers 409 when it already accepted it.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import math

import httpx

from app.dispatch.audience import BROADCAST
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    Capabilities,
    Outcome,
    TrainingGuardError,
)
from app.domain import Medium

log = logging.getLogger("issei.drivers.line")

MULTICAST_LIMIT = 500
MULTICAST_PATH = "/v2/bot/message/multicast"
BROADCAST_PATH = "/v2/bot/message/broadcast"
MAX_RETRY_AFTER_SECONDS = 3600.0


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Seconds from Retry-After (a number or an HTTP date), finite and at most an hour."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(0.0, seconds), MAX_RETRY_AFTER_SECONDS)


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    details = data.get("details") if isinstance(data, dict) else None
    if isinstance(details, list) and details:
        parts = [
            f"{d.get('property', '')}: {d.get('message', '')}"
            for d in details[:3] if isinstance(d, dict)
        ]
        message += "（" + "、".join(parts) + "）"
    return message


class LineDriver:
    medium = Medium.LINE

    def __init__(
        self,
        base_url: str,
        access_token: str | None,
        *,
        mode: str = "multicast",
        requests_per_second: float = 100.0,
        concurrency: int = 8,
        timeout: float = 30.0,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.endpoint = self.base_url
        self.mode = mode
        self._token = access_token
        self.capabilities = Capabilities(
            batch_size=1 if mode == "broadcast" else MULTICAST_LIMIT,
            concurrency=concurrency,
            requests_per_second=requests_per_second,
            deduplicates=True,
            simulated=simulated,
            broadcast=mode == "broadcast",
        )
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )

    async def send(self, job: BatchJob) -> BatchResult:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)
        if not self._token:
            reason = (
                "LINEのチャネルアクセストークンが設定されていません"
                "（環境変数 ISSEI_LINE_ACCESS_TOKEN かOSのキーリング）"
            )
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        body: dict[str, object] = {
            "messages": job.payload["messages"],
            "notificationDisabled": bool(job.payload.get("notificationDisabled", False)),
        }
        is_broadcast = len(job.targets) == 1 and job.targets[0].address == BROADCAST
        if not is_broadcast:
            if len(job.targets) > MULTICAST_LIMIT:
                reason = f"LINEの一度の宛先は{MULTICAST_LIMIT}件までです"
                return BatchResult.all(job, Outcome.PERMANENT, reason)
            body["to"] = [t.address for t in job.targets]
        headers = {
            "Authorization": f"Bearer {self._token}",
            "X-Line-Retry-Key": job.idempotency_key,
        }
        path = BROADCAST_PATH if is_broadcast else MULTICAST_PATH
        try:
            response = await self._client.post(path, json=body, headers=headers)
        except httpx.TimeoutException:
            return BatchResult.all(job, Outcome.TEMPORARY, "LINEの応答が時間内にありませんでした")
        except httpx.TransportError as exc:
            return BatchResult.all(job, Outcome.TEMPORARY, f"LINEに接続できません: {exc}")
        return self._interpret(job, response)

    def _interpret(self, job: BatchJob, response: httpx.Response) -> BatchResult:
        status = response.status_code
        if status == 200:
            return BatchResult.all(
                job, Outcome.SENT, provider_ref=response.headers.get("x-line-request-id")
            )
        if status == 409:
            # The same retry key was accepted before (we timed out or crashed after sending).
            return BatchResult.all(
                job, Outcome.SENT,
                provider_ref=response.headers.get("x-line-accepted-request-id"),
            )
        text = _error_text(response)
        if status == 401:
            reason = "LINEがチャネルアクセストークンを拒否しました（401）。設定を確認してください"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status == 403:
            reason = f"LINEがこの操作を許可していません（403）: {text}"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status == 429:
            if "monthly limit" in text.lower():
                reason = "LINEの今月の配信数の上限に達しました（429）"
                return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
            return BatchResult.all(
                job, Outcome.TEMPORARY, "LINEの送信数制限に達しました（429）",
                retry_after=retry_after_seconds(response),
            )
        if status >= 500:
            return BatchResult.all(
                job, Outcome.TEMPORARY, f"LINEのサーバーエラー（{status}）",
                retry_after=retry_after_seconds(response),
            )
        if status in (404, 405):
            reason = (
                f"LINEのAPIが見つかりません（{status}）。接続先URLを確認してください: "
                f"{self.base_url}"
            )
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        return BatchResult.all(job, Outcome.PERMANENT, f"LINEが拒否しました（{status}）: {text}")

    async def aclose(self) -> None:
        await self._client.aclose()
