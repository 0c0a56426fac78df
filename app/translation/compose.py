"""Translations travel with the draft; a rendition in another language uses only reviewed text.

``MultilingualDraft`` is a ``Draft`` (everything that takes a draft takes it) that also carries
one ``TextTranslation`` per language. ``localise`` is what rendering asks for a language: the
draft with that language's reviewed title and body, or the reason why there is none. A
translation remembers the Japanese it was made from, so that editing the Japanese after the
review makes the translation stale instead of silently sending an outdated text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from app.compose.text import normalise_newlines
from app.domain import Draft, Finding, Severity
from app.translation.languages import SOURCE, label


class Origin(enum.StrEnum):
    TEMPLATE = "template"  # a reviewed translation shipped or written with a 定型文
    MEMORY = "memory"  # reviewed before for exactly this Japanese text
    MACHINE = "machine"  # a machine translator's suggestion
    MANUAL = "manual"  # written or edited by the operator

    @property
    def label(self) -> str:
        return {
            "template": "定型文の訳",
            "memory": "翻訳メモリ",
            "machine": "機械翻訳",
            "manual": "手入力",
        }[self.value]


def same_text(a: str, b: str) -> bool:
    """Equal for a reader: line endings and surrounding blanks do not count."""
    return normalise_newlines(a).strip() == normalise_newlines(b).strip()


@dataclass(frozen=True)
class TextTranslation:
    language: str
    title: str
    body: str
    source_title: str  # the Japanese this was made from
    source_body: str
    origin: Origin
    reviewed: bool = False
    reviewed_by: str = ""
    provider: str = ""

    def matches(self, title: str, body: str) -> bool:
        return same_text(self.source_title, title) and same_text(self.source_body, body)

    def reviewed_as(self, title: str, body: str, operator: str) -> TextTranslation:
        """The operator's accepted wording; an edit makes it the operator's own."""
        edited = not (same_text(title, self.title) and same_text(body, self.body))
        return replace(
            self, title=title, body=body, reviewed=True, reviewed_by=operator,
            origin=Origin.MANUAL if edited else self.origin,
        )


@dataclass(frozen=True)
class MultilingualDraft(Draft):
    translations: tuple[TextTranslation, ...] = ()

    def translation(self, language: str) -> TextTranslation | None:
        return next((t for t in self.translations if t.language == language), None)


def translation_state(draft: Draft, language: str) -> Finding | None:
    """None when ``language`` can be sent as it is; otherwise the reason, for the operator."""
    if language == SOURCE:
        return None
    name = label(language)
    found = draft.translation(language) if isinstance(draft, MultilingualDraft) else None
    if found is None:
        return Finding(Severity.ERROR, "translation_missing",
                       f"{name}の訳がありません（「翻訳」で用意して確認してください）")
    if not found.matches(draft.title, draft.body):
        return Finding(Severity.ERROR, "translation_stale",
                       f"日本語の文面が変わりました。{name}の訳を確認し直してください")
    if not found.reviewed:
        return Finding(Severity.ERROR, "translation_unreviewed",
                       f"{name}の訳がまだ確認されていません")
    if not found.title.strip() or not found.body.strip():
        return Finding(Severity.ERROR, "translation_empty", f"{name}の訳が空です")
    return None


def localise(draft: Draft, language: str) -> tuple[Draft, list[Finding]]:
    """The draft as ``language`` carries it, with findings that block sending it if any.

    Without a usable translation the Japanese stays in place, so the preview shows something,
    and the error finding keeps the send refused.
    """
    problem = translation_state(draft, language)
    if problem is not None:
        return draft, [problem]
    if language == SOURCE:
        return draft, []
    assert isinstance(draft, MultilingualDraft)
    found = draft.translation(language)
    assert found is not None
    return replace(draft, title=found.title, body=found.body), []
