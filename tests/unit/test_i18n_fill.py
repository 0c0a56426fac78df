"""resources/i18n/fill.py: unfinished messages get their English from the mapping, and a
translation that breaks its source (placeholders, accelerator, line breaks) is refused."""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("issei_i18n_fill",
                                                  ROOT / "resources" / "i18n" / "fill.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fill_tool = _load()

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="ja_JP">
<context>
    <name>History</name>
    <message>
        <location filename="../../widgets/history.py" line="1"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/history.py" line="2"/>
        <source>訂正…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="3"/>
        <source>取消</source>
        <translation type="unfinished">Cancel</translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="4"/>
        <source>音声(&amp;A)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="5"/>
        <source>「{word}」&#x3000;{n:,}件
次へ</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../widgets/correction_dialog.py" line="6"/>
        <source>%n 件</source>
        <translation type="unfinished">
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../widgets/correction_dialog.py" line="7"/>
        <source>未訳</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
"""

MAPPING = {
    "*": {"取消": "Cancel", "訂正…": "Correct…", "音声(&A)": "&Audio",
          "「{word}」\u3000{n:,}件\n次へ": "“{word}”  {n:,} & it's\nNext",
          "%n 件": ["%n item", "%n items"]},
    "CorrectionDialog": {"取消": "retraction"},
}


def _translations(text: str) -> dict[tuple[str, str], ET.Element]:
    root = ET.fromstring(text.split("\n", 2)[2])  # past the XML declaration and DOCTYPE
    return {(c.findtext("name") or "", m.findtext("source") or ""): m
            for c in root.iter("context") for m in c.iter("message")}


def test_unfinished_messages_are_filled_and_finished_ones_kept() -> None:
    text, result = fill_tool.fill(TS, MAPPING)
    found = _translations(text)
    assert found[("History", "取消")].findtext("translation") == "Cancel"
    assert found[("History", "訂正…")].findtext("translation") == "Correct…"
    retraction = found[("CorrectionDialog", "取消")].find("translation")
    assert retraction is not None and retraction.text == "retraction"  # the context wins
    assert retraction.get("type") is None
    assert found[("CorrectionDialog", "音声(&A)")].findtext("translation") == "&Audio"
    assert (found[("CorrectionDialog", "「{word}」\u3000{n:,}件\n次へ")].findtext("translation")
            == "“{word}”  {n:,} & it's\nNext")
    assert "&amp; it&apos;s" in text  # escaped as lupdate writes it
    plural = found[("CorrectionDialog", "%n 件")].find("translation")
    assert plural is not None
    assert [f.text for f in plural.iter("numerusform")] == ["%n item", "%n items"]
    assert result.missing == {"CorrectionDialog": {"未訳": ""}}
    assert result.problems == []
    assert len(result.filled) == 5
    untouched = TS.split("<context>")[1]
    assert untouched.split("訂正…")[0] in text  # the rest of the file is as lupdate wrote it


def test_a_translation_that_breaks_its_source_is_refused() -> None:
    assert fill_tool.check("{n} 件を再送", "{count} queued again") != []
    assert fill_tool.check("{n:,}件", "{n}") != []
    assert fill_tool.check("音声(&A)", "Audio") != []
    assert fill_tool.check("一行\n二行", "one line") != []
    assert fill_tool.check("<b>注意</b>", "Note") != []
    assert fill_tool.check("%1 件", "items") != []
    assert fill_tool.check("%n 件", "%n items", numerus=True) != []
    assert fill_tool.check("件", "  ") != []
    assert fill_tool.check("{n} 件を再送", "{n} queued again") == []
    bad = {"*": {**MAPPING["*"], "訂正…": "Correct {x}…"}}
    text, result = fill_tool.fill(TS, bad)
    assert _translations(text)[("History", "訂正…")].find("translation").get(  # type: ignore[union-attr]
        "type") == "unfinished"
    assert len(result.problems) == 1 and "訂正…" in result.problems[0]


def test_the_command_reports_what_is_left(tmp_path: Path) -> None:
    ts = tmp_path / "x.ts"
    ts.write_text(TS, encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING, ensure_ascii=False), encoding="utf-8")
    missing = tmp_path / "missing.json"
    assert fill_tool.main(["--ts", str(ts), "--map", str(mapping),
                           "--missing", str(missing)]) == 1
    assert json.loads(missing.read_text(encoding="utf-8")) == {"CorrectionDialog": {"未訳": ""}}
    done = {**MAPPING, "*": {**MAPPING["*"], "未訳": "Untranslated"}}
    mapping.write_text(json.dumps(done, ensure_ascii=False), encoding="utf-8")
    assert fill_tool.main(["--ts", str(ts), "--map", str(mapping)]) == 0


def test_every_entry_of_the_committed_mapping_keeps_its_placeholders() -> None:
    mapping = fill_tool.load_mapping(fill_tool.MAPPING)
    bad = {(context, source): fill_tool.check(source, value, numerus=isinstance(value, list))
           for context, entries in mapping.items() for source, value in entries.items()}
    assert {k: v for k, v in bad.items() if v} == {}
    assert sum(len(v) for v in mapping.values()) > 200
