"""Hostile and broken input: refused with a Japanese message, never a crash (fuzzed)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.triggers.bulletin import Bulletin, parse_bulletin
from app.triggers.feed import parse_feed
from app.triggers.xmlsafe import BulletinError, parse_xml

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"
SMALL = (SAMPLES / "32-35_06_01_240613_VXSE52.xml").read_bytes()  # 1.8 KB, 震源に関する情報
QUAKE = (SAMPLES / "37_01_01_240613_VXSE43.xml").read_bytes()  # EEW with every structure


def with_doctype(doctype: str, body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n{body}'.encode()


XXE_FILE = with_doctype(
    '<!DOCTYPE Report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    '<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"><Control><Title>&xxe;</Title></Control>'
    "</Report>",
)
XXE_PARAMETER = with_doctype(
    '<!DOCTYPE Report [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>',
    '<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"/>',
)
BILLION_LAUGHS = with_doctype(
    "<!DOCTYPE lolz [" + '<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
              for i in range(1, 10))
    + "]>",
    "<lolz>&lol9;</lolz>",
)
EXTERNAL_DTD = with_doctype('<!DOCTYPE Report SYSTEM "http://127.0.0.1:9/jmx.dtd">',
                            '<Report xmlns="http://xml.kishou.go.jp/jmaxml1/"/>')


@pytest.mark.parametrize("hostile", [XXE_FILE, XXE_PARAMETER, BILLION_LAUGHS, EXTERNAL_DTD],
                         ids=["xxe-file", "xxe-parameter-entity", "billion-laughs", "external-dtd"])
def test_dtds_and_entities_are_refused_before_anything_is_resolved(hostile: bytes) -> None:
    with pytest.raises(BulletinError, match="DTD（文書型宣言）や実体参照を含むXML"):
        parse_bulletin(hostile)


def test_a_hostile_feed_is_refused_too() -> None:
    feed = with_doctype('<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/hostname">]>',
                        '<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>')
    with pytest.raises(BulletinError, match="DTD"):
        parse_feed(feed, "http://127.0.0.1/extra.xml")


def test_truncated_bulletin_says_so() -> None:
    for cut in (len(SMALL) // 2, len(SMALL) - 12, 40):
        with pytest.raises(BulletinError, match="電文が途中で切れています"):
            parse_bulletin(SMALL[:cut])


def test_malformed_xml_names_line_and_column() -> None:
    broken = SMALL.replace(b"</Title>", b"</Titel>", 1)
    with pytest.raises(BulletinError, match=r"XMLとして読めません（\d+行\d+列）"):
        parse_bulletin(broken)


def test_wrong_encoding_is_named_not_reported_as_an_invalid_token() -> None:
    shift_jis = SMALL.decode("utf-8").encode("cp932")  # declared UTF-8, stored as Shift_JIS
    with pytest.raises(BulletinError, match=r"文字コードが宣言（utf-8）と一致しません"):
        parse_bulletin(shift_jis)
    with pytest.raises(BulletinError, match="文字コード「x-unknown-enc」は扱えません"):
        parse_bulletin(SMALL.replace(b'encoding="UTF-8"', b'encoding="x-unknown-enc"', 1))


def test_correctly_declared_other_encodings_still_read() -> None:
    text = SMALL.decode("utf-8")
    as_sjis = text.replace('encoding="UTF-8"', 'encoding="Shift_JIS"').encode("cp932")
    as_utf16 = codecs.BOM_UTF16_LE + text.replace('encoding="UTF-8"', 'encoding="UTF-16"') \
        .encode("utf-16-le")
    for raw in (as_sjis, as_utf16):
        bulletin = parse_bulletin(raw)
        assert bulletin.type_code == "VXSE52"
        assert bulletin.body.hypocenter.name == "岩手県内陸南部"


def test_empty_and_non_jma_documents() -> None:
    with pytest.raises(BulletinError, match="電文が空です"):
        parse_bulletin(b"  \n")
    with pytest.raises(BulletinError, match="気象庁防災情報XMLではありません"):
        parse_bulletin(b'<?xml version="1.0"?>'
                       b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>')


def test_body_namespace_must_match_the_title() -> None:
    forged = QUAKE.replace(b"body/seismology1/", b"body/meteorology1/")
    with pytest.raises(BulletinError, match="本文の名前空間"):
        parse_bulletin(forged)


def _only_bulletin_errors(raw: bytes) -> None:
    try:
        result = parse_bulletin(raw)
    except BulletinError as exc:
        assert str(exc)  # every refusal says why
    else:
        assert isinstance(result, Bulletin)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes_never_crash(raw: bytes) -> None:
    _only_bulletin_errors(raw)


@settings(max_examples=400, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(QUAKE) - 1),
       length=st.integers(min_value=0, max_value=64),
       replacement=st.binary(max_size=64))
def test_fuzz_mutated_real_bulletin_never_crashes(position: int, length: int,
                                                   replacement: bytes) -> None:
    _only_bulletin_errors(QUAKE[:position] + replacement + QUAKE[position + length:])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_fuzz_structure_text_values(data: st.DataObject) -> None:
    """Values JMA would never send (letters for intensities, huge serials, odd dates)."""
    text = QUAKE.decode("utf-8")
    for tag in ("From", "To", "Code", "Serial", "OriginTime", "ReportDateTime", "Name"):
        value = data.draw(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                         blacklist_characters="<&"),
                                  max_size=12), label=tag)
        text = text.replace(f"<{tag}>", f"<{tag}>{value}", 1)
    _only_bulletin_errors(text.encode("utf-8"))


def test_every_copied_sample_parses() -> None:
    for path in sorted(SAMPLES.glob("*.xml")):
        root = parse_xml(path.read_bytes())
        assert root is not None
        parse_bulletin(path.read_bytes())
