"""Storm control: tell residents what is new, at once when it is worse, and not too often.

For every item a rule matched, against what residents were last told about the same key:

* **escalation** (a higher level than told for this event, or than anything this rule told
  within the rate period for a new event) goes out at once: no merge window, no rate cap.
* **same**: the same signature as last told: nothing new, nothing sent.
* **merge**: a different, not-worse update inside the merge window after the last message
  about this event is held back; its draft is kept in the storm state (``trigger_state``,
  so a restart keeps it) and the newest held draft goes out once when the window closes
  (``TriggerEngine.flush_held``, the watch loop's periodic flush), within the cap, unless a
  message about the event went out first (it supersedes the held one), the event came back
  to what was told, or a 取消 of the event dropped it.
* **clear** (解除) is never merged, because "it is over" must not be lost; the cap applies.
* **new** (first item of an event) and **update** (after the window) go out within the cap.

The rate cap counts, per medium, the automatic messages of the last ``per_seconds``; a medium
at its cap is dropped from a non-escalation send (during an aftershock storm each aftershock
is a new event, and only the cap stops the flood).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain import Medium
from app.triggers.match import Item
from app.triggers.rules import Storm

SENDING = ("new", "escalation", "clear", "update")


@dataclass(frozen=True)
class Told:
    level: int
    signature: str
    told_at: dt.datetime | None


@dataclass(frozen=True)
class Verdict:
    kind: str  # new | escalation | same | merge | clear | update
    item: Item
    first: bool = False  # nothing was told about this event before
    above_recent: bool = False  # worse than anything this rule told within the rate period

    @property
    def sends(self) -> bool:
        return self.kind in SENDING


def judge(item: Item, told: Told | None, recent_level: int, now: dt.datetime,
          storm: Storm, *, correction: bool = False) -> Verdict:
    if correction:  # a 訂正 replaces what was said: always told, never merged
        return Verdict("update", item)
    if told is None:
        worse = item.level > recent_level and not item.clear
        return Verdict("escalation" if worse else "new", item, first=True,
                       above_recent=worse and recent_level > 0)
    if item.signature == told.signature:
        return Verdict("same", item)
    if item.level > told.level and not item.clear:
        return Verdict("escalation", item)
    if item.clear:
        return Verdict("clear", item)
    if told.told_at is not None and (now - told.told_at).total_seconds() < storm.merge_window:
        return Verdict("merge", item)
    return Verdict("update", item)


def capped_media(media: Iterable[Medium], recent: dict[str, int], storm: Storm
                 ) -> tuple[list[Medium], list[Medium]]:
    """(allowed, dropped) under the per-medium cap."""
    allowed, dropped = [], []
    for medium in media:
        (dropped if recent.get(medium.value, 0) >= storm.max_per_medium else allowed).append(
            medium)
    return allowed, dropped


def explain(verdict: Verdict, storm: Storm) -> str:
    label = verdict.item.label
    if verdict.above_recent:
        return f"{label}（直近の配信より深刻なため直ちに配信）"
    if verdict.first:
        return label
    return {
        "new": f"{label}",
        "escalation": f"{label}（以前より深刻なため直ちに配信）",
        "clear": f"{label}",
        "update": f"{label}（続報）",
        "same": f"{label}（同じ内容を配信済み）",
        "merge": f"{label}（{int(storm.merge_window)}秒以内の同じ事象の続報のため保留: "
                 "まとめる時間の終了時か次の配信で、最新の内容をまとめて配信）",
    }[verdict.kind]
