"""自動配信条件 (trigger rules): a TOML file the municipality keeps, later edited in the console.

::

    [area]
    municipality = "高知県土佐市"      # resolves every code; the lists below may override
    # city_codes = ["3920500"]  quake_areas = ["高知県中部"]  tsunami_areas = ["高知県"]

    [storm]                            # optional; these are the defaults
    merge_window = 300                 # s: updates of one event inside it are merged
    max_per_medium = 6                 # auto sends per medium …
    per_seconds = 3600                 # … inside this period (escalations are exempt)

    [feed]                             # optional: where `issei triggers watch` polls
    base_url = "https://www.data.jma.go.jp/developer/xml/feed/"
    feeds = ["regular", "extra", "eqvol", "other"]
    interval = 60                      # s between polls of the short feeds
    max_age = 1800                     # s: older bulletins are recorded but send nothing

    [[rule]]
    name = "震度5弱以上"
    when = { type = "earthquake", min_intensity = "5-" }
    template = "地震_震度"              # optional: the type's default template otherwise
    media = ["email", "line"]
    mode = "auto"                      # auto | confirm (an operator approves)
    drill = "ignore"                   # ignore | training: what 訓練/試験 bulletins do

Conditions (``when``) per type, all in our municipality (or its 細分区域 / 津波予報区):

* ``earthquake``: ``min_intensity`` ("5-", "震度５弱"…), ``scope`` = municipality | area
  (area: the 細分区域 intensity, which 震度速報 VXSE51 also gives)
* ``eew``: 緊急地震速報（警報） for our 細分区域; ``min_intensity``; ``forecast = true`` adds 予報
* ``tsunami``: ``kinds`` (大津波警報・津波警報・津波注意報・津波予報), ``clear = true`` adds 解除
* ``weather``: ``kinds`` (names of either format, or 注意報/警報/危険警報/特別警報) and/or
  ``min_level`` (警戒レベル); ``statuses`` from 発表・切替・継続・解除 (default 発表, 切替)
* ``landslide`` (``statuses``), ``flood`` (``min_level``, default 3; ``rivers``; ``clear``),
  ``tornado``, ``record_rain``, ``volcano`` (``min_level``, ``statuses``, ``forecast``,
  ``clear``)

Everything is checked when the file is loaded, so a mistake shows when the operator saves the
rules, not when the earthquake comes: unknown keys, unknown media, a template that does not
exist, a template whose placeholders the bulletin type cannot fill.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain import Medium
from app.templates import LIBRARY, TemplateDef, TemplateError, load_library
from app.triggers import match
from app.triggers.codes import CodeTableError, CodeTables, Municipality, default_tables
from app.triggers.seismology import normalize_intensity

DEFAULT_TEMPLATES = {
    "earthquake": "地震_震度", "eew": "緊急地震速報", "tsunami": "津波", "weather": "気象警報",
    "landslide": "土砂災害警戒情報", "flood": "指定河川洪水予報", "tornado": "竜巻注意情報",
    "record_rain": "記録的短時間大雨情報", "volcano": "噴火警報",
}
CANCEL_TEMPLATE = "電文の取消"

DEFAULT_FEED = "https://www.data.jma.go.jp/developer/xml/feed/"
FEEDS = ("regular", "extra", "eqvol", "other")

WHEN_KEYS: dict[str, set[str]] = {
    "earthquake": {"min_intensity", "scope"},
    "eew": {"min_intensity", "forecast"},
    "tsunami": {"kinds", "clear"},
    "weather": {"kinds", "min_level", "statuses"},
    "landslide": {"statuses"},
    "flood": {"min_level", "rivers", "clear"},
    "tornado": set(),
    "record_rain": set(),
    "volcano": {"min_level", "statuses", "forecast", "clear"},
}
STATUSES = ("発表", "切替", "継続", "解除")
WEATHER_CLASSES = {
    "注意報": {str(c) for c in range(10, 30)},
    "警報": {str(c) for c in range(2, 10)},
    "危険警報": {"43", "48", "49"},
    "特別警報": {"32", "33", "35", "36", "37", "38", "39"},
}


class RulesError(ValueError):
    """The rules file cannot be used; the message says where and why (Japanese)."""


@dataclass(frozen=True)
class Storm:
    merge_window: float = 300.0
    max_per_medium: int = 6
    per_seconds: float = 3600.0


@dataclass(frozen=True)
class FeedSettings:
    base_url: str = DEFAULT_FEED
    feeds: tuple[str, ...] = FEEDS
    interval: float = 60.0
    long_interval: float = 600.0  # the long feeds: recovery after downtime or a gap
    max_age: float = 1800.0  # s: an older bulletin is recorded but sends nothing


@dataclass(frozen=True)
class Rule:
    name: str
    when: match.Condition
    template: TemplateDef
    media: tuple[Medium, ...]
    mode: str = "auto"
    drill: str = "ignore"
    areas: tuple[str, ...] = ()  # recipient 地区; empty: everyone

    @property
    def type(self) -> str:
        return self.when.type


@dataclass(frozen=True)
class RuleSet:
    municipality: Municipality
    rules: tuple[Rule, ...]
    storm: Storm = field(default_factory=Storm)
    feed: FeedSettings = field(default_factory=FeedSettings)
    cancel_template: TemplateDef | None = None
    codes: CodeTables = field(default_factory=default_tables)
    source: Path | None = None


def _table(raw: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise RulesError(f"{where}[{key}] は表（テーブル）で書いてください")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{where} は文字列のリストで書いてください")
    return list(value)


def _number(table: dict[str, Any], key: str, default: float, where: str, *,
            minimum: float = 0) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise RulesError(f"{where} {key} は {minimum} 以上の数で書いてください（{value!r}）")
    return float(value)


def _unknown(table: dict[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise RulesError(f"{where}: 知らない項目です: {'、'.join(extra)}"
                         f"（使えるもの: {'、'.join(sorted(allowed)) or 'なし'}）")


def _condition(when: dict[str, Any], where: str, codes: CodeTables) -> match.Condition:
    kind = when.get("type")
    if kind not in match.TYPES:
        raise RulesError(f"{where} when.type は {'・'.join(match.TYPES)} のいずれかです"
                         f"（{kind!r}）")
    _unknown(when, WHEN_KEYS[kind] | {"type"}, f"{where} when")
    args: dict[str, Any] = {"type": kind}
    if "min_intensity" in when:
        value = normalize_intensity(str(when["min_intensity"]))
        if not value:
            raise RulesError(f"{where} min_intensity「{when['min_intensity']}」は震度ではありません"
                             "（例: \"5-\" または \"震度５弱\"）")
        args["min_intensity"] = value
    elif kind == "earthquake":
        raise RulesError(f"{where} 地震の条件には min_intensity（例: \"5-\"）が必要です")
    if "scope" in when:
        if when["scope"] not in ("municipality", "area"):
            raise RulesError(f"{where} scope は municipality か area です")
        args["scope"] = when["scope"]
    for flag in ("forecast",):
        if flag in when:
            if not isinstance(when[flag], bool):
                raise RulesError(f"{where} {flag} は true か false です")
            args[flag] = when[flag]
    statuses = set(_strings(when.get("statuses", ["発表", "切替"]), f"{where} statuses"))
    if kind == "landslide" and "statuses" not in when:
        statuses = {"発表"}
    if kind == "volcano" and "statuses" not in when:
        statuses = {"発表", "切替"}
    bad = statuses - set(STATUSES)
    if bad:
        raise RulesError(f"{where} statuses の「{'、'.join(sorted(bad))}」は使えません"
                         f"（{'・'.join(STATUSES)}）")
    if when.get("clear") is True:
        statuses.add("解除")
    args["statuses"] = frozenset(statuses)
    if "min_level" in when:
        level = when["min_level"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            raise RulesError(f"{where} min_level は 1〜5 の整数です（警戒レベル）")
        args["min_level"] = level
    if "rivers" in when:
        args["rivers"] = frozenset(_strings(when["rivers"], f"{where} rivers"))
    if kind == "tsunami":
        kinds = _strings(when.get("kinds", ["大津波警報", "津波警報", "津波注意報"]),
                         f"{where} kinds")
        bad = [k for k in kinds if k not in match.TSUNAMI_RANK]
        if bad:
            raise RulesError(f"{where} 津波の kinds「{'、'.join(bad)}」は使えません"
                             f"（{'・'.join(match.TSUNAMI_RANK)}）")
        args["tsunami_kinds"] = frozenset(kinds)
    if kind == "weather":
        if "kinds" not in when and "min_level" not in when:
            raise RulesError(f"{where} 気象警報の条件には kinds か min_level が必要です"
                             "（例: kinds = [\"大雨警報\", \"特別警報\"] または min_level = 3）")
        codes_wanted: set[str] = set()
        for name in _strings(when.get("kinds", []), f"{where} kinds"):
            found = WEATHER_CLASSES.get(name) or codes.weather_kind_codes(name)
            if not found:
                raise RulesError(
                    f"{where} 警報・注意報「{name}」はコード表にありません"
                    "（例: 大雨警報、レベル４大雨危険警報、洪水警報、暴風警報、特別警報、注意報）"
                )
            codes_wanted |= found
        args["weather_codes"] = frozenset(codes_wanted)
    return match.Condition(**args)


def _template(rule: dict[str, Any], kind: str, where: str,
              library: dict[str, TemplateDef]) -> TemplateDef:
    name = rule.get("template", DEFAULT_TEMPLATES[kind])
    if not isinstance(name, str) or name not in library:
        known = "、".join(sorted(library))
        raise RulesError(f"{where} 定型文「{name}」はありません（あるもの: {known}）")
    template = library[name]
    available = set(match.COMMON_PLACEHOLDERS) | set(match.PLACEHOLDERS[kind])
    missing = [p for p in template.placeholders if p not in available]
    if missing:
        raise RulesError(
            f"{where} 定型文「{name}」の項目 {'、'.join(missing)} は"
            f"{match.TYPE_LABELS[kind]}の電文から埋められません"
            f"（使える項目: {'、'.join(sorted(available))}）"
        )
    return template


def parse_rules(text: str, *, source: Path | None = None,
                library: dict[str, TemplateDef] | None = None,
                codes: CodeTables | None = None) -> RuleSet:
    where_file = f"{source.name}: " if source else ""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{where_file}自動配信条件の書式が正しくありません: {exc}") from None
    _unknown(raw, {"area", "storm", "feed", "rule"}, f"{where_file}ファイル")
    if library is None:
        try:
            library = load_library((LIBRARY,))
        except TemplateError as exc:
            raise RulesError(f"定型文を読み込めません: {exc}") from None
    area = _table(raw, "area", where_file)
    _unknown(area, {"municipality", "city_codes", "quake_areas", "tsunami_areas",
                    "code_tables"}, f"{where_file}[area]")
    if not isinstance(area.get("municipality"), str):
        raise RulesError(f"{where_file}[area] municipality（例: \"高知県土佐市\"）を書いてください")
    try:
        if codes is None:
            tables = area.get("code_tables")
            codes = CodeTables(Path(tables)) if isinstance(tables, str) else default_tables()
        town = codes.municipality(
            area["municipality"],
            city_codes=_strings(area.get("city_codes", []), "[area] city_codes"),
            quake_areas=_strings(area.get("quake_areas", []), "[area] quake_areas"),
            tsunami_areas=_strings(area.get("tsunami_areas", []), "[area] tsunami_areas"),
        )
    except CodeTableError as exc:
        raise RulesError(f"{where_file}[area] {exc}") from None

    storm_t = _table(raw, "storm", where_file)
    _unknown(storm_t, {"merge_window", "max_per_medium", "per_seconds"}, "[storm]")
    storm = Storm(
        merge_window=_number(storm_t, "merge_window", 300, "[storm]"),
        max_per_medium=int(_number(storm_t, "max_per_medium", 6, "[storm]", minimum=1)),
        per_seconds=_number(storm_t, "per_seconds", 3600, "[storm]", minimum=1),
    )
    feed_t = _table(raw, "feed", where_file)
    _unknown(feed_t, {"base_url", "feeds", "interval", "long_interval", "max_age"}, "[feed]")
    feeds = tuple(_strings(feed_t.get("feeds", list(FEEDS)), "[feed] feeds"))
    bad_feeds = [f for f in feeds if f not in FEEDS]
    if bad_feeds:
        raise RulesError(f"[feed] feeds の「{'、'.join(bad_feeds)}」はありません"
                         f"（{'・'.join(FEEDS)}）")
    base_url = feed_t.get("base_url", DEFAULT_FEED)
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise RulesError("[feed] base_url は http:// か https:// で始まるURLです")
    feed = FeedSettings(base_url=base_url, feeds=feeds,
                        interval=_number(feed_t, "interval", 60, "[feed]", minimum=1),
                        long_interval=_number(feed_t, "long_interval", 600, "[feed]", minimum=1),
                        max_age=_number(feed_t, "max_age", 1800, "[feed]", minimum=1))

    rules_raw = raw.get("rule", [])
    if not isinstance(rules_raw, list):
        raise RulesError(f"{where_file}[[rule]] は配列の表で書いてください")
    rules: list[Rule] = []
    for n, entry in enumerate(rules_raw, 1):
        rules.append(_rule(entry, n, library, codes, town))
    names = [r.name for r in rules]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RulesError(f"条件名が重複しています: {'、'.join(duplicates)}")
    if CANCEL_TEMPLATE not in library:
        raise RulesError(f"取消を知らせる定型文「{CANCEL_TEMPLATE}」がありません")
    return RuleSet(town, tuple(rules), storm, feed, library[CANCEL_TEMPLATE], codes, source)


def _rule(entry: Any, n: int, library: dict[str, TemplateDef], codes: CodeTables,
          town: Municipality) -> Rule:
    if not isinstance(entry, dict):
        raise RulesError(f"{n}番目の [[rule]] が表になっていません")
    name = entry.get("name")
    where = f"条件「{name}」:" if isinstance(name, str) and name.strip() else f"{n}番目の条件:"
    if not isinstance(name, str) or not name.strip():
        raise RulesError(f"{where} name を書いてください")
    _unknown(entry, {"name", "when", "template", "media", "mode", "drill", "areas"}, where)
    when = entry.get("when")
    if not isinstance(when, dict):
        raise RulesError(f"{where} when = {{ type = \"earthquake\", … }} を書いてください")
    condition = _condition(when, where, codes)
    if condition.type == "tsunami" and not town.tsunami_areas:
        raise RulesError(f"{where} {town.tsunami_note}")
    template = _template(entry, condition.type, where, library)
    media_names = _strings(entry.get("media", []), f"{where} media")
    if not media_names:
        raise RulesError(f"{where} media（例: [\"email\", \"line\"]）を書いてください")
    media: list[Medium] = []
    for medium in media_names:
        try:
            media.append(Medium(medium.strip().lower()))
        except ValueError:
            known = ", ".join(m.value for m in Medium)
            raise RulesError(f"{where} 媒体「{medium}」はありません（使えるもの: {known}）") \
                from None
    mode = entry.get("mode", "auto")
    if mode not in ("auto", "confirm"):
        raise RulesError(f"{where} mode は auto か confirm です（{mode!r}）")
    drill = entry.get("drill", "ignore")
    if drill not in ("ignore", "training"):
        raise RulesError(f"{where} drill は ignore か training です（{drill!r}）")
    areas = tuple(_strings(entry.get("areas", []), f"{where} areas"))
    return Rule(name.strip(), condition, template, tuple(dict.fromkeys(media)), mode, drill,
                areas)


def load_rules(path: Path, **kwargs: Any) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"自動配信条件のファイルが見つかりません: {path}") from None
    except UnicodeDecodeError:
        raise RulesError(f"自動配信条件のファイルは UTF-8 で保存してください: {path}") from None
    return parse_rules(text, source=path, **kwargs)
