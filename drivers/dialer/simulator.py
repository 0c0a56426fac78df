"""A phone line without a phone line, for training mode: every number answers and presses
the confirming digit, unless the script says otherwise (``{"0312345678": ["busy"]}``)."""

from __future__ import annotations

import threading

from app.voice.audio import Audio
from drivers.dialer.v253 import CallResult, Outcome


class SimulatedLine:
    simulated = True

    def __init__(self, name: str = "シミュレータ（実機未接続）",
                 script: dict[str, list[str]] | None = None) -> None:
        self.name = name
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def call(self, number: str, message: Audio, *, confirm_digit: str,
             answer_timeout: float, confirm_timeout: float,
             stop: threading.Event | None = None) -> CallResult:
        with self._lock:
            self.calls.append(number)
            planned = self.script.get(number, [])
            outcome = Outcome(planned.pop(0)) if planned else Outcome.CONFIRMED
        digits = confirm_digit if outcome is Outcome.CONFIRMED else ""
        return CallResult(number, outcome, digits=digits,
                          plays=1 if outcome in (Outcome.CONFIRMED, Outcome.ANSWERED) else 0,
                          line=self.name)

    def close(self) -> None:
        pass
