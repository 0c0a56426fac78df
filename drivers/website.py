"""The municipal website: a WordPress post through the REST API (``POST /wp-json/wp/v2/posts``).

Authentication is an application password (WordPress ≥ 5.6) over HTTP Basic. WordPress has no
idempotency key and silently renames a repeated slug (``-2``), so the driver gives every post
a slug of its own (``issei-<batch key>``) and, on any attempt after the first, looks that slug
up before creating: a post whose answer was lost (timeout, crash) is found, not posted twice.

A correction (訂正) or cancellation (取消) edits the original post in place
(``POST /wp-json/wp/v2/posts/<id>``): the permalink that other media and residents already
have stays valid and shows the corrected text, or a 【取消】 notice above the withdrawn text —
a cancelled post is never deleted, so whoever opens the link learns it was withdrawn. When the
original was never posted (no reference) or has since been removed, a new post is made.

The request body is checked against the rules of WordPress's own schema (the one it serves at
``OPTIONS /wp-json/wp/v2/posts``) before anything is sent, so a wrong ``status`` or category
in the configuration is refused here with a Japanese message rather than by the site.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from app.compose import links
from app.compose.website import parse_website_ref, website_ref
from app.config import Config
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    Capabilities,
    Outcome,
    TrainingGuardError,
)
from app.domain import CANCELLATION_MARK, CORRECTION_MARK, Medium
from drivers.channel_config import parse_channel, require_url, tls_verify
from drivers.line import retry_after_seconds

log = logging.getLogger("issei.drivers.website")

POSTS_PATH = "/wp-json/wp/v2/posts"
CATEGORIES_PATH = "/wp-json/wp/v2/categories"
STATUSES = ("publish", "future", "draft", "pending", "private")  # WordPress's enum for posts
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,190}$")
NAME = "ホームページ（WordPress）"
TIMED_OUT = f"{NAME}の応答が時間内にありませんでした"
CANCELLED_NOTICE = "この情報は取り消されました。以下は取り消した内容です。"


@dataclass
class WebsiteSettings:
    base_url: str = ""
    username: str = ""
    category: str = ""  # a category id ("12") or slug ("bousai"); empty: the site's default
    status: str = "publish"
    slug_prefix: str = "issei-"
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str = ""  # an internal CA (LGWAN-side web servers often use one)
    # How long X, SMS and push wait for this post's permalink (「詳細はこちら」) before they
    # go without it: an emergency is never held up by a slow or dead website.
    link_wait_seconds: float = links.DEFAULT_WAIT_SECONDS

    @classmethod
    def from_config(cls, config: Config) -> WebsiteSettings:
        from app.config import ConfigError

        table = dict(config.channels.get("website", {}))
        if isinstance(table.get("category"), int) and not isinstance(table["category"], bool):
            table["category"] = str(table["category"])
        settings = parse_channel(cls, table, "website")
        settings.base_url = require_url(settings.base_url, "website")
        if not settings.username:
            raise ConfigError("[channels.website] username: 投稿するユーザー名を書いてください")
        if not 0.0 <= settings.link_wait_seconds <= 60.0:
            raise ConfigError("[channels.website] link_wait_seconds は0〜60秒です"
                              f"（{settings.link_wait_seconds!r}）")
        if settings.status not in STATUSES:
            raise ConfigError(
                f"[channels.website] status は {'・'.join(STATUSES)} のいずれかです"
                f"（{settings.status!r}）"
            )
        return settings


def request_problems(body: dict[str, Any], *, update: bool = False) -> list[str]:
    """What WordPress's schema for ``POST /wp/v2/posts`` would refuse, in Japanese.

    The same rules as the ``args`` the site serves (tests compare them with a real site):
    title/content/excerpt are objects with ``raw``, status is an enum, slug a string,
    categories an array of integers; nothing else is sent. An ``update`` (``POST
    /wp/v2/posts/<id>``) sends only title, content and excerpt: the post keeps its slug
    (its permalink), status and categories."""
    problems = []
    allowed = {"title", "content", "excerpt", "status", "slug", "categories"}
    if update:
        allowed = {"title", "content", "excerpt"}
    for key in sorted(set(body) - allowed):
        problems.append(f"{key}: 送る予定のない項目です")
    for key in ("title", "content", "excerpt"):
        value = body.get(key)
        if key in body and not (isinstance(value, dict) and isinstance(value.get("raw"), str)):
            problems.append(f"{key}: 文字列（raw）が必要です")
    title = body.get("title")
    if not isinstance(title, dict) or not str(title.get("raw", "")).strip():
        problems.append("title: 件名が空です")
    if not update and body.get("status") not in STATUSES:
        problems.append(f"status: {'・'.join(STATUSES)} のいずれかが必要です")
    slug = body.get("slug")
    if slug is not None and not (isinstance(slug, str) and SLUG.match(slug)):
        problems.append("slug: 英小文字・数字・ハイフンのみです")
    categories = body.get("categories")
    if categories is not None and not (
        isinstance(categories, list)
        and all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in categories)
    ):
        problems.append("categories: カテゴリIDの整数の配列が必要です")
    return problems


def _wp_error(response: httpx.Response) -> tuple[str, str]:
    """(code, message) of WordPress's error shape ``{code, message, data: {status, params}}``."""
    try:
        data = response.json()
    except ValueError:
        return "", response.text[:200]
    if not isinstance(data, dict):
        return "", str(data)[:200]
    code = str(data.get("code", ""))
    message = str(data.get("message", ""))
    params = data.get("data", {}).get("params") if isinstance(data.get("data"), dict) else None
    if isinstance(params, dict) and params:
        message += "（" + "、".join(f"{k}: {v}" for k, v in list(params.items())[:3]) + "）"
    return code, message[:300]


class WebsiteDriver:
    medium = Medium.WEBSITE

    def __init__(
        self,
        settings: WebsiteSettings,
        application_password: str | None,
        *,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.endpoint = settings.base_url
        self._password = application_password
        self._category_id: int | None = None
        self.capabilities = Capabilities(
            batch_size=1,
            concurrency=2,
            requests_per_second=None,
            deduplicates=True,  # the slug lookup before a retry
            simulated=simulated,
        )
        verify = tls_verify(settings.verify_tls, settings.ca_file)
        self._client = httpx.AsyncClient(
            base_url=settings.base_url,
            timeout=settings.timeout,
            transport=transport,
            verify=verify,
            # WordPress (wp_authenticate_application_password) keeps the spaces it shows in
            # the password optional; send it as the administrator copied it.
            auth=httpx.BasicAuth(settings.username, application_password or ""),
        )

    # -- sending -----------------------------------------------------------------------------

    async def send(self, job: BatchJob) -> BatchResult:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)
        if not self._password:
            reason = (
                f"{NAME}のアプリケーションパスワードが設定されていません"
                "（環境変数 ISSEI_WEBSITE_APPLICATION_PASSWORD かOSのキーリング）"
            )
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        try:
            categories = await self._categories()
        except _MediumError as exc:
            return BatchResult.all(job, exc.outcome, exc.reason, medium_error=exc.medium_error)
        except httpx.TimeoutException:
            return BatchResult.all(job, Outcome.TEMPORARY, TIMED_OUT)
        except httpx.TransportError as exc:
            return BatchResult.all(job, Outcome.TEMPORARY, f"{NAME}に接続できません: {exc}")
        original = self._original_id(job)
        if original is not None:
            update = self.update_body(job)
            problems = request_problems(update, update=True)
            if problems:
                reason = f"{NAME}に送れない内容です: " + "／".join(problems)
                return BatchResult.all(job, Outcome.PERMANENT, reason)
            try:
                response = await self._client.post(f"{POSTS_PATH}/{original}", json=update)
            except httpx.TimeoutException:
                return BatchResult.all(job, Outcome.TEMPORARY, TIMED_OUT)
            except httpx.TransportError as exc:
                return BatchResult.all(job, Outcome.TEMPORARY, f"{NAME}に接続できません: {exc}")
            if response.status_code != 404:
                return self._interpret(job, response)
            # removed on the site since (rest_post_invalid_id), or no edit route at all: a new
            # post carries the correction or the notice (a site without the REST API answers
            # that POST with 404 too, and that is reported as before)
            log.warning("website post %s is gone (%s); posting the %s anew",
                        original, _wp_error(response)[0], job.kind)
        body = self.request_body(job, categories)
        problems = request_problems(body)
        if problems:
            reason = f"{NAME}に送れない内容です: " + "／".join(problems)
            # status and categories come from the configuration: every message would fail
            config_fault = any(p.startswith(("status", "categories")) for p in problems)
            return BatchResult.all(job, Outcome.PERMANENT, reason,
                                   medium_error=reason if config_fault else None)
        try:
            if job.attempt > 1:
                found = await self._find(body["slug"])
                if found is not None:
                    log.info("website post %s already exists (answer lost before)", found)
                    return BatchResult.all(job, Outcome.SENT, provider_ref=found)
            response = await self._client.post(POSTS_PATH, json=body)
        except httpx.TimeoutException:
            return BatchResult.all(job, Outcome.TEMPORARY, TIMED_OUT)
        except httpx.TransportError as exc:
            return BatchResult.all(job, Outcome.TEMPORARY, f"{NAME}に接続できません: {exc}")
        return self._interpret(job, response)

    def request_body(self, job: BatchJob, categories: list[int]) -> dict[str, Any]:
        body: dict[str, Any] = {
            **self.update_body(job),
            "status": self.settings.status,
            "slug": self.slug(job),
        }
        if categories:
            body["categories"] = categories
        return body

    def update_body(self, job: BatchJob) -> dict[str, Any]:
        """Title, content and excerpt; for a follow-up the 【訂正】/【取消】 mark leads the title
        and a cancellation opens with the notice that the information was withdrawn."""
        payload = job.payload
        title = str(payload.get("title", ""))
        content = str(payload.get("content", ""))
        excerpt = str(payload.get("excerpt", "") or "")
        mark = {"correction": CORRECTION_MARK, "cancellation": CANCELLATION_MARK}.get(job.kind)
        if mark and title.strip():
            title = mark + title.replace(mark, "", 1)
        if job.kind == "cancellation":
            notice = f"{CANCELLATION_MARK}{CANCELLED_NOTICE}"
            content = f"<p><strong>{html.escape(notice)}</strong></p>\n{content}"
            excerpt = f"{CANCELLATION_MARK}{excerpt.replace(CANCELLATION_MARK, '', 1)}"
        body: dict[str, Any] = {"title": {"raw": title}, "content": {"raw": content}}
        if excerpt:
            body["excerpt"] = {"raw": excerpt}
        return body

    def _original_id(self, job: BatchJob) -> int | None:
        """The original post's id for a correction or cancellation, if it was posted."""
        if job.kind not in ("correction", "cancellation"):
            return None
        for ref in job.original_refs:
            try:
                post_id, _ = parse_website_ref(ref, self.settings.base_url)
            except (ValueError, TypeError):
                continue
            if post_id > 0:
                return post_id
        return None

    def slug(self, job: BatchJob) -> str:
        return f"{self.settings.slug_prefix}{job.idempotency_key.replace('-', '')}".lower()

    async def _find(self, slug: str) -> str | None:
        """The reference of an existing post with our slug, whatever its status."""
        response = await self._client.get(
            POSTS_PATH,
            params={"slug": slug, "status": "any", "context": "edit",
                    "_fields": "id,link,slug"},
        )
        if response.status_code != 200:
            return None  # the POST that follows reports the real problem
        try:
            posts = response.json()
        except ValueError:
            return None
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict) and post.get("slug") == slug and "id" in post:
                return website_ref(int(post["id"]), post.get("link"))
        return None

    async def _categories(self) -> list[int]:
        category = self.settings.category.strip()
        if not category:
            return []
        if category.isdigit():
            return [int(category)]
        if self._category_id is None:
            response = await self._client.get(
                CATEGORIES_PATH, params={"slug": category, "_fields": "id,slug"}
            )
            if response.status_code != 200:
                result = self._interpret_error(response)
                raise _MediumError(result[0], result[1], result[2])
            found = [c for c in response.json() if isinstance(c, dict) and "id" in c]
            if not found:
                reason = (f"{NAME}にカテゴリ「{category}」（スラッグ）がありません。"
                          "設定を確認してください")
                raise _MediumError(Outcome.PERMANENT, reason, reason)
            self._category_id = int(found[0]["id"])
        return [self._category_id]

    def _interpret(self, job: BatchJob, response: httpx.Response) -> BatchResult:
        if response.status_code in (200, 201):
            try:
                post = response.json()
                ref = website_ref(int(post["id"]), post.get("link"))
            except (ValueError, KeyError, TypeError):
                return BatchResult.all(
                    job, Outcome.TEMPORARY,
                    f"{NAME}の応答を読めませんでした（{response.status_code}）",
                )
            return BatchResult.all(job, Outcome.SENT, provider_ref=ref)
        outcome, reason, medium_error = self._interpret_error(response)
        retry_after = retry_after_seconds(response) if outcome is Outcome.TEMPORARY else None
        return BatchResult.all(job, outcome, reason, medium_error=medium_error,
                               retry_after=retry_after)

    def _interpret_error(self, response: httpx.Response) -> tuple[Outcome, str, str | None]:
        status = response.status_code
        code, message = _wp_error(response)
        if status == 401:
            reason = (
                f"{NAME}がユーザー名かアプリケーションパスワードを拒否しました（401 {code}）。"
                "設定を確認してください"
            )
            return Outcome.PERMANENT, reason, reason
        if status == 403:
            what = (
                "このユーザーには公開の権限がありません"
                if code == "rest_cannot_publish" else "この操作は許可されていません"
            )
            reason = f"{NAME}: {what}（403 {code}）: {message}"
            return Outcome.PERMANENT, reason, reason
        if status == 429:
            return Outcome.TEMPORARY, f"{NAME}の送信数制限に達しました（429）", None
        if status >= 500:
            return Outcome.TEMPORARY, f"{NAME}のサーバーエラー（{status}）: {message}", None
        if status in (404, 405):
            reason = (
                f"{NAME}のREST APIが見つかりません（{status}）。base_url とパーマリンク設定を"
                f"確認してください: {self.settings.base_url}"
            )
            return Outcome.PERMANENT, reason, reason
        return Outcome.PERMANENT, f"{NAME}が拒否しました（{status} {code}）: {message}", None

    async def aclose(self) -> None:
        await self._client.aclose()


class _MediumError(Exception):
    def __init__(self, outcome: Outcome, reason: str, medium_error: str | None) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason
        self.medium_error = medium_error
