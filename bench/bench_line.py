"""LINE throughput: N recipients multicast to the local spec-validating LINE peer.

    .venv/bin/python bench/bench_line.py --recipients 100000 --rate 50 --runs 3

The target is "limited only by the configured rate limit": the figure to read is the achieved
request rate as a share of the configured one.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from app.config import Config, LineChannel
from app.db.models import Recipient
from app.domain import Draft, Medium
from app.events import DeliveryProgress, Event
from app.service import Issei
from bench._common import median, peak_rss_mb
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers
from tests.peers.line_peer import LinePeer

TOKEN = "bench-token"


def _peer_process(conn: Connection) -> None:
    """The LINE peer in its own process, so its validation does not share our GIL."""
    with LinePeer(token=TOKEN) as peer:
        conn.send(peer.base_url)
        while conn.recv() == "count":
            conn.send(len(peer.accepted))
        conn.send({"violations": len(peer.violations) + len(peer.response_violations)
                   + len(peer.internal_errors),
                   "max_per_user": max(peer.delivered.values(), default=0)})


class RemotePeer:
    def __init__(self, conn: Connection, base_url: str) -> None:
        self.conn = conn
        self.base_url = base_url

    @property
    def accepted_count(self) -> int:
        self.conn.send("count")
        return int(self.conn.recv())


async def run_once(
    peer: RemotePeer, recipients: int, rate: float, folder: Path
) -> dict[str, float]:
    config = Config(database_url=f"sqlite:///{folder / 'bench.sqlite3'}", data_dir=folder,
                    training=False, embedded=False)
    config.line = LineChannel(base_url=peer.base_url, requests_per_second=rate, concurrency=8)
    config.configured_media.add("line")
    sink = DrillSink(folder / "drill").start()
    issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
    with issei.sessions.begin() as s:
        s.execute(insert(Recipient), [{"line_user_id": "U" + f"{i:032x}", "name": ""}
                                      for i in range(recipients)])
    first: list[float] = []

    def on_event(event: Event) -> None:
        if isinstance(event, DeliveryProgress) and not first:
            first.append(time.perf_counter())

    issei.events.subscribe(on_event)
    before = peer.accepted_count
    t0 = time.perf_counter()
    message_id = issei.send(Draft(title="避難指示", body="直ちに避難してください。",
                                  media=(Medium.LINE,)))
    t_queued = time.perf_counter()
    await issei.engine.run(until_idle=True)
    t_done = time.perf_counter()
    assert issei.counts(message_id)["line"].sent == recipients
    requests = peer.accepted_count - before
    await issei.aclose()
    sink.stop()
    # The bucket starts full (one second of burst), so the steady state is requests − burst.
    steady = max(1, requests - rate)
    return {
        "queue_s": t_queued - t0,
        "first_ms": (first[0] - t_queued) * 1000,
        "recipients_per_s": recipients / (t_done - t_queued),
        "requests_per_s": steady / max(1e-9, (t_done - t_queued) - 1.0) if requests > rate
        else requests / (t_done - t_queued),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=50.0, help="configured requests/s")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["ISSEI_LINE_ACCESS_TOKEN"] = TOKEN
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(target=_peer_process, args=(theirs,))
    child.start()
    peer = RemotePeer(ours, ours.recv())
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(asyncio.run(run_once(peer, args.recipients, args.rate, Path(tmp))))
    ours.send("stop")
    peer_stats = ours.recv()
    child.join()

    def med(key: str) -> float:
        return median([r[key] for r in runs])

    print(f"line: {args.recipients} recipients, multicast 500/request, "
          f"rate limit {args.rate:g} req/s, {args.runs} runs (medians)")
    print(f"  send → outbox written      {med('queue_s'):8.2f} s")
    print(f"  outbox → first delivery    {med('first_ms'):8.1f} ms")
    print(f"  recipients/s               {med('recipients_per_s'):8.0f}")
    print(f"  requests/s (steady)        {med('requests_per_s'):8.1f}  "
          f"({med('requests_per_s') / args.rate:.0%} of the configured limit)")
    print(f"  peak RSS                   {peak_rss_mb():8.0f} MB")
    print(f"  peer: spec violations {peer_stats['violations']}, most sends to one user "
          f"{peer_stats['max_per_user']} over {args.runs} runs (1 per run = no duplicate)")


if __name__ == "__main__":
    main()
