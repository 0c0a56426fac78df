"""Teams rendering (Workflows webhook): a message carrying one Adaptive Card 1.5.

Only elements whose shape we know (TextBlock, FactSet) are used, so the card is valid against
the Adaptive Card 1.5 schema by construction; the driver checks again before sending.
"""

from __future__ import annotations

import json
from typing import Any

from app.compose.plain import body, category_label, head, required
from app.domain import Draft, Finding, Medium, Rendition, Severity, Urgency

CARD_VERSION = "1.5"
CARD_LIMIT = 28 * 1024  # bytes; Teams drops larger cards
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


def card(draft: Draft) -> dict[str, Any]:
    facts = [
        {"title": "配信区分", "value": category_label(draft)},
        {"title": "緊急度", "value": draft.urgency.label},
    ]
    name = " ".join(draft.sender_name.split())
    if name:  # issue 7: the sending department (発信: 防災対策課)
        facts.insert(0, {"title": "発信", "value": name})
    color = {Urgency.EMERGENCY: "Attention", Urgency.IMPORTANT: "Warning"}.get(
        draft.urgency, "Default")
    return {
        "$schema": CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": [
            {"type": "TextBlock", "text": head(draft), "weight": "Bolder", "size": "Large",
             "color": color, "wrap": True},
            {"type": "TextBlock", "text": body(draft), "wrap": True},
            {"type": "FactSet", "facts": facts},
        ],
    }


def render_teams(draft: Draft, language: str) -> Rendition:
    payload = {"type": "message", "attachments": [
        {"contentType": CONTENT_TYPE, "contentUrl": None, "content": card(draft)}]}
    rendition = Rendition(Medium.TEAMS, language, payload)
    rendition.findings.extend(required(draft))
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    if size > CARD_LIMIT:
        rendition.findings.append(Finding(
            Severity.ERROR, "too_long",
            f"Teamsのカードが大きすぎます（{size}／{CARD_LIMIT}バイト）"))
    return rendition
