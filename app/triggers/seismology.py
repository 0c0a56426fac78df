"""Earthquake, EEW and tsunami bodies (VXSE51/52/53, VXSE43/44/45, VTSE41/51)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from app.triggers.bulletin import jst_label, parse_time
from app.triggers.xmltools import EB, SEIS, find, findall, text

# Body values are 1 2 3 4 5- 5+ 6- 6+ 7; headlines say 震度５弱. Ranks make them comparable.
INTENSITIES = ("0", "1", "2", "3", "4", "5-", "5+", "6-", "6+", "7")
LABELS = {"0": "震度０", "1": "震度１", "2": "震度２", "3": "震度３", "4": "震度４",
          "5-": "震度５弱", "5+": "震度５強", "6-": "震度６弱", "6+": "震度６強", "7": "震度７"}
UNRECEIVED = "震度５弱以上未入電"


def normalize_intensity(value: str) -> str:
    """``震度５弱``, ``５弱``, ``5-``, ``5弱`` -> ``5-``; "" when it is not an intensity."""
    v = unicodedata.normalize("NFKC", value).strip().removeprefix("震度").replace("＋", "+")
    v = v.replace("弱", "-").replace("強", "+").replace(" ", "")
    return v if v in INTENSITIES else ""


def intensity_rank(value: str) -> int:
    v = normalize_intensity(value)
    return INTENSITIES.index(v) if v else -1


def intensity_label(value: str) -> str:
    return LABELS.get(normalize_intensity(value), value)


@dataclass(frozen=True)
class Hypocenter:
    name: str
    origin_time: dt.datetime | None
    coordinate: str  # the description, e.g. 北緯３９．０度　東経１４０．９度　深さ　１０ｋｍ
    depth: str  # １０ｋｍ / ごく浅い / 不明
    magnitude: str  # Ｍ７．０ / Ｍ不明


@dataclass(frozen=True)
class AreaIntensity:
    code: str  # 細分区域 (3 digits)
    name: str
    max_int: str  # normalized (5- …) or ""


@dataclass(frozen=True)
class CityIntensity:
    code: str  # 市町村等 (7 digits)
    name: str
    max_int: str  # normalized or "" (a city may carry only Condition)
    unreceived: bool  # 震度５弱以上未入電: stations that may have ≥5弱 did not report
    area_code: str


@dataclass(frozen=True)
class Quake:
    hypocenter: Hypocenter | None
    max_int: str
    areas: tuple[AreaIntensity, ...]
    cities: tuple[CityIntensity, ...]
    comment: str  # 固定付加文 (tsunami statement)


@dataclass(frozen=True)
class EewArea:
    code: str  # 細分区域
    name: str
    kind_code: str  # 00/01/09 予報, 10/11/19 警報
    kind_name: str
    int_from: str
    int_to: str
    arrival: dt.datetime | None
    condition: str  # 既に主要動到達と推測 …

    @property
    def is_warning(self) -> bool:
        return self.kind_code.startswith("1")


@dataclass(frozen=True)
class Eew:
    hypocenter: Hypocenter | None
    int_from: str
    int_to: str
    areas: tuple[EewArea, ...]
    comment: str


@dataclass(frozen=True)
class TsunamiArea:
    code: str  # 津波予報区 (3 digits)
    name: str
    kind_code: str
    kind_name: str
    last_code: str
    last_name: str
    arrival: str  # 16時10分 / 第１波の到達を確認 / 津波到達中と推測 …
    height: str  # １ｍ / ３ｍ / 巨大 …


@dataclass(frozen=True)
class Tsunami:
    areas: tuple[TsunamiArea, ...]
    comment: str


def _depth(description: str, coordinate: str) -> str:
    match = re.search(r"深さ\s*　*([^\s　]+)", description)
    if match:
        return match.group(1)
    if coordinate.endswith("+0/"):
        return "ごく浅い"
    return "不明"


def parse_hypocenter(earthquake: Element | None) -> Hypocenter | None:
    if earthquake is None:
        return None
    area = find(earthquake, SEIS, "Hypocenter/Area")
    coordinate_el = area.find(f"{{{EB}}}Coordinate") if area is not None else None
    description = coordinate_el.get("description", "") if coordinate_el is not None else ""
    raw_coordinate = (coordinate_el.text or "") if coordinate_el is not None else ""
    magnitude_el = earthquake.find(f"{{{EB}}}Magnitude")
    magnitude = ""
    if magnitude_el is not None:
        magnitude = magnitude_el.get("description", "") or (magnitude_el.text or "")
    return Hypocenter(
        name=text(area, SEIS, "Name") or "不明",
        origin_time=parse_time(text(earthquake, SEIS, "OriginTime")),
        coordinate=description,
        depth=_depth(description, raw_coordinate.strip()),
        magnitude=magnitude or "Ｍ不明",
    )


def _comment(body: Element, kind: str) -> str:
    return text(body, SEIS, f"Comments/{kind}/Text")


def parse_quake(body: Element, _head: Element | None) -> Quake:
    observation = find(body, SEIS, "Intensity/Observation")
    areas: list[AreaIntensity] = []
    cities: list[CityIntensity] = []
    for pref in findall(observation, SEIS, "Pref"):
        for area in findall(pref, SEIS, "Area"):
            area_code = text(area, SEIS, "Code")
            areas.append(AreaIntensity(area_code, text(area, SEIS, "Name"),
                                       normalize_intensity(text(area, SEIS, "MaxInt"))))
            for city in findall(area, SEIS, "City"):
                stations_unreceived = any(
                    text(st, SEIS, "Int") == UNRECEIVED
                    for st in findall(city, SEIS, "IntensityStation")
                )
                cities.append(CityIntensity(
                    code=text(city, SEIS, "Code"),
                    name=text(city, SEIS, "Name"),
                    max_int=normalize_intensity(text(city, SEIS, "MaxInt")),
                    unreceived=text(city, SEIS, "Condition") == UNRECEIVED or stations_unreceived,
                    area_code=area_code,
                ))
    return Quake(
        hypocenter=parse_hypocenter(find(body, SEIS, "Earthquake")),
        max_int=normalize_intensity(text(observation, SEIS, "MaxInt")),
        areas=tuple(areas),
        cities=tuple(cities),
        comment=_comment(body, "ForecastComment"),
    )


def parse_eew(body: Element, _head: Element | None) -> Eew:
    forecast = find(body, SEIS, "Intensity/Forecast")
    areas: list[EewArea] = []
    for pref in findall(forecast, SEIS, "Pref"):
        for area in findall(pref, SEIS, "Area"):
            areas.append(EewArea(
                code=text(area, SEIS, "Code"),
                name=text(area, SEIS, "Name"),
                kind_code=text(area, SEIS, "Category/Kind/Code"),
                kind_name=text(area, SEIS, "Category/Kind/Name"),
                int_from=normalize_intensity(text(area, SEIS, "ForecastInt/From")),
                int_to=text(area, SEIS, "ForecastInt/To"),  # may be "over" (程度以上)
                arrival=parse_time(text(area, SEIS, "ArrivalTime")),
                condition=text(area, SEIS, "Condition"),
            ))
    return Eew(
        hypocenter=parse_hypocenter(find(body, SEIS, "Earthquake")),
        int_from=normalize_intensity(text(forecast, SEIS, "ForecastInt/From")),
        int_to=text(forecast, SEIS, "ForecastInt/To"),
        areas=tuple(areas),
        comment=_comment(body, "WarningComment"),
    )


def parse_tsunami(body: Element, _head: Element | None) -> Tsunami:
    areas: list[TsunamiArea] = []
    for item in findall(body, SEIS, "Tsunami/Forecast/Item"):
        first = find(item, SEIS, "FirstHeight")
        arrival_time = parse_time(text(first, SEIS, "ArrivalTime"))
        if arrival_time is not None:
            arrival = jst_label(arrival_time, with_day=False)
        else:
            arrival = text(first, SEIS, "Condition")
        height_el = item.find(f"{{{SEIS}}}MaxHeight/{{{EB}}}TsunamiHeight")
        height = ""
        if height_el is not None:
            height = height_el.get("description", "") or (height_el.text or "")
        height = height or text(item, SEIS, "MaxHeight/Condition")
        areas.append(TsunamiArea(
            code=text(item, SEIS, "Area/Code"),
            name=text(item, SEIS, "Area/Name"),
            kind_code=text(item, SEIS, "Category/Kind/Code"),
            kind_name=text(item, SEIS, "Category/Kind/Name"),
            last_code=text(item, SEIS, "Category/LastKind/Code"),
            last_name=text(item, SEIS, "Category/LastKind/Name"),
            arrival=arrival,
            height=height,
        ))
    return Tsunami(tuple(areas), _comment(body, "WarningComment"))
