"""Slack rendering (incoming webhook): Block Kit blocks plus the ``text`` fallback.

Slack's limits are not in any spec, so they are our own rules (api.slack.com/reference/
block-kit): ≤ 50 blocks, header text ≤ 150 characters, section text ≤ 3,000; ``text`` is cut
beyond 40,000. A long body is split over several sections rather than cut.
"""

from __future__ import annotations

from app.compose.plain import body, category_label, head, required, too_long
from app.domain import Draft, Finding, Medium, Rendition, Severity

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
TEXT_LIMIT = 40000


def _sections(text: str) -> list[str]:
    parts: list[str] = []
    while text:
        if len(text) <= SECTION_LIMIT:
            parts.append(text)
            break
        cut = text.rfind("\n", 0, SECTION_LIMIT)
        cut = cut if cut > SECTION_LIMIT // 2 else SECTION_LIMIT
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return parts


def _escape(text: str) -> str:
    # mrkdwn: &, <, > are control characters (links, mentions)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_slack(draft: Draft, language: str) -> Rendition:
    title = head(draft)
    text = body(draft)
    name = " ".join(draft.sender_name.split())
    # issue 7: the sending department leads the context line (発信: 防災対策課)
    sender = f"発信: {_escape(name)}・" if name else ""
    header = title if len(title) <= HEADER_LIMIT else title[: HEADER_LIMIT - 1] + "…"
    blocks: list[dict[str, object]] = [
        {"type": "header", "text": {"type": "plain_text", "text": header, "emoji": False}},
        # escaped first, so that "&amp;" cannot push a section past the limit
        *({"type": "section", "text": {"type": "mrkdwn", "text": part}}
          for part in _sections(_escape(text))),
        {"type": "context", "elements": [
            {"type": "mrkdwn",
             "text": f"{sender}配信区分: {category_label(draft)}・緊急度: {draft.urgency.label}"}]},
    ]
    fallback = f"{title}\n{text}"
    rendition = Rendition(Medium.SLACK, language, {"text": _escape(fallback), "blocks": blocks})
    rendition.findings.extend(required(draft))
    if len(blocks) > MAX_BLOCKS:
        rendition.findings.append(Finding(
            Severity.ERROR, "too_long",
            f"Slackのブロック数が多すぎます（{len(blocks)}／{MAX_BLOCKS}）"))
    if len(fallback) > TEXT_LIMIT:
        rendition.findings.append(too_long("Slack", len(fallback), TEXT_LIMIT))
    return rendition
