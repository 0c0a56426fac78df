"""Text measures the media count in."""

from __future__ import annotations


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as LINE counts (𠮷 and most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


FOLLOW_UP_MARKS = ("【訂正】", "【取消】")


def bracketed_title(title: str) -> str:
    """「【件名】」 as chat and SMS media head a message; a follow-up keeps its mark outside:
    「【訂正】【大雨警報】」, never 「【【訂正】大雨警報】」."""
    title = title.strip()
    for mark in FOLLOW_UP_MARKS:
        if title.startswith(mark):
            return f"{mark}【{title.removeprefix(mark).strip()}】"
    return f"【{title}】"
