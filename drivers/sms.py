"""SMS through Twilio's Messages API (2010-04-01): one request per recipient.

Twilio has no idempotency key, so a retry (attempt > 1) first lists what this account already
sent to that number today and treats a message with the same body as ours as sent — the notes'
"don't resend on timeout without checking the Messages list". Delivery status is polled
(GET the message): a desktop console has no public callback URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from app.compose import sms as sms_compose
from app.compose.sms import TWILIO_BODY_LIMIT, PhoneNumberError, to_e164
from app.config import STATUS_KEYS, Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome, Target, TargetResult
from app.dispatch.ratelimit import TokenBucket
from app.dispatch.status import StatusUpdate
from app.domain import DeliveryState, Medium
from drivers.http_common import (
    HttpDriver,
    parse_channel,
    retry_after_seconds,
    without_link_wait,
)

log = logging.getLogger("issei.drivers.sms")

API = "/2010-04-01/Accounts/{sid}"


@dataclass
class SmsSettings:
    base_url: str = "https://api.twilio.com"
    account_sid: str = ""
    from_number: str = ""  # E.164 number or alphanumeric sender id
    messaging_service_sid: str = ""  # MG…: instead of (or with) from_number
    country_code: str = "81"  # for national numbers such as 090…
    cost_per_part: float = 11.0
    currency: str = "円"
    batch_size: int = 50  # deliveries one worker takes at once
    concurrency: int = 4  # batches in flight
    requests_per_second: float = 10.0  # Twilio queues beyond the sender's throughput anyway
    timeout: float = 30.0
    validity_period: int = 3600  # seconds Twilio may hold it; a warning goes stale
    link_parts: int = 3  # with the website: a longer text is cut to this many parts + link

    @classmethod
    def from_config(cls, config: Config) -> SmsSettings:
        table = {k: v for k, v in (config.channels.get("sms") or {}).items()
                 if k not in STATUS_KEYS}  # the engine's status polling reads these
        return parse_channel(cls, table, "sms")


# Twilio message status → our delivery state (message-resource#message-status-values).
TWILIO_STATES: dict[str, DeliveryState] = {
    "accepted": DeliveryState.SENT,
    "scheduled": DeliveryState.SENT,
    "queued": DeliveryState.SENT,
    "sending": DeliveryState.SENT,
    "sent": DeliveryState.SENT,  # handed to the carrier; no receipt yet
    "delivered": DeliveryState.DELIVERED,
    "read": DeliveryState.DELIVERED,
    "undelivered": DeliveryState.FAILED,
    "failed": DeliveryState.FAILED,
    "partially_delivered": DeliveryState.FAILED,
    "canceled": DeliveryState.CANCELLED,
}

# Error codes that concern one number, not the account (www.twilio.com/docs/api/errors).
NUMBER_ERRORS = {
    21211: "番号が正しくありません",
    21214: "番号が使われていません",
    21610: "受信者が配信停止しています",
    21612: "この番号には送れません",
    21614: "携帯電話の番号ではありません",
}


def _twilio_error(response: httpx.Response) -> tuple[int | None, str]:
    try:
        data = response.json()
    except ValueError:
        return None, response.text[:200]
    if not isinstance(data, dict):
        return None, str(data)[:200]
    code = data.get("code")
    return (code if isinstance(code, int) else None), str(data.get("message", ""))[:300]


def map_status(resource: dict[str, Any]) -> StatusUpdate:
    status = str(resource.get("status", ""))
    state = TWILIO_STATES.get(status, DeliveryState.SENT)
    error = None
    if state in (DeliveryState.FAILED, DeliveryState.CANCELLED):
        code = resource.get("error_code")
        detail = resource.get("error_message") or ""
        error = f"SMSが届きませんでした（{status}" + (f"・{code}" if code else "") + "）"
        if detail:
            error += f": {detail}"
    return StatusUpdate(state, error)


class SmsDriver(HttpDriver):
    medium = Medium.SMS
    label = "SMS（Twilio）"

    def __init__(
        self,
        settings: SmsSettings,
        auth_token: str | None,
        *,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            settings.base_url,
            capabilities=Capabilities(
                batch_size=settings.batch_size, concurrency=settings.concurrency,
                # paced per message inside the driver (a batch holds many messages)
                requests_per_second=None, deduplicates=False, simulated=simulated,
            ),
            timeout=settings.timeout, transport=transport,
        )
        self.settings = settings
        self._token = auth_token
        self._bucket = TokenBucket(settings.requests_per_second,
                                   burst=max(1.0, settings.requests_per_second))
        self._per_batch = asyncio.Semaphore(8)
        self._api = API.format(sid=settings.account_sid)

    def _auth(self) -> httpx.BasicAuth:
        return httpx.BasicAuth(self.settings.account_sid, self._token or "")

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        job = without_link_wait(job)
        if not self._token:
            return self.missing(job, "認証トークン（環境変数 ISSEI_SMS_AUTH_TOKEN かキーリング）")
        if not self.settings.account_sid:
            return self.missing(job, "アカウントSID（[channels.sms] account_sid）")
        if not (self.settings.from_number or self.settings.messaging_service_sid):
            return self.missing(job, "送信元（[channels.sms] from_number）")
        body = str(job.payload.get("body", ""))
        if not body or len(body) > TWILIO_BODY_LIMIT:
            reason = f"SMSの本文は1〜{TWILIO_BODY_LIMIT}文字です（{len(body)}文字）"
            return BatchResult.all(job, Outcome.PERMANENT, reason)
        state = _BatchState()
        results = await asyncio.gather(*(self._one(job, t, body, state) for t in job.targets))
        return BatchResult(list(results), retry_after=state.retry_after,
                           medium_error=state.medium_error)

    async def _one(self, job: BatchJob, target: Target, body: str,
                   state: _BatchState) -> TargetResult:
        try:
            to = to_e164(target.address, self.settings.country_code)
        except PhoneNumberError as exc:
            return TargetResult(target.delivery_id, Outcome.PERMANENT, str(exc))
        async with self._per_batch:
            if state.medium_error:
                return TargetResult(target.delivery_id, Outcome.PERMANENT, state.medium_error)
            if job.attempt > 1:
                found = await self._already_sent(to, body)
                if found:
                    return TargetResult(target.delivery_id, Outcome.SENT, provider_ref=found)
            await self._bucket.acquire()
            form = {"To": to, "Body": body, "ValidityPeriod": str(self.settings.validity_period)}
            if self.settings.from_number:
                form["From"] = self.settings.from_number
            if self.settings.messaging_service_sid:
                form["MessagingServiceSid"] = self.settings.messaging_service_sid
            response = await self.request("POST", f"{self._api}/Messages.json", data=form,
                                          auth=self._auth())
        if isinstance(response, str):
            return TargetResult(target.delivery_id, Outcome.TEMPORARY, response)
        return self._interpret(target, response, state)

    def _interpret(self, target: Target, response: httpx.Response,
                   state: _BatchState) -> TargetResult:
        status = response.status_code
        if status in (200, 201):
            sid = None
            try:
                sid = response.json().get("sid")
            except (ValueError, AttributeError):
                pass
            return TargetResult(target.delivery_id, Outcome.SENT, provider_ref=sid)
        code, text = _twilio_error(response)
        if status == 401:
            reason = ("TwilioがアカウントSIDか認証トークンを拒否しました（401）。"
                      "設定を確認してください")
            state.medium_error = reason
            return TargetResult(target.delivery_id, Outcome.PERMANENT, reason)
        if status == 429:
            wait = retry_after_seconds(response)
            state.retry_after = max(state.retry_after or 0.0, wait or 0.0) or None
            return TargetResult(target.delivery_id, Outcome.TEMPORARY,
                                "Twilioの送信数制限に達しました（429）")
        if status >= 500:
            return TargetResult(target.delivery_id, Outcome.TEMPORARY,
                                f"Twilioのサーバーエラー（{status}）")
        if code in NUMBER_ERRORS:
            return TargetResult(target.delivery_id, Outcome.PERMANENT,
                                f"{NUMBER_ERRORS[code]}（{code}）: {text}")
        if status == 403:
            reason = f"Twilioがこの送信を許可していません（403・{code}）: {text}"
            state.medium_error = reason
            return TargetResult(target.delivery_id, Outcome.PERMANENT, reason)
        if status in (404, 405):
            reason = (f"TwilioのAPIが見つかりません（{status}）。"
                      "base_url と account_sid を確認してください")
            state.medium_error = reason
            return TargetResult(target.delivery_id, Outcome.PERMANENT, reason)
        return TargetResult(target.delivery_id, Outcome.PERMANENT,
                            f"Twilioが拒否しました（{status}・{code}）: {text}")

    async def _already_sent(self, to: str, body: str) -> str | None:
        """The sid of a message with this body sent to ``to`` in the last day, if any."""
        since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        params = {"To": to, "DateSent>": since, "PageSize": "50"}
        if self.settings.from_number:
            params["From"] = self.settings.from_number
        response = await self.request("GET", f"{self._api}/Messages.json", params=params,
                                      auth=self._auth())
        if isinstance(response, str) or response.status_code != 200:
            return None  # cannot tell: sending again is better than not warning at all
        try:
            messages = response.json().get("messages") or []
        except (ValueError, AttributeError):
            return None
        for message in messages:
            if isinstance(message, dict) and message.get("body") == body:
                sid = message.get("sid")
                return str(sid) if sid else None
        return None

    async def poll_status(self, refs: Sequence[str]) -> dict[str, StatusUpdate]:
        """Current state of each message sid; sids that cannot be read now are left out."""
        out: dict[str, StatusUpdate] = {}

        async def one(sid: str) -> None:
            async with self._per_batch:
                response = await self.request("GET", f"{self._api}/Messages/{sid}.json",
                                              auth=self._auth())
            if isinstance(response, str):
                return
            if response.status_code == 404:
                out[sid] = StatusUpdate(DeliveryState.FAILED, "Twilioにこのメッセージがありません")
                return
            if response.status_code != 200:
                return
            try:
                out[sid] = map_status(response.json())
            except (ValueError, AttributeError):
                return

        await asyncio.gather(*(one(sid) for sid in refs))
        return out


@dataclass
class _BatchState:
    retry_after: float | None = None
    medium_error: str | None = None


def build(config: Config, *, base_url: str | None = None, simulated: bool = False,
          ) -> SmsDriver:
    settings = SmsSettings.from_config(config)
    sms_compose.configure(settings.cost_per_part, settings.currency, settings.link_parts)
    token = config.secret("sms", "auth_token")
    if base_url is not None:  # the drill sink: same driver, local recorder
        settings.base_url = base_url
        settings.account_sid = settings.account_sid or DRILL_ACCOUNT_SID
        settings.from_number = settings.from_number or "+815000000000"
        token = "drill-token"
    return SmsDriver(settings, token, simulated=simulated)


DRILL_ACCOUNT_SID = "AC" + "0" * 32
