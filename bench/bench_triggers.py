"""Trigger latency: from the feed fetch that brings a new bulletin to its deliveries queued.

    .venv/bin/python bench/bench_triggers.py --runs 7 --recipients 1000

A local JMA-style Atom feed (app.triggers.drillfeed, a real HTTP server) publishes a new
震源・震度に関する情報 (the 215 KB official sample, a fresh EventID each run); the poller reads the
feed (conditional GET), fetches the bulletin, stores it raw, parses it, matches the rule,
fills the template and calls Issei.send, which writes the message, renditions and one delivery
per recipient to the outbox. The clock runs from the start of the poll to the return of
Issei.send (deliveries committed). Target: under 1 second. Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import func, insert, select

from app.config import Config, EmailChannel
from app.db.models import Delivery, Recipient
from app.service import Issei
from app.triggers.drillfeed import DrillFeed
from app.triggers.rules import parse_rules
from app.triggers.service import Triggers
from bench._common import median, peak_rss_mb
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers

SAMPLE = (Path(__file__).resolve().parents[1] / "tests" / "data" / "jma" / "samples"
          / "32-35_06_03_240613_VXSE53.xml")
RULES = """
[area]
municipality = "岩手県金ケ崎町"
[storm]
max_per_medium = 100000   # every run is a new quake: keep the cap out of the measurement
[feed]
feeds = ["eqvol"]
max_age = 1e12            # the sample is from 2008
[[rule]]
name = "震度5弱以上"
when = { type = "earthquake", min_intensity = "5-" }
media = ["email"]
"""


async def measure(runs: int, recipients: int, database: str | None) -> list[float]:
    with tempfile.TemporaryDirectory() as folder, DrillFeed() as feed:
        data = Path(folder)
        config = Config(database_url=database or f"sqlite:///{data / 'bench.sqlite3'}",
                        data_dir=data, training=False, embedded=False)
        # Only queued, never delivered: no SMTP server is needed behind this address.
        config.email = EmailChannel(host="127.0.0.1", port=9, security="none",
                                    from_address="bousai@town.example.jp")
        config.configured_media.add("email")
        sink = DrillSink(data / "drill").start()
        issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
        try:
            with issei.sessions.begin() as s:
                s.execute(insert(Recipient), [{"email": f"r{i:06d}@example.jp", "name": ""}
                                              for i in range(recipients)])
            ruleset = parse_rules(RULES)
            ruleset = replace(ruleset, feed=replace(ruleset.feed, base_url=feed.url))
            triggers = Triggers(issei, ruleset)
            raw = SAMPLE.read_bytes()
            timings: list[float] = []
            async with httpx.AsyncClient(timeout=10) as client:
                poller = triggers.poller(client)
                await poller.poll(long=True)  # recovery read, then steady state
                for run in range(runs):
                    event = f"2008061409{run:04d}"
                    feed.publish(raw.replace(b"20080614084350", event.encode()),
                                 type_code="VXSE53")
                    start = time.perf_counter()
                    report = await poller.poll()
                    elapsed = time.perf_counter() - start
                    [outcome] = report.outcomes
                    message_id = outcome.results[0].message_id
                    assert outcome.decision == "send" and message_id, outcome.reason
                    with issei.sessions() as s:
                        queued = s.scalar(select(func.count()).select_from(Delivery).where(
                            Delivery.message_id == message_id))
                    assert queued == recipients, queued
                    timings.append(elapsed)
                    print(f"  run {run + 1}: {elapsed * 1000:7.1f} ms  "
                          f"({queued} deliveries queued)")
            return timings
        finally:
            await issei.aclose()
            sink.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--database", help="postgresql://… (default: SQLite in a temp folder)")
    args = parser.parse_args()
    timings = asyncio.run(measure(args.runs, args.recipients, args.database))
    store = "PostgreSQL" if args.database else "SQLite"
    print(f"feed fetch → deliveries queued ({store}, {args.recipients} recipients, "
          f"{args.runs} runs): median {median(timings) * 1000:.0f} ms, "
          f"min {min(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms "
          f"(target < 1000 ms); peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
