"""Bench tests against the real radio console interface — run by hand on the bench PC, never
in CI and never faked. Set ISSEI_BENCH_RADIO_URL (COM5, rfc2217://…) and wire the console's
start contact to RTS and its on-air contact to CTS (the default wiring)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from app.voice.assembly import Programme
from app.voice.audio import Audio
from drivers.audio.sinks import PacedSink
from drivers.radio.contact import ContactBackend, ContactWiring
from drivers.radio.procedure import ProcedureSettings, RadioProcedure

URL = os.environ.get("ISSEI_BENCH_RADIO_URL", "")
pytestmark = [
    pytest.mark.hardware,
    pytest.mark.skipif(not URL, reason="bench only: set ISSEI_BENCH_RADIO_URL on the bench PC"),
]


def test_real_console_goes_on_air_and_releases() -> None:
    backend = ContactBackend(URL, ContactWiring())
    backend.open()
    try:
        silence = Audio(np.zeros(8000, dtype=np.float32), 8000)
        result = RadioProcedure(backend, PacedSink(pace=1.0), ProcedureSettings()).run(
            Programme(silence, silence, silence, (), ""))
        assert result.ok, result.error
        assert not backend.on_air()  # released: the console's on-air contact opened again
    finally:
        backend.close()
