"""Helpers shared by the spoken renditions (radio, phone): the text as it is read aloud, its
reading (読み), an estimate of the reading time, and the characters speech cannot carry.

Rendering runs on every keystroke, so nothing here synthesises audio: the reading comes from
Open JTalk's front end and the time is estimated from the morae of that reading. The front end
costs about 0.05 ms a character, so the speaker caches it per sentence (``Speaker.features``):
a keystroke re-analyses only the sentence being edited, and the phone rendition re-uses what
the radio rendition just analysed. The driver synthesises (and caches) the real audio when it
sends, from those same per-sentence features, so the reading shown is the reading spoken.
"""

from __future__ import annotations

import re
import unicodedata

from app.compose.text import normalise_newlines
from app.domain import Draft, Finding, Severity

# Measured with pyopenjtalk-plus' "mei" voice at speed 1.0 (see tests/unit/test_voice_media):
# about 0.14 s per mora, a pause at 、 and 。 about 0.3 s.
SECONDS_PER_MORA = 0.14
SECONDS_PER_PAUSE = 0.3
SMALL_KANA = set("ァィゥェォャュョヮ")
PAUSES = set("、。！？!?,.")
URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
# Letters, digits and the punctuation Open JTalk reads or pauses at; everything else (emoji,
# ※★→ …) is silently dropped by the speech engine, so the operator is told.
SPEAKABLE_PUNCTUATION = set("、。，．・：；？！ー（）「」『』【】〔〕…～-,.:;?!()[]%％/／+＋")


def spoken_text(draft: Draft) -> str:
    """What is read: the title as a sentence, then the body; 訓練 announced first."""
    parts = []
    if draft.training:
        parts.append("これは訓練です。")
    title = draft.title.strip().strip("。")
    if title:
        parts.append(f"{title}。")
    body = normalise_newlines(draft.body).strip()
    if body:
        parts.append(body)
    if draft.training:
        parts.append("これは訓練です。")
    return "\n".join(parts)


def unspeakable(text: str) -> list[str]:
    """Characters the speech engine would skip without a sound."""
    found: list[str] = []
    for ch in unicodedata.normalize("NFKC", URL.sub("", text)):
        if ch.isspace() or ch in SPEAKABLE_PUNCTUATION or ch in found:
            continue
        category = unicodedata.category(ch)
        if category[0] in "LN":  # letters (kana, kanji, latin) and digits are read
            continue
        found.append(ch)
    return found


def estimate_seconds(reading: str) -> float:
    morae = sum(1 for c in reading if c not in SMALL_KANA and c not in PAUSES)
    pauses = sum(1 for c in reading if c in PAUSES)
    return morae * SECONDS_PER_MORA + pauses * SECONDS_PER_PAUSE


def reading_of(text: str) -> tuple[str, Finding | None]:
    """The katakana reading, or a warning when the speech engine is not available here."""
    from app.voice.tts import TTSError, default_speaker

    try:
        speaker = default_speaker()
        reading = speaker.reading(text)
        if speaker.pending(text):  # typing: the edited sentence is analysed in the background
            return reading, Finding(Severity.OK, "reading_pending",
                                    "読みを確認しています（入力中の文は書いたとおり表示）")
        return reading, None
    except TTSError as exc:
        return "", Finding(Severity.WARNING, "tts_unavailable",
                           f"読みを確認できません（{exc}）")


def text_findings(text: str, medium_label: str, language: str = "ja") -> list[Finding]:
    findings: list[Finding] = []
    if language != "ja":
        findings.append(Finding(
            Severity.WARNING, "voice_japanese_only",
            f"{medium_label}の音声合成は日本語の声だけです。この言語の文面も日本語の発音で"
            "読み上げられます（録音を使うと確実です）"))
    if URL.search(text):
        findings.append(Finding(
            Severity.WARNING, "url_spoken",
            f"{medium_label}ではURLを読み上げても伝わりません。本文から外すか言い換えてください"))
    odd = unspeakable(text)
    if odd:
        findings.append(Finding(
            Severity.WARNING, "unspeakable",
            f"{medium_label}では読み上げられない文字があります（{'　'.join(odd[:10])}）"))
    return findings
