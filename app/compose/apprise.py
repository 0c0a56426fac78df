"""Apprise rendering: a title and a plain body; each Apprise service formats it itself."""

from __future__ import annotations

from app.compose.plain import body, category_label, head, required
from app.domain import Draft, Medium, Rendition, Urgency


def render_apprise(draft: Draft, language: str) -> Rendition:
    notify_type = {Urgency.EMERGENCY: "failure", Urgency.IMPORTANT: "warning"}.get(
        draft.urgency, "info")
    text = f"{body(draft)}\n\n配信区分: {category_label(draft)}"
    rendition = Rendition(Medium.APPRISE, language,
                          {"title": head(draft), "body": text, "notify_type": notify_type})
    rendition.findings.extend(required(draft))
    return rendition
