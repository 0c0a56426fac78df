"""Facebook Page posts: ``POST /{version}/{page-id}/feed`` with a Page access token.

The Graph API answers errors as ``{"error": {"code", "error_subcode", "message", …}}``; the
code, not the HTTP status, says what happened (190 token, 200/10 permission, 4/17/32/613/80001
throttling, 1/2 transient, 368 blocked, 506 duplicate). The post id ``{page-id}_{post-id}``
is the provider reference, for a later edit or deletion.

A correction (訂正) or cancellation (取消) edits the original post in place, ``POST
/{version}/{post-id}`` with a new ``message`` (PagePost.json's node POST), so the post that
residents shared now reads corrected, or opens with a 【取消】 notice. An original that was
never posted, or that the Page has since removed, gets a new post instead.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from app.compose.facebook import MESSAGE_LIMIT
from app.config import Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import CANCELLATION_MARK, Medium
from drivers.http_common import HttpDriver, parse_channel, retry_after_seconds

log = logging.getLogger("issei.drivers.facebook")

# The feed parameters we send, with their Page.json types (facebook-business-sdk-codegen).
FEED_PARAMS = {"message": "string", "link": "string", "published": "bool"}
THROTTLED = {4, 17, 32, 613, 80001, 80002, 80005}
TRANSIENT = {1, 2}
# The node parameters we send when editing a post, with their PagePost.json types.
EDIT_PARAMS = {"message": "string"}
CANCELLED_NOTICE = f"{CANCELLATION_MARK}この投稿の情報は取り消されました。"
DEFAULT_THROTTLE_WAIT = 300.0  # Graph gives no Retry-After; its usage headers give minutes


@dataclass
class FacebookSettings:
    base_url: str = "https://graph.facebook.com"
    api_version: str = "v25.0"
    page_id: str = ""
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> FacebookSettings:
        return parse_channel(cls, config.channels.get("facebook"), "facebook")


def feed_form(payload: dict[str, Any]) -> dict[str, str] | str:
    """The form to post, or why Facebook would refuse it (checked before sending)."""
    unknown = sorted(set(payload) - set(FEED_PARAMS))
    if unknown:
        return f"Facebookの投稿に使えない項目があります: {', '.join(unknown)}"
    message = payload.get("message")
    if not isinstance(message, str) or not message.strip():
        return "Facebookに投稿する本文がありません"
    if len(message) > MESSAGE_LIMIT:
        return f"Facebookの本文が長すぎます（{len(message)}／{MESSAGE_LIMIT}文字）"
    form = {"message": message, "published": "true"}
    link = payload.get("link")
    if link is not None:
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            return "Facebookのリンクが正しくありません"
        form["link"] = link
    return form


def edit_form(job: BatchJob) -> dict[str, str] | str:
    """The form that edits the original post for a correction or cancellation, or why not.

    An edit cannot change a post's link attachment, so only the message is sent; for a
    cancellation the notice opens the message, above the withdrawn text it quotes."""
    form = feed_form(job.payload)
    if isinstance(form, str):
        return form
    message = form["message"]
    if job.kind == "cancellation":
        message = f"{CANCELLED_NOTICE}\n\n{message}"
        if len(message) > MESSAGE_LIMIT:
            return f"Facebookの本文が長すぎます（{len(message)}／{MESSAGE_LIMIT}文字）"
    return {"message": message}


def _gone(response: httpx.Response) -> bool:
    """Graph's answer for a post that no longer exists: code 100, subcode 33 (or a 404)."""
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return response.status_code == 404
    if not isinstance(error, dict):
        return response.status_code == 404
    return (error.get("code") == 100 and error.get("error_subcode") == 33) or (
        response.status_code == 404 and error.get("code") in (None, 100, 803))


def _usage_wait(response: httpx.Response) -> float | None:
    """Seconds from X-Business-Use-Case-Usage's estimated_time_to_regain_access (minutes)."""
    raw = response.headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
        minutes = max(
            float(entry.get("estimated_time_to_regain_access", 0))
            for entries in usage.values() for entry in entries
        )
    except (ValueError, TypeError, AttributeError):
        return None
    return minutes * 60 if minutes > 0 else None


class FacebookDriver(HttpDriver):
    medium = Medium.FACEBOOK
    label = "Facebook"

    def __init__(self, settings: FacebookSettings, token: str | None, *,
                 simulated: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(
            settings.base_url,
            capabilities=Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                      deduplicates=False, simulated=simulated),
            timeout=settings.timeout, transport=transport,
        )
        self.settings = settings
        self._token = token

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        if not self._token:
            return self.missing(
                job, "ページアクセストークン（環境変数 ISSEI_FACEBOOK_PAGE_ACCESS_TOKEN）")
        if not self.settings.page_id:
            return self.missing(job, "ページID（[channels.facebook] page_id）")
        auth = {"Authorization": f"Bearer {self._token}"}
        original = self._original(job)
        if original is not None:
            edit = edit_form(job)
            if isinstance(edit, str):
                return BatchResult.all(job, Outcome.PERMANENT, edit)
            response = await self.request("POST", f"/{self.settings.api_version}/{original}",
                                          data=edit, headers=auth)
            if isinstance(response, str):
                return BatchResult.all(job, Outcome.TEMPORARY, response)
            if not _gone(response):
                return self._interpret(job, response, edited=original)
            log.warning("facebook post %s is gone; posting the %s anew", original, job.kind)
        form = feed_form(job.payload)
        if isinstance(form, str):
            return BatchResult.all(job, Outcome.PERMANENT, form)
        if job.kind == "cancellation":
            form["message"] = f"{CANCELLED_NOTICE}\n\n{form['message']}"
        path = f"/{self.settings.api_version}/{self.settings.page_id}/feed"
        response = await self.request("POST", path, data=form, headers=auth)
        if isinstance(response, str):
            return BatchResult.all(job, Outcome.TEMPORARY, response)
        return self._interpret(job, response)

    @staticmethod
    def _original(job: BatchJob) -> str | None:
        """The original post's id for a correction or cancellation, if it was posted."""
        if job.kind not in ("correction", "cancellation"):
            return None
        for ref in job.original_refs:
            if ref.strip().replace("_", "").isdigit():
                return ref.strip()
        return None

    def _interpret(self, job: BatchJob, response: httpx.Response,
                   edited: str | None = None) -> BatchResult:
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = None
        if edited is not None and status == 200 and isinstance(data, dict) and data.get(
                "success") is True:
            return BatchResult.all(job, Outcome.SENT, provider_ref=edited)  # the same post
        if status == 200 and isinstance(data, dict) and data.get("id"):
            return BatchResult.all(job, Outcome.SENT, provider_ref=str(data["id"]))
        error = data.get("error") if isinstance(data, dict) else None
        error = error if isinstance(error, dict) else {}
        code = error.get("code")
        text = str(error.get("message", ""))[:300] or response.text[:200]
        where = f"（{status}・code {code}）" if code is not None else f"（{status}）"
        if code == 190 or status == 401:
            reason = f"Facebookがページアクセストークンを拒否しました{where}。再認証してください"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if code in (10, 200) or (code is not None and 200 <= code <= 299) or status == 403:
            reason = f"Facebookがこのページへの投稿を許可していません{where}: {text}"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if code == 368:
            reason = f"Facebookがこのページの投稿を一時的に止めています{where}: {text}"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if code in THROTTLED or status == 429:
            wait = retry_after_seconds(response) or _usage_wait(response) or DEFAULT_THROTTLE_WAIT
            return BatchResult.all(job, Outcome.TEMPORARY,
                                   f"Facebookの投稿数制限に達しました{where}", retry_after=wait)
        if code in TRANSIENT or status >= 500 or error.get("is_transient"):
            return BatchResult.all(job, Outcome.TEMPORARY,
                                   f"Facebookのサーバーエラー{where}: {text}")
        if code == 506:
            return BatchResult.all(job, Outcome.PERMANENT,
                                   f"Facebookが同じ内容の投稿を拒否しました{where}")
        if status in (404, 405) and code is None:
            return self.not_found(job, status)
        return BatchResult.all(job, Outcome.PERMANENT, f"Facebookが拒否しました{where}: {text}")


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> FacebookDriver:
    settings = FacebookSettings.from_config(config)
    token = config.secret("facebook", "page_access_token")
    if base_url is not None:
        settings.base_url = base_url
        settings.page_id = settings.page_id or "100000000000000"
        token = "drill-token"
    return FacebookDriver(settings, token, simulated=simulated)
