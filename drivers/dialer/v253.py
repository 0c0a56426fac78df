"""ITU-T V.253 voice modem: dial, play a message, read DTMF, hang up.

Answer detection on an analogue line is a guess (``VCON`` when ringback stops), so a call
is only *confirmed* when the resident presses the digit; until then the message repeats, up
to a timeout. Audio goes out DLE-shielded: every 0x10 doubled, the end marked by DLE ETX
(as many DLEs as the model needs). DLE events coming back (DTMF, busy, silence …) are
parsed by a state machine that keeps a DLE split across two reads.

Blocking; one instance per modem, used by one worker thread.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from app.voice.audio import Audio, to_mulaw, to_u8
from drivers import serial_io
from drivers.dialer.profiles import DLE, ETX, ModemProfile

log = logging.getLogger("issei.dialer.v253")

DTMF_CODES = set(b"0123456789*#ABCD")
FINAL = ("OK", "ERROR", "VCON", "BUSY", "NO ANSWER", "NO DIALTONE", "NO CARRIER", "CONNECT")


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"  # answered and the confirming digit was pressed
    ANSWERED = "answered"  # VCON, message played, no digit
    BUSY = "busy"
    NO_ANSWER = "no_answer"
    FAILED = "failed"  # no dial tone, modem error, port trouble

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.CONFIRMED: "確認済み",
    Outcome.ANSWERED: "応答あり（確認番号なし）",
    Outcome.BUSY: "話し中",
    Outcome.NO_ANSWER: "応答なし",
    Outcome.FAILED: "失敗",
}


class ModemError(RuntimeError):
    """The modem did not do what was asked; the message is for the operator."""


def dle_escape(data: bytes) -> bytes:
    return data.replace(bytes([DLE]), bytes([DLE, DLE]))


@dataclass
class DleEvents:
    """What a chunk of DCE→DTE bytes meant."""

    data: bytearray = field(default_factory=bytearray)  # audio (+VRX) or result text
    dtmf: str = ""
    events: str = ""  # other DLE codes: b busy, d dial tone, s silence, q quiet, u underrun
    end: bool = False  # <DLE><ETX>


class DleParser:
    """Stateful: a DLE at the end of one read pairs with the first byte of the next."""

    def __init__(self) -> None:
        self._pending_dle = False

    def feed(self, chunk: bytes) -> DleEvents:
        out = DleEvents()
        for byte in chunk:
            if self._pending_dle:
                self._pending_dle = False
                if byte == DLE:
                    out.data.append(DLE)
                elif byte == ETX:
                    out.end = True
                elif byte in DTMF_CODES:
                    out.dtmf += chr(byte)
                elif byte in b"/~":  # Conexant: DTMF start/end marks around the digit
                    pass
                else:
                    out.events += chr(byte)
            elif byte == DLE:
                self._pending_dle = True
            else:
                out.data.append(byte)
        return out


@dataclass(frozen=True)
class Codec:
    cml: int
    encoding: str  # u8 | ulaw
    description: str


VSM_LINE = re.compile(r'^(?:\+VSM:\s*)?(\d+)\s*,\s*"([^"]*)"')


def parse_vsm(lines: list[str]) -> list[tuple[int, str]]:
    """``AT+VSM=?`` answers: (cml, description) per codec."""
    found = []
    for line in lines:
        match = VSM_LINE.match(line.strip())
        if match:
            found.append((int(match.group(1)), match.group(2)))
    return found


def encoding_of(description: str) -> str | None:
    text = description.upper().replace(" ", "").replace("-", "")
    if "ULAW" in text or "G711U" in text or "G.711U" in text:
        return "ulaw"
    if "UNSIGNED" in text or "8BITLINEAR" in text:
        return "u8"
    return None


def choose_codec(offered: list[tuple[int, str]], profile: ModemProfile) -> Codec:
    for cml, encoding in profile.codecs:
        for offered_cml, description in offered:
            if cml is not None and offered_cml == cml:
                return Codec(cml, encoding, description)
            if cml is None and encoding_of(description) == encoding:
                return Codec(offered_cml, encoding, description)
    names = "、".join(f"{c}:{d}" for c, d in offered) or "応答なし"
    raise ModemError(f"使える音声形式がモデムにありません（AT+VSM=? → {names}）")


def encode(audio: Audio, codec: Codec) -> bytes:
    pcm = audio.at(8000).samples
    return to_mulaw(pcm) if codec.encoding == "ulaw" else to_u8(pcm)


@dataclass
class CallResult:
    number: str
    outcome: Outcome
    digits: str = ""
    plays: int = 0
    error: str = ""
    line: str = ""


class V253Modem:
    simulated = False

    def __init__(self, url: str, profile: ModemProfile, *, country: str = "00",
                 baudrate: int = 115200, pace: float = 1.0,
                 command_timeout: float = 3.0) -> None:
        self.url = url
        self.profile = profile
        self.country = country
        self.baudrate = baudrate
        self.pace = pace  # 1.0: send audio at its real-time rate; 0: as fast as possible
        self.command_timeout = command_timeout
        self.port: serial.SerialBase | None = None
        self.codec: Codec | None = None
        self.parser = DleParser()
        self._text = bytearray()
        self._heard = ""  # DTMF that arrived while in command mode (between two playings)
        self.transcript: list[tuple[str, bytes]] = []  # (">"|"<", bytes) for after-action review
        self.name = url

    # -- port and commands --------------------------------------------------------------------

    def open(self) -> None:
        try:
            # DTR stays high: a modem configured &D2 hangs up when DTR drops.
            self.port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.05)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ModemError(f"モデム {self.url} を開けません: {exc}") from exc

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None

    def _write(self, data: bytes) -> None:
        assert self.port is not None
        serial_io.write(self.port, self.transcript, data)

    def _read(self) -> bytes:
        assert self.port is not None
        return serial_io.read(self.port, self.transcript)

    def _lines(self, deadline: float, finals: tuple[str, ...]) -> list[str]:
        assert self.port is not None
        lines: list[str] = []

        def complete(chunk: bytes) -> bool:
            parsed = self.parser.feed(chunk)
            self._heard += parsed.dtmf
            self._text += parsed.data
            while b"\n" in self._text or b"\r" in self._text:
                cut = min(i for i in (self._text.find(b"\r"), self._text.find(b"\n"))
                          if i >= 0)
                line = self._text[:cut].decode("ascii", "replace").strip()
                del self._text[:cut + 1]
                if not line:
                    continue
                lines.append(line)
                if line in finals:
                    return True
            return False

        if serial_io.read_until(self.port, self.transcript, deadline, complete):
            return lines
        raise ModemError("モデムが応答しません")

    def command(self, text: str, *, timeout: float | None = None,
                finals: tuple[str, ...] = FINAL) -> list[str]:
        """Send ``text`` and return the lines up to and including the final result."""
        self._text.clear()
        self._write(text.encode("ascii") + b"\r")
        return self._lines(time.monotonic() + (timeout or self.command_timeout), finals)

    def expect_ok(self, text: str) -> list[str]:
        lines = self.command(text)
        if lines[-1] != "OK":
            raise ModemError(f"モデムが「{text}」を受け付けません（{lines[-1]}）")
        return lines

    # -- voice -----------------------------------------------------------------------------

    def setup(self) -> Codec:
        for line in self.profile.init:
            self.expect_ok(line)
        if self.profile.country_code:
            # Japanese call-progress tones (busy, ringback) differ from the US defaults; a
            # modem left on its factory country misreads them.
            self.expect_ok(f"AT+GCI={self.country}")
        for line in self.profile.extra:
            self.expect_ok(line)
        offered = parse_vsm(self.expect_ok("AT+VSM=?"))
        codec = choose_codec(offered, self.profile)
        self.expect_ok(f"AT+VSM={codec.cml},8000{self.profile.vsm_suffix}")
        self.codec = codec
        return codec

    def dial(self, number: str, answer_timeout: float) -> Outcome | None:
        """None when answered (VCON); otherwise why not."""
        if not re.fullmatch(r"[0-9*#,]+", number):
            raise ModemError(f"電話番号「{number}」は数字で指定してください")
        lines = self.command(f"ATD{number}", timeout=answer_timeout)
        result = lines[-1]
        if result == "VCON":
            return None
        if result == "BUSY":
            return Outcome.BUSY
        if result in ("NO ANSWER", "NO CARRIER"):
            return Outcome.NO_ANSWER
        raise ModemError({"NO DIALTONE": "発信音がありません（回線を確認してください）"}.get(
            result, f"発信できません（{result}）"))

    def play(self, pcm: bytes, stop: threading.Event, want: str = "",
             on_digit: Callable[[str], None] | None = None) -> str:
        """+VTX: send the message; returns the digits heard. Stops early at ``want``."""
        if want and want in self._heard:  # pressed between two playings
            digits, self._heard = self._heard, ""
            return digits
        lines = self.command("AT+VTX", finals=("CONNECT", "ERROR"))
        if lines[-1] != "CONNECT":
            raise ModemError("モデムが音声送信（AT+VTX）を受け付けません")
        digits, self._heard = self._heard, ""
        chunk = 400  # 50 ms at 8000 samples/s, one byte a sample
        started = time.monotonic()
        for offset in range(0, len(pcm), chunk):
            if stop.is_set() or (want and want in digits):
                break
            self._write(dle_escape(pcm[offset:offset + chunk]))
            incoming = self.parser.feed(self._read_nowait())
            digits += incoming.dtmf
            if incoming.dtmf and on_digit:
                on_digit(incoming.dtmf)
            if "b" in incoming.events:
                break  # busy tone: the resident hung up
            if self.pace > 0:
                ahead = started + (offset + chunk) / 8000 * self.pace - time.monotonic()
                if ahead > 0.1:  # keep the modem's buffer about 100 ms ahead
                    time.sleep(ahead - 0.1)
        self._write(self.profile.end_tx)
        self._text.clear()
        deadline = time.monotonic() + self.command_timeout + (
            len(pcm) / 8000 * self.pace if self.pace else 0)
        while True:  # DTMF may still arrive before the modem says OK
            if time.monotonic() > deadline:
                raise ModemError("音声送信の終了をモデムが確認しません")
            parsed = self.parser.feed(self._read())
            digits += parsed.dtmf
            if parsed.dtmf and on_digit:
                on_digit(parsed.dtmf)
            self._text += parsed.data
            if b"OK" in self._text:
                self._text.clear()
                return digits + self._take_heard()

    def _take_heard(self) -> str:
        heard, self._heard = self._heard, ""
        return heard

    def _read_nowait(self) -> bytes:
        assert self.port is not None
        return serial_io.read_nowait(self.port, self.transcript)

    def hangup(self) -> None:
        self._heard = ""
        try:
            self.command("ATH0")
        except ModemError:
            log.warning("modem %s did not confirm hang-up", self.url)

    # -- one call ----------------------------------------------------------------------------

    def call(self, number: str, message: Audio, *, confirm_digit: str = "1",
             answer_timeout: float = 60.0, confirm_timeout: float = 90.0,
             stop: threading.Event | None = None) -> CallResult:
        stop = stop or threading.Event()
        result = CallResult(number, Outcome.FAILED, line=self.name)
        try:
            if self.port is None:
                self.open()
            codec = self.setup()
            pcm = encode(message, codec)
            not_answered = self.dial(number, answer_timeout)
            if not_answered is not None:
                result.outcome = not_answered
                return result
            result.outcome = Outcome.ANSWERED
            deadline = time.monotonic() + confirm_timeout
            while time.monotonic() < deadline and not stop.is_set():
                result.digits += self.play(pcm, stop, want=confirm_digit)
                result.plays += 1
                if confirm_digit in result.digits:
                    result.outcome = Outcome.CONFIRMED
                    break
        except ModemError as exc:
            result.error = str(exc)
        except (serial.SerialException, OSError) as exc:
            result.error = f"モデムとの通信が切れました: {exc}"
        finally:
            if self.port is not None:
                self.hangup()
        return result
