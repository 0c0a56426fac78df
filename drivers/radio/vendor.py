"""Backend (b): a console's RS-232C command interface, described by data.

No vendor publishes its console protocol (HARDWARE.md §1.1); a town that obtains its
vendor's interface spec writes it down as a profile — framing, checksum, ACK/NAK, line
settings, command texts — and this one engine speaks it. Nothing here claims to know a real
vendor's protocol; the shipped example profile is invented and says so.

Frame: ``STX payload ETX checksum``. The checksum is over the payload and ETX (and STX if
``checksum_covers_stx``), as one raw byte or as two ASCII hex digits (needed on 7-bit
lines, where a raw byte above 0x7F cannot travel).
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from typing import Any

import serial

from drivers import serial_io
from drivers.radio.procedure import RadioError
from drivers.radio.serial_lines import open_quiet

log = logging.getLogger("issei.radio.vendor")

CHECKSUMS = ("none", "sum8", "xor", "lrc")
FRAMINGS = re.compile(r"^([78])([NEO])([12])$")


def checksum(kind: str, data: bytes) -> int:
    if kind == "sum8":
        return sum(data) & 0xFF
    if kind == "xor":
        value = 0
        for b in data:
            value ^= b
        return value
    if kind == "lrc":  # two's complement of the sum, as in Modbus ASCII
        return (-sum(data)) & 0xFF
    raise ValueError(kind)


def _bytes(value: Any, name: str) -> bytes:
    if isinstance(value, int):
        return bytes([value])
    if isinstance(value, str):
        return value.encode("latin-1")
    raise ValueError(f"[radio.vendor] {name} は数値か文字列です")


@dataclass(frozen=True)
class VendorProfile:
    name: str = "example"
    baudrate: int = 9600
    framing: str = "8N1"  # data bits, parity (N/E/O), stop bits: 7E1, 8N1 …
    stx: bytes = b"\x02"
    etx: bytes = b"\x03"
    checksum: str = "sum8"
    checksum_ascii: bool = True
    checksum_covers_stx: bool = False
    ack: bytes = b"\x06"
    nak: bytes = b"\x15"
    retries: int = 3
    reply_timeout: float = 1.0
    ack_replies: bool = True  # the host acknowledges a status reply
    select: str = "SEL{zones}"
    select_all: str = "SELALL"
    select_none: str = "SELCLR"
    zone_separator: str = ","
    zone_codes: dict[str, str] = field(default_factory=dict)
    key_on: str = "TXON"
    key_off: str = "TXOFF"
    status: str = "STS"
    on_air_pattern: str = r"^STS,ONAIR"
    encoding: str = "ascii"

    def __post_init__(self) -> None:
        match = FRAMINGS.match(self.framing.upper())
        if not match:
            raise ValueError(f"[radio.vendor] framing は 8N1・7E1 などの形です（{self.framing}）")
        if self.checksum not in CHECKSUMS:
            raise ValueError(f"[radio.vendor] checksum は {'・'.join(CHECKSUMS)} のいずれかです")
        if match.group(1) == "7" and self.checksum != "none" and not self.checksum_ascii:
            raise ValueError(
                "[radio.vendor] 7ビットの回線では checksum_ascii = true にしてください")
        re.compile(self.on_air_pattern)

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> VendorProfile:
        values: dict[str, Any] = {}
        for key, value in table.items():
            if key not in cls.__dataclass_fields__:
                raise ValueError(f"[radio.vendor] {key}: 知らない設定項目です")
            if key in ("stx", "etx", "ack", "nak"):
                value = _bytes(value, key)
            values[key] = value
        return cls(**values)

    @property
    def serial_settings(self) -> dict[str, Any]:
        match = FRAMINGS.match(self.framing.upper())
        assert match
        return {
            "baudrate": self.baudrate,
            "bytesize": int(match.group(1)),
            "parity": match.group(2),
            "stopbits": int(match.group(3)),
        }

    def frame(self, payload: str) -> bytes:
        body = payload.encode(self.encoding)
        covered = (self.stx if self.checksum_covers_stx else b"") + body + self.etx
        return self.stx + body + self.etx + self._checksum_bytes(covered)

    def _checksum_bytes(self, covered: bytes) -> bytes:
        if self.checksum == "none":
            return b""
        value = checksum(self.checksum, covered)
        return f"{value:02X}".encode() if self.checksum_ascii else bytes([value])

    @property
    def checksum_length(self) -> int:
        return 0 if self.checksum == "none" else 2 if self.checksum_ascii else 1


ACK, NAK = "ACK", "NAK"


@dataclass(frozen=True)
class Received:
    kind: str  # ACK | NAK | FRAME | BAD (checksum mismatch)
    payload: str = ""


class FrameReader:
    """Bytes in, tokens out; partial frames wait for the next chunk."""

    def __init__(self, profile: VendorProfile) -> None:
        self.p = profile
        self.buffer = bytearray()

    def feed(self, data: bytes) -> list[Received]:
        self.buffer += data
        out: list[Received] = []
        p = self.p
        while self.buffer:
            first = bytes(self.buffer[:1])
            if first == p.ack or first == p.nak:
                out.append(Received(ACK if first == p.ack else NAK))
                del self.buffer[:1]
                continue
            if first != p.stx:  # line noise between frames
                del self.buffer[:1]
                continue
            end = self.buffer.find(p.etx, 1)
            if end < 0 or len(self.buffer) < end + 1 + p.checksum_length:
                break  # wait for the rest
            body = bytes(self.buffer[1:end])
            got = bytes(self.buffer[end + 1:end + 1 + p.checksum_length])
            del self.buffer[:end + 1 + p.checksum_length]
            covered = (p.stx if p.checksum_covers_stx else b"") + body + p.etx
            if got != p._checksum_bytes(covered):
                out.append(Received("BAD", body.decode(p.encoding, "replace")))
            else:
                out.append(Received("FRAME", body.decode(p.encoding, "replace")))
        return out


class VendorBackend:
    simulated = False

    def __init__(self, url: str, profile: VendorProfile) -> None:
        self.url = url
        self.profile = profile
        self.name = f"{profile.name} {url}"
        self.port: serial.SerialBase | None = None
        self.reader = FrameReader(profile)
        self._pending: list[Received] = []
        self.log: list[tuple[str, bytes]] = []  # (">" or "<", bytes): the after-action record

    def open(self) -> None:
        try:
            self.port = open_quiet(self.url, timeout=0.05, **self.profile.serial_settings)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise RadioError(f"無線の制御ポート {self.url} を開けません: {exc}") from exc

    def close(self) -> None:
        if self.port is not None:
            self.port.close()
            self.port = None

    def _write(self, data: bytes) -> None:
        assert self.port is not None
        serial_io.write(self.port, self.log, data, flush=True)

    def _next(self, deadline: float) -> Received | None:
        assert self.port is not None
        if not self._pending:
            def complete(chunk: bytes) -> bool:
                self._pending.extend(self.reader.feed(chunk))
                return bool(self._pending)

            if not serial_io.read_until(self.port, self.log, deadline, complete):
                return None
        return self._pending.pop(0)

    def _exchange(self, payload: str, *, want_frame: bool) -> str:
        if self.port is None:
            raise RadioError("無線の制御ポートが開かれていません")
        p = self.profile
        problem = "応答なし"
        for _attempt in range(p.retries + 1):
            self._pending.clear()
            self._write(p.frame(payload))
            deadline = time.monotonic() + p.reply_timeout
            while True:
                token = self._next(deadline)
                if token is None:
                    problem = "応答なし"
                    break
                if token.kind == NAK:
                    problem = "NAK（受け付けられませんでした）"
                    break
                if token.kind == ACK and not want_frame:
                    return ""
                if token.kind == "BAD":
                    problem = "チェックサム不一致の応答"
                    if p.ack_replies:
                        self._write(p.nak)  # ask the console to send it again
                        deadline = time.monotonic() + p.reply_timeout
                    continue
                if token.kind == "FRAME" and want_frame:
                    if p.ack_replies:
                        self._write(p.ack)
                    return token.payload
        raise RadioError(f"操作卓がコマンド「{payload}」に{problem}（{p.retries + 1}回試行）")

    def select_zones(self, zones: tuple[str, ...]) -> None:
        p = self.profile
        if not zones:  # 一括: every loudspeaker station
            self._exchange(p.select_all, want_frame=False)
            return
        unknown = [z for z in zones if z not in p.zone_codes]
        if unknown:
            raise RadioError(f"地区「{'、'.join(unknown)}」の番号が操作卓の設定にありません")
        codes = p.zone_separator.join(p.zone_codes[z] for z in zones)
        self._exchange(p.select.format(zones=codes), want_frame=False)

    def clear_zones(self) -> None:
        self._exchange(self.profile.select_none, want_frame=False)

    def key(self, on: bool) -> None:
        self._exchange(self.profile.key_on if on else self.profile.key_off, want_frame=False)

    def on_air(self) -> bool:
        reply = self._exchange(self.profile.status, want_frame=True)
        return re.search(self.profile.on_air_pattern, reply) is not None
