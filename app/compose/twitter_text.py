"""X's weighted length (twitter-text v3) and its validators, checked against the conformance
vectors of twitter/twitter-text (tests/data/specs/x/).

The weights come from ``config/v3.json``: characters in a few ranges (Latin, general
punctuation) weigh 100, everything else (CJK, kana, emoji) 200, out of 280 × 100; a URL weighs
23 × 100 whatever its length; with emoji parsing an emoji sequence (ZWJ family, flag, keycap,
skin tone) weighs 200 as a whole.

Known simplification: twitter-text accepts a TLD only from its list. Here a URL with
``http(s)://`` may end in any alphabetic TLD (IDN TLDs included), and a URL without a protocol
needs one of :data:`TLDS` or any two-letter ASCII country code.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TextConfig:
    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    ranges: tuple[tuple[int, int, int], ...] = (
        (0, 4351, 100), (8192, 8205, 100), (8208, 8223, 100), (8242, 8247, 100),
    )
    emoji_parsing: bool = True

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TextConfig:
        return cls(
            max_weighted_length=int(data["maxWeightedTweetLength"]),
            scale=int(data["scale"]),
            default_weight=int(data["defaultWeight"]),
            transformed_url_length=int(data["transformedURLLength"]),
            ranges=tuple((int(r["start"]), int(r["end"]), int(r["weight"]))
                         for r in data.get("ranges", [])),
            emoji_parsing=bool(data.get("emojiParsingEnabled", False)),
        )


V3 = TextConfig()  # config/v3.json, the rules X applies today
V2 = TextConfig(emoji_parsing=False)  # config/v2.json: the same without emoji parsing
V1 = TextConfig(140, 1, 1, 23, (), False)  # the legacy 140-character rules

INVALID_CHARS = "\ufffe\ufeff\uffff"
DIRECTIONAL = "\u202a-\u202e\u061c\u200e\u200f\u2066-\u2069"

# -- emoji ------------------------------------------------------------------------------------

_PICT = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u2199\u21a9\u21aa\u231a\u231b\u2328\u2388"
    "\u23cf\u23e9-\u23f3\u23f8-\u23fa\u24c2\u25aa\u25ab\u25b6\u25c0\u25fb-\u25fe\u2600-\u27bf"
    "\u2934\u2935\u2b05-\u2b07\u2b1b\u2b1c\u2b50\u2b55\u3030\u303d\u3297\u3299"
    "\U0001f000-\U0001faff"
)
_MOD = "\U0001f3fb-\U0001f3ff"
_ONE = f"[{_PICT}][\ufe0e\ufe0f]?[{_MOD}]?(?:[\U000e0020-\U000e007e]+\U000e007f)?"
EMOJI = re.compile(
    f"[0-9#*]\ufe0f?\u20e3"  # keycap (also without FE0F, as twitter-text counts it)
    f"|[\U0001f1e6-\U0001f1ff]{{2}}"  # flag: two regional indicators
    f"|{_ONE}(?:\u200d{_ONE})*"
)

# -- URLs -------------------------------------------------------------------------------------

TLDS = frozenset(
    "com net org info biz edu gov mil int name pro aero asia cat coop jobs mobi museum tel "
    "travel xxx app dev io ai co me tv cc news blog shop site online tokyo osaka nagoya "
    "kyoto okinawa yokohama jp".split()
)
_PUNCT = r"""!"#$%&'()*+,./:;<=>?@\[\\\]^`{|}~"""
_DOMAIN_CHAR = rf"[^\s{re.escape(_PUNCT)}\-_{INVALID_CHARS}{DIRECTIONAL}\u3000-\u303f\uff01-\uff0f]"
_LABEL = rf"{_DOMAIN_CHAR}(?:(?:{_DOMAIN_CHAR}|[-_])*{_DOMAIN_CHAR})?"
_PATH_CHAR = r"[a-z0-9\u00c0-\u024f\u0400-\u04ff!*';:=+,.$/%#\[\]\-\u2013_~&|@]"
_PATH_END = r"[+\-a-z0-9\u00c0-\u024f\u0400-\u04ff=_#/]"
_BALANCED = r"\((?:[a-z0-9!*';:=+,.$/%#\[\]\-_~&|@]+)\)"
_PATH = rf"/(?:(?:{_PATH_CHAR}|{_BALANCED})*(?:{_PATH_END}|{_BALANCED}))?"
_QUERY = r"\?[a-z0-9!?*'();:&=+$/%#\[\]\-_.,~|@]*[a-z0-9\-_&=#/]"
_PRECEDING = rf"(?<![A-Za-z0-9@＠$#＃{INVALID_CHARS}])"
_TAIL = rf"(?::(?P<port>[0-9]+))?(?P<path>{_PATH})?(?P<query>{_QUERY})?"
URL_WITH_PROTOCOL = re.compile(
    rf"{_PRECEDING}(?P<url>https?://(?P<host>(?:{_LABEL}\.)+{_LABEL}){_TAIL})", re.IGNORECASE
)
_ASCII_LABEL = r"[a-z0-9](?:[a-z0-9_\-]*[a-z0-9])?"
URL_WITHOUT_PROTOCOL = re.compile(
    rf"{_PRECEDING}(?P<url>(?P<host>(?:{_ASCII_LABEL}\.)+[a-z]{{2,}})(?![a-z0-9_\-]){_TAIL})",
    re.IGNORECASE,
)


def _label_ok(label: str, *, ascii_only: bool) -> bool:
    if not label or label.startswith("-") or label.endswith("-"):
        return False
    if label.isascii():
        return len(label) <= 63
    if ascii_only:
        return False
    try:
        encoded = "xn--" + codecs.encode(label, "punycode").decode("ascii")
    except (UnicodeError, ValueError):
        return False
    return len(encoded) <= 63


def _host_ok(host: str, with_protocol: bool) -> bool:
    labels = host.split(".")
    tld = labels[-1]
    if with_protocol:
        if not (tld.isalpha() and len(tld) >= 2) and not tld.lower().startswith("xn--"):
            return False
    elif not tld.isascii() or not (tld.lower() in TLDS or (len(tld) == 2 and tld.isalpha())):
        return False
    if "_" in "".join(labels[-2:]):  # a subdomain may hold "_", the registered name not
        return False
    return all(_label_ok(label, ascii_only=not with_protocol) for label in labels)


def extract_urls(text: str) -> list[tuple[int, int]]:
    """(start, end) of each URL twitter-text would count as a t.co link."""
    spans: list[tuple[int, int]] = []
    claimed: list[tuple[int, int]] = []  # protocol matches, valid or not: no bare URL inside
    for match in URL_WITH_PROTOCOL.finditer(text):
        claimed.append(match.span("url"))
        if _host_ok(match.group("host"), True):
            spans.append(match.span("url"))
    for match in URL_WITHOUT_PROTOCOL.finditer(text):
        start, end = match.span("url")
        if any(s < end and start < e for s, e in claimed):
            continue
        if start > 0 and text[start - 1] in "-_./":
            continue
        if _host_ok(match.group("host"), False):
            spans.append((start, end))
    return sorted(spans)


# -- the length -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedText:
    weighted_length: int
    valid: bool
    permillage: int
    valid_range_end: int  # index (UTF-16, as twitter-text counts) of the last char that fits
    display_range_end: int


def _weight(code_point: int, config: TextConfig) -> int:
    for start, end, weight in config.ranges:
        if start <= code_point <= end:
            return weight
    return config.default_weight


def parse(text: str, config: TextConfig = V3) -> ParsedText:
    """twitter-text ``parseTweet``: the weighted length and whether X accepts the text.

    Memoised: the X renderer weighs the same sentences and prefixes again on every keystroke
    (shortening and threading try sentence after sentence), and only the edited one is new."""
    return _parse(text, config)


@functools.lru_cache(maxsize=8192)
def _parse(text: str, config: TextConfig) -> ParsedText:
    if not text:
        return ParsedText(0, False, 0, 0, 0)
    normal = unicodedata.normalize("NFC", text)
    urls = dict(extract_urls(normal))
    emoji = ({m.start(): m.end() for m in EMOJI.finditer(normal)}
             if config.emoji_parsing else {})
    limit = config.max_weighted_length * config.scale
    weights = _weights(config)
    total = 0
    utf16 = 0
    valid = True
    valid_end = 0
    i = 0
    while i < len(normal):
        if i in urls:
            end = urls[i]
            total += config.transformed_url_length * config.scale
            utf16 += _utf16(normal[i:end])
            bad = any(c in INVALID_CHARS for c in normal[i:end])
        elif i in emoji:
            end = emoji[i]
            total += config.default_weight
            utf16 += _utf16(normal[i:end])
            bad = any(c in INVALID_CHARS for c in normal[i:end])
        else:
            end = i + 1
            char = normal[i]
            code_point = ord(char)
            # twitter-text weighs a surrogate pair by its high surrogate (outside every range)
            weight = weights.get(code_point)
            if weight is None:
                weight = weights[code_point] = _weight(
                    code_point if code_point <= 0xFFFF else 0xD800, config)
            total += weight
            utf16 += 1 if code_point <= 0xFFFF else 2
            bad = char in INVALID_CHARS
        if valid:
            # as twitter-text: the text stays valid up to the first unit over the limit or
            # the first invalid character; the valid range ends just before it
            valid = total <= limit and not bad
            if valid:
                valid_end = utf16 - 1
        i = end
    # ranges are offsets into the text as given, not the normalised one
    offset = _utf16(text) - _utf16(normal)
    return ParsedText(
        weighted_length=total // config.scale,
        valid=valid,
        permillage=(total // config.scale) * 1000 // config.max_weighted_length,
        valid_range_end=valid_end + offset,
        display_range_end=_utf16(text) - 1,
    )


_WEIGHTS: dict[TextConfig, dict[int, int]] = {}


def _weights(config: TextConfig) -> dict[int, int]:
    """The weight of each code point met so far under ``config`` (filled as characters come)."""
    return _WEIGHTS.setdefault(config, {})


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def weighted_length(text: str, config: TextConfig = V3) -> int:
    return parse(text, config).weighted_length


# -- the other validators of twitter-text ------------------------------------------------------

USERNAME = re.compile(r"^[@＠][A-Za-z0-9_]{1,20}$")
LIST = re.compile(r"^[@＠][A-Za-z0-9_]{1,20}/[A-Za-z][A-Za-z0-9_\-\x80-\uffff]{0,24}$")
HASHTAG = re.compile(r"^[#＃](?=\w*[^\W\d_])\w+$")


def is_valid_username(text: str) -> bool:
    return bool(USERNAME.match(text))


def is_valid_list(text: str) -> bool:
    return bool(LIST.match(text))


def is_valid_hashtag(text: str) -> bool:
    return bool(HASHTAG.match(text))


_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{re.escape(_SUB_DELIMS)}:@]|{_PCT}|[^\x00-\x7f\s])"
_URL_PARTS = re.compile(
    r"^(?:(?P<scheme>[A-Za-z][\w\-+.]*):)?(?://(?P<authority>[^/?#]*))?"
    r"(?P<path>[^?#]*)(?:\?(?P<query>[^#]*))?(?:#(?P<fragment>.*))?$"
)
_USERINFO = re.compile(rf"^(?:[{_UNRESERVED}{re.escape(_SUB_DELIMS)}:]|{_PCT})*$")
_IPV4 = re.compile(r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$")
_IPV6 = re.compile(r"^\[[0-9A-Fa-f:.]+\]$")
_PATH_OK = re.compile(rf"^(?:/?{_PCHAR}*)*$")
_QF_OK = re.compile(rf"^(?:{_PCHAR}|[/?])*$")


def is_valid_url(url: str, *, require_protocol: bool = True) -> bool:
    """twitter-text ``isValidUrl`` with unicode domains: scheme, authority, path, query."""
    if not url or url != url.strip():
        return False
    if not require_protocol and "://" not in url:
        url = "http://" + url
    parts = _URL_PARTS.match(url)
    if parts is None or parts.group("scheme") is None:
        return False
    if parts.group("scheme").lower() not in ("http", "https"):
        return False
    authority = parts.group("authority") or ""
    userinfo, _, hostport = authority.rpartition("@")
    if userinfo and not _USERINFO.match(userinfo):
        return False
    host, port = hostport, ""
    if not host.startswith("[") and ":" in host:
        host, _, port = host.rpartition(":")
    elif host.startswith("[") and "]:" in host:
        host, _, port = host.rpartition(":")
    if port and not port.isdigit():
        return False
    if not _valid_host(host):
        return False
    return bool(
        _PATH_OK.match(parts.group("path") or "")
        and _QF_OK.match(parts.group("query") or "")
        and _QF_OK.match(parts.group("fragment") or "")
    )


def _valid_host(host: str) -> bool:
    if _IPV6.match(host):
        return True
    if re.fullmatch(r"[0-9.]+", host):
        return bool(_IPV4.match(host))
    if not host or "%" in host:
        return False
    labels = host.split(".")
    if len(labels) < 2 or not all(labels):
        return False
    if "_" in "".join(labels[-2:]):
        return False
    return all(_label_ok(label.replace("_", "a"), ascii_only=False) for label in labels)
