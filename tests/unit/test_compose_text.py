"""Small text rules every renderer shares."""

from __future__ import annotations

from app.compose.text import bracketed_title, utf16_length


def test_follow_up_marks_stay_outside_the_title_brackets() -> None:
    assert bracketed_title(" 大雨警報 ") == "【大雨警報】"
    assert bracketed_title("【訂正】大雨警報") == "【訂正】【大雨警報】"
    assert bracketed_title("【取消】 大雨警報") == "【取消】【大雨警報】"


def test_utf16_length_counts_surrogate_pairs_twice() -> None:
    assert utf16_length("𠮷野家") == 4
    assert utf16_length("避難") == 2
