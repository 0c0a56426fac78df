"""Opening a pyserial URL with RTS and DTR held low.

pyserial raises RTS and DTR when it opens a port (HARDWARE.md §2.4). If a relay that keys the
radio hangs on one of them, a plain ``serial_for_url(url)`` would key the transmitter the
moment the console starts. So the port is created unopened, both lines are set low, and only
then is it opened. (On Linux the kernel may still pulse DTR on open; the wiring note in the
README asks for a relay with pick-up delay.)
"""

from __future__ import annotations

from typing import Any

import serial

OUTPUT_LINES = ("rts", "dtr")
INPUT_LINES = ("cts", "dsr", "cd", "ri")


def open_quiet(url: str, **settings: Any) -> serial.SerialBase:
    port = serial.serial_for_url(url, do_not_open=True, **settings)
    port.rts = False
    port.dtr = False
    port.open()
    return port


def set_line(port: serial.SerialBase, line: str, value: bool) -> None:
    if line not in OUTPUT_LINES:
        raise ValueError(f"出力に使える信号線は RTS か DTR です（{line}）")
    setattr(port, line, value)


def get_line(port: serial.SerialBase, line: str) -> bool:
    if line not in INPUT_LINES:
        raise ValueError(f"入力に使える信号線は CTS・DSR・CD・RI です（{line}）")
    return bool(getattr(port, line))
