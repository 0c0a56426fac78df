"""Bench test against a real voice modem on a real line — by hand on the bench PC, never in CI
and never faked. Set ISSEI_BENCH_MODEM_URL, ISSEI_BENCH_MODEM_PROFILE (usr5637 …) and
ISSEI_BENCH_PHONE (a phone the tester holds; press 1 when the message plays)."""

from __future__ import annotations

import os

import pytest

from app.voice.assembly import phone_message
from app.voice.tts import Speaker
from drivers.dialer.profiles import profile
from drivers.dialer.v253 import Outcome, V253Modem

URL = os.environ.get("ISSEI_BENCH_MODEM_URL", "")
pytestmark = [
    pytest.mark.hardware,
    pytest.mark.skipif(not URL, reason="bench only: set ISSEI_BENCH_MODEM_URL on the bench PC"),
]


def test_real_modem_call_is_confirmed_by_the_tester() -> None:
    modem = V253Modem(URL, profile(os.environ.get("ISSEI_BENCH_MODEM_PROFILE", "generic")))
    message = phone_message(Speaker(), "これは一斉架電の試験です。")
    try:
        result = modem.call(os.environ["ISSEI_BENCH_PHONE"], message.audio,
                            confirm_digit="1", answer_timeout=60, confirm_timeout=90)
    finally:
        modem.close()
    assert result.outcome is Outcome.CONFIRMED, (result.outcome, result.error)
