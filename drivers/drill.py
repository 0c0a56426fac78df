"""The drill sink (訓練用の受け口): what every medium would have received, recorded locally.

Training mode sends through the real drivers — a real SMTP conversation, real HTTP requests —
but to servers on 127.0.0.1 started here, which only record. Records are JSON lines under
``<data dir>/drill/<medium>.jsonl`` so that an exercise can be reviewed afterwards.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import logging
import re
import socket
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer  # noqa: N811 - a class, despite its name
from aiosmtpd.smtp import Envelope, Session

from app.db.models import utcnow

log = logging.getLogger("issei.drill")
T = TypeVar("T")

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

    def state(self, name: str, change: Callable[[dict[str, Any]], T]) -> T:
        """Run ``change`` on a small persisted state (posts a drill service keeps), so that a
        correction made by a later process edits or deletes what an earlier one posted."""
        path = self.folder / ".state" / f"{name}.json"
        with self._lock:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            result = change(data)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
            return result


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
        answer = ANSWERS.get(medium)
        status, reply = answer("POST", "/" + rest, body, self) if answer else (200, {})
        content_type = "application/json"
        if isinstance(reply, bytes):  # a plain-text answer (Slack's "ok")
            payload, content_type = reply, "text/plain; charset=utf-8"
        else:
            payload = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-line-request-id", "drill")
        self.end_headers()
        self.wfile.write(payload)

    def do_DELETE(self) -> None:
        # X deletes a post (a correction or a cancellation): the public sees it vanish.
        medium, _, rest = self.path.lstrip("/").partition("/")
        self.recorder.record(medium or "http", {"method": "DELETE", "path": "/" + rest})
        answer = ANSWERS.get(medium)
        status, reply = answer("DELETE", "/" + rest, None, self) if answer else (404, {})
        payload = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        # Look-ups a driver makes before or after a send (WordPress: is our post already
        # there?). Nothing is recorded: a drill records what the public would have received.
        medium, _, rest = self.path.lstrip("/").partition("/")
        answer = ANSWERS.get(medium)
        status, reply = answer("GET", "/" + rest, None, self) if answer else (404, {})
        payload = json.dumps(reply, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


# -- realistic answers per medium (so drivers parse in training what they parse for real) --

DrillAnswer = Callable[[str, str, Any, BaseHTTPRequestHandler], tuple[int, Any]]


def _recorder(handler: BaseHTTPRequestHandler) -> DrillRecorder:
    recorder: DrillRecorder = handler.recorder  # type: ignore[attr-defined]
    return recorder


_POST_BY_ID = re.compile(r"^/wp-json/wp/v2/posts/([0-9]+)$")
_WP_GONE = (404, {"code": "rest_post_invalid_id", "message": "Invalid post ID.",
                  "data": {"status": 404}})


class _WordPressDrill:
    """WordPress's answers: 201 with the new post's id and link; look-ups by slug; an edit
    (``POST /posts/<id>``) keeps the post's id, slug and link, as a real site does. Posts
    persist in the drill folder, so a later process's correction edits them."""

    def __call__(self, method: str, path: str, body: Any,
                 handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
        route, _, query = path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        host = handler.headers.get("Host", LOOPBACK)
        recorder = _recorder(handler)
        if method == "POST" and route == "/wp-json/wp/v2/posts" and isinstance(body, dict):
            def create(posts: dict[str, Any]) -> dict[str, Any]:
                post_id = len(posts) + 1
                slug = str(body.get("slug") or f"drill-{post_id}")
                post = {
                    "id": post_id, "slug": slug, "status": body.get("status", "publish"),
                    "link": f"http://{host}/website/{slug}/",
                    "title": {"raw": (body.get("title") or {}).get("raw", "")},
                }
                posts[str(post_id)] = post
                return post

            return 201, recorder.state("website", create)
        edit = _POST_BY_ID.match(route)
        if method == "POST" and edit is not None and isinstance(body, dict):
            post_key = edit.group(1)

            def update(posts: dict[str, Any]) -> dict[str, Any] | None:
                post: dict[str, Any] | None = posts.get(post_key)
                if post is not None and "title" in body:
                    post["title"] = {"raw": (body.get("title") or {}).get("raw", "")}
                return post

            found = recorder.state("website", update)
            return (200, found) if found is not None else _WP_GONE
        if method == "GET" and route == "/wp-json/wp/v2/posts":
            slug = params.get("slug", "")
            return 200, recorder.state(
                "website", lambda posts: [p for p in posts.values() if p["slug"] == slug])
        if method == "GET" and route == "/wp-json/wp/v2/categories":
            slug = params.get("slug", "")
            return 200, [{"id": 1, "slug": slug}] if slug else []
        return 404, {"code": "rest_no_route", "message": "drill: no route",
                     "data": {"status": 404}}


def _accepted(method: str, path: str, body: Any,
              handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    """A CAP aggregator or an L-Alert 連携システム: 202 Accepted for a document."""
    return (202, {"accepted": True}) if method == "POST" else (404, {})


def _twilio(method: str, path: str, body: Any,
            handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    """Twilio Messages: 201 with a message sid on create; a fetch reports it delivered."""
    now = email.utils.format_datetime(utcnow())
    if method == "POST" and path.endswith("/Messages.json"):
        form = dict(urllib.parse.parse_qsl(body if isinstance(body, str) else ""))
        sid = "SM" + uuid.uuid4().hex
        return 201, {"sid": sid, "status": "queued", "to": form.get("To"),
                     "from": form.get("From"), "body": form.get("Body"),
                     "num_segments": "1", "date_created": now, "error_code": None}
    if method == "GET" and path.endswith("/Messages.json"):
        return 200, {"messages": [], "page": 0, "page_size": 50}
    if method == "GET" and "/Messages/" in path:
        sid = path.rsplit("/", 1)[-1].removesuffix(".json")
        return 200, {"sid": sid, "status": "delivered", "error_code": None, "date_sent": now}
    return 404, {"code": 20404, "message": "drill: not found", "status": 404}


def _x(method: str, path: str, body: Any,
       handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    """X: 201 with the new post's id; ``DELETE /2/tweets/<id>`` deletes one of ours (404 for
    a post it never made or already deleted, as X answers)."""
    recorder = _recorder(handler)
    if method == "DELETE" and path.startswith("/2/tweets/"):
        post_id = path.rsplit("/", 1)[-1]
        existed = recorder.state("x", lambda posts: posts.pop(post_id, None) is not None)
        if existed:
            return 200, {"data": {"deleted": True}}
        return 404, {"title": "Not Found Error", "detail": f"Could not find tweet {post_id}",
                     "type": "https://api.twitter.com/2/problems/resource-not-found"}
    text = body.get("text", "") if isinstance(body, dict) else ""
    new_id = str(10**18 + uuid.uuid4().int % 10**18)
    recorder.state("x", lambda posts: posts.__setitem__(new_id, text))
    return 201, {"data": {"id": new_id, "text": text}}


def _facebook(method: str, path: str, body: Any,
              handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    """Graph API: ``/{page-id}/feed`` answers 200 with ``{page-id}_{post-id}``; a POST to a
    post id edits it (``{"success": true}``, or error 100/33 for a post that is gone)."""
    recorder = _recorder(handler)
    parts = path.strip("/").split("/")
    if len(parts) == 2 and "_" in parts[1]:  # /{version}/{page-id}_{post-id}: an edit
        target = parts[1]
        if recorder.state("facebook", lambda posts: target in posts):
            return 200, {"success": True}
        return 400, {"error": {"message": "Unsupported post request. Object does not exist",
                               "type": "GraphMethodException", "code": 100,
                               "error_subcode": 33}}
    page = parts[1] if len(parts) >= 2 else "0"
    new_id = f"{page}_{uuid.uuid4().int % 10**16}"
    recorder.state("facebook", lambda posts: posts.__setitem__(new_id, True))
    return 200, {"id": new_id}


def _fcm(method: str, path: str, body: Any,
         handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    """FCM: the token endpoint, then the sent message's name."""
    if path == "/token":
        return 200, {"access_token": "drill-access-token", "expires_in": 3600,
                     "token_type": "Bearer"}
    project = path.split("/")[3] if path.startswith("/v1/projects/") else "drill"
    return 200, {"name": f"projects/{project}/messages/{uuid.uuid4().int % 10**16}"}


def _slack(method: str, path: str, body: Any,
           handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    return 200, b"ok"  # an incoming webhook answers a plain "ok"


def _teams(method: str, path: str, body: Any,
           handler: BaseHTTPRequestHandler) -> tuple[int, Any]:
    return 202, {}  # a Workflows trigger answers 202 Accepted


ANSWERS: dict[str, DrillAnswer] = {
    "website": _WordPressDrill(),
    "cap": _accepted,
    "lalert": _accepted,
    # issue 3, network media (the webhook and Apprise's json:// take the default 200 {})
    "sms": _twilio,
    "x": _x,
    "facebook": _facebook,
    "push": _fcm,
    "slack": _slack,
    "teams": _teams,
}


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
