"""Every bulletin type issue 6 lists, read from JMA's official samples (tests/data/jma)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.triggers import meteorology as met
from app.triggers import seismology as seis
from app.triggers import volcanology as volc
from app.triggers.bulletin import JST, Bulletin, parse_bulletin, spec_for
from app.triggers.match import alert_level

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"


def load(name: str) -> Bulletin:
    return parse_bulletin((SAMPLES / name).read_bytes())


@pytest.mark.parametrize(("name", "code", "family"), [
    ("32-35_08_01_100915_VXSE51.xml", "VXSE51", "earthquake"),
    ("32-35_06_01_240613_VXSE52.xml", "VXSE52", "hypocenter"),
    ("32-35_06_03_240613_VXSE53.xml", "VXSE53", "earthquake"),
    ("37_01_01_240613_VXSE43.xml", "VXSE43", "eew"),
    ("36_01_01_240613_VXSE44.xml", "VXSE44", "eew"),
    ("77_01_01_240613_VXSE45.xml", "VXSE45", "eew"),
    ("54_01_01_100514_VXSE42.xml", "VXSE42", "eew_test"),
    ("32-39_11_02_250206_VTSE41.xml", "VTSE41", "tsunami"),
    ("38-39_02_02_250206_VTSE51.xml", "VTSE51", "tsunami"),
    ("15_15_01_220314_VPWW54.xml", "VPWW54", "weather"),
    ("15_16_03_241226_VPWW55.xml", "VPWW55", "weather"),
    ("15_17_01_250630_VPWW56.xml", "VPWW56", "weather"),
    ("15_16_08_250630_VPWW57.xml", "VPWW57", "weather"),
    ("15_16_04_250630_VPWW58.xml", "VPWW58", "weather"),
    ("15_16_05_241226_VPWW59.xml", "VPWW59", "weather"),
    ("15_16_06_241226_VPWW60.xml", "VPWW60", "weather"),
    ("15_16_07_250630_VPWW61.xml", "VPWW61", "weather"),
    ("17_04_01_250630_VXWW50.xml", "VXWW50", "landslide"),
    ("16_02_02_220728_VXKOii.xml", "VXKO", "flood"),
    ("19_02_01_111226_VPHW50.xml", "VPHW50", "tornado"),
    ("18_03_01_190412_VPOA50.xml", "VPOA50", "record_rain"),
    ("82_01_02_250630_VPBS50.xml", "VPBS50", "record_rain"),
    ("45_01_01_200522_VFVO50.xml", "VFVO50", "volcano"),
])
def test_dispatch_on_control_title_and_body_namespace(name: str, code: str, family: str) -> None:
    bulletin = load(name)
    assert (bulletin.type_code, bulletin.family) == (code, family)
    assert name.split("_")[-1].removesuffix(".xml").startswith(code[:4])


def test_titles_are_matched_exactly_including_the_tsunami_a() -> None:
    assert spec_for("津波警報・注意報・予報a").code == "VTSE41"
    assert spec_for("津波警報・注意報・予報") is None  # without the "a" it is not the product
    assert spec_for("津波情報a").code == "VTSE51"
    # R06 suffixes differ between sample versions and the live feed; both are the same product
    assert spec_for("気象警報・注意報（Ｒ０６）（土砂災害）").code == "VPWW56"
    assert spec_for("気象警報・注意報（Ｒ０６）（土砂）").code == "VPWW56"
    assert spec_for("気象警報・注意報（Ｒ０６）（未知の新区分）").family == "weather"


def test_an_unhandled_type_is_read_not_refused() -> None:
    bulletin = load("43_02_01_200522_VFVO52.xml")  # a real 訂正 of 噴火に関する火山観測報
    assert bulletin.spec is None and bulletin.body is None
    assert bulletin.envelope.info_type == "訂正"
    assert bulletin.envelope.control_title == "噴火に関する火山観測報"


def test_envelope_fields_and_the_identity_key() -> None:
    env = load("32-35_08_01_100915_VXSE51.xml").envelope
    assert env.status == "通常" and env.info_type == "発表"
    assert env.serial == ""  # <Serial></Serial>: never cast to int
    assert env.issued_at == dt.datetime(2010, 7, 4, 21, 57, 11, tzinfo=dt.UTC)  # UTC
    assert env.report_time == dt.datetime(2010, 7, 5, 6, 57, tzinfo=JST)  # +09:00
    assert env.editorial_office == "大阪管区気象台"
    # A 取消 repeats the serial of the report it cancels: the key must still differ.
    update, cancel = load("37_01_02_240613_VXSE43.xml"), load("37_01_03_240613_VXSE43.xml")
    assert update.envelope.serial == cancel.envelope.serial == "2"
    assert update.envelope.event_id == cancel.envelope.event_id
    assert update.envelope.key != cancel.envelope.key
    assert cancel.body is None and "取り消します" in cancel.envelope.body_text


def test_vxse53_intensities_and_unreceived_stations() -> None:
    quake = load("32-35_06_03_240613_VXSE53.xml").body
    assert isinstance(quake, seis.Quake)
    assert quake.max_int == "6+"
    assert quake.hypocenter.name == "岩手県内陸南部" and quake.hypocenter.depth == "１０ｋｍ"
    assert quake.hypocenter.magnitude == "Ｍ７．０"
    cities = {c.name: c for c in quake.cities}
    assert cities["奥州市"].max_int == "6+"
    kanegasaki = cities["金ケ崎町"]  # only Condition, no MaxInt at all
    assert kanegasaki.max_int == "" and kanegasaki.unreceived
    okura = cities["大蔵村"]  # MaxInt 4 *and* 震度５弱以上未入電
    assert okura.max_int == "4" and okura.unreceived
    assert "この地震による津波の心配はありません" in quake.comment


def test_vxse51_is_area_only_and_distant_quakes_have_no_intensity() -> None:
    flash = load("32-35_08_01_100915_VXSE51.xml").body
    assert [(a.code, a.max_int) for a in flash.areas] == [("210", "3"), ("211", "3")]
    assert flash.cities == ()
    distant = load("32-35_01_03_100514_VXSE53.xml")
    assert distant.envelope.head_title == "遠地地震に関する情報"
    assert distant.body.areas == () and distant.body.hypocenter.name == "南太平洋"


def test_intensity_vocabulary_is_normalised() -> None:
    for value, expected in [("震度５弱", "5-"), ("５強", "5+"), ("6-", "6-"), ("震度７", "7"),
                            ("５＋", "5+"), ("震度５弱以上未入電", ""), ("", "")]:
        assert seis.normalize_intensity(value) == expected
    assert seis.intensity_rank("5-") < seis.intensity_rank("5+") < seis.intensity_rank("6-")


def test_eew_areas_carry_warning_categories() -> None:
    eew = load("37_01_01_240613_VXSE43.xml").body
    assert isinstance(eew, seis.Eew)
    areas = {a.code: a for a in eew.areas}
    assert areas["622"].is_warning and areas["622"].condition == "既に主要動到達と推測"
    assert areas["632"].int_from == "4" and areas["632"].arrival is not None
    assert eew.hypocenter.name == "豊後水道"


def test_tsunami_forecast_items() -> None:
    tsunami = load("32-39_11_11_250206_VTSE41.xml").body
    assert isinstance(tsunami, seis.Tsunami)
    ibaraki = next(a for a in tsunami.areas if a.code == "300")
    assert (ibaraki.kind_code, ibaraki.last_code) == ("53", "51")
    assert ibaraki.kind_name == "大津波警報：発表"
    first = load("38-39_02_01_250206_VTSE41.xml").body
    tanegashima = next(a for a in first.areas if a.code == "771")
    assert tanegashima.arrival == "6時10分" and tanegashima.height == "１ｍ"


def test_r06_warnings_significancy_and_none() -> None:
    heavy = load("15_16_03_241226_VPWW55.xml").body
    assert isinstance(heavy, met.Warnings)
    wakkanai = next(i for i in heavy.layer("（市町村等）") if i.code == "0121400")
    kind = wakkanai.kinds[0]
    assert (kind.name, kind.code, kind.status, kind.last_code) == (
        "レベル４大雨危険警報", "43", "発表", "03")
    assert kind.significancies[0].code == "41" and alert_level(kind) == 4
    others = load("15_16_07_250630_VPWW61.xml").body
    assert any(len(i.kinds) > 1 for i in others.layer("（府県予報区等）"))  # several Kind
    h27 = load("15_15_01_220314_VPWW54.xml").body
    tokushima = next(i for i in h27.layer("（市町村等）") if i.code == "3620100")
    assert tokushima.kinds[0].status == "発表警報・注意報はなし" and tokushima.kinds[0].is_none
    assert any(i.code == "3620701" for i in h27.layer("（市町村等）"))  # sub-municipal code


def test_landslide_flood_tornado_rain_volcano_bodies() -> None:
    landslide = load("17_04_01_250630_VXWW50.xml")
    assert landslide.envelope.event_id == "神奈川県土砂災害警戒情報"  # text, not a number
    assert landslide.body.target_area == "140000"
    odawara = next(i for i in landslide.body.items if i.code == "1420600")
    assert (odawara.kinds[0].code, odawara.kinds[0].status) == ("3", "発表")

    flood = load("16_02_02_220728_VXKOii.xml").body
    assert isinstance(flood, met.Flood)
    assert (flood.kind_name, flood.kind_code) == ("氾濫警戒情報", "30")
    assert "六角川" in flood.rivers and "4120600" in {c.code for c in flood.cities}
    assert flood.main_text.startswith("【警戒レベル３相当】")

    tornado = load("19_02_01_111226_VPHW50.xml").body
    assert tornado.layer("（市町村等）")

    vpoa = load("18_03_01_190412_VPOA50.xml").body
    assert {i.code for i in vpoa.items if i.kinds[0].code == "1"} == {"016010", "016030"}

    flash = load("82_01_02_250630_VPBS50.xml").body
    assert isinstance(flash, met.Flash)
    assert flash.tags == ("記録雨",)
    assert [(a.code, a.amount) for a in flash.areas] == [("0154300", "約１００ミリ")]
    assert load("82_01_01_241031_VPBS50.xml").body.tags == ("線状降水帯発生",)

    volcano = load("45_01_01_200522_VFVO50.xml").body
    assert isinstance(volcano, volc.Volcano)
    assert (volcano.name, volcano.code) == ("浅間山", "306")
    assert volcano.level.name == "レベル３（入山規制）" and volcano.level.condition == "引上げ"
    assert ("2032100", "長野県軽井沢町") in volcano.municipal[0].areas
