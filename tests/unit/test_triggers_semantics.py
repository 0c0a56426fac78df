"""The semantics issue 6 says must hold, on JMA's official samples, through the live engine
(``Replay`` runs it on a throwaway database with a recording sender)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.triggers.models import JmaBulletin, TriggerState
from app.triggers.replay import Replay
from app.triggers.rules import RuleSet, parse_rules

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def ruleset(municipality: str, rule: str, extra: str = "") -> RuleSet:
    return parse_rules(f'[area]\nmunicipality = "{municipality}"\n{extra}\n'
                       f'[[rule]]\nname = "条件"\nmedia = ["email", "line"]\n{rule}\n')


OPEN: list[Replay] = []


@pytest.fixture(autouse=True)
def _close_replays() -> Iterator[None]:
    yield
    while OPEN:
        OPEN.pop().close()


def replay(rules: RuleSet, *bulletins: str | bytes) -> tuple[list[dict[str, object]], Replay]:
    run = Replay(rules)
    OPEN.append(run)
    lines = []
    for n, b in enumerate(bulletins):
        raw = sample(b) if isinstance(b, str) else b
        lines.append(run.bulletin(raw, b if isinstance(b, str) else f"derived-{n}").as_json())
    return lines, run


def derive(name: str, *replacements: tuple[str, str]) -> bytes:
    """A sample with some text changed, for the cases no official sample shows."""
    text = sample(name).decode("utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text.encode("utf-8")


QUAKE = "32-35_06_03_240613_VXSE53.xml"
OKURA_CITY = ("<City><Name>大蔵村</Name><Code>0636500</Code><MaxInt>4</MaxInt>"
              "<Condition>震度５弱以上未入電</Condition>")
OKURA_STATION = ("<Code>0636531</Code><Int>震度５弱以上未入電</Int>")


def okura(intensity: str) -> tuple[tuple[str, str], ...]:
    """大蔵村 with its missing station reported after all (what a 訂正 would say)."""
    return ((OKURA_CITY, f"<City><Name>大蔵村</Name><Code>0636500</Code>"
                         f"<MaxInt>{intensity}</MaxInt>"),
            (OKURA_STATION, f"<Code>0636531</Code><Int>{intensity}</Int>"))
QUAKE_RULE = 'when = { type = "earthquake", min_intensity = "5-" }'


# -- 訓練 / 試験 --------------------------------------------------------------------------

def test_drill_and_test_bulletins_never_send_for_real() -> None:
    rule = 'when = { type = "tsunami", clear = true }'
    lines, run = replay(ruleset("静岡県下田市", rule), "32-39_13_07_250206_VTSE41.xml")
    assert lines[0]["status"] == "訓練" and lines[0]["decision"] == "ignore"
    assert "訓練電文のため配信しません（本番なら該当: 静岡県 津波注意報解除）" in lines[0]["reason"]
    assert run.sender.sent == []

    eew = ruleset("高知県四万十市", 'when = { type = "eew" }')
    test_status = derive("37_01_01_240613_VXSE43.xml",
                         ("<Status>通常</Status>", "<Status>試験</Status>"))
    lines, run = replay(eew, test_status, "54_01_01_100514_VXSE42.xml")
    assert [line["decision"] for line in lines] == ["ignore", "ignore"]
    assert "試験電文のため配信しません" in lines[0]["reason"]
    assert lines[1]["type"] == "VXSE42" and lines[1]["status"] == "試験"
    assert run.sender.sent == []


def test_a_rule_may_send_drill_bulletins_as_training() -> None:
    rule = 'when = { type = "tsunami", clear = true }\ndrill = "training"'
    lines, run = replay(ruleset("静岡県下田市", rule), "32-39_13_07_250206_VTSE41.xml")
    assert lines[0]["decision"] == "send"
    assert lines[0]["reason"].startswith("条件: 訓練電文: 訓練として配信")
    [draft] = run.sender.sent
    assert draft.training is True  # goes to the drill sink, never to residents
    # drills keep their own storm-control state
    with run.engine.sessions() as session:
        assert {s.rule for s in session.scalars(select(TriggerState))} == {"訓練:条件"}


# -- 取消 ---------------------------------------------------------------------------------

def test_cancel_by_event_id_even_though_it_repeats_the_serial() -> None:
    lines, run = replay(ruleset("高知県四万十市", 'when = { type = "eew" }'),
                        "37_01_01_240613_VXSE43.xml", "37_01_02_240613_VXSE43.xml",
                        "37_01_03_240613_VXSE43.xml")
    first, update, cancel = lines
    assert first["decision"] == "send" and first["rules"] == ["条件"]
    assert "高知県西部" in first["title"] and "震度４程度" in first["body"]
    # the real serial 2 raised 高知県西部 from 4 to 5強 (PLUM): an escalation, sent at once
    assert update["decision"] == "send" and "震度５強" in update["body"]
    assert "以前より深刻なため直ちに配信" in update["reason"]
    # Serial 2 again, same EventID: a dedupe on (EventID, Serial) would have dropped it.
    assert (cancel["info_type"], cancel["decision"]) == ("取消", "cancel")
    assert cancel["title"] == "【取消】先ほどの「緊急地震速報（警報）」のお知らせ"
    assert "先ほどの、緊急地震速報（警報）を取り消します。" in cancel["body"]
    assert run.sender.halted == ["dry-run-1", "dry-run-2"]  # what is undelivered is stopped


def test_a_cancel_for_an_event_we_never_sent_does_nothing() -> None:
    lines, run = replay(ruleset("高知県四万十市", 'when = { type = "eew" }'),
                        "36_01_33_240613_VXSE44.xml", "32-35_10_01_220510_VXSE51.xml")
    assert lines[0]["decision"] == "ignore"
    assert "取り消された情報による配信はありません" in lines[0]["reason"]
    assert run.sender.sent == [] and run.sender.halted == []


def test_cancel_after_several_serials_retracts_them_all() -> None:
    lines, _run = replay(ruleset("岩手県金ケ崎町", QUAKE_RULE), QUAKE,
                        "32-35_06_06_100915_VXSE53.xml")
    assert [line["decision"] for line in lines] == ["send", "cancel"]
    assert lines[1]["event_id"] == "20080614084350"


# -- 訂正 ---------------------------------------------------------------------------------

def test_correction_replaces_what_was_sent() -> None:
    corrected = derive(QUAKE, ("<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>"),
                       *okura("5+"))
    lines, run = replay(ruleset("山形県大蔵村", QUAKE_RULE), QUAKE, corrected)
    first, correction = lines
    assert first["decision"] == "send" and "震度５弱以上の可能性" in first["title"]
    assert correction["info_type"] == "訂正" and correction["decision"] == "send"
    assert correction["title"] == "【訂正】【地震】大蔵村で震度５強"
    assert run.sender.halted == ["dry-run-1"]


def test_correction_that_no_longer_concerns_us_retracts() -> None:
    corrected = derive(QUAKE, ("<InfoType>発表</InfoType>", "<InfoType>訂正</InfoType>"),
                       *okura("2"))
    lines, _run = replay(ruleset("山形県大蔵村", QUAKE_RULE), QUAKE, corrected)
    assert lines[1]["decision"] == "cancel"
    assert "訂正により対象外になりました" in lines[1]["reason"]
    assert "大蔵村は対象外となりました" in lines[1]["body"]


# -- once ---------------------------------------------------------------------------------

def test_the_same_bulletin_twice_acts_once() -> None:
    same_telegram_other_bytes = sample(QUAKE) + b"\n"  # e.g. fetched again via the long feed
    lines, run = replay(ruleset("岩手県金ケ崎町", QUAKE_RULE), QUAKE, QUAKE,
                        same_telegram_other_bytes)
    assert [line["decision"] for line in lines] == ["send", "ignore", "ignore"]
    assert lines[1]["reason"] == lines[2]["reason"] == "同じ電文は処理済みです（重複して受信）"
    assert len(run.sender.sent) == 1
    with run.engine.sessions() as session:  # every distinct byte string is kept once
        assert len(session.scalars(select(JmaBulletin)).all()) == 2


# -- intensity ----------------------------------------------------------------------------

def test_unreceived_stations_count_as_possibly_5_lower() -> None:
    lines, _run = replay(ruleset("岩手県金ケ崎町", QUAKE_RULE), QUAKE)
    assert lines[0]["decision"] == "send"
    assert lines[0]["title"] == "【地震】金ケ崎町で震度５弱以上の可能性（震度５弱以上未入電）"
    higher = ruleset("岩手県金ケ崎町", 'when = { type = "earthquake", min_intensity = "5+" }')
    lines, _run = replay(higher, QUAKE)
    assert lines[0]["decision"] == "ignore"  # possibly ≥5弱 is not ≥5強


def test_area_scope_uses_the_subdivision_and_vxse51() -> None:
    rule = 'when = { type = "earthquake", min_intensity = "3", scope = "area" }'
    lines, _run = replay(ruleset("岩手県宮古市", rule), "32-35_08_01_100915_VXSE51.xml")
    assert lines[0]["decision"] == "send" and "岩手県沿岸北部で震度３" in lines[0]["title"]
    lines, _run = replay(ruleset("岩手県宮古市", 'when = { type = "earthquake", '
                                               'min_intensity = "3" }'),
                        "32-35_08_01_100915_VXSE51.xml", "32-35_01_03_100514_VXSE53.xml",
                        "32-35_06_01_240613_VXSE52.xml")
    assert [line["decision"] for line in lines] == ["ignore"] * 3
    assert "震度速報には市町村ごとの震度がありません" in lines[0]["reason"]
    assert "遠地地震" in lines[1]["reason"]
    assert "震源に関する情報に対する自動配信条件はありません" in lines[2]["reason"]


# -- areas and warnings -------------------------------------------------------------------

def test_sub_municipal_codes_count_for_their_municipality() -> None:
    rule = 'when = { type = "landslide" }'
    base = "17_04_01_250630_VXWW50.xml"
    lines, _run = replay(ruleset("神奈川県横浜市", rule), base)
    assert lines[0]["decision"] == "ignore"  # 横浜市北部/南部: なし
    north_warned = derive(base, ("<Name>小田原市</Name>\n          <Code>1420600</Code>",
                                 "<Name>横浜市北部</Name>\n          <Code>1410011</Code>"))
    lines, _run = replay(ruleset("神奈川県横浜市", rule), north_warned)
    assert lines[0]["decision"] == "send" and "横浜市北部" in lines[0]["title"]


def test_2026_levels_come_from_significancy() -> None:
    lines, _run = replay(ruleset("北海道稚内市", 'when = { type = "weather", min_level = 4 }'),
                        "15_16_03_241226_VPWW55.xml", "15_16_08_250630_VPWW57.xml",
                        "15_16_04_250630_VPWW58.xml")
    heavy_rain, storm_surge, wind = lines
    assert heavy_rain["decision"] == "send"
    assert heavy_rain["title"] == "【気象情報】稚内市：レベル４大雨危険警報（発表）"
    assert "警戒レベル４相当" in heavy_rain["body"]
    assert storm_surge["decision"] == "send" and "レベル４高潮危険警報" in storm_surge["title"]
    assert wind["decision"] == "ignore" and "暴風警報（警戒レベルの対象外）" in wind["reason"]


def test_the_same_warning_in_h27_and_r06_form_is_told_once() -> None:
    """During the transition both formats arrive for the same municipality (JMA.md §7.10)."""
    r06 = "15_16_03_241226_VPWW55.xml"
    h27 = derive(r06, ("<Title>気象警報・注意報（Ｒ０６）（大雨）</Title>",
                       "<Title>気象警報・注意報（Ｈ２７）</Title>"))
    lines, _run = replay(ruleset("北海道稚内市", 'when = { type = "weather", min_level = 3 }'),
                         r06, h27)
    assert [line["type"] for line in lines] == ["VPWW55", "VPWW54"]
    assert [line["decision"] for line in lines] == ["send", "ignore"]
    assert "同じ内容を配信済み" in lines[1]["reason"]


def test_no_warnings_means_none() -> None:
    rule = 'when = { type = "weather", min_level = 2 }'
    lines, _run = replay(ruleset("徳島県美馬市", rule), "15_15_01_220314_VPWW54.xml")
    assert lines[0]["decision"] == "ignore"
    assert "発表警報・注意報はなし" in lines[0]["reason"]
    lines, _run = replay(ruleset("徳島県藍住町", rule), "15_15_01_220314_VPWW54.xml")
    assert lines[0]["decision"] == "send" and "高潮警報" in lines[0]["title"]


def test_the_tsunami_title_must_be_exact() -> None:
    rule = 'when = { type = "tsunami" }'
    wrong = derive("32-39_11_02_250206_VTSE41.xml",
                   ("<Title>津波警報・注意報・予報a</Title>",
                    "<Title>津波警報・注意報・予報</Title>"))
    lines, _run = replay(ruleset("茨城県日立市", rule), wrong, "32-39_11_02_250206_VTSE41.xml")
    assert lines[0]["type"] == "unknown" and lines[0]["decision"] == "ignore"
    assert "この種類の電文（津波警報・注意報・予報）には対応していません" in lines[0]["reason"]
    assert lines[1]["type"] == "VTSE41" and lines[1]["decision"] == "send"


# -- storm control ------------------------------------------------------------------------

TSUNAMI_SERIES = ("32-39_11_02_250206_VTSE41.xml", "32-39_11_06_250206_VTSE41.xml",
                  "32-39_11_11_250206_VTSE41.xml", "32-39_11_13_250206_VTSE41.xml")


def test_tsunami_upgrade_goes_out_at_once_despite_window_and_cap() -> None:
    storm = "[storm]\nmerge_window = 7200\nmax_per_medium = 1\n"
    rule = 'when = { type = "tsunami", clear = true }'
    lines, _run = replay(ruleset("茨城県日立市", rule, storm), *TSUNAMI_SERIES)
    warning, same, upgrade, cleared = lines
    assert warning["decision"] == "send" and warning["title"] == "【津波警報】茨城県"
    assert "ただちに高台や避難ビルなど安全な場所へ避難してください" in warning["body"]
    assert same["decision"] == "ignore" and "同じ内容を配信済み" in same["reason"]
    assert upgrade["decision"] == "send" and upgrade["title"] == "【大津波警報】茨城県"
    assert "以前より深刻なため直ちに配信" in upgrade["reason"]
    # the all-clear two days later: not merged, not an escalation, but the cap is per hour
    assert cleared["decision"] == "send" and cleared["title"] == "【津波注意報解除】茨城県"
    assert "被害のおそれはなくなりました" in cleared["body"] and "ただちに" not in cleared["body"]


def _aftershock(event: str, clock: str, city_int: str = "") -> bytes:
    replacements = [("20080614084350", event),
                    ("<ReportDateTime>2008-06-14T08:47:00+09:00",
                     f"<ReportDateTime>2008-06-14T{clock}:00+09:00")]
    if city_int:  # the missing station reported after all
        replacements += [("<City><Name>金ケ崎町</Name><Code>0338100</Code>"
                          "<Condition>震度５弱以上未入電</Condition>",
                          f"<City><Name>金ケ崎町</Name><Code>0338100</Code>"
                          f"<MaxInt>{city_int}</MaxInt>"),
                         ("<Code>0338130</Code><Int>震度５弱以上未入電</Int>",
                          f"<Code>0338130</Code><Int>{city_int}</Int>")]
    return derive(QUAKE, *replacements)


def test_an_aftershock_storm_is_capped_but_a_stronger_one_goes_out() -> None:
    storm = "[storm]\nmax_per_medium = 2\nper_seconds = 3600\n"
    shocks = [_aftershock(f"2008061409{m:02d}00", f"09:{m:02d}") for m in (1, 10, 20)]
    stronger = _aftershock("20080614093000", "09:30", "6-")
    lines, _run = replay(ruleset("岩手県金ケ崎町", QUAKE_RULE, storm), *shocks, stronger)
    assert [line["decision"] for line in lines] == ["send", "send", "ignore", "send"]
    capped = "配信回数の上限（メール・LINE: 2件／3600秒）に達したため見送りました"
    assert capped in lines[2]["reason"]
    assert lines[3]["title"] == "【地震】金ケ崎町で震度６弱"
    assert "直近の配信より深刻なため直ちに配信" in lines[3]["reason"]


def test_updates_inside_the_merge_window_are_merged() -> None:
    rule = 'when = { type = "earthquake", min_intensity = "4" }'
    lower = _aftershock("20080614084350", "08:50", "4")  # same event, 3 min later, now 4
    later = _aftershock("20080614084350", "08:59", "4")  # same again, 12 min after the send
    later = later.replace(b"<Serial>1</Serial>", b"<Serial>3</Serial>")
    lower = lower.replace(b"<Serial>1</Serial>", b"<Serial>2</Serial>")
    lines, _run = replay(ruleset("岩手県金ケ崎町", rule), QUAKE, lower, later)
    assert [line["decision"] for line in lines] == ["send", "ignore", "send"]
    held = "300秒以内の同じ事象の続報のため保留: まとめる時間の終了時か次の配信で"
    assert held in lines[1]["reason"]
    assert "（続報）" in lines[2]["reason"] and "震度４" in lines[2]["title"]


# -- bad input ----------------------------------------------------------------------------

def test_bad_input_is_reported_in_japanese_and_kept() -> None:
    rules = ruleset("岩手県金ケ崎町", QUAKE_RULE)
    raw = sample(QUAKE)
    bad = {
        "malformed": raw.replace(b"</Control>", b"</Kontrol>", 1),
        "truncated": raw[: len(raw) // 3],
        "encoding": raw.decode("utf-8").encode("cp932", errors="replace"),
        "unknown": sample("43_02_01_200522_VFVO52.xml"),
    }
    run = Replay(rules)
    OPEN.append(run)
    outcomes = {name: run.bulletin(data, name).as_json() for name, data in bad.items()}
    assert "XMLとして読めません" in outcomes["malformed"]["reason"]
    assert "電文が途中で切れています" in outcomes["truncated"]["reason"]
    assert "文字コードが宣言（utf-8）と一致しません" in outcomes["encoding"]["reason"]
    assert "噴火に関する火山観測報）には対応していません" in outcomes["unknown"]["reason"]
    assert all("原文は保存済み" in o["reason"] for o in outcomes.values())
    assert all(o["decision"] == "ignore" for o in outcomes.values())
    with run.engine.sessions() as session:
        rows = {r.source: r for r in session.scalars(select(JmaBulletin))}
    for name, data in bad.items():
        assert rows[name].raw == data  # nothing lost
    assert rows["truncated"].error and rows["unknown"].control_title == "噴火に関する火山観測報"
