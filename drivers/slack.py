"""Slack incoming webhook: ``POST`` the Block Kit message to the webhook URL (a secret).

Slack answers in plain text: ``ok``, or an error word (``invalid_payload``, ``no_text``,
``no_service``, ``channel_not_found``, ``channel_is_archived``, ``action_prohibited``,
``invalid_token`` …). An incoming webhook returns no message reference, so a correction on
Slack is a new 【訂正】 message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from app.compose.slack import HEADER_LIMIT, MAX_BLOCKS, SECTION_LIMIT, TEXT_LIMIT
from app.config import Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import Medium
from drivers.http_common import HttpDriver, parse_channel, retry_after_seconds

# Errors that concern the webhook itself: no retry will help until the operator fixes it.
MEDIUM_ERRORS = {
    "no_service": "Webhookが無効になっています",
    "invalid_token": "WebhookのURLが正しくありません",
    "channel_not_found": "投稿先のチャンネルがありません",
    "channel_is_archived": "投稿先のチャンネルがアーカイブされています",
    "action_prohibited": "管理者が投稿を禁止しています",
    "posting_to_general_channel_denied": "generalチャンネルへの投稿が許可されていません",
    "no_active_hooks": "Webhookが無効になっています",
    "team_disabled": "ワークスペースが無効になっています",
}
BLOCK_TYPES = {"header", "section", "context", "divider"}


@dataclass
class SlackSettings:
    timeout: float = 15.0
    rate_per_second: float = 1.0  # Slack: about one message a second per webhook

    @classmethod
    def from_config(cls, config: Config) -> SlackSettings:
        return parse_channel(cls, config.channels.get("slack"), "slack")


def validate_message(payload: dict[str, Any]) -> str | None:
    """Slack's Block Kit limits (own rules; incoming webhooks have no spec)."""
    text = payload.get("text")
    if not isinstance(text, str) or not text.strip():
        return "Slackに送る本文がありません"
    if len(text) > TEXT_LIMIT:
        return f"Slackの本文が長すぎます（{len(text)}／{TEXT_LIMIT}文字）"
    blocks = payload.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > MAX_BLOCKS:
        return f"Slackのブロックは{MAX_BLOCKS}個までです"
    for i, block in enumerate(blocks):
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_TYPES:
            return f"Slackのブロック{i + 1}の種類が使えません: {kind!r}"
        inner = block.get("text")
        content = inner.get("text") if isinstance(inner, dict) else None
        if kind == "header" and (not isinstance(content, str) or len(content) > HEADER_LIMIT):
            return f"Slackの見出しは1〜{HEADER_LIMIT}文字です"
        if kind == "section" and (not isinstance(content, str) or len(content) > SECTION_LIMIT):
            return f"Slackのセクションは1〜{SECTION_LIMIT}文字です"
    return None


class SlackDriver(HttpDriver):
    medium = Medium.SLACK
    label = "Slack"

    def __init__(self, settings: SlackSettings, webhook_url: str | None, *,
                 simulated: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(
            "", capabilities=Capabilities(batch_size=1, concurrency=1,
                                          requests_per_second=settings.rate_per_second,
                                          deduplicates=False, simulated=simulated),
            timeout=settings.timeout, transport=transport,
            # the ledger and the guard name the host only: the path is the credential
            endpoint=httpx.URL(webhook_url).host if webhook_url else "slack",
        )
        self._url = webhook_url

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        if not self._url:
            return self.missing(job, "Webhook URL（環境変数 ISSEI_SLACK_WEBHOOK_URL かキーリング）")
        problem = validate_message(job.payload)
        if problem:
            return BatchResult.all(job, Outcome.PERMANENT, problem)
        body = {"text": job.payload["text"], "blocks": job.payload.get("blocks", [])}
        response = await self.request("POST", self._url, json=body)
        if isinstance(response, str):
            return BatchResult.all(job, Outcome.TEMPORARY, response)
        status, word = response.status_code, response.text.strip()[:100]
        if status == 200 and word == "ok":
            return BatchResult.all(job, Outcome.SENT)
        if status == 429:
            return BatchResult.all(job, Outcome.TEMPORARY, "Slackの投稿数制限に達しました（429）",
                                   retry_after=retry_after_seconds(response))
        if status >= 500:
            return BatchResult.all(job, Outcome.TEMPORARY, f"Slackのサーバーエラー（{status}）")
        if word in MEDIUM_ERRORS or status in (401, 403, 404, 410):
            reason = (f"Slack: {MEDIUM_ERRORS.get(word, 'Webhookが使えません')}"
                      f"（{status}・{word}）。Webhook URLを確認してください")
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        return BatchResult.all(job, Outcome.PERMANENT, f"Slackが拒否しました（{status}・{word}）")


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> SlackDriver:
    settings = SlackSettings.from_config(config)
    url = config.secret("slack", "webhook_url")
    if base_url is not None:
        url = f"{base_url}/services/T0000DRILL/B0000DRILL/drill"
    return SlackDriver(settings, url, simulated=simulated)
