"""Logging: named loggers per subsystem, a rotating UTF-8 file, optional JSON lines on stderr.

The end-to-end tests read the JSON lines (``--log-json``) instead of scraping prose.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import sys
from pathlib import Path


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "t": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        event = getattr(record, "event", None)
        if event is not None:
            entry["event"] = event
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(data_dir: Path, *, verbose: bool = False, json_stderr: bool = False) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    log_dir = data_dir / "logs"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            log_dir / "issei.log", maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
        file_handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        )
        file_handler.setLevel(logging.INFO)
        root.addHandler(file_handler)
    except OSError as exc:  # a read-only or full disk must not stop a send
        print(f"ログファイルを書けません: {exc}", file=sys.stderr)
    stderr = logging.StreamHandler(sys.stderr)
    if json_stderr:
        stderr.setFormatter(JsonFormatter())
        stderr.setLevel(logging.INFO)
    else:
        stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    root.addHandler(stderr)
    for noisy in ("mail.log", "aiosmtpd", "httpx", "httpcore", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
