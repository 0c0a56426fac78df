"""Backend (c): a console simulator for training mode and tests. It answers like a console:
the on-air contact closes ``on_air_delay`` seconds after keying, unless it is busy (話中)."""

from __future__ import annotations

import threading
import time


class SimulatedRadio:
    simulated = True

    def __init__(self, *, on_air_delay: float = 0.05, busy: bool = False,
                 zones: tuple[str, ...] = ()) -> None:
        self.name = "シミュレータ（実機未接続）"
        self.on_air_delay = on_air_delay
        self.busy = busy
        self.known_zones = zones
        self.selected: tuple[str, ...] = ()
        self.keyed = False
        self._keyed_at = 0.0
        self.events: list[tuple[float, str]] = []
        self.opened = False
        self._lock = threading.Lock()

    def _event(self, text: str) -> None:
        with self._lock:
            self.events.append((time.monotonic(), text))

    def open(self) -> None:
        self.opened = True
        self._event("open")

    def close(self) -> None:
        self.opened = False
        self._event("close")

    def select_zones(self, zones: tuple[str, ...]) -> None:
        from drivers.radio.procedure import RadioError

        unknown = [z for z in zones if self.known_zones and z not in self.known_zones]
        if unknown:
            raise RadioError(f"地区「{'、'.join(unknown)}」はありません")
        self.selected = zones
        self._event(f"select {','.join(zones) or 'all'}")

    def clear_zones(self) -> None:
        self.selected = ()
        self._event("clear")

    def key(self, on: bool) -> None:
        self.keyed = on
        self._keyed_at = time.monotonic()
        self._event("key on" if on else "key off")

    def on_air(self) -> bool:
        return (self.keyed and not self.busy
                and time.monotonic() - self._keyed_at >= self.on_air_delay)
