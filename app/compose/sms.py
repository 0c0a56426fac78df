"""SMS rendering: the text, its encoding, how many parts it is billed as, and what it costs.

Japanese text cannot be sent in GSM-7, so it goes as UCS-2: 70 UTF-16 units fit in one SMS;
a longer text is concatenated and each part carries only 67 (the user data header takes the
rest). Numbers are converted to E.164 here too, so the preview and the driver agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, NamedTuple

from app.compose import links
from app.compose.text import bracketed_title, normalise_newlines, phrases, utf16_length
from app.compose.website import with_details
from app.domain import Draft, Finding, Medium, Rendition, Severity, Urgency

UCS2_SINGLE = 70
UCS2_PART = 67
GSM7_SINGLE = 160
GSM7_PART = 153
# Twilio refuses a Body over 1,600 characters (Messages API, Body parameter).
TWILIO_BODY_LIMIT = 1600
PARTS_WARNING = 4  # beyond this, older phones may show the parts separately or late

# GSM 03.38 basic character set and the extension table (which costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")


@dataclass
class SmsRenderOptions:
    """Set from ``[channels.sms]`` by the composition root (see drivers/sms.py)."""

    cost_per_part: float = 11.0  # 円 per billed part; the contract's price, configurable
    currency: str = "円"
    # A text longer than this many parts, when the website carries the message, is cut to
    # fit them and ends with 「詳細はこちら→<permalink>」 (cost and delay stay small).
    link_parts: int = 3


OPTIONS = SmsRenderOptions()


def configure(cost_per_part: float, currency: str = "円", link_parts: int = 3) -> None:
    OPTIONS.cost_per_part = cost_per_part
    OPTIONS.currency = currency
    OPTIONS.link_parts = max(1, link_parts)


class Segmentation(NamedTuple):
    encoding: str  # "GSM-7" | "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int


def _is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def segments(text: str) -> Segmentation:
    """How a carrier bills ``text``: encoding, units and the number of parts."""
    if not text:
        return Segmentation("GSM-7", 0, 0)
    if _is_gsm7(text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        parts = 1 if units <= GSM7_SINGLE else _split_count(
            [2 if c in GSM7_EXTENDED else 1 for c in text], GSM7_PART)
        return Segmentation("GSM-7", units, parts)
    widths = [2 if ord(c) > 0xFFFF else 1 for c in text]
    units = sum(widths)
    parts = 1 if units <= UCS2_SINGLE else _split_count(widths, UCS2_PART)
    return Segmentation("UCS-2", units, parts)


def _split_count(widths: list[int], size: int) -> int:
    """Parts needed when a character (a surrogate pair, an escaped septet) is never split."""
    parts, used = 1, 0
    for width in widths:
        if used + width > size:
            parts += 1
            used = 0
        used += width
    return parts


class PhoneNumberError(ValueError):
    pass


_PHONE_JUNK = re.compile(r"[\s\-‐‑‒–—―ー−()（）.]")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def to_e164(number: str, country_code: str = "81") -> str:
    """090-1234-5678 → +819012345678; 0081… and +81… are kept; anything else is refused.

    Full-width digits (from Excel lists) are folded first. A national number loses its
    trunk prefix 0 (Japan) and gains the country code.
    """
    text = unicodedata.normalize("NFKC", number).strip()
    text = _PHONE_JUNK.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("0") and text[1:].isdigit():
        text = f"+{country_code}{text[1:]}"
    elif text.isdigit() and text.startswith(country_code) and len(text) >= 11:
        text = "+" + text
    if not E164.match(text):
        raise PhoneNumberError(f"電話番号「{number}」をE.164形式にできません")
    return text


def sms_text(draft: Draft, language: str = "ja") -> str:
    fixed = phrases(language)  # the marks in the rendition's language
    training = fixed.training_mark if draft.training else ""
    urgent = fixed.emergency_mark if draft.urgency is Urgency.EMERGENCY else ""
    head = f"{training}{urgent}{bracketed_title(draft.title)}"
    return f"{head}\n{normalise_newlines(draft.body).strip()}"


def _link_limit() -> int:
    """UTF-16 units that fit in ``link_parts`` parts (UCS-2: the conservative case)."""
    n = OPTIONS.link_parts
    return UCS2_SINGLE if n <= 1 else n * UCS2_PART


def sms_fields(text: str) -> dict[str, Any]:
    seg = segments(text)
    return {
        "body": text,
        "encoding": seg.encoding,
        "units": seg.units,
        "parts": seg.parts,
        "cost_per_recipient": round(seg.parts * OPTIONS.cost_per_part, 2),
        "currency": OPTIONS.currency,
    }


def render_sms(draft: Draft, language: str) -> Rendition:
    text = sms_text(draft, language)
    extra: dict[str, Any] = {}
    sent = text
    if Medium.WEBSITE in draft.media and segments(text).parts > OPTIONS.link_parts:
        # The permalink comes when the website post is up (app.compose.links); the preview
        # shows where it goes, and the whole text is sent if it does not come in time.
        sent = with_details(text, links.PLACEHOLDER, limit=_link_limit(), measure=utf16_length)
        extra = {links.PENDING: True, "full_text": text}
    fields = sms_fields(sent)
    rendition = Rendition(Medium.SMS, language, {**fields, **extra})
    seg = segments(sent)
    cost = fields["cost_per_recipient"]
    if not draft.title.strip():
        rendition.findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        rendition.findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    cost_text = f"{cost:g}{OPTIONS.currency}"
    rendition.findings.append(
        Finding(Severity.OK, "sms_parts",
                f"SMS {seg.parts}通分（{seg.encoding}・{seg.units}文字）、"
                f"1人あたり約{cost_text}")
    )
    if extra:
        whole = segments(text)
        rendition.findings.append(Finding(
            Severity.OK, "sms_link",
            f"SMSは{OPTIONS.link_parts}通分に短くし、最後にホームページの記事のURL"
            "（「詳細はこちら」）を入れます。記事のURLが"
            f"{links.OPTIONS.wait_seconds:g}秒以内に得られないときは全文（{whole.parts}通分）"
            "を送ります"))
    if len(text) > TWILIO_BODY_LIMIT:
        rendition.findings.append(
            Finding(Severity.ERROR, "too_long",
                    f"SMSの本文が長すぎます（{len(text)}／{TWILIO_BODY_LIMIT}文字）")
        )
    elif seg.parts > PARTS_WARNING:
        rendition.findings.append(
            Finding(Severity.WARNING, "many_parts",
                    f"SMSが{seg.parts}通に分割されます。短くすると費用と遅延が減ります")
        )
    return rendition


def settle_link(payload: dict[str, Any], link: str | None) -> dict[str, Any]:
    """What is sent: the short text with the real permalink, or the whole text without it."""
    if not payload.get(links.PENDING):
        return payload
    full = str(payload.get("full_text") or payload.get("body", ""))
    text = with_details(full, link, limit=_link_limit(), measure=utf16_length) if link else full
    return {**sms_fields(text), "link": link}
