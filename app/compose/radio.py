"""The radio rendition (防災行政無線): the script as the operator reads it on the preview —
opening chime, message, 「繰り返します」, message again, closing chime — with its reading
(読み) and the estimated time on air. Audio is made by the radio driver when it sends (from
the same text, or from the operator's recording when the draft carries one).
"""

from __future__ import annotations

from app.compose.voicetext import (
    estimate_seconds,
    reading_of,
    spoken_text,
    text_findings,
)
from app.domain import Draft, Finding, Medium, Rendition, Severity
from app.voice.assembly import GAP_S, REPEAT_TEXT, TAIL_S

CHIME_SECONDS = 3.6  # generated opening or closing chime with its gap, on average
RADIO_WARN_SECONDS = 120.0  # residents outdoors lose the thread of a longer broadcast
RADIO_MAX_SECONDS = 300.0  # the default transmit limit ([radio] tx_limit)
OPENING, CLOSING = "（開始チャイム）", "（終了チャイム）"


def render_radio(draft: Draft, language: str) -> Rendition:
    text = spoken_text(draft)
    findings: list[Finding] = []
    if draft.recording:
        reading, message_seconds = "", None
        script = "\n".join([OPENING, "（録音）", REPEAT_TEXT, "（録音）", CLOSING])
    else:
        if not text.strip():
            findings.append(Finding(Severity.ERROR, "body_empty", "放送する文を入力してください"))
        reading, problem = reading_of(text) if text.strip() else ("", None)
        if problem is not None:
            findings.append(problem)
        message_seconds = estimate_seconds(reading) if reading else None
        script = "\n".join([OPENING, text, REPEAT_TEXT, text, CLOSING])
        findings.extend(text_findings(text, "防災無線", language))
    seconds = None
    if message_seconds is not None:
        seconds = round(2 * CHIME_SECONDS + 2 * message_seconds + estimate_seconds(
            "クリカエシマス。") + 2 * GAP_S + TAIL_S, 1)
        if seconds > RADIO_MAX_SECONDS:
            findings.append(Finding(
                Severity.ERROR, "too_long",
                f"放送が長すぎます（約{seconds:.0f}秒、上限{RADIO_MAX_SECONDS:.0f}秒）"))
        elif seconds > RADIO_WARN_SECONDS:
            findings.append(Finding(
                Severity.WARNING, "long",
                f"放送が約{seconds:.0f}秒になります。屋外では{RADIO_WARN_SECONDS:.0f}秒以内が"
                "聞き取りやすい長さです"))
    payload: dict[str, object] = {
        "text": text,  # read once; the driver assembles chime, text, 繰り返します, text, chime
        "script": script,
        "reading": reading,
        "seconds": seconds,  # estimated time on air, chimes and repeat included
        "zones": list(draft.areas),  # empty: every zone (一括)
        "recording": draft.recording,
        "voice": "recording" if draft.recording else "tts",
    }
    return Rendition(Medium.RADIO, language, payload, findings)
