"""The municipality chosen by name, resolved through the JMA code tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.triggers.codes import CodeTableError, CodeTables, default_tables

CODES = Path(__file__).resolve().parents[1] / "data" / "jma" / "codes"


def test_a_municipality_gets_every_code_bulletins_use_for_it() -> None:
    tosa = default_tables().municipality("高知県土佐市")
    assert tosa.code == "3920500" and tosa.short_name == "土佐市"
    assert tosa.prefecture == "高知県"
    assert tosa.group_codes == {"390011"}  # 市町村等をまとめた地域 (高知中央)
    assert tosa.first_areas == {"390010"}  # 一次細分区域 (中部)
    assert tosa.forecast_areas == {"390000"}  # 府県予報区 (高知県)
    assert dict(tosa.quake_areas) == {"631": "高知県中部"}  # 地震の細分区域
    assert dict(tosa.tsunami_areas) == {"610": "高知県"}  # 津波予報区


def test_short_names_and_spelling_variants() -> None:
    tables = default_tables()
    assert tables.municipality("土佐市").code == "3920500"
    assert tables.municipality("岩手県金ヶ崎町").code == tables.municipality("岩手県金ケ崎町").code
    ambiguous = "「府中市」は複数あります（東京都府中市、広島県府中市）"
    with pytest.raises(CodeTableError, match=ambiguous):
        tables.municipality("府中市")
    with pytest.raises(CodeTableError, match="市町村「架空市」がコード表にありません"):
        tables.municipality("架空市")


@pytest.mark.parametrize(("part", "whole"), [
    ("1410011", "1410000"),  # 横浜市北部 (警報の区域)
    ("1410100", "1410000"),  # 横浜鶴見区 (政令市の区)
    ("2020911", "2020900"),  # 伊那 (伊那市のうち長谷の区域を除く区域)
    ("3620701", "3620700"),  # 美馬市脇・美馬・穴吹 (予報警報規程別表の区域)
    ("0148401", "0148400"),
    ("4621501", "4621500"),
    ("3920500", "3920500"),
])
def test_sub_municipal_codes_map_to_their_municipality(part: str, whole: str) -> None:
    tables = default_tables()
    assert tables.municipality_of(part) == whole
    assert part in tables.municipality(tables.cities[whole].name).codes


def test_a_part_of_a_municipality_is_not_a_municipality() -> None:
    with pytest.raises(CodeTableError, match="横浜市の一部です"):
        default_tables().find_city("神奈川県横浜市のうち鶴見区")


def test_tsunami_areas_chosen_only_when_unambiguous() -> None:
    tables = default_tables()
    chiba = tables.municipality("千葉県銚子市")
    assert chiba.tsunami_areas == {} and "津波予報区が複数あります" in chiba.tsunami_note
    chosen = tables.municipality("千葉県銚子市", tsunami_areas=["千葉県九十九里・外房"])
    assert dict(chosen.tsunami_areas) == {"310": "千葉県九十九里・外房"}
    inland = tables.municipality("長野県松本市")
    assert inland.tsunami_areas == {} and "津波予報区はありません" in inland.tsunami_note
    with pytest.raises(CodeTableError, match="津波予報区「太平洋」はありません"):
        tables.municipality("千葉県銚子市", tsunami_areas=["太平洋"])


def test_explicit_codes_override_the_tables() -> None:
    tables = default_tables()
    yokohama = tables.municipality("神奈川県横浜市", city_codes=["1410011"],
                                   quake_areas=["神奈川県東部"])
    assert yokohama.codes == {"1410011"}
    assert dict(yokohama.quake_areas) == {"360": "神奈川県東部"}
    with pytest.raises(CodeTableError, match="市町村等コード 9999999"):
        tables.municipality("神奈川県横浜市", city_codes=["9999999"])


def test_weather_kind_names_of_both_formats_give_one_code() -> None:
    tables = default_tables()
    assert tables.weather_kind_codes("大雨警報") == tables.weather_kind_codes("レベル３大雨警報") \
        == {"3"}
    assert tables.weather_kind_codes("レベル４土砂災害危険警報") == {"49"}


def test_code_tables_are_replaceable_data() -> None:
    """A newer (here: smaller) copy of the same CSVs replaces the shipped one."""
    tables = CodeTables(CODES)
    assert len(tables.cities) < 100
    assert tables.municipality("高知県土佐市").tsunami_areas == {"610": "高知県"}
    with pytest.raises(CodeTableError, match="コード表にありません"):
        tables.municipality("岩手県金ケ崎町")
    with pytest.raises(CodeTableError, match="コード表が見つかりません"):
        CodeTables(CODES / "missing")
