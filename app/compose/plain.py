"""Plain-text pieces the SNS and staff-channel renderings share (title line, findings)."""

from __future__ import annotations

from app.compose.text import bracketed_title, normalise_newlines
from app.domain import CATEGORIES, TRAINING_MARK, Draft, Finding, Severity, Urgency


def head(draft: Draft) -> str:
    """【訓練】【緊急】【title】: the marks always come first, where a glance lands."""
    training = TRAINING_MARK if draft.training else ""
    urgent = "【緊急】" if draft.urgency is Urgency.EMERGENCY else ""
    return f"{training}{urgent}{bracketed_title(draft.title)}"


def body(draft: Draft) -> str:
    return normalise_newlines(draft.body).strip()


def category_label(draft: Draft) -> str:
    return CATEGORIES.get(draft.category, draft.category)


def required(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    if not draft.title.strip():
        findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    return findings


def too_long(label: str, length: int, limit: int, unit: str = "文字") -> Finding:
    return Finding(Severity.ERROR, "too_long",
                   f"{label}の本文が長すぎます（{length}／{limit}{unit}）")
