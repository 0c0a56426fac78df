"""定型文 (templates): a shipped library in ``resources/templates`` plus the municipality's own.

One TOML file per template::

    name = "避難指示"                 # unique; what rules and the picker refer to
    category = "disaster"             # a code of app.domain.CATEGORIES
    urgency = "emergency"             # emergency | important | normal
    title = "【警戒レベル4】{地区}に避難指示"
    body = "…{地区}…{避難所}…"
    [placeholders]                    # optional: a label or example per placeholder
    "地区" = "例: 北地区"               # (TOML needs quotes around non-ASCII keys)
    [translations.ja-easy]            # optional, reviewed wording only
    title = "…"
    body = "…"
    reviewed = true

Placeholders are ``{名前}``; filling refuses a template whose placeholders are not all given, so
a message never goes out with a literal ``{地区}`` in it.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from app.domain import CATEGORIES, Urgency

LIBRARY = Path(__file__).resolve().parents[1] / "resources" / "templates"


class TemplateError(ValueError):
    """A template file is malformed or cannot be filled; the message is Japanese."""


@dataclass(frozen=True)
class Translation:
    title: str
    body: str
    reviewed: bool


@dataclass(frozen=True)
class TemplateDef:
    name: str
    category: str
    urgency: Urgency
    title: str
    body: str
    placeholder_hints: Mapping[str, str] = field(default_factory=dict)
    translations: Mapping[str, Translation] = field(default_factory=dict)
    source: Path | None = None

    @property
    def placeholders(self) -> list[str]:
        """Placeholder names in order of first appearance (title first, then body)."""
        names: list[str] = []
        for text in (self.title, self.body, *(t for tr in self.translations.values()
                                                for t in (tr.title, tr.body))):
            for _literal, name, _spec, _conv in string.Formatter().parse(text):
                if name and name not in names:
                    names.append(name)
        return names

    def fill(self, values: Mapping[str, str], language: str = "ja") -> tuple[str, str]:
        """(title, body) with every placeholder filled; raises TemplateError if one is missing."""
        if language == "ja":
            title, body = self.title, self.body
        else:
            translation = self.translations.get(language)
            if translation is None:
                raise TemplateError(f"定型文「{self.name}」に {language} の訳はありません")
            title, body = translation.title, translation.body
        missing = [n for n in self.placeholders if not str(values.get(n, "")).strip()
                   and (f"{{{n}}}" in title or f"{{{n}}}" in body)]
        if missing:
            raise TemplateError(
                f"定型文「{self.name}」の項目が未入力です: " + "、".join(missing)
            )
        try:
            return title.format_map(dict(values)), body.format_map(dict(values))
        except (KeyError, ValueError, IndexError) as exc:
            raise TemplateError(f"定型文「{self.name}」を埋められません: {exc}") from None


def parse_template(text: str, source: Path | None = None) -> TemplateDef:
    where = f"{source.name}: " if source else ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{where}定型文の書式が正しくありません: {exc}") from None
    for key in ("name", "title", "body"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TemplateError(f"{where}定型文に {key} がありません")
    category = raw.get("category", "disaster")
    if category not in CATEGORIES:
        raise TemplateError(f"{where}カテゴリ「{category}」はありません")
    try:
        urgency = Urgency(raw.get("urgency", "normal"))
    except ValueError:
        raise TemplateError(f"{where}緊急度「{raw.get('urgency')}」はありません") from None
    translations = {}
    for language, table in (raw.get("translations") or {}).items():
        if not isinstance(table, dict) or not {"title", "body"} <= set(table):
            raise TemplateError(f"{where}訳 {language} に title と body が必要です")
        translations[language] = Translation(
            str(table["title"]), str(table["body"]), bool(table.get("reviewed", False))
        )
    template = TemplateDef(
        name=raw["name"].strip(), category=category, urgency=urgency, title=raw["title"],
        body=raw["body"], placeholder_hints=dict(raw.get("placeholders") or {}),
        translations=translations, source=source,
    )
    try:  # a stray "{" would only fail at 3 a.m. when filled: refuse it when loaded
        template.placeholders  # noqa: B018
    except ValueError as exc:
        raise TemplateError(f"{where}定型文「{template.name}」の {{}} が対応していません: {exc}") \
            from None
    return template


def load_library(folders: Iterable[Path] = (LIBRARY,)) -> dict[str, TemplateDef]:
    """Every template below the folders, by name; a duplicate name is an error."""
    library: dict[str, TemplateDef] = {}
    for folder in folders:
        for path in sorted(folder.rglob("*.toml")):
            template = parse_template(path.read_text(encoding="utf-8"), path)
            if template.name in library:
                other = library[template.name].source
                raise TemplateError(f"定型文「{template.name}」が2つあります: {other} と {path}")
            library[template.name] = template
    return library
