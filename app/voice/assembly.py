"""Programmes as operators build them: opening chime, message, 「繰り返します」, message
again, closing chime — 48 kHz for the radio, 8 kHz for the phone line.

The radio's state machine plays the chimes as their own steps (the console's chime button is
a separate act in the operator procedure), so a ``Programme`` keeps the three parts apart and
``full`` joins them for a file or a preview.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.voice.audio import PHONE_RATE, RADIO_RATE, Audio, concat
from app.voice.chime import closing_chime, opening_chime
from app.voice.tts import Speaker

REPEAT_TEXT = "繰り返します。"
CONFIRM_PROMPT = "確認された方は、1を押してください。"
GAP_S = 0.7  # between chime and speech, and between the two readings
TAIL_S = 0.5


@dataclass(frozen=True)
class Segment:
    name: str  # opening | message | repeat | message_again | closing
    start: float  # seconds from the start of ``full``
    end: float


@dataclass(frozen=True)
class Programme:
    opening: Audio
    body: Audio  # message, 繰り返します, message
    closing: Audio
    segments: tuple[Segment, ...]
    reading: str  # what the operator approved (読み)

    @property
    def rate(self) -> int:
        return self.body.rate

    def full(self) -> Audio:
        return concat([self.opening, self.body, self.closing], self.rate)

    @property
    def seconds(self) -> float:
        return self.opening.seconds + self.body.seconds + self.closing.seconds


def assemble(message: Audio, repeat: Audio, *, rate: int = RADIO_RATE,
             opening: Audio | None = None, closing: Audio | None = None,
             reading: str = "") -> Programme:
    gap = Audio.silence(GAP_S, rate)
    opening_audio = concat([opening or opening_chime(rate), gap], rate)
    body_parts = [message, gap, repeat, gap, message, Audio.silence(TAIL_S, rate)]
    body = concat(body_parts, rate)
    closing_audio = closing.at(rate) if closing else closing_chime(rate)
    segments: list[Segment] = []
    t = opening_audio.seconds
    segments.append(Segment("opening", 0.0, t))
    for name, part in (("message", message), ("gap", gap), ("repeat", repeat), ("gap", gap),
                       ("message_again", message)):
        length = len(part.at(rate).samples) / rate
        if name != "gap":
            segments.append(Segment(name, t, t + length))
        t += length
    t += TAIL_S
    segments.append(Segment("closing", t, t + closing_audio.seconds))
    return Programme(opening_audio, body, closing_audio, tuple(segments), reading)


def radio_programme(speaker: Speaker, text: str | None = None, *,
                    recorded: Audio | None = None, reading: str | None = None,
                    opening: Audio | None = None, closing: Audio | None = None) -> Programme:
    """From text (synthesised) or from the operator's recording."""
    if recorded is None:
        if text is None:
            raise ValueError("文か録音のどちらかが必要です")
        speech = speaker.speak(text, reading)
        message, spoken = speech.audio, speech.reading
    else:
        message, spoken = recorded, ""
    repeat = speaker.speak(REPEAT_TEXT).audio
    return assemble(message.at(RADIO_RATE), repeat.at(RADIO_RATE), rate=RADIO_RATE,
                    opening=opening, closing=closing, reading=spoken)


@dataclass(frozen=True)
class PhoneMessage:
    """What one call loops until the confirming digit: short chime, message, prompt."""

    audio: Audio  # 8 kHz
    reading: str


def phone_message(speaker: Speaker, text: str | None = None, *,
                  recorded: Audio | None = None, reading: str | None = None) -> PhoneMessage:
    if recorded is None:
        if text is None:
            raise ValueError("文か録音のどちらかが必要です")
        speech = speaker.speak(text, reading)
        message, spoken = speech.audio, speech.reading
    else:
        message, spoken = recorded, ""
    prompt = speaker.speak(CONFIRM_PROMPT).audio
    gap = Audio.silence(GAP_S, PHONE_RATE)
    audio = concat([message, gap, prompt, Audio.silence(1.5, PHONE_RATE)], PHONE_RATE)
    return PhoneMessage(audio, spoken)
