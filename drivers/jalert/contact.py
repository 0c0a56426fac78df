"""The J-Alert receiver's contact output, read on a serial input line (CTS/DSR/CD/RI).

Relay contacts bounce, and a long cable picks up noise: a change counts only when the line
has held its new state for ``debounce`` seconds. A thread polls the line (pyserial has no
portable line-change wait) and hands each debounced change to a callback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial

from drivers.radio.serial_lines import INPUT_LINES, OUTPUT_LINES, get_line, open_quiet

log = logging.getLogger("issei.jalert.contact")


class Debouncer:
    """Pure logic, fed with (time, raw level); returns the new stable level on a change."""

    def __init__(self, debounce: float, initial: bool = False) -> None:
        self.debounce = debounce
        self.stable = initial
        self._candidate = initial
        self._since = 0.0

    def feed(self, now: float, raw: bool) -> bool | None:
        if raw != self._candidate:
            self._candidate, self._since = raw, now
        if self._candidate != self.stable and now - self._since >= self.debounce:
            self.stable = self._candidate
            return self.stable
        return None


class ContactWatcher:
    def __init__(self, url: str, on_change: Callable[[bool], None], *, line: str = "cts",
                 active_high: bool = True, debounce: float = 0.3, poll: float = 0.01,
                 supply_line: str = "") -> None:
        if line not in INPUT_LINES:
            raise ValueError(f"[jalert] line は cts・dsr・cd・ri のいずれかです（{line}）")
        if supply_line and supply_line not in OUTPUT_LINES:
            raise ValueError("[jalert] supply_line は rts か dtr です")
        self.url = url
        self.line = line
        self.active_high = active_high
        self.poll = poll
        self.on_change = on_change
        self.supply_line = supply_line  # a line raised to feed the dry contact, if wired so
        self.debouncer = Debouncer(debounce)
        self.port: serial.SerialBase | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str = ""

    def start(self) -> ContactWatcher:
        try:
            self.port = open_quiet(self.url, timeout=0.1)
            if self.supply_line:
                setattr(self.port, self.supply_line, True)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise RuntimeError(f"Jアラートの接点ポート {self.url} を開けません: {exc}") from exc
        self._thread = threading.Thread(target=self._run, name="jalert-contact", daemon=True)
        self._thread.start()
        return self

    def _level(self) -> bool:
        assert self.port is not None
        raw = get_line(self.port, self.line)
        return raw if self.active_high else not raw

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                change = self.debouncer.feed(time.monotonic(), self._level())
                if change is not None:
                    log.info("J-Alert contact %s", "closed" if change else "opened")
                    self.on_change(change)
                self._stop.wait(self.poll)
        except (serial.SerialException, OSError) as exc:
            # A dead input must be visible: the console shows it instead of a quiet line.
            self.error = f"Jアラートの接点を読めなくなりました: {exc}"
            log.error("%s", self.error)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self.port is not None:
            self.port.close()
            self.port = None
