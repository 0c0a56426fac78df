"""App push: Firebase Cloud Messaging HTTP v1, one message per category topic.

Auth is the OAuth 2 JWT-bearer flow of a service account (RFC 7523): we sign a JWT (RS256)
with the account's private key and exchange it at ``token_url`` for an access token, kept until
shortly before it expires. The message is checked against the rules of FCM's schema before it
is sent (exactly one target, enums, string-only data, 4 KB). The provider reference is the
message ``name`` FCM returns (``projects/*/messages/*``).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.compose.push import PAYLOAD_LIMIT
from app.config import Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import Medium
from drivers.http_common import (
    HttpDriver,
    parse_channel,
    retry_after_seconds,
    without_link_wait,
)

log = logging.getLogger("issei.drivers.push")

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOPIC = re.compile(r"^[a-zA-Z0-9\-_.~%]{1,900}$")
TTL = re.compile(r"^-?\d+(\.\d{1,9})?s$")
TOKEN_MARGIN = 300.0  # seconds before expiry that a token is renewed

# What FCM's Message schema allows in the parts we use (derived from fcm.v1.json).
MESSAGE_KEYS = {"android", "apns", "condition", "data", "fcmOptions", "fid", "name",
                "notification", "token", "topic", "webpush"}
TARGETS = ("token", "topic", "condition", "fid")
NOTIFICATION_KEYS = {"title", "body", "image"}
ANDROID_KEYS = {"collapseKey", "data", "directBootOk", "fcmOptions", "notification", "priority",
                "restrictedPackageName", "ttl", "bandwidthConstrainedOk",
                "restrictedSatelliteOk"}
ANDROID_NOTIFICATION_KEYS = {
    "title", "body", "icon", "color", "sound", "tag", "clickAction", "bodyLocKey",
    "bodyLocArgs", "titleLocKey", "titleLocArgs", "channelId", "ticker", "sticky",
    "eventTime", "localOnly", "notificationPriority", "defaultSound", "defaultVibrateTimings",
    "defaultLightSettings", "vibrateTimings", "visibility", "notificationCount",
    "lightSettings", "image", "bypassProxyNotification", "proxy"}
APNS_KEYS = {"headers", "payload", "fcmOptions", "liveActivityToken"}


@dataclass
class PushSettings:
    base_url: str = "https://fcm.googleapis.com"
    token_url: str = "https://oauth2.googleapis.com/token"
    project_id: str = ""
    topic_prefix: str = "issei-"  # topic = prefix + category code (issei-disaster …)
    concurrency: int = 2
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> PushSettings:
        return parse_channel(cls, config.channels.get("push"), "push")


def _strings(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def validate_message(message: Any) -> str | None:
    """Why FCM would refuse this Message (its schema's rules we rely on), or None."""
    if not isinstance(message, dict):
        return "アプリ通知の形式が正しくありません"
    unknown = set(message) - MESSAGE_KEYS
    if unknown:
        return f"アプリ通知に使えない項目があります: {', '.join(sorted(unknown))}"
    targets = [t for t in TARGETS if t in message]
    if len(targets) != 1:
        return "アプリ通知の宛先（topic など）はちょうど1つです"
    if "topic" in message and not TOPIC.match(str(message["topic"])):
        return f"トピック名が正しくありません: {message['topic']!r}"
    notification = message.get("notification", {})
    if not isinstance(notification, dict) or set(notification) - NOTIFICATION_KEYS or not all(
            isinstance(v, str) for v in notification.values()):
        return "アプリ通知の notification が正しくありません"
    if "data" in message and not _strings(message["data"]):
        return "アプリ通知の data は文字列だけにしてください"
    android = message.get("android", {})
    if not isinstance(android, dict) or set(android) - ANDROID_KEYS:
        return "アプリ通知の android が正しくありません"
    if android.get("priority", "NORMAL") not in ("NORMAL", "HIGH"):
        return f"android.priority は NORMAL か HIGH です（{android.get('priority')!r}）"
    if "ttl" in android and not (isinstance(android["ttl"], str) and TTL.match(android["ttl"])):
        return f"android.ttl は \"3600s\" の形です（{android['ttl']!r}）"
    if "data" in android and not _strings(android["data"]):
        return "android.data は文字列だけにしてください"
    android_notification = android.get("notification", {})
    if not isinstance(android_notification, dict) or (
            set(android_notification) - ANDROID_NOTIFICATION_KEYS):
        return "android.notification が正しくありません"
    apns = message.get("apns", {})
    if not isinstance(apns, dict) or set(apns) - APNS_KEYS:
        return "アプリ通知の apns が正しくありません"
    if "headers" in apns and not _strings(apns["headers"]):
        return "apns.headers は文字列だけにしてください"
    if "payload" in apns and not isinstance(apns["payload"], dict):
        return "apns.payload が正しくありません"
    size = len(json.dumps(message, ensure_ascii=False).encode())
    if size > PAYLOAD_LIMIT:
        return f"アプリ通知が大きすぎます（{size}／{PAYLOAD_LIMIT}バイト）"
    return None


@dataclass(frozen=True)
class ServiceAccount:
    client_email: str
    private_key: rsa.RSAPrivateKey
    private_key_id: str
    token_uri: str

    @classmethod
    def parse(cls, text: str) -> ServiceAccount:
        data = json.loads(text)
        key = serialization.load_pem_private_key(data["private_key"].encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise ValueError("the service account key is not an RSA key")
        return cls(str(data["client_email"]), key, str(data.get("private_key_id", "")),
                   str(data.get("token_uri", "")))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def signed_assertion(account: ServiceAccount, audience: str, now: float | None = None) -> str:
    """The RS256 JWT a service account presents (RFC 7523 §2.1)."""
    issued = int(now if now is not None else time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": account.private_key_id}
    claims = {"iss": account.client_email, "scope": SCOPE, "aud": audience,
              "iat": issued, "exp": issued + 3600}
    signing_input = (_b64(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + _b64(json.dumps(claims, separators=(",", ":")).encode()))
    signature = account.private_key.sign(signing_input.encode(), padding.PKCS1v15(),
                                         hashes.SHA256())
    return signing_input + "." + _b64(signature)


class _AuthError(Exception):
    def __init__(self, reason: str, temporary: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


class PushDriver(HttpDriver):
    medium = Medium.PUSH
    label = "アプリ通知（FCM）"

    def __init__(self, settings: PushSettings, account: ServiceAccount | str | None, *,
                 simulated: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(
            settings.base_url,
            capabilities=Capabilities(batch_size=1, concurrency=settings.concurrency,
                                      requests_per_second=None, deduplicates=False,
                                      simulated=simulated),
            timeout=settings.timeout, transport=transport,
        )
        self.settings = settings
        self._account = account  # a str: why the configured account cannot be used
        self._token: tuple[str, float] | None = None  # access token, monotonic expiry

    async def _access_token(self) -> str:
        if self._token is not None and time.monotonic() < self._token[1]:
            return self._token[0]
        if not isinstance(self._account, ServiceAccount):
            raise _AuthError(self._account or (
                "アプリ通知のサービスアカウントが設定されていません（環境変数 "
                "ISSEI_PUSH_SERVICE_ACCOUNT か ISSEI_PUSH_SERVICE_ACCOUNT_FILE）"), False)
        token_url = self.settings.token_url or self._account.token_uri
        assertion = signed_assertion(self._account, token_url)
        response = await self.request("POST", token_url,
                                      data={"grant_type": GRANT_TYPE, "assertion": assertion})
        if isinstance(response, str):
            raise _AuthError(f"認証サーバー: {response}", True)
        if response.status_code >= 500 or response.status_code == 429:
            raise _AuthError(f"認証サーバーのエラー（{response.status_code}）", True)
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code != 200 or not data.get("access_token"):
            detail = data.get("error_description") or data.get("error") or response.text[:200]
            raise _AuthError(
                f"認証サーバーがサービスアカウントを拒否しました（{response.status_code}）: "
                f"{detail}", False)
        lifetime = float(data.get("expires_in", 3600))
        self._token = (str(data["access_token"]),
                       time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN))
        return self._token[0]

    def topic(self, category: str) -> str:
        return f"{self.settings.topic_prefix}{category}"

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        job = without_link_wait(job)
        if not self.settings.project_id:
            return self.missing(job, "プロジェクトID（[channels.push] project_id）")
        message = dict(job.payload.get("message") or {})
        message["topic"] = self.topic(str(job.payload.get("category", "")))
        problem = validate_message(message)
        if problem:
            return BatchResult.all(job, Outcome.PERMANENT, problem)
        path = f"/v1/projects/{self.settings.project_id}/messages:send"
        for attempt in (1, 2):
            try:
                token = await self._access_token()
            except _AuthError as exc:
                if exc.temporary:
                    return BatchResult.all(job, Outcome.TEMPORARY, exc.reason)
                return BatchResult.all(job, Outcome.PERMANENT, exc.reason,
                                       medium_error=exc.reason)
            response = await self.request("POST", path, json={"message": message},
                                          headers={"Authorization": f"Bearer {token}"})
            if isinstance(response, str):
                return BatchResult.all(job, Outcome.TEMPORARY, response)
            if response.status_code == 401 and attempt == 1:
                self._token = None  # revoked or expired early: one fresh token, once
                continue
            return self._interpret(job, response)
        raise AssertionError("unreachable")

    def _interpret(self, job: BatchJob, response: httpx.Response) -> BatchResult:
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = {}
        if status == 200 and isinstance(data, dict) and data.get("name"):
            return BatchResult.all(job, Outcome.SENT, provider_ref=str(data["name"]))
        error = data.get("error", {}) if isinstance(data, dict) else {}
        error = error if isinstance(error, dict) else {}
        code = next((d.get("errorCode") for d in error.get("details", [])
                     if isinstance(d, dict) and d.get("errorCode")), error.get("status"))
        text = str(error.get("message", ""))[:300]
        where = f"（{status}・{code}）" if code else f"（{status}）"
        if status in (401, 403) or code in ("THIRD_PARTY_AUTH_ERROR", "SENDER_ID_MISMATCH"):
            reason = f"FCMが送信を許可しませんでした{where}: {text}"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status == 429 or code == "QUOTA_EXCEEDED":
            return BatchResult.all(job, Outcome.TEMPORARY, f"FCMの送信数制限に達しました{where}",
                                   retry_after=retry_after_seconds(response))
        if status >= 500:
            return BatchResult.all(job, Outcome.TEMPORARY, f"FCMのサーバーエラー{where}",
                                   retry_after=retry_after_seconds(response))
        if status == 404 and code != "UNREGISTERED":
            return self.not_found(job, status)
        return BatchResult.all(job, Outcome.PERMANENT, f"FCMが拒否しました{where}: {text}")


def load_account(config: Config) -> ServiceAccount | str | None:
    """The service account from the environment/keyring, or why it cannot be used."""
    text = config.secret("push", "service_account")
    if not text:
        path = config.secret("push", "service_account_file")
        if not path:
            return None
        try:
            text = Path(path).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            return f"サービスアカウントのファイルを読めません: {path}（{exc.strerror}）"
    try:
        return ServiceAccount.parse(text)
    except (ValueError, KeyError, TypeError) as exc:
        return f"サービスアカウントのJSONが正しくありません: {type(exc).__name__}"


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> PushDriver:
    settings = PushSettings.from_config(config)
    account = load_account(config)
    if base_url is not None:
        # the drill sink: a throwaway key signs for a local token endpoint that records only
        settings.base_url = base_url
        settings.token_url = f"{base_url}/token"
        settings.project_id = settings.project_id or "issei-drill"
        account = drill_account()
    return PushDriver(settings, account, simulated=simulated)


@functools.cache
def drill_account() -> ServiceAccount:
    # one throwaway key per process: generating it costs ~0.1 s on every console start-up
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ServiceAccount("drill@issei-drill.iam.gserviceaccount.com", key, "drill", "")
