"""Generic webhook rendering (Standard Webhooks): ``{type, timestamp, data}``.

``timestamp`` and the signature are added per attempt by the driver; ``data`` is what a
receiving system needs to act on the message without parsing display text.
"""

from __future__ import annotations

import json

from app.compose.plain import body, head, required
from app.domain import Draft, Finding, Medium, Rendition, Severity

EVENT_TYPE = "alert.published"
SOFT_LIMIT = 20 * 1024  # bytes; Standard Webhooks: keep payloads small


def render_webhook(draft: Draft, language: str) -> Rendition:
    data = {
        "title": draft.title.strip(),
        "headline": head(draft),
        "body": body(draft),
        "category": draft.category,
        "urgency": draft.urgency.value,
        "areas": list(draft.areas),
        "language": language,
        "training": draft.training,
        "kind": getattr(draft, "kind", "alert"),
    }
    rendition = Rendition(Medium.WEBHOOK, language, {"type": EVENT_TYPE, "data": data})
    rendition.findings.extend(required(draft))
    size = len(json.dumps(data, ensure_ascii=False).encode())
    if size > SOFT_LIMIT:
        rendition.findings.append(Finding(
            Severity.WARNING, "large",
            f"Webhookの本文が{size}バイトです。受け手によっては受け取れません"))
    return rendition
