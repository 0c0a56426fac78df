"""Templates (定型文): the shipped library loads, fills, and refuses what would misfire."""

from __future__ import annotations

import pytest

from app.templates import TemplateError, load_library, parse_template

VALUES = {"発令時刻": "18時00分", "地区": "北地区", "理由": "土砂災害", "避難所": "北小学校"}


def test_shipped_library_loads_and_fills() -> None:
    library = load_library()
    template = library["避難指示"]
    title, body = template.fill(VALUES)
    assert title == "【警戒レベル4】北地区に避難指示を発令"
    assert "北小学校" in body and "{" not in body
    easy_title, _ = template.fill(VALUES, "ja-easy")
    assert "にげて" in easy_title


def test_missing_placeholder_is_refused_not_sent_literally() -> None:
    template = load_library()["避難指示"]
    with pytest.raises(TemplateError, match="未入力です: 避難所"):
        template.fill({**VALUES, "避難所": " "})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('name = "x"\ntitle = "t"\n', "body がありません"),
        ('name = "x"\ntitle = "t"\nbody = "b"\ncategory = "sports"\n', "カテゴリ「sports」"),
        ('name = "x"\ntitle = "t"\nbody = "b"\nurgency = "panic"\n', "緊急度「panic」"),
        ('name = "x"\ntitle = "{地区"\nbody = "b"\n', "対応していません"),
        ('name = "x"\ntitle = ', "書式が正しくありません"),
    ],
)
def test_malformed_template_is_refused_when_loaded(text: str, expected: str) -> None:
    with pytest.raises(TemplateError, match=expected):
        parse_template(text)
