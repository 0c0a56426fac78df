"""Recipient CSV import/export: a generated CP932 file as Japanese Excel writes it.

    .venv/bin/python bench/bench_recipients.py --rows 100000 --runs 3
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.db.session import make_engine, session_factory, upgrade
from app.recipients import export_recipients, import_recipients
from bench._common import median, peak_rss_mb

HEADERS = ["氏名", "メールアドレス", "LINE ID", "電話番号", "FAX番号", "SMS番号", "言語", "地区",
           "カテゴリ", "要配慮者"]
CATEGORIES = ["防災", "防犯", "健康", "イベント", "くらし", "気象"]
AREAS = ["中央地区", "北地区", "南地区", "東地区"]


def make_csv(path: Path, rows: int) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for i in range(rows):
        writer.writerow([
            f"試験　{i}号", f"user{i}@example.jp", f"U{i:032x}" if i % 2 else "",
            f"090-{i // 10000:04d}-{i % 10000:04d}" if i % 3 == 0 else "", "", "",
            "日本語" if i % 5 else "英語", AREAS[i % 4], ";".join(CATEGORIES[: 1 + i % 3]),
            "はい" if i % 17 == 0 else "",
        ])
    path.write_bytes(buffer.getvalue().encode("cp932"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    fresh, again, export = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "residents.csv"
        make_csv(source, args.rows)
        for run in range(args.runs):
            engine = make_engine(f"sqlite:///{tmp}/run{run}.sqlite3")
            upgrade(engine)
            sessions = session_factory(engine)
            t = time.perf_counter()
            report = import_recipients(sessions, source)
            fresh.append(time.perf_counter() - t)
            assert report.ok and report.inserted == args.rows, report.summary_ja()
            t = time.perf_counter()
            report = import_recipients(sessions, source)
            again.append(time.perf_counter() - t)
            assert report.ok and report.updated == args.rows
            t = time.perf_counter()
            result = export_recipients(sessions, Path(tmp) / f"out{run}.csv")
            export.append(time.perf_counter() - t)
            assert result.ok and result.rows == args.rows
            engine.dispose()
    print(f"recipients: {args.rows} rows, CP932 CSV, SQLite, {args.runs} runs (medians)")
    rate = args.rows / median(fresh)
    print(f"  fresh import        {median(fresh):6.2f} s  ({rate:,.0f} rows/s)")
    print(f"  re-import (updates) {median(again):6.2f} s")
    print(f"  export (CP932)      {median(export):6.2f} s")
    print(f"  peak RSS            {peak_rss_mb():6.0f} MB")


if __name__ == "__main__":
    main()
