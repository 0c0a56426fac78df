"""Every bulletin type issue 6 lists goes out through its default template, filled from the
bulletin (no placeholder left), and the engine survives fuzzed bulletins of every type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.triggers.replay import Replay
from app.triggers.rules import parse_rules

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"

CASES = [
    # (municipality[|tsunami area], when, sample, expected title)
    ("岩手県金ケ崎町", '{ type = "earthquake", min_intensity = "5-" }',
     "32-35_06_03_240613_VXSE53.xml",
     "【地震】金ケ崎町で震度５弱以上の可能性（震度５弱以上未入電）"),
    ("岩手県宮古市", '{ type = "earthquake", min_intensity = "3", scope = "area" }',
     "32-35_08_01_100915_VXSE51.xml", "【地震】岩手県沿岸北部で震度３"),
    ("高知県四万十市", '{ type = "eew" }', "37_01_01_240613_VXSE43.xml",
     "【緊急地震速報】高知県西部で強い揺れ"),
    ("愛媛県宇和島市", '{ type = "eew", forecast = true, min_intensity = "4" }',
     "36_01_04_240613_VXSE44.xml", "【緊急地震速報】愛媛県南予で強い揺れ"),
    ("茨城県日立市", '{ type = "tsunami" }', "32-39_11_02_250206_VTSE41.xml", "【津波警報】茨城県"),
    ("鹿児島県西之表市|種子島・屋久島地方",
     '{ type = "tsunami" }', "38-39_02_02_250206_VTSE51.xml",
     "【津波注意報】種子島・屋久島地方"),
    ("北海道稚内市", '{ type = "weather", min_level = 3 }', "15_16_03_241226_VPWW55.xml",
     "【気象情報】稚内市：レベル４大雨危険警報（発表）"),
    ("島根県松江市", '{ type = "weather", kinds = ["注意報"], statuses = ["継続"] }',
     "15_17_01_250630_VPWW56.xml", "【気象情報】松江市：レベル２土砂災害注意報（継続）"),
    ("北海道稚内市", '{ type = "weather", kinds = ["危険警報"] }', "15_16_08_250630_VPWW57.xml",
     "【気象情報】稚内市：レベル４高潮危険警報（発表）"),
    ("北海道稚内市", '{ type = "weather", kinds = ["警報"] }', "15_16_04_250630_VPWW58.xml",
     "【気象情報】稚内市：暴風警報（発表）"),
    ("北海道稚内市", '{ type = "weather", kinds = ["波浪警報"] }', "15_16_05_241226_VPWW59.xml",
     "【気象情報】稚内市：波浪警報（発表）"),
    ("北海道稚内市", '{ type = "weather", kinds = ["大雪警報"] }', "15_16_06_241226_VPWW60.xml",
     "【気象情報】稚内市：大雪警報（発表）"),
    ("北海道稚内市", '{ type = "weather", kinds = ["雷注意報"] }', "15_16_07_250630_VPWW61.xml",
     "【気象情報】稚内市：雷注意報（発表）"),
    ("徳島県藍住町", '{ type = "weather", kinds = ["高潮警報"] }', "15_15_01_220314_VPWW54.xml",
     "【気象情報】藍住町：高潮警報（発表）"),
    ("神奈川県小田原市", '{ type = "landslide" }', "17_04_01_250630_VXWW50.xml",
     "【警戒レベル４相当】小田原市：レベル４土砂災害危険警報（発表）"),
    ("佐賀県武雄市", '{ type = "flood" }', "16_02_02_220728_VXKOii.xml",
     "【警戒レベル３相当】六角川 氾濫警戒情報"),
    ("京都府京都市", '{ type = "tornado" }', "19_02_01_111226_VPHW50.xml",
     "【竜巻注意情報】京都市"),
    ("北海道小樽市", '{ type = "record_rain" }', "18_03_01_190412_VPOA50.xml",
     "【記録的短時間大雨】後志地方"),
    ("北海道美幌町", '{ type = "record_rain" }', "82_01_02_250630_VPBS50.xml",
     "【記録的短時間大雨】美幌町"),
    ("長野県軽井沢町", '{ type = "volcano" }', "45_01_01_200522_VFVO50.xml",
     "【火口周辺警報】浅間山（レベル３（入山規制））"),
]


@pytest.fixture
def runs() -> Iterator[list[Replay]]:
    opened: list[Replay] = []
    yield opened
    for run in opened:
        run.close()


@pytest.mark.parametrize(("municipality", "when", "name", "title"), CASES,
                         ids=[c[2].split("_")[-1] + "-" + c[0].split("|")[0] for c in CASES])
def test_each_type_sends_with_its_default_template(
    runs: list[Replay], municipality: str, when: str, name: str, title: str | None
) -> None:
    town, _, tsunami_area = municipality.partition("|")
    ruleset = parse_rules(f'[area]\nmunicipality = "{town}"\ntsunami_areas = ["{tsunami_area}"]\n'
                          f'[[rule]]\nname = "r"\nwhen = {when}\nmedia = ["email"]\n')
    run = Replay(ruleset)
    runs.append(run)
    line = run.file(SAMPLES / name).as_json()
    assert line["decision"] == "send", line["reason"]
    assert line["rules"] == ["r"]
    if title is not None:
        assert line["title"] == title
    assert "{" not in line["title"] + line["body"]
    [draft] = run.sender.sent
    assert draft.title == line["title"] and draft.body == line["body"]
    assert draft.training is False


def test_landslide_sequence_new_area_then_all_clear(runs: list[Replay]) -> None:
    ruleset = parse_rules('[area]\nmunicipality = "神奈川県箱根町"\n'
                          '[[rule]]\nname = "土砂"\nwhen = { type = "landslide", '
                          'statuses = ["発表", "解除"] }\nmedia = ["email"]\n')
    run = Replay(ruleset)
    runs.append(run)
    lines = [run.file(SAMPLES / f"17_04_0{n}_250630_VXWW50.xml").as_json() for n in (1, 2, 3)]
    assert [line["decision"] for line in lines] == ["ignore", "send", "send"]
    assert "解除" in lines[2]["title"] and "（解除）" in lines[2]["body"]


def test_the_flash_bulletin_other_tags_are_not_record_rain(runs: list[Replay]) -> None:
    ruleset = parse_rules('[area]\nmunicipality = "千葉県千葉市"\n'
                          '[[rule]]\nname = "雨"\nwhen = { type = "record_rain" }\n'
                          'media = ["email"]\n')
    run = Replay(ruleset)
    runs.append(run)
    line = run.file(SAMPLES / "82_01_01_241031_VPBS50.xml").as_json()
    assert line["decision"] == "ignore"
    assert "気象防災速報（線状降水帯発生）は記録的短時間大雨の条件の対象外です" in line["reason"]


ALL_TYPES = """
[area]
municipality = "茨城県日立市"
[[rule]]
name = "地震"
when = { type = "earthquake", min_intensity = "1", scope = "area" }
media = ["email"]
[[rule]]
name = "EEW"
when = { type = "eew", forecast = true }
media = ["email"]
[[rule]]
name = "津波"
when = { type = "tsunami", clear = true, kinds = ["大津波警報", "津波警報", "津波注意報",
                                                "津波予報"] }
media = ["email"]
[[rule]]
name = "気象"
when = { type = "weather", min_level = 2, statuses = ["発表", "切替", "継続", "解除"] }
media = ["email"]
[[rule]]
name = "土砂"
when = { type = "landslide", statuses = ["発表", "継続", "解除"] }
media = ["email"]
[[rule]]
name = "洪水"
when = { type = "flood", min_level = 1, clear = true }
media = ["email"]
[[rule]]
name = "竜巻"
when = { type = "tornado" }
media = ["email"]
[[rule]]
name = "雨"
when = { type = "record_rain" }
media = ["email"]
[[rule]]
name = "火山"
when = { type = "volcano", forecast = true, clear = true }
media = ["email"]
"""

SAMPLE_BYTES = [p.read_bytes() for p in sorted(SAMPLES.glob("*.xml"))
                if p.stat().st_size < 60_000]


@pytest.fixture(scope="module")
def fuzz_replay() -> Iterator[Replay]:
    run = Replay(parse_rules(ALL_TYPES))
    yield run
    run.close()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_the_whole_engine_on_mutated_samples(fuzz_replay: Replay,
                                                  data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(SAMPLE_BYTES), label="sample")
    text = raw.decode("utf-8")
    tags = ["Code", "Status", "InfoType", "MaxInt", "From", "To", "Name", "EventID", "Serial",
            "ReportDateTime", "Condition", "Title"]
    for _ in range(data.draw(st.integers(0, 4), label="edits")):
        tag = data.draw(st.sampled_from(tags), label="tag")
        value = data.draw(st.text(alphabet="0123456789-+弱強通常訓練取消訂正発表解除継続 ",
                                  max_size=8), label="value")
        start = text.find(f"<{tag}>")
        if start < 0:
            continue
        end = text.find(f"</{tag}>", start)
        text = text[: start + len(tag) + 2] + value + text[end:]
    outcome = fuzz_replay.bulletin(text.encode("utf-8"), "fuzz")
    assert outcome.decision in ("send", "confirm", "cancel", "ignore")
    assert set(outcome.as_json()) == {"file", "type", "status", "info_type", "event_id",
                                      "rules", "decision", "reason", "title", "body"}
