"""CAP 1.2 (OASIS Common Alerting Protocol): every message as an alert, and an Atom index of them.

Pure functions, no I/O: the renderer turns a draft into the parts of an alert the console can
preview; the driver adds what only configuration and the ledger know (sender, the
municipality's area codes, the identifier made from the message id, the ``references`` of the
original for an Update or a Cancel) through :func:`alert_from_payload`, and every document is
checked against the OASIS XSD (``resources/cap/CAP-v1.2.xsd``) before it leaves.

The ledger's reference for a CAP delivery is CAP's own reference triple
``sender,identifier,sent`` (:func:`reference`), exactly what a later Update or Cancel must
quote in ``<references>``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from app.compose.text import normalise_newlines
from app.domain import CATEGORIES, Draft, Finding, Medium, Rendition, Severity, Urgency

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM_NS = "http://www.w3.org/2005/Atom"
XSD_PATH = Path(__file__).resolve().parents[2] / "resources" / "cap" / "CAP-v1.2.xsd"
JST = dt.timezone(dt.timedelta(hours=9), "JST")
CAP_CONTENT_TYPE = "application/cap+xml"

# Issei's category -> CAP <category> (CAP 1.2 §3.2.2 enumeration).
CAP_CATEGORY = {
    "disaster": "Safety",
    "crime": "Security",
    "health": "Health",
    "weather": "Met",
    "event": "Other",
    "life": "Other",
}
# Issei's urgency -> (urgency, severity, certainty). A municipality's 緊急 is an order to act
# now; 通常 is a notice about the future.
CAP_LEVELS = {
    Urgency.EMERGENCY: ("Immediate", "Severe", "Observed"),
    Urgency.IMPORTANT: ("Expected", "Moderate", "Likely"),
    Urgency.NORMAL: ("Future", "Minor", "Likely"),
}
MSG_TYPES = {"alert": "Alert", "correction": "Update", "cancellation": "Cancel"}
LANGUAGE_TAGS = {"ja": "ja-JP", "en": "en-US", "zh": "zh-CN", "ko": "ko-KR", "pt": "pt-BR"}
# CAP 1.2 §3.2.1: identifier and sender "MUST NOT include spaces, commas or restricted
# characters (< and &)".
FORBIDDEN_IN_ID = (" ", ",", "<", "&", "\t", "\n")
HEADLINE_SOFT_LIMIT = 160  # CAP 1.2 §3.2.2: "SHOULD be … less than 160 characters"
EXPIRES_HOURS = 24


def clock() -> dt.datetime:
    """Now, in Japan time. Tests replace it to get fixed documents."""
    return dt.datetime.now(JST)


def cap_time(value: dt.datetime) -> str:
    """CAP's dateTime: seconds, an explicit offset, never "Z" (the XSD's pattern)."""
    if value.tzinfo is None:
        raise ValueError("CAP times need a time zone")
    return value.replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class CapArea:
    desc: str
    geocodes: tuple[tuple[str, str], ...] = ()  # (valueName, value)


@dataclass(frozen=True)
class CapInfo:
    language: str
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    web: str = ""
    expires: str = ""
    areas: tuple[CapArea, ...] = ()


@dataclass(frozen=True)
class CapAlert:
    identifier: str
    sender: str
    sent: str
    status: str  # Actual | Exercise | System | Test | Draft
    msg_type: str  # Alert | Update | Cancel
    scope: str = "Public"
    note: str = ""
    references: tuple[str, ...] = ()  # "sender,identifier,sent" each
    infos: tuple[CapInfo, ...] = field(default_factory=tuple)


def reference(alert: CapAlert) -> str:
    return f"{alert.sender},{alert.identifier},{alert.sent}"


def build_cap_xml(alert: CapAlert) -> bytes:
    """The alert as UTF-8 XML, elements in the order the XSD's sequences demand."""
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})

    def sub(parent: etree._Element, name: str, text: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{CAP_NS}}}{name}")
        element.text = text
        return element

    for name, value in (("identifier", alert.identifier), ("sender", alert.sender),
                        ("sent", alert.sent), ("status", alert.status),
                        ("msgType", alert.msg_type), ("scope", alert.scope)):
        sub(root, name, value)
    if alert.note:
        sub(root, "note", alert.note)
    if alert.references:
        sub(root, "references", " ".join(alert.references))
    for info in alert.infos:
        node = etree.SubElement(root, f"{{{CAP_NS}}}info")
        sub(node, "language", info.language)
        sub(node, "category", info.category)
        sub(node, "event", info.event)
        sub(node, "urgency", info.urgency)
        sub(node, "severity", info.severity)
        sub(node, "certainty", info.certainty)
        if info.expires:
            sub(node, "expires", info.expires)
        for name, value in (("senderName", info.sender_name), ("headline", info.headline),
                            ("description", info.description),
                            ("instruction", info.instruction), ("web", info.web)):
            if value:
                sub(node, name, value)
        for area in info.areas:
            area_node = etree.SubElement(node, f"{{{CAP_NS}}}area")
            sub(area_node, "areaDesc", area.desc)
            for value_name, value in area.geocodes:
                geocode = etree.SubElement(area_node, f"{{{CAP_NS}}}geocode")
                sub(geocode, "valueName", value_name)
                sub(geocode, "value", value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@functools.cache
def cap_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return etree.XMLSchema(etree.parse(str(XSD_PATH), parser))


def validate_cap(document: bytes) -> list[str]:
    """Problems with a CAP 1.2 document: the XSD first, then the rules the XSD cannot say."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(document, parser)
    except etree.XMLSyntaxError as exc:
        return [f"XMLとして読めません: {exc}"]
    schema = cap_schema()
    if not schema.validate(root):
        return [f"{e.line}行: {e.message}" for e in schema.error_log]  # type: ignore[attr-defined]
    problems = []
    ns = {"c": CAP_NS}
    for name in ("identifier", "sender"):
        value = root.findtext(f"c:{name}", namespaces=ns) or ""
        if not value or any(ch in value for ch in FORBIDDEN_IN_ID):
            problems.append(f"{name}: 空白・カンマ・<・& は使えません（{value!r}）")
    msg_type = root.findtext("c:msgType", namespaces=ns)
    refs = (root.findtext("c:references", namespaces=ns) or "").split()
    if msg_type in ("Update", "Cancel") and not refs:
        problems.append(f"msgType {msg_type}: もとの警報を references で示す必要があります")
    for ref in refs:
        if len(ref.split(",")) != 3:
            problems.append(f"references: 「送信者,識別子,送信時刻」の形ではありません（{ref}）")
    return problems


# -- rendering -----------------------------------------------------------------------------------


def language_tag(language: str) -> str:
    return LANGUAGE_TAGS.get(language, language)


def _info_payload(draft: Draft, language: str) -> dict[str, Any]:
    urgency, severity, certainty = CAP_LEVELS[draft.urgency]
    category = CATEGORIES.get(draft.category, draft.category)
    headline = draft.title.strip()
    if draft.training:
        headline = f"【訓練】{headline}"
    return {
        "language": language_tag(language),
        "category": CAP_CATEGORY.get(draft.category, "Other"),
        "event": f"{category}情報",
        "urgency": urgency,
        "severity": severity,
        "certainty": certainty,
        "headline": headline,
        "description": normalise_newlines(draft.body).strip(),
        "areas": list(draft.areas),
    }


def _drafts_by_language(draft: Draft, language: str) -> list[tuple[str, Draft]]:
    """The draft in each of its languages, for one alert with one ``info`` per language.

    Only the Japanese rendition is sent (the alert is one document); it asks the translation
    module for each other language's reviewed text. A rendition in another language already
    holds its translation and carries only its own ``info`` (for the preview)."""
    if language != "ja":
        return [(language, draft)]
    drafts: list[tuple[str, Draft]] = []
    for lang in draft.languages or ("ja",):
        if lang == "ja":
            drafts.append((lang, draft))
            continue
        from app.translation.compose import localise

        # Without a reviewed translation the other language's rendition carries the error
        # that refuses the send; the Japanese stands in here only for the preview.
        drafts.append((lang, localise(draft, lang)[0]))
    return drafts


def render_cap(draft: Draft, language: str) -> Rendition:
    """The parts of the alert a draft decides; one ``info`` per language of the draft.

    ``sent`` is fixed here, when the message is written, so that every retry of the delivery
    carries the same reference triple and a receiver can recognise a repeat."""
    sent = clock()
    payload: dict[str, Any] = {
        "sent": cap_time(sent),
        "expires": cap_time(sent + dt.timedelta(hours=EXPIRES_HOURS)),
        "status": "Exercise" if draft.training else "Actual",
        "msgType": MSG_TYPES.get(draft.kind, "Alert"),
        "note": "訓練です。実際の災害ではありません。" if draft.training else "",
        "infos": [_info_payload(d, lang) for lang, d in _drafts_by_language(draft, language)],
    }
    name = " ".join(draft.sender_name.split())
    if name:  # issue 7: the department's name in every info; without it the channel's
        payload["senderName"] = name
    rendition = Rendition(Medium.CAP, language, payload)
    if not draft.title.strip():
        rendition.findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        rendition.findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    if len(draft.title.strip()) > HEADLINE_SOFT_LIMIT:
        rendition.findings.append(
            Finding(Severity.WARNING, "headline_long",
                    f"CAPの見出しは{HEADLINE_SOFT_LIMIT}文字未満が推奨です")
        )
    if not rendition.has_errors:
        # The same builder the driver uses, with stand-ins for what configuration adds: a
        # draft that cannot become a schema-valid alert is refused before anything is sent.
        trial = alert_from_payload(
            payload, identifier="urn:uuid:00000000-0000-0000-0000-000000000000",
            sender="preview@issei.invalid", references=("a,b,2000-01-01T00:00:00+09:00",),
        )
        for problem in validate_cap(build_cap_xml(trial)):
            rendition.findings.append(
                Finding(Severity.ERROR, "cap_invalid", f"CAP 1.2として不正です: {problem}")
            )
    return rendition


def alert_from_payload(
    payload: dict[str, Any],
    *,
    identifier: str,
    sender: str,
    sender_name: str = "",
    area_desc: str = "",
    area_codes: tuple[str, ...] = (),
    geocode_name: str = "JISX0402",
    web: str = "",
    msg_type: str | None = None,
    references: tuple[str, ...] = (),
) -> CapAlert:
    """The full alert from a rendition's payload and what configuration and the ledger add."""
    kind = msg_type or str(payload.get("msgType", "Alert"))
    sender_name = str(payload.get("senderName") or sender_name)  # the department's first
    if kind in ("Update", "Cancel") and not references:
        kind = "Alert"  # nothing to refer to (the original never reached CAP): a new alert
    infos = []
    for raw in payload.get("infos", []):
        named = [str(a) for a in raw.get("areas", []) if str(a).strip()]
        desc = area_desc or "全域"
        if named:
            desc = f"{desc}（{'、'.join(named)}）"
        geocodes = tuple((geocode_name, code) for code in area_codes)
        infos.append(
            CapInfo(
                language=str(raw["language"]),
                category=str(raw["category"]),
                event=str(raw["event"]),
                urgency=str(raw["urgency"]),
                severity=str(raw["severity"]),
                certainty=str(raw["certainty"]),
                headline=str(raw.get("headline", "")),
                description=str(raw.get("description", "")),
                sender_name=sender_name,
                web=web,
                expires=str(payload.get("expires", "")),
                areas=(CapArea(desc, geocodes),),
            )
        )
    return CapAlert(
        identifier=identifier,
        sender=sender,
        sent=str(payload["sent"]),
        status=str(payload.get("status", "Actual")),
        msg_type=kind,
        note=str(payload.get("note", "")),
        references=references if kind in ("Update", "Cancel") else (),
        infos=tuple(infos),
    )


# -- the Atom index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    id: str  # the alert's identifier
    title: str
    updated: str
    summary: str
    link: str  # where the CAP document can be fetched


def update_feed(
    existing: bytes | None,
    entry: FeedEntry,
    *,
    feed_id: str,
    title: str,
    author: str,
    self_link: str = "",
    max_entries: int = 50,
) -> bytes:
    """An Atom (RFC 4287) index of CAP alerts with ``entry`` first.

    An entry with the same id replaces the old one, so writing the feed again on a retry
    never lists an alert twice; the oldest entries beyond ``max_entries`` drop off."""
    old_entries: list[etree._Element] = []
    if existing:
        from app.ingest.cap import parse_untrusted

        try:
            old_root = parse_untrusted(existing)
            old_entries = [e for e in old_root.findall(f"{{{ATOM_NS}}}entry")
                           if e.findtext(f"{{{ATOM_NS}}}id") != entry.id]
        except ValueError:
            old_entries = []  # a damaged index is rebuilt rather than blocking the alert
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    etree.SubElement(root, f"{{{ATOM_NS}}}id").text = feed_id
    etree.SubElement(root, f"{{{ATOM_NS}}}title").text = title
    etree.SubElement(root, f"{{{ATOM_NS}}}updated").text = entry.updated
    author_node = etree.SubElement(root, f"{{{ATOM_NS}}}author")
    etree.SubElement(author_node, f"{{{ATOM_NS}}}name").text = author
    if self_link:
        etree.SubElement(root, f"{{{ATOM_NS}}}link", rel="self", href=self_link)
    new = etree.SubElement(root, f"{{{ATOM_NS}}}entry")
    etree.SubElement(new, f"{{{ATOM_NS}}}id").text = entry.id
    etree.SubElement(new, f"{{{ATOM_NS}}}title").text = entry.title
    etree.SubElement(new, f"{{{ATOM_NS}}}updated").text = entry.updated
    etree.SubElement(new, f"{{{ATOM_NS}}}summary").text = entry.summary
    etree.SubElement(new, f"{{{ATOM_NS}}}link", rel="alternate", type=CAP_CONTENT_TYPE,
                     href=entry.link)
    for old in old_entries[: max(0, max_entries - 1)]:
        root.append(old)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
