"""A parsed JMA bulletin: the common envelope plus the body facts of its type.

Dispatch is on ``Control/Title`` *and* the Body namespace (JMA.md §2): the title names the
product, the namespace proves the body is the kind of document the title claims. Element
prefixes are never looked at.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from app.triggers.xmlsafe import BulletinError, parse_xml
from app.triggers.xmltools import IB, JMX, MET, SEIS, VOLC, find, local, namespace, text

STATUS_NORMAL = "通常"
INFO_ISSUE, INFO_CORRECTION, INFO_CANCEL = "発表", "訂正", "取消"


def parse_time(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


JST = dt.timezone(dt.timedelta(hours=9), "JST")


def jst_label(moment: dt.datetime | None, *, with_day: bool = True) -> str:
    """``1日16時10分`` — the way JMA's own headlines write times."""
    if moment is None:
        return "時刻不明"
    local_time = moment.astimezone(JST)
    clock = f"{local_time.hour}時{local_time.minute:02d}分"
    return f"{local_time.day}日{clock}" if with_day else clock


@dataclass(frozen=True)
class Envelope:
    control_title: str
    status: str
    editorial_office: str
    publishing_office: str
    issued_at: dt.datetime | None  # Control/DateTime (UTC)
    head_title: str
    report_time: dt.datetime | None  # Head/ReportDateTime (+09:00)
    target_time: dt.datetime | None
    valid_time: dt.datetime | None
    event_id: str
    info_type: str
    serial: str
    info_kind: str
    headline: str
    body_ns: str
    body_text: str  # Body/Text: what a 取消 says

    @property
    def event_ids(self) -> tuple[str, ...]:
        # Tsunami telegrams may name several events, space separated (JMA.md §3.3).
        return tuple(self.event_id.split())

    @property
    def key(self) -> str:
        """Identity of one issued telegram. InfoType is part of it: a 取消 repeats the Serial
        of the report it cancels, so (EventID, Serial) alone would swallow the cancellation."""
        parts = (self.control_title, self.editorial_office, self.event_id, self.info_type,
                 self.serial, self.report_time.isoformat() if self.report_time else "",
                 self.issued_at.isoformat() if self.issued_at else "", self.head_title)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @property
    def is_drill(self) -> bool:
        return self.status != STATUS_NORMAL


@dataclass(frozen=True)
class TypeSpec:
    code: str  # JMA data-type code, e.g. VXSE53
    family: str  # what rules speak of: earthquake, eew, tsunami, weather, …
    body_ns: str
    label: str  # Japanese, for the operator
    parse: Callable[[Element, Element | None], Any] | None = None  # (Body, Head)


@dataclass(frozen=True)
class Bulletin:
    envelope: Envelope
    spec: TypeSpec | None
    body: Any  # the family's dataclass (see seismology/meteorology/volcanology), or None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def type_code(self) -> str:
        return self.spec.code if self.spec else ""

    @property
    def family(self) -> str:
        return self.spec.family if self.spec else ""


def _registry() -> tuple[dict[str, TypeSpec], list[tuple[str, TypeSpec]]]:
    from app.triggers import meteorology as m
    from app.triggers import seismology as s
    from app.triggers import volcanology as v

    exact = {
        "震度速報": TypeSpec("VXSE51", "earthquake", SEIS, "震度速報", s.parse_quake),
        "震源に関する情報": TypeSpec("VXSE52", "hypocenter", SEIS, "震源に関する情報",
                                    s.parse_quake),
        "震源・震度に関する情報": TypeSpec("VXSE53", "earthquake", SEIS, "震源・震度に関する情報",
                                        s.parse_quake),
        "緊急地震速報（警報）": TypeSpec("VXSE43", "eew", SEIS, "緊急地震速報（警報）",
                                      s.parse_eew),
        "緊急地震速報（予報）": TypeSpec("VXSE44", "eew", SEIS, "緊急地震速報（予報）",
                                      s.parse_eew),
        "緊急地震速報（地震動予報）": TypeSpec("VXSE45", "eew", SEIS, "緊急地震速報（地震動予報）",
                                          s.parse_eew),
        "緊急地震速報配信テスト": TypeSpec("VXSE42", "eew_test", SEIS, "緊急地震速報配信テスト"),
        # The trailing "a" is part of the official title (JMA.md §3.3): match it exactly.
        "津波警報・注意報・予報a": TypeSpec("VTSE41", "tsunami", SEIS, "津波警報・注意報・予報",
                                        s.parse_tsunami),
        "津波情報a": TypeSpec("VTSE51", "tsunami", SEIS, "津波情報", s.parse_tsunami),
        "気象警報・注意報（Ｈ２７）": TypeSpec("VPWW54", "weather", MET, "気象警報・注意報",
                                           m.parse_warnings),
        "土砂災害警戒情報": TypeSpec("VXWW50", "landslide", MET, "土砂災害警戒情報",
                                  m.parse_warnings),
        "指定河川洪水予報": TypeSpec("VXKO", "flood", MET, "指定河川洪水予報", m.parse_flood),
        "竜巻注意情報": TypeSpec("VPHW50", "tornado", MET, "竜巻注意情報", m.parse_warnings),
        "竜巻注意情報（目撃情報付き）": TypeSpec("VPHW51", "tornado", MET,
                                            "竜巻注意情報（目撃情報付き）", m.parse_warnings),
        "記録的短時間大雨情報": TypeSpec("VPOA50", "record_rain", MET, "記録的短時間大雨情報",
                                      m.parse_warnings),
        "府県気象防災速報": TypeSpec("VPBS50", "record_rain", MET, "府県気象防災速報",
                                  m.parse_flash),
        "噴火警報・予報": TypeSpec("VFVO50", "volcano", VOLC, "噴火警報・予報", v.parse_volcano),
    }
    # 2026 warnings: one product per hazard. The suffix wording changed between sample
    # versions and the live feed (（土砂災害） vs （土砂）), so both spellings are accepted.
    r06 = "気象警報・注意報（Ｒ０６）"
    prefixed = [
        (f"{r06}（大雨）", "VPWW55"), (f"{r06}（土砂）", "VPWW56"),
        (f"{r06}（土砂災害）", "VPWW56"),
        (f"{r06}（高潮）", "VPWW57"), (f"{r06}（暴風）", "VPWW58"), (f"{r06}（暴風雪）", "VPWW58"),
        (f"{r06}（波浪）", "VPWW59"), (f"{r06}（大雪）", "VPWW60"),
        (f"{r06}（その他注意報）", "VPWW61"),
    ]
    for title, code in prefixed:
        exact[title] = TypeSpec(code, "weather", MET, title.removeprefix(r06),
                                m.parse_warnings)
    # An R06 title we do not know yet still parses as a weather warning rather than being lost.
    fallback = [(r06, TypeSpec("VPWW5x", "weather", MET, "気象警報・注意報（Ｒ０６）",
                               m.parse_warnings))]
    return exact, fallback


_EXACT: dict[str, TypeSpec] | None = None
_PREFIX: list[tuple[str, TypeSpec]] = []


def spec_for(control_title: str) -> TypeSpec | None:
    global _EXACT, _PREFIX
    if _EXACT is None:
        _EXACT, _PREFIX = _registry()
    spec = _EXACT.get(control_title)
    if spec is None:
        spec = next((s for prefix, s in _PREFIX if control_title.startswith(prefix)), None)
    return spec


def known_codes() -> set[str]:
    spec_for("")
    assert _EXACT is not None
    return {s.code for s in _EXACT.values()} | {s.code for _p, s in _PREFIX}


def parse_envelope(root: Element) -> Envelope:
    if local(root.tag) != "Report" or namespace(root.tag) != JMX:
        raise BulletinError(
            "気象庁防災情報XMLではありません（ルート要素が jmaxml1 の Report ではありません）"
        )
    control = find(root, JMX, "Control")
    head = find(root, IB, "Head")
    if control is None or head is None:
        raise BulletinError("電文に Control または Head がありません")
    body = next((child for child in root if local(child.tag) == "Body"), None)
    headline_text = text(head, IB, "Headline/Text")
    body_text = ""
    if body is not None:
        body_text = next((c.text.strip() for c in body if local(c.tag) == "Text" and c.text), "")
    return Envelope(
        control_title=text(control, JMX, "Title"),
        status=text(control, JMX, "Status"),
        editorial_office=text(control, JMX, "EditorialOffice"),
        publishing_office=text(control, JMX, "PublishingOffice"),
        issued_at=parse_time(text(control, JMX, "DateTime")),
        head_title=text(head, IB, "Title"),
        report_time=parse_time(text(head, IB, "ReportDateTime")),
        target_time=parse_time(text(head, IB, "TargetDateTime")),
        valid_time=parse_time(text(head, IB, "ValidDateTime")),
        event_id=text(head, IB, "EventID"),
        info_type=text(head, IB, "InfoType"),
        serial=text(head, IB, "Serial"),
        info_kind=text(head, IB, "InfoKind"),
        headline=headline_text,
        body_ns=namespace(body.tag) if body is not None else "",
        body_text=body_text,
    )


def parse_bulletin(raw: bytes) -> Bulletin:
    """Parse and dispatch; raises BulletinError (Japanese) for anything that is not readable.

    A readable bulletin of a type we do not handle comes back with ``spec=None``: it is kept
    and reported, never dropped silently.
    """
    root = parse_xml(raw)
    envelope = parse_envelope(root)
    if not envelope.control_title:
        raise BulletinError("電文に Control/Title がありません")
    if envelope.status not in ("通常", "訓練", "試験"):
        raise BulletinError(f"運用種別（Control/Status）「{envelope.status}」が読めません")
    if envelope.info_type not in (INFO_ISSUE, INFO_CORRECTION, INFO_CANCEL):
        raise BulletinError(f"情報形態（Head/InfoType）「{envelope.info_type}」が読めません")
    spec = spec_for(envelope.control_title)
    if spec is None:
        return Bulletin(envelope, None, None)
    if envelope.body_ns and envelope.body_ns != spec.body_ns:
        raise BulletinError(
            f"電文の種類（{envelope.control_title}）と本文の名前空間（{envelope.body_ns}）が"
            "一致しません"
        )
    body_el = next((child for child in root if local(child.tag) == "Body"), None)
    if envelope.info_type == INFO_CANCEL or spec.parse is None or body_el is None:
        # A 取消 carries only Body/Text (JMA.md §7.2): the state comes from its EventID.
        return Bulletin(envelope, spec, None)
    try:
        body = spec.parse(body_el, find(root, IB, "Head"))
    except (ValueError, AttributeError, IndexError) as exc:
        raise BulletinError(f"{spec.label}の本文を読めません: {exc}") from None
    return Bulletin(envelope, spec, body)
