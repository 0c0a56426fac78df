"""Microsoft Teams through a Workflows (Power Automate) webhook carrying an Adaptive Card.

The URL (with its ``sig``) is the credential, kept as a secret. Teams answers 202 Accepted:
the flow runs later, so "sent" means accepted, not shown. The run id from
``x-ms-workflow-run-id`` is the provider reference when the flow returns it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from app.compose.teams import CARD_LIMIT, CARD_VERSION, CONTENT_TYPE
from app.config import Config
from app.dispatch.driver import BatchJob, BatchResult, Capabilities, Outcome
from app.domain import Medium
from drivers.http_common import HttpDriver, parse_channel, retry_after_seconds

# The card elements the renderer uses, with the properties the 1.5 schema allows them here.
ELEMENTS: dict[str, tuple[set[str], set[str]]] = {  # type → (required, allowed)
    "TextBlock": ({"text"}, {"type", "text", "weight", "size", "color", "wrap", "isSubtle",
                             "spacing", "separator", "horizontalAlignment", "maxLines", "id"}),
    "FactSet": ({"facts"}, {"type", "facts", "spacing", "separator", "id"}),
}
ENUMS = {"weight": {"Default", "Lighter", "Bolder"},
         "size": {"Default", "Small", "Medium", "Large", "ExtraLarge"},
         "color": {"Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"}}


@dataclass
class TeamsSettings:
    timeout: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> TeamsSettings:
        return parse_channel(cls, config.channels.get("teams"), "teams")


def validate_message(payload: dict[str, Any]) -> str | None:
    """The Adaptive Card 1.5 rules our cards rely on, checked before sending."""
    attachments = payload.get("attachments")
    if payload.get("type") != "message" or not isinstance(attachments, list) or not attachments:
        return "Teamsのメッセージ形式が正しくありません"
    for attachment in attachments:
        if not isinstance(attachment, dict) or attachment.get("contentType") != CONTENT_TYPE:
            return "TeamsにはAdaptive Cardだけを送れます"
        card = attachment.get("content")
        if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
            return "TeamsのカードがAdaptiveCardではありません"
        if card.get("version") != CARD_VERSION:
            return f"Adaptive Cardのバージョンは{CARD_VERSION}です（{card.get('version')!r}）"
        if set(card) - {"$schema", "type", "version", "body", "msteams", "lang", "speak"}:
            return "Adaptive Cardに使えない項目があります"
        for element in card.get("body", []):
            kind = element.get("type") if isinstance(element, dict) else None
            if kind not in ELEMENTS:
                return f"Adaptive Cardの要素が使えません: {kind!r}"
            required, allowed = ELEMENTS[kind]
            if required - set(element) or set(element) - allowed:
                return f"Adaptive Cardの{kind}の項目が正しくありません"
            for key, values in ENUMS.items():
                if key in element and element[key] not in values:
                    return f"Adaptive Cardの{kind}.{key}が正しくありません: {element[key]!r}"
            if kind == "TextBlock" and not isinstance(element["text"], str):
                return "Adaptive CardのTextBlockの本文が文字列ではありません"
            if kind == "FactSet" and not all(
                    isinstance(f, dict) and set(f) == {"title", "value"}
                    and all(isinstance(v, str) for v in f.values())
                    for f in element["facts"]):
                return "Adaptive CardのFactSetが正しくありません"
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    if size > CARD_LIMIT:
        return f"Teamsのカードが大きすぎます（{size}／{CARD_LIMIT}バイト）"
    return None


class TeamsDriver(HttpDriver):
    medium = Medium.TEAMS
    label = "Teams"

    def __init__(self, settings: TeamsSettings, webhook_url: str | None, *,
                 simulated: bool = False,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(
            "", capabilities=Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                          deduplicates=False, simulated=simulated),
            timeout=settings.timeout, transport=transport,
            endpoint=httpx.URL(webhook_url).host if webhook_url else "teams",
        )
        self._url = webhook_url

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        if not self._url:
            return self.missing(job, "Webhook URL（環境変数 ISSEI_TEAMS_WEBHOOK_URL かキーリング）")
        problem = validate_message(job.payload)
        if problem:
            return BatchResult.all(job, Outcome.PERMANENT, problem)
        response = await self.request("POST", self._url, json=job.payload)
        if isinstance(response, str):
            return BatchResult.all(job, Outcome.TEMPORARY, response)
        status = response.status_code
        if status in (200, 202):
            return BatchResult.all(job, Outcome.SENT,
                                   provider_ref=response.headers.get("x-ms-workflow-run-id"))
        text = response.text[:200]
        if status == 429:
            return BatchResult.all(job, Outcome.TEMPORARY, "Teamsの投稿数制限に達しました（429）",
                                   retry_after=retry_after_seconds(response))
        if status >= 500:
            return BatchResult.all(job, Outcome.TEMPORARY, f"Teamsのサーバーエラー（{status}）")
        if status in (401, 403, 404):
            reason = (f"TeamsのWorkflowsがWebhookを受け付けません（{status}）。"
                      "URLとフローが有効か確認してください")
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        return BatchResult.all(job, Outcome.PERMANENT, f"Teamsが拒否しました（{status}）: {text}")


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> TeamsDriver:
    settings = TeamsSettings.from_config(config)
    url = config.secret("teams", "webhook_url")
    if base_url is not None:
        url = f"{base_url}/workflows/drill/triggers/manual/paths/invoke?sig=drill"
    return TeamsDriver(settings, url, simulated=simulated)
