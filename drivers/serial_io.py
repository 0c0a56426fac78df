"""The serial reading and writing every hardware driver needs, once: writes and reads go
through one place that keeps the after-action record (">" out, "<" in), reads take whatever
has arrived (at least one byte, up to the port's timeout), and ``read_until`` loops until the
caller's parser says it has what it waited for, or the deadline passes.

Used by the V.253 dialer (drivers/dialer/v253.py) and the vendor radio profile
(drivers/radio/vendor.py). Blocking; called from the device's own worker thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import serial

Transcript = list[tuple[str, bytes]]


def write(port: serial.SerialBase, record: Transcript, data: bytes, *,
          flush: bool = False) -> None:
    record.append((">", data))
    port.write(data)
    if flush:
        port.flush()


def read(port: serial.SerialBase, record: Transcript) -> bytes:
    """What has arrived, waiting up to the port's timeout for at least one byte."""
    data = port.read(max(1, port.in_waiting))
    if data:
        record.append(("<", data))
    return bytes(data)


def read_nowait(port: serial.SerialBase, record: Transcript) -> bytes:
    """What has arrived, without waiting (b"" when nothing has)."""
    waiting = port.in_waiting
    if not waiting:
        return b""
    return read(port, record)


def read_until(port: serial.SerialBase, record: Transcript, deadline: float,
               done: Callable[[bytes], bool]) -> bool:
    """Feed every chunk to ``done`` until it returns True (then True) or the monotonic
    ``deadline`` passes (then False)."""
    while time.monotonic() < deadline:
        chunk = read(port, record)
        if chunk and done(chunk):
            return True
    return False
