"""The phone rendition (一斉架電): the message one call plays, followed by the request for the
confirming digit, looped until it is pressed. Audio is made by the phone driver when it
calls (text-to-speech at 8 kHz, or the operator's recording)."""

from __future__ import annotations

from app.compose.voicetext import estimate_seconds, reading_of, spoken_text, text_findings
from app.domain import Draft, Finding, Medium, Rendition, Severity
from app.voice.assembly import CONFIRM_PROMPT

CONFIRM_DIGIT = "1"  # the prompt says 1; [dialer] confirm_digit must agree
PROMPT_TEXT = "確認された方は1を押してください"
PHONE_WARN_SECONDS = 45.0  # an elderly resident must hear the prompt before hanging up
PHONE_MAX_SECONDS = 120.0


def render_phone(draft: Draft, language: str) -> Rendition:
    text = spoken_text(draft)
    findings: list[Finding] = []
    reading, seconds = "", None
    if not draft.recording:
        if not text.strip():
            findings.append(Finding(Severity.ERROR, "body_empty", "電話で流す文を入力してください"))
        else:
            reading, problem = reading_of(text)
            if problem is not None:
                findings.append(problem)
            if reading:
                seconds = round(estimate_seconds(reading) + estimate_seconds(
                    "カクニンサレタカタワ、イチヲオシテクダサイ。") + 2.2, 1)
        findings.extend(text_findings(text, "電話", language))
    if seconds is not None and seconds > PHONE_MAX_SECONDS:
        findings.append(Finding(
            Severity.ERROR, "too_long",
            f"電話のメッセージが長すぎます（約{seconds:.0f}秒、上限{PHONE_MAX_SECONDS:.0f}秒）"))
    elif seconds is not None and seconds > PHONE_WARN_SECONDS:
        findings.append(Finding(
            Severity.WARNING, "long",
            f"電話のメッセージが約{seconds:.0f}秒です。確認のお願いまでに切られることがあります"))
    payload: dict[str, object] = {
        "text": text,
        "prompt": CONFIRM_PROMPT,
        "script": "\n".join(["（録音）" if draft.recording else text, PROMPT_TEXT,
                             "（確認番号が押されるまで繰り返し）"]),
        "confirm_digit": CONFIRM_DIGIT,
        "reading": reading,
        "seconds": seconds,  # one playing, prompt included
        "recording": draft.recording,
        "voice": "recording" if draft.recording else "tts",
    }
    return Rendition(Medium.PHONE, language, payload, findings)
