"""Rendering rules per medium. The console previews exactly these renditions."""

from __future__ import annotations

from collections.abc import Callable

from app.compose.text import normalise_newlines, utf16_length
from app.domain import (
    CATEGORIES,
    TRAINING_MARK,
    Draft,
    Finding,
    Medium,
    Rendition,
    Severity,
    Urgency,
)

LINE_TEXT_LIMIT = 5000  # UTF-16 code units
EMAIL_SUBJECT_SOFT_LIMIT = 60  # characters a phone mail app shows before cutting

# Non-urgent categories arrive silently on LINE so that residents keep notifications on
# for what matters (notificationDisabled).
SILENT_LINE_CATEGORIES = {"event", "life", "health"}


def _urgency_prefix(draft: Draft) -> str:
    return "【緊急】" if draft.urgency is Urgency.EMERGENCY else ""


def _training_prefix(draft: Draft) -> str:
    return TRAINING_MARK if draft.training else ""


def _common_findings(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    if not draft.title.strip():
        findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    return findings


def render_email(draft: Draft, language: str) -> Rendition:
    subject = f"{_training_prefix(draft)}{_urgency_prefix(draft)}{draft.title.strip()}"
    body = normalise_newlines(draft.body).strip()
    lines = [body]
    if draft.training:
        lines.insert(0, "これは訓練です。実際の災害ではありません。\n")
        lines.append("\n（訓練）")
    category = CATEGORIES.get(draft.category, draft.category)
    lines.append(f"\n--\n配信区分: {category}")
    rendition = Rendition(
        Medium.EMAIL, language, {"subject": subject, "body": "\n".join(lines) + "\n"}
    )
    rendition.findings.extend(_common_findings(draft))
    if len(subject) > EMAIL_SUBJECT_SOFT_LIMIT:
        rendition.findings.append(
            Finding(
                Severity.WARNING,
                "subject_long",
                f"件名が{len(subject)}文字です。携帯電話では途中で切れることがあります",
            )
        )
    return rendition


def render_line(draft: Draft, language: str) -> Rendition:
    head = f"{_training_prefix(draft)}{_urgency_prefix(draft)}【{draft.title.strip()}】"
    text = f"{head}\n{normalise_newlines(draft.body).strip()}"
    silent = draft.urgency is Urgency.NORMAL and draft.category in SILENT_LINE_CATEGORIES
    rendition = Rendition(
        Medium.LINE,
        language,
        {"messages": [{"type": "text", "text": text}], "notificationDisabled": silent},
    )
    rendition.findings.extend(_common_findings(draft))
    length = utf16_length(text)
    if length > LINE_TEXT_LIMIT:
        rendition.findings.append(
            Finding(
                Severity.ERROR,
                "too_long",
                f"LINEの本文が長すぎます（{length}／{LINE_TEXT_LIMIT}、UTF-16単位）",
            )
        )
    return rendition


RENDERERS: dict[Medium, Callable[[Draft, str], Rendition]] = {
    Medium.EMAIL: render_email,
    Medium.LINE: render_line,
}


def render(draft: Draft, medium: Medium, language: str = "ja") -> Rendition:
    renderer = RENDERERS.get(medium)
    if renderer is None:
        rendition = Rendition(medium, language, {})
        rendition.findings.append(
            Finding(Severity.ERROR, "unsupported", f"{medium.label}はまだ配信できません")
        )
        return rendition
    return renderer(draft, language)


def render_all(draft: Draft) -> list[Rendition]:
    return [render(draft, m, lang) for m in draft.media for lang in draft.languages]
