"""The shipped 定型文 library covers the common cases, and the municipality's own templates
are saved as TOML that the next start reads back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import Urgency
from app.template_store import (
    Library,
    delete_user_template,
    file_name,
    load_all,
    save_user_template,
    to_toml,
    user_folder,
)
from app.templates import LIBRARY, TemplateDef, TemplateError, Translation, parse_template

GENERAL = LIBRARY / "general"


def _general() -> dict[str, TemplateDef]:
    library = Library()
    for path in sorted(GENERAL.glob("*.toml")):
        template = parse_template(path.read_text(encoding="utf-8"), path)
        library.templates[template.name] = template
    return library.templates


def test_shipped_library_covers_the_common_cases() -> None:
    names = set(_general())
    for needed in ("避難指示", "高齢者等避難", "避難所開設", "地震", "津波", "大雨", "熱中症",
                   "防犯", "断水"):
        assert any(needed in name for name in names), needed


def test_every_shipped_template_has_reviewed_easy_japanese_that_fills() -> None:
    for name, template in _general().items():
        easy = template.translations.get("ja-easy")
        assert easy is not None and easy.reviewed, name
        values = {p: "テスト" for p in template.placeholders}
        for code in ("ja", *template.translations):
            title, body = template.fill(values, code)
            assert "{" not in title + body and title.strip() and body.strip(), (name, code)
        # やさしい日本語 keeps sentences short (a line is one or two short sentences).
        assert max(len(line) for line in easy.body.splitlines()) <= 80, name


def test_english_where_present_is_reviewed_and_has_no_japanese_outside_placeholders() -> None:
    english = {n: t.translations["en"] for n, t in _general().items() if "en" in t.translations}
    assert len(english) >= 8
    for name, translation in english.items():
        assert translation.reviewed, name
        # Only 弱/強 (explained in the text) may appear outside placeholders.
        text = "".join(part for part in (translation.title + translation.body).split("{")
                       for part in [part.split("}", 1)[-1]])
        stray = {ch for ch in text if ord(ch) > 0x2FFF} - {"弱", "強"}
        assert not stray, (name, stray)


def test_load_all_adds_the_municipality_folder_and_skips_bad_files(tmp_path: Path) -> None:
    folder = user_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / "ok.toml").write_text(
        'name = "公民館の休館"\ntitle = "休館"\nbody = "{館名}は休館"\n', encoding="utf-8")
    (folder / "broken.toml").write_text('name = "x"\ntitle = ', encoding="utf-8")
    (folder / "dup.toml").write_text('name = "避難指示"\ntitle = "t"\nbody = "b"\n',
                                     encoding="utf-8")
    library = load_all(tmp_path)
    assert "公民館の休館" in library.templates and library.is_user("公民館の休館")
    assert "避難指示" in library.templates and not library.is_user("避難指示")
    assert len(library.problems) == 2
    assert any("broken.toml" in p for p in library.problems)
    assert any("既にあります" in p for p in library.problems)


def _template(name: str, **changes: object) -> TemplateDef:
    fields: dict[str, object] = {
        "name": name, "category": "life", "urgency": Urgency.NORMAL, "title": "{施設}の休館",
        "body": '{施設}は "本日" 休館です。\n\\ と\t タブ',
        "placeholder_hints": {"施設": "例: 中央図書館"},
        "translations": {"en": Translation("{施設} closed", "{施設} is closed today.", True)},
    }
    fields.update(changes)
    return TemplateDef(**fields)  # type: ignore[arg-type]


def test_save_edit_rename_and_delete(tmp_path: Path) -> None:
    library = load_all(tmp_path)
    path = save_user_template(tmp_path, _template("休館のお知らせ"), library)
    assert path.parent == user_folder(tmp_path)
    library = load_all(tmp_path)
    saved = library.templates["休館のお知らせ"]
    assert saved.body == '{施設}は "本日" 休館です。\n\\ と\t タブ'
    assert saved.translations["en"] == Translation("{施設} closed", "{施設} is closed today.",
                                                    True)
    assert saved.placeholder_hints == {"施設": "例: 中央図書館"}
    assert saved.fill({"施設": "図書館"})[0] == "図書館の休館"

    with pytest.raises(TemplateError, match="同梱の定型文に同じ名前"):
        save_user_template(tmp_path, _template("避難指示"), library)
    with pytest.raises(TemplateError, match="変更できません"):
        save_user_template(tmp_path, _template("避難指示"), library, replacing="避難指示")

    renamed = save_user_template(tmp_path, _template("休館（図書館）"), library,
                                 replacing="休館のお知らせ")
    library = load_all(tmp_path)
    assert set(library.user) == {"休館（図書館）"} and renamed.exists() and not path.exists()
    delete_user_template(library, "休館（図書館）")
    assert load_all(tmp_path).user == set()
    with pytest.raises(TemplateError, match="削除できません"):
        delete_user_template(library, "避難指示")


def test_file_names_are_safe_on_windows() -> None:
    assert file_name('a/b:c*?"<>| d') == "a_b_c_d.toml"
    assert file_name("...") == "template.toml"


text = st.text(st.characters(codec="utf-8", exclude_characters="{}\r"), min_size=1).filter(
    lambda s: s.strip() != "")


@settings(max_examples=150, deadline=None)
@given(title=text, body=text, hint=st.text(st.characters(codec="utf-8")))
def test_any_text_survives_the_toml_round_trip(title: str, body: str, hint: str) -> None:
    template = _template("x", title=title, body=body, placeholder_hints={"名前": hint},
                         translations={"ja-easy": Translation(title, body, False)})
    back = parse_template(to_toml(template))
    assert (back.title, back.body) == (title, body)
    assert back.translations["ja-easy"] == Translation(title, body, False)
    if hint.strip():
        assert back.placeholder_hints == {"名前": hint}
