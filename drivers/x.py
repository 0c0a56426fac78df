"""X: ``POST /2/tweets`` with an OAuth 2.0 user access token; a thread is a chain of replies.

X has no idempotency key. A thread interrupted after some posts (429, timeout) is resumed on
the next attempt from the last accepted post, remembered per batch idempotency key in this
process and saved after every post through the engine's checkpoint (the delivery's
provider reference) — so a retry, even by a worker restarted after a crash, never posts the
first part twice. The provider reference is the
comma-joined post ids (first = the thread's root), for a later correction or deletion.

X cannot edit a post through the API, so a correction (訂正) deletes the original post(s)
(``DELETE /2/tweets/:id``, replies before the root) and posts the correction; a cancellation
(取消) deletes them and posts a short 【取消】 notice (the part before the quoted original).
A post already gone (404) counts as deleted. Deleting happens once per batch: a retry after
the new post was partly made does not start again.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from app.compose import x as x_compose
from app.compose.twitter_text import V3, parse
from app.config import Config, ConfigError
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import Medium
from drivers.http_common import (
    HttpDriver,
    parse_channel,
    rate_limit_reset_seconds,
    retry_after_seconds,
    without_link_wait,
)

log = logging.getLogger("issei.drivers.x")

TWEETS_PATH = "/2/tweets"
QUOTED_MARK = "\n\n――取り消した内容――"  # what Issei.cancel puts before the quoted original
POST_ID = re.compile(r"^[0-9]{1,19}$")


@dataclass
class XSettings:
    base_url: str = "https://api.x.com"
    long_text: str = "thread"  # thread | shorten (a website link wins when one exists)
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> XSettings:
        settings = parse_channel(cls, config.channels.get("x"), "x")
        if settings.long_text not in x_compose.LONG_TEXT_MODES:
            raise ConfigError("[channels.x] long_text は thread か shorten です")
        return settings


def _error_text(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if not isinstance(data, dict):
        return str(data)[:200]
    parts = [str(data.get(k)) for k in ("title", "detail") if data.get(k)]
    for error in data.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            parts.append(str(error["message"]))
    return " / ".join(parts)[:300]


def validate_posts(payload: dict[str, Any]) -> str | None:
    """Why X would refuse these posts (checked before the first request), or None."""
    posts = payload.get("posts")
    if not isinstance(posts, list) or not posts:
        return "Xに投稿する文面がありません"
    if len(posts) > x_compose.MAX_THREAD:
        return f"Xのスレッドは{x_compose.MAX_THREAD}件までです（{len(posts)}件）"
    for i, post in enumerate(posts):
        text = post.get("text") if isinstance(post, dict) else None
        if not isinstance(text, str):
            return f"Xの投稿{i + 1}に本文がありません"
        parsed = parse(text, V3)
        if not parsed.valid:
            return (f"Xの投稿{i + 1}は送れません（{parsed.weighted_length}／"
                    f"{V3.max_weighted_length}文字、または使えない文字）")
    return None


class XDriver(HttpDriver):
    medium = Medium.X
    label = "X"

    def __init__(
        self,
        settings: XSettings,
        access_token: str | None,
        *,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(
            settings.base_url,
            capabilities=Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                      deduplicates=False, simulated=simulated),
            timeout=settings.timeout, transport=transport,
        )
        self.settings = settings
        self._token = access_token
        self._progress: dict[str, list[str]] = {}  # idempotency key → ids already posted

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        job = without_link_wait(job)
        if not self._token:
            return self.missing(job,
                                "アクセストークン（環境変数 ISSEI_X_ACCESS_TOKEN かキーリング）")
        problem = validate_posts(job.payload)
        if problem:
            return BatchResult.all(job, Outcome.PERMANENT, problem)
        posts = [p["text"] for p in job.payload["posts"]]
        if job.kind == "cancellation":
            posts = [cancellation_notice(posts)]
        done = self._progress.setdefault(job.idempotency_key, [])
        if not done and job.resume_ref:  # saved by an attempt this process never saw
            done.extend(i for i in job.resume_ref.split(",") if POST_ID.match(i.strip()))
        headers = {"Authorization": f"Bearer {self._token}"}
        if job.kind in ("correction", "cancellation") and not done:
            failed = await self._delete_originals(job, headers)
            if failed is not None:
                return failed
        for text in posts[len(done):]:
            body: dict[str, Any] = {"text": text}
            if done:
                body["reply"] = {"in_reply_to_tweet_id": done[-1]}
            response = await self.request("POST", TWEETS_PATH, json=body, headers=headers)
            if isinstance(response, str):
                return BatchResult.all(job, Outcome.TEMPORARY, self._partial(response, done))
            post_id = self._post_id(response)
            if post_id is None:
                return self._interpret(job, response, done)
            done.append(post_id)
            if job.checkpoint is not None and len(posts) > 1:
                await job.checkpoint(",".join(done))
        self._progress.pop(job.idempotency_key, None)
        return BatchResult.all(job, Outcome.SENT, provider_ref=",".join(done))

    async def _delete_originals(self, job: BatchJob,
                                headers: dict[str, str]) -> BatchResult | None:
        """Delete every post of the original (replies first); None when all are gone."""
        ids = [i.strip() for ref in job.original_refs for i in ref.split(",") if i.strip()]
        for post_id in reversed(ids):
            if not POST_ID.match(post_id):
                log.warning("x: not a post id in the original's reference: %r", post_id)
                continue
            response = await self.request("DELETE", f"{TWEETS_PATH}/{post_id}",
                                          headers=headers)
            if isinstance(response, str):
                return _prefixed(BatchResult.all(job, Outcome.TEMPORARY, response), post_id)
            if response.status_code == 404:
                continue  # already deleted: what we wanted
            if response.status_code == 200:
                try:
                    deleted = (response.json().get("data") or {}).get("deleted")
                except (ValueError, AttributeError):
                    deleted = None
                if deleted is True:
                    continue
                return _prefixed(BatchResult.all(
                    job, Outcome.PERMANENT, "Xが削除しませんでした（deleted: false）"), post_id)
            return _prefixed(self._interpret(job, response, []), post_id)
        return None

    @staticmethod
    def _partial(reason: str, done: list[str]) -> str:
        return reason + (f"（スレッド{len(done)}件目まで投稿済み）" if done else "")

    @staticmethod
    def _post_id(response: httpx.Response) -> str | None:
        if response.status_code not in (200, 201):
            return None
        try:
            data = response.json().get("data") or {}
        except (ValueError, AttributeError):
            return None
        post_id = str(data.get("id", ""))
        return post_id if POST_ID.match(post_id) else None

    def _interpret(self, job: BatchJob, response: httpx.Response,
                   done: list[str]) -> BatchResult:
        status = response.status_code
        text = _error_text(response)
        if status in (200, 201):
            return BatchResult.all(job, Outcome.TEMPORARY,
                                   self._partial("Xの応答に投稿IDがありません", done))
        if status == 401:
            reason = "Xがアクセストークンを拒否しました（401）。再認証してください"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status == 403:
            if "duplicate" in text.lower():
                # X refuses the same text twice; the operator decides (rewrite or ignore)
                return BatchResult.all(job, Outcome.PERMANENT,
                                       f"Xが同じ内容の投稿を拒否しました（403）: {text}")
            reason = f"Xがこの投稿を許可していません（403）: {text}"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        if status == 429:
            wait = rate_limit_reset_seconds(response)
            if wait is None:
                wait = retry_after_seconds(response)
            return BatchResult.all(
                job, Outcome.TEMPORARY, self._partial("Xの投稿数制限に達しました（429）", done),
                retry_after=wait,
            )
        if status >= 500:
            return BatchResult.all(job, Outcome.TEMPORARY,
                                   self._partial(f"Xのサーバーエラー（{status}）", done))
        if status in (404, 405):
            return self.not_found(job, status)
        return BatchResult.all(job, Outcome.PERMANENT, f"Xが拒否しました（{status}）: {text}")


def cancellation_notice(posts: list[str]) -> str:
    """The short 【取消】 notice: the first post without the quoted original, if it fits."""
    first = posts[0]
    notice = first.split(QUOTED_MARK, 1)[0].strip()
    return notice if notice and parse(notice, V3).valid else first


def _prefixed(result: BatchResult, post_id: str) -> BatchResult:
    """The same result, its errors saying that deleting the original failed."""
    head = f"元の投稿（{post_id}）を削除できません: "
    result.results = [dataclasses.replace(r, error=head + (r.error or "")) for r in result.results]
    if result.medium_error:
        result.medium_error = head + result.medium_error
    return result


def build(config: Config, *, base_url: str | None = None, simulated: bool = False) -> XDriver:
    settings = XSettings.from_config(config)
    x_compose.configure(settings.long_text)
    token = config.secret("x", "access_token")
    if base_url is not None:
        settings.base_url = base_url
        token = "drill-token"
    return XDriver(settings, token, simulated=simulated)
