"""Safe XML reading for JMA bulletins and Atom feeds.

Bulletins and feeds come from the network, so the parser must refuse what an attacker could use:
a DTD (and with it every entity: XXE, "billion laughs"), external references, and absurd sizes.
defusedxml refuses DTDs and entities outright; nothing JMA publishes carries either.

The bytes are decoded here rather than by expat, because expat cannot decode multi-byte
encodings (Shift_JIS) and reports a wrongly encoded file as "invalid token" at some offset,
which tells an operator nothing. Every failure becomes a ``BulletinError`` worded in Japanese.
"""

from __future__ import annotations

import codecs
import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BYTES = 20 * 1024 * 1024  # the largest official samples are ~5 MB (VPWS50)

_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class BulletinError(ValueError):
    """The bytes cannot be read as a bulletin; the message is for the operator (Japanese)."""


def decode(raw: bytes) -> str:
    """Text of an XML document: BOM first, then the declared encoding, else UTF-8."""
    if not raw.strip():
        raise BulletinError("電文が空です")
    if len(raw) > MAX_BYTES:
        raise BulletinError(f"電文が大きすぎます（{len(raw) // 1024 // 1024} MB）")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, body = name, raw[len(bom):]
            break
    else:
        match = _DECLARED.match(raw.lstrip()[:200])
        encoding = match.group(1).decode("ascii").lower() if match else "utf-8"
        body = raw
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise BulletinError(f"電文の文字コード「{encoding}」は扱えません") from None
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BulletinError(
            f"電文の文字コードが宣言（{encoding}）と一致しません"
            f"（{exc.start}バイト目）。別の文字コードで保存されたファイルの可能性があります"
        ) from None


def parse_xml(raw: bytes) -> Element:
    text = decode(raw)
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BulletinError(
            "DTD（文書型宣言）や実体参照を含むXMLは安全のため読み込みません"
        ) from None
    except ParseError as exc:
        line, column = exc.position
        if exc.code == 3 or "no element found" in str(exc) or "unclosed token" in str(exc):
            raise BulletinError(
                f"電文が途中で切れています（{line}行目）。受信が中断された可能性があります"
            ) from None
        raise BulletinError(f"XMLとして読めません（{line}行{column}列）: {exc}") from None
    except ValueError as exc:  # expat refuses some inputs (e.g. a stray encoding) this way
        raise BulletinError(f"XMLとして読めません: {exc}") from None
