"""E-mail throughput: N recipients handed to a local SMTP sink, compared with Postfix's own
``smtp-source`` against the same sink in the same run.

    .venv/bin/python bench/bench_email.py --recipients 100000 --runs 3

Prints recipients/s, time from send to first delivery, peak RSS, and the ratio to smtp-source.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from app.config import Config, EmailChannel
from app.db.models import Recipient
from app.domain import Draft, Medium
from app.events import DeliveryProgress, Event
from app.service import Issei
from bench._common import median, peak_rss_mb, postfix_smtp_sink
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers


def smtp_source_rate(port: int, recipients: int, per_message: int, sessions: int) -> float:
    binary = shutil.which("smtp-source") or "/usr/sbin/smtp-source"
    messages = recipients // per_message
    start = time.perf_counter()
    subprocess.run(
        [binary, "-s", str(sessions), "-m", str(messages), "-r", str(per_message), "-l", "600",
         "-N", "-f", "bousai@city.example.jp", "-t", "resident@example.jp",
         f"127.0.0.1:{port}"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return messages * per_message / (time.perf_counter() - start)


async def issei_run(port: int, recipients: int, per_message: int, connections: int,
                    folder: Path) -> dict[str, float]:
    config = Config(database_url=f"sqlite:///{folder / 'bench.sqlite3'}", data_dir=folder,
                    training=False, embedded=False)
    config.email = EmailChannel(host="127.0.0.1", port=port, security="none",
                                recipients_per_transaction=per_message, connections=connections,
                                from_address="bousai@city.example.jp")
    config.configured_media.add("email")
    sink = DrillSink(folder / "drill").start()
    issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
    with issei.sessions.begin() as s:
        s.execute(insert(Recipient),
                  [{"email": f"r{i:06d}@example.jp", "name": ""} for i in range(recipients)])
    first: list[float] = []

    def on_event(event: Event) -> None:
        if isinstance(event, DeliveryProgress) and not first:
            first.append(time.perf_counter())

    issei.events.subscribe(on_event)
    draft = Draft(title="【緊急】避難指示（警戒レベル4）",
                  body="土砂災害の危険が高まっています。" * 8, media=(Medium.EMAIL,))
    t0 = time.perf_counter()
    message_id = issei.send(draft)
    t_queued = time.perf_counter()
    await issei.engine.run(until_idle=True)
    t_done = time.perf_counter()
    counts = issei.counts(message_id)["email"]
    assert counts.sent == recipients, counts
    await issei.aclose()
    sink.stop()
    return {
        "queue_s": t_queued - t0,
        "first_ms": (first[0] - t0) * 1000,
        "outbox_first_ms": (first[0] - t_queued) * 1000,
        "deliver_rate": recipients / (t_done - t_queued),
        "end_to_end_rate": recipients / (t_done - t0),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--per-message", type=int, default=100)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    issei_runs: list[dict[str, float]] = []
    source_rates: list[float] = []
    with postfix_smtp_sink() as port:
        for _ in range(args.runs):
            source_rates.append(smtp_source_rate(port, args.recipients, args.per_message,
                                                 args.connections))
            with tempfile.TemporaryDirectory() as tmp:
                issei_runs.append(asyncio.run(issei_run(port, args.recipients, args.per_message,
                                                        args.connections, Path(tmp))))
    def med(key: str) -> float:
        return median([r[key] for r in issei_runs])

    print(f"email: {args.recipients} recipients, {args.per_message}/transaction, "
          f"{args.connections} connections, {args.runs} runs (medians)")
    print(f"  send → outbox written      {med('queue_s'):8.2f} s")
    print(f"  send → first delivery      {med('first_ms'):8.1f} ms")
    print(f"  outbox → first delivery    {med('outbox_first_ms'):8.1f} ms")
    print(f"  delivery rate              {med('deliver_rate'):8.0f} recipients/s")
    print(f"  end-to-end rate            {med('end_to_end_rate'):8.0f} recipients/s")
    print(f"  postfix smtp-source        {median(source_rates):8.0f} recipients/s")
    print(f"  ratio issei/smtp-source    {med('deliver_rate') / median(source_rates):8.2f}")
    print(f"  peak RSS                   {peak_rss_mb():8.0f} MB")


if __name__ == "__main__":
    main()
