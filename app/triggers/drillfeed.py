"""A local JMA-style Atom feed for drills and tests: publish a bulletin, and the poller
(``[feed] base_url`` / ``--feed-base``) sees it exactly as it would see JMA's.

It serves ``/<feed>.xml`` (the last ``short_size`` entries) and ``/<feed>_l.xml`` (all), and
each bulletin under ``/data/<name>``, with ETag and Last-Modified so conditional requests get
304 like the real server. ``fail_next`` simulates an outage (HTTP 503) for backoff drills.
The server binds to 127.0.0.1 only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import Counter
from dataclasses import dataclass
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

from app.triggers.bulletin import parse_envelope
from app.triggers.xmlsafe import BulletinError, parse_xml

FEEDS = ("regular", "extra", "eqvol", "other")
FEED_TITLES = {"regular": "高頻度（定時）", "extra": "高頻度（随時）",
               "eqvol": "高頻度（地震火山）", "other": "高頻度（その他）"}


@dataclass(frozen=True)
class Published:
    feed: str
    name: str
    title: str
    updated: dt.datetime
    raw: bytes


class DrillFeed:
    def __init__(self, *, short_size: int = 20) -> None:
        self.short_size = short_size
        self.entries: list[Published] = []
        self.requests: Counter[str] = Counter()  # path -> count
        self.not_modified: Counter[str] = Counter()
        self._failures = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- publishing ------------------------------------------------------------------------

    def publish(self, raw: bytes, *, feed: str = "eqvol", name: str | None = None,
                type_code: str = "", updated: dt.datetime | None = None) -> str:
        """Add a bulletin; returns its URL. ``name`` defaults to JMA's file naming."""
        if feed not in FEEDS:
            raise ValueError(f"feed は {'・'.join(FEEDS)} のいずれかです")
        title = "不明な電文"
        try:
            title = parse_envelope(parse_xml(raw)).control_title or title
        except BulletinError:
            pass  # drills may publish broken bulletins on purpose
        with self._lock:
            updated = updated or dt.datetime.now(dt.UTC).replace(microsecond=0)
            if self.entries and updated <= self.entries[-1].updated:
                updated = self.entries[-1].updated + dt.timedelta(seconds=1)
            if name is None:
                digest = hashlib.sha256(raw).hexdigest()[:8]
                name = (f"{updated:%Y%m%d%H%M%S}_{len(self.entries)}_{type_code or 'VZZZ00'}_"
                        f"{digest}.xml")
            self.entries.append(Published(feed, name, title, updated, raw))
        return f"{self.url}data/{name}"

    def fail_next(self, count: int) -> None:
        """Answer the next ``count`` requests with 503, like a server under load."""
        with self._lock:
            self._failures = count

    # -- serving ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> DrillFeed:
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                feed._handle(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return  # quiet: tests and drills read the counters instead

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="issei-drill-feed")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> DrillFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        with self._lock:
            self.requests[path] += 1
            failing = self._failures > 0
            if failing:
                self._failures -= 1
        if failing:
            self._send(request, 503, b"busy", "text/plain")
            return
        if path.startswith("/data/"):
            name = path.removeprefix("/data/")
            with self._lock:
                found = next((e for e in self.entries if e.name == name), None)
            if found is None:
                self._send(request, 404, b"not found", "text/plain")
            else:
                self._send(request, 200, found.raw, "application/xml")
            return
        stem = path.strip("/").removesuffix(".xml")
        long = stem.endswith("_l")
        name = stem.removesuffix("_l")
        if name not in FEEDS:
            self._send(request, 404, b"not found", "text/plain")
            return
        body, etag, modified = self._feed(name, long)
        if (request.headers.get("If-None-Match") == etag
                or (not request.headers.get("If-None-Match")
                    and request.headers.get("If-Modified-Since") == modified)):
            with self._lock:
                self.not_modified[path] += 1
            request.send_response(304)
            request.send_header("ETag", etag)
            request.send_header("Last-Modified", modified)
            request.end_headers()
            return
        self._send(request, 200, body, "application/atom+xml; charset=utf-8",
                   {"ETag": etag, "Last-Modified": modified})

    def _feed(self, name: str, long: bool) -> tuple[bytes, str, str]:
        with self._lock:
            entries = [e for e in self.entries if e.feed == name]
        if not long:
            entries = entries[-self.short_size:]
        entries.reverse()  # newest first, as JMA lists them
        newest = entries[0].updated if entries else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        base = self.url
        parts = [
            '<?xml version="1.0" encoding="utf-8"?>',
            '<feed xmlns="http://www.w3.org/2005/Atom" lang="ja">',
            f"<title>{escape(FEED_TITLES[name])}</title>",
            "<subtitle>JMAXML publishing feed (Issei drill)</subtitle>",
            f"<updated>{newest:%Y-%m-%dT%H:%M:%SZ}</updated>",
            f"<id>{base}{name}{'_l' if long else ''}.xml</id>",
        ]
        for e in entries:
            link = f"{base}data/{e.name}"
            parts += [
                "<entry>", f"<title>{escape(e.title)}</title>", f"<id>{link}</id>",
                f"<updated>{e.updated:%Y-%m-%dT%H:%M:%SZ}</updated>",
                "<author><name>気象庁（訓練）</name></author>",
                f'<link type="application/xml" href="{link}"/>',
                f'<content type="text">{escape(e.title)}</content>', "</entry>",
            ]
        parts.append("</feed>")
        body = "\n".join(parts).encode("utf-8")
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        return body, etag, format_datetime(newest, usegmt=True)

    @staticmethod
    def _send(request: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
              headers: dict[str, str] | None = None) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(body)
