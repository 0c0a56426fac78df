"""RTP (RFC 3550) as a phone line needs it: PCMU audio out, telephone-events in.

Telephone events (RFC 4733, which replaces RFC 2833): one key press is several packets with
the same RTP timestamp and a growing duration; the last carries the end bit and is sent
three times (RFC 4733 §2.5.1.4). A digit counts once, when its first end packet arrives
(or, if every end packet is lost, when the next event starts).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

PCMU = 0  # static payload type, RFC 3551
EVENT_DIGITS = "0123456789*#ABCD"  # RFC 4733 §3.2: events 0-15
SAMPLES_PER_PACKET = 160  # 20 ms at 8000 Hz


class RtpError(ValueError):
    """Not an RTP packet we can read."""


@dataclass(frozen=True)
class RtpPacket:
    payload_type: int
    marker: bool
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


def build(payload_type: int, sequence: int, timestamp: int, ssrc: int, payload: bytes,
          *, marker: bool = False) -> bytes:
    header = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | (payload_type & 0x7F),
                         sequence & 0xFFFF, timestamp & 0xFFFFFFFF, ssrc & 0xFFFFFFFF)
    return header + payload


def parse(data: bytes) -> RtpPacket:
    if len(data) < 12:
        raise RtpError("RTP packet shorter than its header")
    first, second, sequence, timestamp, ssrc = struct.unpack("!BBHII", data[:12])
    if first >> 6 != 2:
        raise RtpError(f"RTP version {first >> 6}, not 2")
    offset = 12 + 4 * (first & 0x0F)  # CSRC list
    if first & 0x10:  # header extension
        if len(data) < offset + 4:
            raise RtpError("RTP header extension cut short")
        (words,) = struct.unpack("!H", data[offset + 2:offset + 4])
        offset += 4 + 4 * words
    end = len(data)
    if first & 0x20:  # padding: the last byte says how much
        if end == 0 or data[-1] > end - offset:
            raise RtpError("RTP padding longer than the packet")
        end -= data[-1]
    if offset > end:
        raise RtpError("RTP header longer than the packet")
    return RtpPacket(second & 0x7F, bool(second & 0x80), sequence, timestamp, ssrc,
                     data[offset:end])


def event_payload(event: int, *, end: bool, duration: int, volume: int = 10) -> bytes:
    """RFC 4733 §2.3: event, E|R|volume, duration (in timestamp units)."""
    return struct.pack("!BBH", event, (0x80 if end else 0) | (volume & 0x3F),
                       duration & 0xFFFF)


class EventReceiver:
    """Telephone-event packets in, digits out, each key press once."""

    def __init__(self, payload_type: int) -> None:
        self.payload_type = payload_type
        self._ended: set[tuple[int, int]] = set()  # (ssrc, timestamp) already counted
        self._open: tuple[int, int, int] | None = None  # (ssrc, timestamp, event) not ended

    def feed(self, packet: RtpPacket) -> str:
        if packet.payload_type != self.payload_type or len(packet.payload) < 4:
            return ""
        event, flags = packet.payload[0], packet.payload[1]
        if event >= len(EVENT_DIGITS):
            return ""  # other events (tones, flash): not a key press
        key = (packet.ssrc, packet.timestamp)
        if key in self._ended:
            return ""  # the 2nd and 3rd end packet, or a late one
        digits = ""
        if self._open is not None and self._open[:2] != key:
            # a new event began while the last never showed its end: count the last now
            self._ended.add(self._open[:2])
            digits += EVENT_DIGITS[self._open[2]]
            self._open = None
        if flags & 0x80:
            self._ended.add(key)
            self._open = None
            digits += EVENT_DIGITS[event]
        else:
            self._open = (packet.ssrc, packet.timestamp, event)
        if len(self._ended) > 256:
            self._ended = set(sorted(self._ended, key=lambda k: k[1])[-64:])
        return digits
