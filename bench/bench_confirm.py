"""What opening the confirmation costs the core: ``prepare`` as the composer calls it (audience
count per medium) against ``prepare(by_language=True)`` as the confirmation calls it (who
receives which language, and who gets Japanese because the message lacks theirs), on
100,000 residents of mixed languages, e-mail and LINE, SQLite (or --database-url).

    .venv/bin/python bench/bench_confirm.py --residents 100000 --runs 3
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from app.config import load_config
from app.db.models import Recipient
from app.domain import Draft, Medium
from app.main import build

LANGUAGES = ["ja"] * 90 + ["en"] * 5 + ["vi"] * 3 + ["ja-easy"] * 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="issei-bench-confirm-") as folder:
        config = load_config(None, Path(folder))
        config.embedded = False  # our residents only, not the samples
        if args.database_url:
            config.database_url = args.database_url
        issei, sink = build(config)
        try:
            with issei.sessions.begin() as session:
                for start in range(0, args.residents, 20_000):
                    session.execute(insert(Recipient), [
                        {"name": "", "email": f"r{i:06d}@example.jp",
                         "line_user_id": "U" + f"{i:032x}", "area": "中央地区",
                         "language": LANGUAGES[i % len(LANGUAGES)]}
                        for i in range(start, min(args.residents, start + 20_000))])
            draft = Draft(title="給水のお知らせ", body="北公園で給水します。",
                          media=(Medium.EMAIL, Medium.LINE), training=True)
            issei.prepare(draft, by_language=True)  # warm caches
            plain: list[float] = []
            by_language: list[float] = []
            for _ in range(args.runs):
                started = time.perf_counter()
                issei.prepare(draft)
                plain.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                prepared = issei.prepare(draft, by_language=True)
                by_language.append((time.perf_counter() - started) * 1000)
            print(f"residents: {args.residents:,}; media: email, line")
            print(f"prepare (counts):                 {statistics.median(plain):.0f} ms median")
            print(f"prepare (counts per language):    {statistics.median(by_language):.0f} ms"
                  " median")
            for medium, split in prepared.languages.items():
                print(f"  {medium.value}: {split}; Japanese instead: "
                      f"{prepared.unserved.get(medium, {})}")
        finally:
            asyncio.run(issei.aclose())
            sink.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
