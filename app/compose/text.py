"""Text measures the media count in."""

from __future__ import annotations


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as LINE counts (𠮷 and most emoji count 2)."""
    return len(text.encode("utf-16-le")) // 2


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
