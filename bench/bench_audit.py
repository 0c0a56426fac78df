"""Audit log cost with the tail anchor (migration 0009): appends per second, each in its own
transaction as every audited act is, and the time to verify the whole chain.

    .venv/bin/python bench/bench_audit.py --rows 2000 --runs 3 [--pg postgresql://…/postgres]

SQLite in a temporary folder always; PostgreSQL too when ``--pg`` names a server where a
throwaway database may be created. Prints the median of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import audit
from app.db.session import make_engine, session_factory, upgrade


def run_once(url: str, rows: int) -> tuple[float, float]:
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        start = time.perf_counter()
        for i in range(rows):
            with sessions.begin() as s:
                audit.append(s, "send", operator="bench", console="卓1", detail={"i": i})
        append_rate = rows / (time.perf_counter() - start)
        start = time.perf_counter()
        with sessions() as s:
            assert audit.verify(s) == []
        return append_rate, time.perf_counter() - start
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="", help="admin URL of a PostgreSQL server")
    args = parser.parse_args()
    stores: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            stores.append(("SQLite", f"sqlite:///{Path(tmp) / f'a{run}.db'}"))
        results: dict[str, list[tuple[float, float]]] = {}
        for name, url in stores:
            results.setdefault(name, []).append(run_once(url, args.rows))
        if args.pg:
            import psycopg

            for _run in range(args.runs):
                db = f"issei_bench_{uuid.uuid4().hex[:10]}"
                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{db}"')
                try:
                    url = f"{args.pg.rsplit('/', 1)[0]}/{db}"
                    results.setdefault("PostgreSQL", []).append(run_once(url, args.rows))
                finally:
                    with psycopg.connect(args.pg, autocommit=True) as conn:
                        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    for name, values in results.items():
        rate = statistics.median(v[0] for v in values)
        verify = statistics.median(v[1] for v in values)
        print(f"{name}: {rate:,.0f} audited appends/s (one transaction each); "
              f"verify {args.rows:,} rows incl. anchor: {verify * 1000:.0f} ms")


if __name__ == "__main__":
    main()
