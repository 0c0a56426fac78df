"""The verification tool: what would the live system do with these bulletins?

Replay runs the live engine itself, on a throwaway SQLite database and with a sender that
records instead of sending, so state carries from one bulletin to the next exactly as it would
live (a 取消 after a send of its event is a ``cancel``) and nothing ever leaves the machine.
The console's drop panel uses the same ``Replay``.

Held updates (storm control merged them into "the next message") are released live by the
watch loop's periodic flush once their merge window closes. Replay has no wall clock, so it
runs on the bulletins' own times (Head/ReportDateTime) and reports each release as its own
line (decision ``send``, or ``confirm`` for a confirm-mode rule; the reason says it is the
merged update released at the end of its window), placed:

* before the first bulletin whose time shows the window had closed (the release is dated at
  the window's end, so the rate cap counts it as it would live), or
* at the end of the input (``finish``), for windows still open after the last bulletin: the
  input ending stands for the silence that follows, so the release is reported then.

A release the rate cap blocks at the window's end is retried one rate period later, so the
output stays the same on every run. ``bulletin`` / ``file`` give the bulletin's own line only;
``bulletin_lines`` / ``file_lines`` / ``finish`` give the full sequence the CLI prints.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from app.db.session import make_engine, session_factory, upgrade
from app.domain import Draft
from app.triggers.bulletin import parse_bulletin
from app.triggers.engine import Outcome, TriggerEngine
from app.triggers.rules import RuleSet
from app.triggers.xmlsafe import BulletinError

END_OF_INPUT = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)  # "and then nothing more came"


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

    def bulletin_lines(self, raw: bytes, source: str, type_hint: str = "") -> list[Outcome]:
        """Held updates whose window closed before this bulletin's time, then the bulletin."""
        lines = []
        moment = _bulletin_time(raw)
        if moment is not None:
            lines = self.engine.flush_held(moment, at_close=True)
        lines.append(self.bulletin(raw, source, type_hint))
        return lines

    def file_lines(self, path: Path) -> list[Outcome]:
        try:
            raw = path.read_bytes()
        except OSError:
            return [self.file(path)]
        return self.bulletin_lines(raw, str(path))

    def finish(self) -> list[Outcome]:
        """The end of the input: every update still held goes out as its window closes."""
        return self.engine.flush_held(END_OF_INPUT, at_close=True)


def _bulletin_time(raw: bytes) -> dt.datetime | None:
    try:
        env = parse_bulletin(raw).envelope
    except BulletinError:
        return None
    moment = env.report_time or env.issued_at
    return moment.astimezone(dt.UTC) if moment is not None else None
