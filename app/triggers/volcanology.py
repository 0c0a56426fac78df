"""Volcano body: 噴火警報・予報 (VFVO50)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

from app.triggers.xmltools import VOLC, findall, text


@dataclass(frozen=True)
class VolcanoKind:
    name: str  # 火口周辺警報 / レベル３（入山規制）
    code: str
    condition: str  # 発表 / 引上げ / 引下げ / 継続 / 解除
    last_name: str
    last_code: str
    areas: tuple[tuple[str, str], ...]  # (code, name)


@dataclass(frozen=True)
class Volcano:
    name: str  # 浅間山
    code: str
    level: VolcanoKind | None  # （対象火山）: 噴火警戒レベル or keyword
    municipal: tuple[VolcanoKind, ...]  # （対象市町村等）: the warning per municipality
    headline: str  # VolcanoHeadline


def _kinds(body: Element, suffix: str) -> list[VolcanoKind]:
    kinds: list[VolcanoKind] = []
    for info in findall(body, VOLC, "VolcanoInfo"):
        if not info.get("type", "").endswith(suffix):
            continue
        for item in findall(info, VOLC, "Item"):
            kinds.append(VolcanoKind(
                name=text(item, VOLC, "Kind/Name"),
                code=text(item, VOLC, "Kind/Code"),
                condition=text(item, VOLC, "Kind/Condition"),
                last_name=text(item, VOLC, "LastKind/Name"),
                last_code=text(item, VOLC, "LastKind/Code"),
                areas=tuple((text(a, VOLC, "Code"), text(a, VOLC, "Name"))
                            for a in findall(item, VOLC, "Areas/Area")),
            ))
    return kinds


def parse_volcano(body: Element, _head: Element | None) -> Volcano:
    target = _kinds(body, "（対象火山）")
    level = target[0] if target else None
    name, code = ("", "")
    if level is not None and level.areas:
        code, name = level.areas[0]
    return Volcano(
        name=name,
        code=code,
        level=level,
        municipal=tuple(_kinds(body, "（対象市町村等）")),
        headline=text(body, VOLC, "VolcanoInfoContent/VolcanoHeadline"),
    )
