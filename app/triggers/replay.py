"""The verification tool: what would the live system do with these bulletins?

Replay runs the live engine itself, on a throwaway SQLite database and with a sender that
records instead of sending, so state carries from one bulletin to the next exactly as it would
live (a 取消 after a send of its event is a ``cancel``) and nothing ever leaves the machine.
The console's drop panel uses the same ``Replay``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from app.db.session import make_engine, session_factory, upgrade
from app.domain import Draft
from app.triggers.engine import Outcome, TriggerEngine
from app.triggers.rules import RuleSet


@dataclass
class DryRunSender:
    """Records the drafts the engine would send and the messages it would halt."""

    sent: list[Draft] = field(default_factory=list)
    halted: list[str] = field(default_factory=list)

    def send(self, draft: Draft, *, operator: str, rule: str) -> str:
        del operator, rule
        self.sent.append(draft)
        return f"dry-run-{len(self.sent)}"

    def halt(self, message_id: str, *, operator: str) -> int:
        del operator
        self.halted.append(message_id)
        return 0


def bulletin_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in the order given; a folder contributes its *.xml files sorted by name (JMA's
    sample names and feed file names both sort chronologically)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file()
                              and p.suffix.lower() in (".xml", ".txt"))
        else:
            yield path


class Replay:
    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self._folder = tempfile.TemporaryDirectory(prefix="issei-replay-")
        self._db = make_engine(f"sqlite:///{Path(self._folder.name) / 'replay.sqlite3'}")
        upgrade(self._db)
        self.sender = DryRunSender()
        self.engine = TriggerEngine(session_factory(self._db), ruleset, self.sender,
                                    console="replay", bulletin_time=True)

    def __enter__(self) -> Replay:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.dispose()
        self._folder.cleanup()

    def bulletin(self, raw: bytes, source: str, type_hint: str = "") -> Outcome:
        return self.engine.process(raw, source, type_hint=type_hint)

    def file(self, path: Path) -> Outcome:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            return Outcome(str(path), "", decision="ignore",
                           reason=f"ファイルを読めません: {exc.strerror or exc}")
        return self.bulletin(raw, str(path))
