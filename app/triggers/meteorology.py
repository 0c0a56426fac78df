"""Weather bodies: warnings (VPWW54, VPWW55–61), 土砂災害警戒情報 (VXWW50),
竜巻注意情報 (VPHW50/51), 記録的短時間大雨情報 (VPOA50), 府県気象防災速報 (VPBS50) and
指定河川洪水予報 (VXKO)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from app.triggers.xmltools import EB, IB, MET, find, findall, text

NONE_STATUSES = ("発表警報・注意報はなし", "なし")  # R06: Kind has only Status, no Name/Code


@dataclass(frozen=True)
class Significancy:
    type: str  # 大雨浸水危険度, 土砂災害危険度 …
    name: str  # 警戒レベル４相当, 注意報級 …
    code: str  # 21/22 Lv2, 31 Lv3, 41 Lv4, 51 Lv5; 20/30/50 注意報級/警報級/特別警報級


@dataclass(frozen=True)
class WarningKind:
    name: str
    code: str
    status: str
    last_code: str
    last_name: str
    condition: str  # H27: 土砂災害 / 浸水害 (大雨警報（土砂災害）)
    significancies: tuple[Significancy, ...]

    @property
    def is_none(self) -> bool:
        return not self.code or self.status in NONE_STATUSES


@dataclass(frozen=True)
class AreaWarning:
    layer: str  # the Warning/@type, e.g. 気象警報・注意報（市町村等）
    code: str
    name: str
    kinds: tuple[WarningKind, ...]


@dataclass(frozen=True)
class Warnings:
    items: tuple[AreaWarning, ...]
    target_area: str  # VXWW50 TargetArea/Code (府県予報区)

    def layer(self, suffix: str) -> list[AreaWarning]:
        """Items of the layer whose type ends with ``suffix`` (e.g. （市町村等）)."""
        return [i for i in self.items if i.layer.endswith(suffix)]


@dataclass(frozen=True)
class FlashArea:
    code: str  # 市町村等 (may be sub-municipal, e.g. 2020911)
    name: str
    amount: str  # 約１００ミリ


@dataclass(frozen=True)
class Flash:
    """VPBS50 府県気象防災速報: tags say what it is (記録雨, 線状降水帯発生, 短時間大雪)."""

    tags: tuple[str, ...]
    regions: tuple[tuple[str, str], ...]  # (code, name) from the Headline (一次細分)
    areas: tuple[FlashArea, ...]


@dataclass(frozen=True)
class FloodCity:
    code: str
    name: str


@dataclass(frozen=True)
class Flood:
    kind_name: str  # 氾濫警戒情報 / レベル３氾濫警報
    kind_code: str  # 10 解除 … 20 Lv2, 30 Lv3, 40/41 Lv4, 50–53 Lv5
    condition: str  # 洪水警報（発表）
    rivers: tuple[str, ...]
    cities: tuple[FloodCity, ...]
    main_text: str
    stations: tuple[str, ...]


def _kind(kind: Element) -> WarningKind:
    significancies = tuple(
        Significancy(s.get("type", ""), text(s, MET, "Name"), text(s, MET, "Code"))
        for s in findall(kind, MET, "Property/SignificancyPart/Base/Significancy")
    )
    return WarningKind(
        name=text(kind, MET, "Name"),
        code=text(kind, MET, "Code"),
        status=text(kind, MET, "Status"),
        last_code=text(kind, MET, "LastKind/Code"),
        last_name=text(kind, MET, "LastKind/Name"),
        condition=text(kind, MET, "Condition"),
        significancies=significancies,
    )


def parse_warnings(body: Element, _head: Element | None) -> Warnings:
    items: list[AreaWarning] = []
    for warning in findall(body, MET, "Warning"):
        layer = warning.get("type", "")
        for item in findall(warning, MET, "Item"):
            kinds = tuple(_kind(k) for k in findall(item, MET, "Kind"))
            areas = findall(item, MET, "Area") or findall(item, MET, "Areas/Area")
            for area in areas:
                items.append(AreaWarning(layer, text(area, MET, "Code"), text(area, MET, "Name"),
                                         kinds))
    return Warnings(tuple(items), text(body, MET, "TargetArea/Code"))


def parse_flash(body: Element, head: Element | None) -> Flash:
    areas: list[FlashArea] = []
    for item in findall(body, MET, "MeteorologicalInfos/MeteorologicalInfo/Item"):
        area = find(item, MET, "Area")
        if area is None:
            continue  # a station item (アメダス): no municipality
        amount_el = item.find(
            f"{{{MET}}}Kind/{{{MET}}}Property/{{{MET}}}PrecipitationPart/{{{EB}}}Precipitation"
        )
        amount = ""
        if amount_el is not None:
            amount = amount_el.get("description", "") or (amount_el.text or "")
        areas.append(FlashArea(text(area, MET, "Code"), text(area, MET, "Name"), amount))
    # The Headline's 情報タグ is the only place VPBS50 says what it is about.
    tags: list[str] = []
    regions: list[tuple[str, str]] = []
    for info in findall(head, IB, "Headline/Information"):
        if info.get("type") != "情報タグ":
            continue
        for item in findall(info, IB, "Item"):
            condition = text(item, IB, "Kind/Condition")
            if condition and condition not in tags:
                tags.append(condition)
            for area in findall(item, IB, "Areas/Area"):
                regions.append((text(area, IB, "Code"), text(area, IB, "Name")))
    return Flash(tuple(tags), tuple(regions), tuple(areas))


def parse_flood(body: Element, head: Element | None) -> Flood:
    cities: list[FloodCity] = []
    rivers: list[str] = []
    stations: list[str] = []
    main_text = ""
    for item in findall(body, MET, "Warning/Item"):
        kind_name = text(item, MET, "Kind/Name")
        if kind_name == "浸水想定地区":
            for area in findall(item, MET, "Areas/Area"):
                code, name = text(area, MET, "CityCode"), text(area, MET, "City")
                if code and all(c.code != code for c in cities):
                    cities.append(FloodCity(code, name))
            continue
        for prop in findall(item, MET, "Kind/Property"):
            if text(prop, MET, "Type") == "主文" and not main_text:
                main_text = text(prop, MET, "Text")
        for area in findall(item, MET, "Areas/Area"):
            name = text(area, MET, "Name")
            if name and name not in rivers:
                rivers.append(name)
        for station in findall(item, MET, "Stations/Station"):
            stations.append(text(station, MET, "Name"))
    # The flood level lives in the Headline (指定河川洪水予報（河川）), not in the Body.
    for info in findall(head, IB, "Headline/Information"):
        if info.get("type") not in ("指定河川洪水予報（河川）", "指定河川洪水予報（予報区域）"):
            continue
        item = find(info, IB, "Item")
        if not rivers:
            rivers = [text(a, IB, "Name") for a in findall(item, IB, "Areas/Area")]
        return Flood(text(item, IB, "Kind/Name"), text(item, IB, "Kind/Code"),
                     text(item, IB, "Kind/Condition"), tuple(rivers), tuple(cities), main_text,
                     tuple(stations))
    return Flood("", "", "", tuple(rivers), tuple(cities), main_text, tuple(stations))
