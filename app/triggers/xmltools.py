"""Namespace-aware lookups over ElementTree, tolerant of missing elements.

JMA bulletins are read by namespace URI, never by prefix (a prefix is the sender's choice).
Every helper returns "" or an empty list when an element is absent, because absent and empty
are both common in real telegrams (``<Serial/>``, a 取消 without a Body structure).
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

JMX = "http://xml.kishou.go.jp/jmaxml1/"
IB = "http://xml.kishou.go.jp/jmaxml1/informationBasis1/"
SEIS = "http://xml.kishou.go.jp/jmaxml1/body/seismology1/"
MET = "http://xml.kishou.go.jp/jmaxml1/body/meteorology1/"
VOLC = "http://xml.kishou.go.jp/jmaxml1/body/volcanology1/"
EB = "http://xml.kishou.go.jp/jmaxml1/elementBasis1/"


def q(ns: str, path: str) -> str:
    """``q(SEIS, "Earthquake/OriginTime")`` -> the Clark-notation path ElementTree expects."""
    return "/".join(f"{{{ns}}}{part}" if part not in (".", "..", "*") else part
                    for part in path.split("/"))


def text(element: Element | None, ns: str = "", path: str = "") -> str:
    if element is None:
        return ""
    found = element.find(q(ns, path)) if path else element
    if found is None or found.text is None:
        return ""
    return found.text.strip()


def find(element: Element | None, ns: str, path: str) -> Element | None:
    return None if element is None else element.find(q(ns, path))


def findall(element: Element | None, ns: str, path: str) -> list[Element]:
    return [] if element is None else element.findall(q(ns, path))


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def children(element: Element | None, name: str) -> Iterator[Element]:
    """Children with local name ``name`` in any namespace (Body elements inherit the Body ns)."""
    if element is None:
        return
    for child in element:
        if local(child.tag) == name:
            yield child
