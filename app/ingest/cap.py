"""CAP 1.2 input (for trigger rules): untrusted XML, read without DTDs or entities.

A CAP document from a feed or a partner is attacker-controlled. XML's document type
declaration carries every classic attack: external entities that read local files or call
internal URLs (XXE, the ``xee.cap`` sample), parameter entities that fetch a remote DTD, and
nested internal entities that expand to gigabytes ("billion laughs"). CAP never needs a DTD,
so any document that declares one is refused outright, before and after parsing; the parser
itself never resolves entities, never touches the network and never processes XInclude.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from app.compose.cap import CAP_NS, CapAlert, CapArea, CapInfo, validate_cap

MAX_BYTES = 5 * 1024 * 1024  # the largest real alerts (national polygons) are under 1 MB

# "<!DOCTYPE" / "<!ENTITY" in the encodings an XML document may declare without a BOM
# sniffing trick: a byte scan before parsing, so a parser quirk can never be reached.
_DECLARATIONS = tuple(
    marker.encode(codec)
    for marker in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


class CapInputError(ValueError):
    """The document is refused; the message says why, in Japanese."""


@dataclass(frozen=True)
class ParsedCap:
    alert: CapAlert
    problems: tuple[str, ...]  # schema problems (empty: valid CAP 1.2)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,  # &xxe; stays an unresolved reference, never file contents
        no_network=True,  # no DTD, entity or schema is fetched, whatever the document says
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,  # libxml2's own limits on depth and text size stay on
        remove_pis=True,  # <?xml-stylesheet?> is not ours to follow
    )


def parse_untrusted(data: bytes) -> etree._Element:
    """The root element of an untrusted XML document; refuses DTDs, entities and huge input."""
    if len(data) > MAX_BYTES:
        raise CapInputError(f"XMLが大きすぎます（{len(data)}バイト、上限 {MAX_BYTES}）")
    if any(marker in data for marker in _DECLARATIONS):
        raise CapInputError(
            "XMLに文書型宣言（DOCTYPE／ENTITY）が含まれているため読み込みません"
            "（外部実体・実体展開攻撃の恐れ）"
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CapInputError(f"XMLとして読めません: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise CapInputError("XMLに文書型宣言が含まれているため読み込みません")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise CapInputError("XMLに実体参照が含まれているため読み込みません")
    return root


def parse_cap(data: bytes) -> ParsedCap:
    """A CAP 1.2 alert from untrusted bytes. Raises :class:`CapInputError` when refused."""
    root = parse_untrusted(data)
    if root.tag != f"{{{CAP_NS}}}alert":
        raise CapInputError(f"CAP 1.2 の alert ではありません（{root.tag}）")
    problems = tuple(validate_cap(etree.tostring(root)))
    ns = {"c": CAP_NS}

    def text(node: etree._Element, name: str) -> str:
        return (node.findtext(f"c:{name}", namespaces=ns) or "").strip()

    infos = []
    for info in root.findall("c:info", ns):
        areas = tuple(
            CapArea(
                text(area, "areaDesc"),
                tuple((text(g, "valueName"), text(g, "value"))
                      for g in area.findall("c:geocode", ns)),
            )
            for area in info.findall("c:area", ns)
        )
        infos.append(
            CapInfo(
                language=text(info, "language") or "en-US",  # CAP's default
                category=text(info, "category"),
                event=text(info, "event"),
                urgency=text(info, "urgency"),
                severity=text(info, "severity"),
                certainty=text(info, "certainty"),
                headline=text(info, "headline"),
                description=text(info, "description"),
                instruction=text(info, "instruction"),
                sender_name=text(info, "senderName"),
                web=text(info, "web"),
                expires=text(info, "expires"),
                areas=areas,
            )
        )
    alert = CapAlert(
        identifier=text(root, "identifier"),
        sender=text(root, "sender"),
        sent=text(root, "sent"),
        status=text(root, "status"),
        msg_type=text(root, "msgType"),
        scope=text(root, "scope"),
        note=text(root, "note"),
        references=tuple(text(root, "references").split()),
        infos=tuple(infos),
    )
    return ParsedCap(alert, problems)
