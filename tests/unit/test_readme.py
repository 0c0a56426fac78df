"""The README's two command lines are what CI runs: keep them from drifting apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_readme_first_screen_has_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[: readme.index("## ")]
    commands = re.findall(r"```sh\n(.+?)\n```", first_screen)
    assert len(commands) == 2, commands
    console, tests = commands
    assert console.endswith(".venv/bin/issei")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == tests
