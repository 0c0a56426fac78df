"""The drill sink (訓練用の受け口): what every medium would have received, recorded locally.

Training mode sends through the real drivers — a real SMTP conversation, real HTTP requests —
but to servers on 127.0.0.1 started here, which only record. Records are JSON lines under
``<data dir>/drill/<medium>.jsonl`` so that an exercise can be reviewed afterwards.
"""

from __future__ import annotations

import email
import email.policy
import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer  # noqa: N811 - a class, despite its name
from aiosmtpd.smtp import Envelope, Session

from app.db.models import utcnow

log = logging.getLogger("issei.drill")

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


class DrillRecorder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def record(self, medium: str, entry: dict[str, Any]) -> None:
        line = json.dumps({"received_at": utcnow().isoformat(), **entry}, ensure_ascii=False)
        with self._lock, (self.folder / f"{medium}.jsonl").open("a", encoding="utf-8") as f:
            f.write(line + "\n")

    def read(self, medium: str) -> list[dict[str, Any]]:
        path = self.folder / f"{medium}.jsonl"
        if not path.exists():
            return []
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


class _SmtpHandler:
    def __init__(self, recorder: DrillRecorder) -> None:
        self.recorder = recorder

    async def handle_DATA(self, server: SmtpServer, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body_part = parsed.get_body(preferencelist=("plain",))
        self.recorder.record(
            "email",
            {
                "mail_from": envelope.mail_from,
                "rcpt_tos": list(envelope.rcpt_tos),
                "subject": str(parsed.get("Subject", "")),
                "message_id": str(parsed.get("Message-ID", "")),
                "issei_message": str(parsed.get("X-Issei-Message", "")),
                "body": body_part.get_content() if body_part is not None else "",
            },
        )
        return "250 OK drill"


class _HttpHandler(BaseHTTPRequestHandler):
    recorder: DrillRecorder  # set on the subclass made per sink

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("drill http: " + format, *args)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        medium, _, rest = self.path.lstrip("/").partition("/")
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.recorder.record(
            medium or "http",
            {
                "path": "/" + rest,
                "retry_key": self.headers.get("X-Line-Retry-Key"),
                "body": body,
            },
        )
        payload = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-line-request-id", "drill")
        self.end_headers()
        self.wfile.write(payload)


class DrillSink:
    """Local SMTP and HTTP servers that record. Start once per process; stop on exit."""

    def __init__(self, folder: Path) -> None:
        self.recorder = DrillRecorder(folder)
        self.smtp_port = 0
        self.http_port = 0
        self._controller: Controller | None = None
        self._http: ThreadingHTTPServer | None = None

    def start(self) -> DrillSink:
        self.smtp_port = free_port()
        self._controller = Controller(
            _SmtpHandler(self.recorder), hostname=LOOPBACK, port=self.smtp_port,
            data_size_limit=10 * 1024 * 1024,
        )
        self._controller.start()
        handler = type("DrillHttpHandler", (_HttpHandler,), {"recorder": self.recorder})
        self._http = ThreadingHTTPServer((LOOPBACK, 0), handler)
        self._http.daemon_threads = True
        self.http_port = int(self._http.server_address[1])
        threading.Thread(target=self._http.serve_forever, name="issei-drill-http",
                         daemon=True).start()
        log.info("drill sink listening smtp=%d http=%d", self.smtp_port, self.http_port)
        return self

    def http_url(self, medium: str) -> str:
        return f"http://{LOOPBACK}:{self.http_port}/{medium}"

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
