"""Suggesting and remembering translations: translation memory first, then the machine.

Everything here is blocking (database, network) and runs on a worker thread of the front end.
A suggestion is never reviewed unless a person reviewed exactly this Japanese before (memory
or a reviewed 定型文); machine output always waits for the operator's review.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from app.templates import TemplateDef, TemplateError
from app.translation import memory
from app.translation.compose import Origin, TextTranslation
from app.translation.languages import SOURCE, language
from app.translation.machine import MachineTranslator, OfflineError, TranslationError

log = logging.getLogger("issei.translation")


@dataclass
class Suggestions:
    """What ``suggest`` found: one translation or one problem per language asked for."""

    translations: dict[str, TextTranslation] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # language -> Japanese reason
    offline: bool = False  # the machine translator was unreachable: say so once, plainly
    offline_message: str = ""


def from_memory(
    sessions: sessionmaker[Session], title: str, body: str, code: str, *, reviewed_only: bool
) -> TextTranslation | None:
    with sessions() as session:
        t = memory.lookup(session, title, code) if title.strip() else None
        b = memory.lookup(session, body, code)
    if b is None or (title.strip() and t is None):
        return None
    parts = [p for p in (t, b) if p is not None]
    reviewed = all(p.reviewed for p in parts)
    if reviewed_only and not reviewed:
        return None
    return TextTranslation(
        code, t.text if t is not None else "", b.text, title, body,
        Origin.MEMORY if reviewed else Origin.MACHINE, reviewed=reviewed,
        reviewed_by=next((p.reviewed_by for p in parts if p.reviewed_by), ""),
        provider=next((p.provider for p in parts if p.provider), ""),
    )


def _machine_text(machine: MachineTranslator, text: str, code: str) -> str:
    """Line by line, so that the review shows the same line structure as the Japanese."""
    target = language(code)
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        lines.append(machine.translate(line, target) if line.strip() else "")
    return "\n".join(lines)


def suggest(
    sessions: sessionmaker[Session],
    machine: MachineTranslator | None,
    title: str,
    body: str,
    languages: Iterable[str],
) -> Suggestions:
    result = Suggestions()
    wanted = [code for code in dict.fromkeys(languages) if code != SOURCE]
    if not body.strip():
        for code in wanted:
            result.problems[code] = "先に日本語の本文を入力してください"
        return result
    for code in wanted:
        remembered = from_memory(sessions, title, body, code, reviewed_only=True)
        if remembered is not None:
            result.translations[code] = remembered
            continue
        target = language(code)
        if not target.machine:
            result.problems[code] = (
                f"{target.label}は機械翻訳できません。定型文の訳を使うか、手で入力してください"
            )
            continue
        if machine is None:
            result.problems[code] = "機械翻訳は設定されていません"
            continue
        if result.offline:
            result.problems[code] = result.offline_message
            continue
        try:
            translated_title = _machine_text(machine, title, code) if title.strip() else ""
            translated_body = _machine_text(machine, body, code)
        except OfflineError as exc:
            result.offline = True
            result.offline_message = str(exc)
            result.problems[code] = str(exc)
            continue
        except TranslationError as exc:
            result.problems[code] = str(exc)
            continue
        suggestion = TextTranslation(code, translated_title, translated_body, title, body,
                                     Origin.MACHINE, provider=machine.provider)
        result.translations[code] = suggestion
        try:  # a machine answer is worth keeping: the same text needs no second request
            memory.remember_pair(
                sessions, code, [(title, translated_title), (body, translated_body)],
                origin=Origin.MACHINE.value, reviewed=False, provider=machine.provider,
            )
        except Exception:
            log.exception("could not remember a machine translation")
    return result


def remember_reviewed(
    sessions: sessionmaker[Session], translation: TextTranslation, operator: str
) -> None:
    """The operator accepted this wording: the same Japanese will get it again, reviewed."""
    if not translation.reviewed:
        raise ValueError("only a reviewed translation is remembered as reviewed")
    pairs = [(translation.source_body, translation.body)]
    if translation.source_title.strip():
        pairs.insert(0, (translation.source_title, translation.title))
    memory.remember_pair(
        sessions, translation.language, pairs, origin=translation.origin.value, reviewed=True,
        reviewed_by=translation.reviewed_by or operator, provider=translation.provider,
    )


def template_translations(
    template: TemplateDef, values: Mapping[str, str]
) -> dict[str, TextTranslation]:
    """The reviewed translations of a 定型文, filled with the same values as its Japanese.

    Unreviewed translations of a template are not offered: they were never checked by anyone.
    """
    source_title, source_body = template.fill(values)
    found: dict[str, TextTranslation] = {}
    for code, translation in template.translations.items():
        if not translation.reviewed or code == SOURCE:
            continue
        try:
            title, body = template.fill(values, code)
        except TemplateError:
            continue
        found[code] = TextTranslation(code, title, body, source_title, source_body,
                                      Origin.TEMPLATE, reviewed=True,
                                      reviewed_by=f"定型文「{template.name}」")
    return found
