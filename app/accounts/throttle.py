"""Sign-in retries, rate-limited: after a few wrong passwords the next try must wait, and the
wait doubles with every further failure (per login name, in this process).

A password guesser at a console gets a handful of tries a minute at most; an operator who
mistyped once is never slowed down. ``clock`` is injectable for tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_FAILURES = 3  # this many wrong passwords in a row cost nothing
FIRST_WAIT = 5.0  # seconds after the first failure beyond those
MAX_WAIT = 300.0


@dataclass
class SignInThrottle:
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, int] = field(default_factory=dict)
    _blocked_until: dict[str, float] = field(default_factory=dict)

    @staticmethod
    def _key(login: str) -> str:
        return login.strip().casefold()

    def wait_seconds(self, login: str) -> float:
        """How long this login must still wait before the next try (0: may try now)."""
        until = self._blocked_until.get(self._key(login), 0.0)
        return max(0.0, until - self.clock())

    def failed(self, login: str) -> float:
        """Record a wrong password; returns the wait now imposed (0: none yet)."""
        key = self._key(login)
        n = self._failures.get(key, 0) + 1
        self._failures[key] = n
        if n <= FREE_FAILURES:
            return 0.0
        wait = min(MAX_WAIT, FIRST_WAIT * 2 ** (n - FREE_FAILURES - 1))
        self._blocked_until[key] = self.clock() + wait
        return wait

    def succeeded(self, login: str) -> None:
        key = self._key(login)
        self._failures.pop(key, None)
        self._blocked_until.pop(key, None)
