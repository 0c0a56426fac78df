"""JMA code tables: from a municipality's name to every code a bulletin may use for it.

The tables are data, not code (JMA.md §7.14: they change), shipped in ``resources/jma`` with
their sources and replaceable by a newer copy of the same CSVs (``[area] code_tables``).

A municipality appears in bulletins under several codes: its 市町村等 code (JIS + "00"),
sub-municipal codes for parts of it (横浜市北部 1410011, 伊那 2020911, 美馬市脇・美馬・穴吹
3620701) and ward codes of designated cities (札幌中央区 0110100). ``Municipality.codes``
holds them all, so a naive ``code == municipality`` comparison never misses a part.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "jma"

CITY_CSV = "AreaInformationCity.csv"
WARNING_TABLE_CSV = "AreaForecastLocalM_WarningTable.csv"
QUAKE_CSV = "AreaForecastLocalE_AreaInformationCity.csv"
TSUNAMI_CSV = "AreaTsunami.csv"
WEATHER_KINDS_CSV = "WeatherWarning.csv"


class CodeTableError(ValueError):
    """A name or table cannot be resolved; the message says what to write instead."""


def normalize_name(name: str) -> str:
    # ケ/ヶ and full-width spellings differ between tables, configs and bulletins.
    return unicodedata.normalize("NFKC", name).replace("ヶ", "ケ").replace("ヵ", "カ").strip()


@dataclass(frozen=True)
class City:
    code: str
    name: str  # 高知県土佐市 / 神奈川県横浜市のうち鶴見区
    short_name: str
    group_code: str  # 市町村等をまとめた地域 (6 digits)


@dataclass(frozen=True)
class Municipality:
    name: str
    short_name: str
    code: str  # 市町村等 7 digits
    prefecture: str
    codes: frozenset[str]  # the municipality and every part of it
    group_codes: frozenset[str]  # 市町村等をまとめた地域
    first_areas: frozenset[str]  # 一次細分区域
    forecast_areas: frozenset[str]  # 府県予報区
    quake_areas: Mapping[str, str] = field(default_factory=dict)  # 細分区域 code -> name
    tsunami_areas: Mapping[str, str] = field(default_factory=dict)  # 津波予報区 code -> name
    tsunami_note: str = ""  # why no tsunami area was chosen (for the rules loader)


def _rows(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [row for row in csv.reader(f) if row]
    except FileNotFoundError:
        raise CodeTableError(f"コード表が見つかりません: {path}") from None
    except UnicodeDecodeError:
        raise CodeTableError(f"コード表は UTF-8 で保存してください: {path}") from None


PREFECTURE_SUFFIXES = ("都", "道", "府", "県")


def prefecture_of(full_name: str) -> str:
    if full_name.startswith("北海道"):
        return "北海道"
    for i, ch in enumerate(full_name[:5]):
        if ch in PREFECTURE_SUFFIXES and i >= 1:
            return full_name[: i + 1]
    return ""


class CodeTables:
    def __init__(self, folder: Path = RESOURCES) -> None:
        self.folder = folder
        self.cities: dict[str, City] = {}
        for row in _rows(folder / CITY_CSV):
            if len(row) >= 5 and len(row[0]) == 7 and row[0].isdigit():
                self.cities[row[0]] = City(row[0], row[1], row[2], row[4])
        if not self.cities:
            raise CodeTableError(f"{CITY_CSV} に市町村等がありません: {folder}")
        self._by_name = {normalize_name(c.name): c.code for c in self.cities.values()}
        self.parent: dict[str, str] = {code: self._parent(city) for code, city in
                                       self.cities.items()}
        # 市町村等をまとめた地域 -> (一次細分区域, 府県予報区)
        self.warning_areas: dict[str, tuple[str, str]] = {}
        self.area_names: dict[str, str] = {}
        for row in _rows(folder / WARNING_TABLE_CSV):
            if len(row) >= 6:
                self.warning_areas[row[0]] = (row[2], row[4])
                self.area_names.update({row[0]: row[1], row[2]: row[3], row[4]: row[5]})
        self.quake: dict[str, dict[str, str]] = {}  # city code -> {細分区域 code: name}
        for row in _rows(folder / QUAKE_CSV):
            if len(row) >= 5:
                self.quake.setdefault(row[3], {})[row[0]] = row[1]
        self.tsunami: list[tuple[str, str, str]] = [
            (row[0], row[1], row[3] if len(row) > 3 else "") for row in
            _rows(folder / TSUNAMI_CSV) if len(row) >= 2
        ]
        self.weather_kinds: dict[str, list[str]] = {}
        for row in _rows(folder / WEATHER_KINDS_CSV):
            if len(row) >= 2 and row[1].strip():
                names = [n.strip() for n in row[1].replace("　", " ").split("又は")]
                self.weather_kinds[row[0].lstrip("0") or "0"] = [n for n in names if n]

    # -- codes -----------------------------------------------------------------------------

    def _parent(self, city: City) -> str:
        if "のうち" in city.name:
            parent = self._by_name.get(normalize_name(city.name.split("のうち", 1)[0]))
            if parent:
                return parent
        whole = city.code[:5] + "00"
        if whole != city.code and whole in self.cities:
            return whole
        return city.code

    def municipality_of(self, code: str) -> str:
        """The whole municipality a (possibly sub-municipal) 市町村等 code belongs to."""
        seen = set()
        while code in self.parent and self.parent[code] != code and code not in seen:
            seen.add(code)
            code = self.parent[code]
        return code

    # -- resolving a municipality by name --------------------------------------------------

    def find_city(self, name: str) -> City:
        wanted = normalize_name(name)
        code = self._by_name.get(wanted)
        if code is None:
            matches = [c for c in self.cities.values()
                       if "のうち" not in c.name and normalize_name(c.short_name) == wanted
                       and self.municipality_of(c.code) == c.code]
            if len(matches) == 1:
                code = matches[0].code
            elif matches:
                names = "、".join(c.name for c in matches)
                raise CodeTableError(
                    f"「{name}」は複数あります（{names}）。都道府県名から書いてください"
                )
        if code is None:
            raise CodeTableError(
                f"市町村「{name}」がコード表にありません。「高知県土佐市」のように"
                "都道府県名から正式な名前で書いてください"
            )
        city = self.cities[code]
        whole = self.municipality_of(code)
        if whole != code:
            raise CodeTableError(
                f"「{name}」は{self.cities[whole].name}の一部です。市町村全体の名前を書き、"
                "一部だけを対象にするときは city_codes で指定してください"
            )
        return city

    def municipality(self, name: str, *, city_codes: Iterable[str] = (),
                     quake_areas: Iterable[str] = (), tsunami_areas: Iterable[str] = ()
                     ) -> Municipality:
        city = self.find_city(name)
        explicit = [c.strip() for c in city_codes if c.strip()]
        for code in explicit:
            if code not in self.cities:
                raise CodeTableError(f"市町村等コード {code} はコード表にありません")
        codes = set(explicit) or {
            code for code in self.cities if self.municipality_of(code) == city.code
        }
        groups = {self.cities[c].group_code for c in codes if self.cities[c].group_code}
        first = {self.warning_areas[g][0] for g in groups if g in self.warning_areas}
        forecast = {self.warning_areas[g][1] for g in groups if g in self.warning_areas}
        quake = self._quake_areas(codes, quake_areas)
        prefecture = prefecture_of(city.name)
        tsunami, note = self._tsunami_areas(prefecture, tsunami_areas)
        return Municipality(
            name=city.name, short_name=city.short_name or city.name, code=city.code,
            prefecture=prefecture, codes=frozenset(codes), group_codes=frozenset(groups),
            first_areas=frozenset(first), forecast_areas=frozenset(forecast),
            quake_areas=quake, tsunami_areas=tsunami, tsunami_note=note,
        )

    def _quake_areas(self, codes: set[str], explicit: Iterable[str]) -> dict[str, str]:
        every = {code: name for c in codes for code, name in self.quake.get(c, {}).items()}
        names = {code: name for table in self.quake.values() for code, name in table.items()}
        chosen = [a.strip() for a in explicit if a.strip()]
        if not chosen:
            return every
        result = {}
        for area in chosen:
            code = area if area in names else next(
                (c for c, n in names.items() if normalize_name(n) == normalize_name(area)), "")
            if not code:
                raise CodeTableError(f"地震の細分区域「{area}」はコード表にありません")
            result[code] = names[code]
        return result

    def _tsunami_areas(self, prefecture: str, explicit: Iterable[str]
                       ) -> tuple[dict[str, str], str]:
        forecast_areas = {code: name for code, name, kind in self.tsunami
                          if kind.startswith("津波予報区")}
        chosen = [a.strip() for a in explicit if a.strip()]
        if chosen:
            result = {}
            for area in chosen:
                code = area if area in forecast_areas else next(
                    (c for c, n in forecast_areas.items()
                     if normalize_name(n) == normalize_name(area)), "")
                if not code:
                    known = "、".join(sorted(forecast_areas.values()))
                    raise CodeTableError(f"津波予報区「{area}」はありません（例: {known[:80]}…）")
                result[code] = forecast_areas[code]
            return result, ""
        candidates = {c: n for c, n in forecast_areas.items() if n.startswith(prefecture)}
        if len(candidates) == 1:
            return candidates, ""
        if not candidates:
            return {}, (f"{prefecture}の名前の津波予報区はありません。沿岸の市町村は "
                        "[area] tsunami_areas に津波予報区を指定してください")
        names = "、".join(candidates.values())
        return {}, (f"{prefecture}には津波予報区が複数あります（{names}）。"
                    "[area] tsunami_areas でどれかを指定してください")

    # -- weather kinds ---------------------------------------------------------------------

    def weather_kind_codes(self, name: str) -> set[str]:
        """Codes whose H27 or R06 name is ``name`` (大雨警報 and レベル３大雨警報 are both 3)."""
        wanted = normalize_name(name)
        return {code for code, names in self.weather_kinds.items()
                if any(normalize_name(n) == wanted for n in names)}


_DEFAULT: CodeTables | None = None


def default_tables() -> CodeTables:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = CodeTables()
    return _DEFAULT
