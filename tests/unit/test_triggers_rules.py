"""The rules file: everything is checked when it is loaded, with a clear Japanese message."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.templates import load_library
from app.triggers.match import COMMON_PLACEHOLDERS, PLACEHOLDERS, TYPES
from app.triggers.rules import (
    CANCEL_TEMPLATE,
    DEFAULT_TEMPLATES,
    RulesError,
    load_rules,
    parse_rules,
)

ROOT = Path(__file__).resolve().parents[2]

ISSUE_EXAMPLE = """
[area]
municipality = "高知県土佐市"   # resolves the codes; explicit code lists may override

[[rule]]
name = "震度5弱以上"
when = { type = "earthquake", min_intensity = "5-" }   # intensity in our municipality
template = "地震_震度"
media = ["email", "line", "x", "radio"]
mode = "auto"        # auto | confirm (operator approves in the console)
"""


def rules(body: str, municipality: str = "高知県土佐市") -> str:
    return f'[area]\nmunicipality = "{municipality}"\n' + body


def test_the_issue_example_loads() -> None:
    ruleset = parse_rules(ISSUE_EXAMPLE)
    rule = ruleset.rules[0]
    assert ruleset.municipality.code == "3920500"
    assert (rule.name, rule.type, rule.when.min_intensity, rule.mode) == (
        "震度5弱以上", "earthquake", "5-", "auto")
    assert rule.template.name == "地震_震度"
    assert [m.value for m in rule.media] == ["email", "line", "x", "radio"]
    assert ruleset.storm.merge_window == 300 and ruleset.feed.interval == 60


def test_every_type_has_a_shipped_default_template_it_can_fill() -> None:
    library = load_library()
    assert set(DEFAULT_TEMPLATES) == set(TYPES)
    for kind, name in DEFAULT_TEMPLATES.items():
        template = library[name]
        assert template.source is not None and template.source.parent.name == "jma"
        assert set(template.placeholders) <= set(COMMON_PLACEHOLDERS) | set(PLACEHOLDERS[kind])
    cancel = library[CANCEL_TEMPLATE]
    assert set(cancel.placeholders) <= set(COMMON_PLACEHOLDERS) | set(PLACEHOLDERS["cancel"])


def test_a_rule_without_template_gets_the_default() -> None:
    ruleset = parse_rules(rules('[[rule]]\nname = "津波"\nwhen = { type = "tsunami" }\n'
                                'media = ["email"]\n'))
    assert ruleset.rules[0].template.name == "津波"
    assert ruleset.rules[0].when.tsunami_kinds == {"大津波警報", "津波警報", "津波注意報"}


@pytest.mark.parametrize(("body", "message"), [
    ('[[rule]]\nname = "a"\nwhen = { type = "earthquake", min_intensity = "5-" }\n'
     'template = "存在しない定型文"\nmedia = ["email"]\n',
     "定型文「存在しない定型文」はありません"),
    ('[[rule]]\nname = "a"\nwhen = { type = "tornado" }\ntemplate = "地震_震度"\n'
     'media = ["email"]\n', "定型文「地震_震度」の項目 震度、発生時刻、震源地、深さ、規模、津波 は"
     "竜巻注意情報の電文から埋められません"),
    ('[[rule]]\nname = "a"\nwhen = { type = "earthquake", min_intensity = "5-" }\n'
     'media = ["pigeon"]\n', "媒体「pigeon」はありません"),
    ('[[rule]]\nname = "a"\nwhen = { type = "earthquake", min_intensity = "5-" }\n'
     'media = ["email"]\nmode = "maybe"\n', "mode は auto か confirm です"),
    ('[[rule]]\nname = "a"\nwhen = { type = "earthquake" }\nmedia = ["email"]\n',
     "地震の条件には min_intensity"),
    ('[[rule]]\nname = "a"\nwhen = { type = "earthquake", min_intensity = "強い" }\n'
     'media = ["email"]\n', "min_intensity「強い」は震度ではありません"),
    ('[[rule]]\nname = "a"\nwhen = { type = "weather" }\nmedia = ["email"]\n',
     "kinds か min_level が必要です"),
    ('[[rule]]\nname = "a"\nwhen = { type = "weather", kinds = ["雨雨警報"] }\n'
     'media = ["email"]\n', "警報・注意報「雨雨警報」はコード表にありません"),
    ('[[rule]]\nname = "a"\nwhen = { type = "quake" }\nmedia = ["email"]\n',
     "when.type は earthquake・eew・tsunami"),
    ('[[rule]]\nname = "a"\nwhen = { type = "tornado", colour = "red" }\nmedia = ["email"]\n',
     "知らない項目です: colour"),
    ('[[rule]]\nname = "a"\nwhen = { type = "tornado" }\nmedia = []\n', "media（例"),
    ('[[rule]]\nname = "a"\nwhen = { type = "tornado" }\nmedia = ["email"]\n'
     '[[rule]]\nname = "a"\nwhen = { type = "tornado" }\nmedia = ["email"]\n',
     "条件名が重複しています: a"),
    ('[storm]\nmerge_window = -1\n', "merge_window は 0 以上の数"),
    ('[feed]\nfeeds = ["extra", "weekly"]\n', "feeds の「weekly」はありません"),
    ('[feed]\nbase_url = "ftp://example.jp/"\n', "base_url は http:// か https://"),
])
def test_mistakes_are_refused_at_load_with_a_clear_message(body: str, message: str) -> None:
    with pytest.raises(RulesError) as info:
        parse_rules(rules(body))
    assert message in str(info.value)


def test_tsunami_rule_needs_a_tsunami_area() -> None:
    with pytest.raises(RulesError, match="津波予報区が複数あります"):
        parse_rules(rules('[[rule]]\nname = "t"\nwhen = { type = "tsunami" }\nmedia = ["email"]\n',
                          "千葉県銚子市"))
    ruleset = parse_rules('[area]\nmunicipality = "千葉県銚子市"\ntsunami_areas = ["310"]\n'
                          '[[rule]]\nname = "t"\nwhen = { type = "tsunami" }\nmedia = ["email"]\n')
    assert dict(ruleset.municipality.tsunami_areas) == {"310": "千葉県九十九里・外房"}


def test_weather_kinds_by_name_class_or_level() -> None:
    ruleset = parse_rules(rules(
        '[[rule]]\nname = "w"\nwhen = { type = "weather", kinds = ["大雨警報", "特別警報"], '
        'statuses = ["発表", "切替", "解除"] }\nmedia = ["email"]\n'))
    cond = ruleset.rules[0].when
    assert {"3", "33", "38", "39"} <= cond.weather_codes and "10" not in cond.weather_codes
    assert cond.statuses == {"発表", "切替", "解除"}


def test_unknown_municipality_and_file_problems(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="市町村「土佐町村」がコード表にありません"):
        parse_rules(rules("", "土佐町村"))
    with pytest.raises(RulesError, match="ファイルが見つかりません"):
        load_rules(tmp_path / "none.toml")
    bad = tmp_path / "sjis.toml"
    bad.write_bytes(rules("").encode("cp932"))
    with pytest.raises(RulesError, match="UTF-8 で保存してください"):
        load_rules(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[area\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"broken\.toml: 自動配信条件の書式が正しくありません"):
        load_rules(broken)


def test_code_tables_folder_from_the_rules_file() -> None:
    folder = ROOT / "tests" / "data" / "jma" / "codes"
    ruleset = parse_rules(f'[area]\nmunicipality = "高知県土佐市"\ncode_tables = "{folder}"\n')
    assert ruleset.codes.folder == folder
