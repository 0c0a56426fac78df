"""The common body of the issue-3 peers (Twilio, X, Facebook, FCM, Slack, Teams, webhooks).

A real HTTP/1.1 server on 127.0.0.1 that, for every request: validates it (the subclass checks
it against the official spec), checks its credentials, and answers either the provider's
documented error, a scripted :class:`Fault`, or the provider's normal answer. Every request is
recorded with its violations, so a test can assert ``peer.violations == []``.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class Fault:
    """One scripted answer, used by the next valid, authorised request.

    ``accept``: the request takes effect first (a post is created), only the answer is replaced
    or delayed — as when a provider accepted but the client timed out.
    """

    status: int | None = None
    body: Any = None  # dict/list: JSON; str: text/plain; None: the peer's normal body
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    accept: bool = False
    disconnect: bool = False

    @classmethod
    def slow(cls, seconds: float, *, accept: bool = False) -> Fault:
        return cls(None if accept else 503, None, delay=seconds, accept=accept)

    @classmethod
    def drop(cls) -> Fault:
        return cls(disconnect=True)


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    disconnect: bool = False

    def encoded(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", ""
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body, ensure_ascii=False).encode(), "application/json"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    raw: bytes

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.raw) if self.raw else None
        except ValueError:
            return None

    @property
    def form(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in parse_qsl(self.raw.decode("utf-8", "replace"), keep_blank_values=True):
            out.setdefault(key, []).append(value)
        return out

    @property
    def params(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            out.setdefault(key, []).append(value)
        return out


@dataclass(frozen=True)
class Recorded:
    request: Request
    status: int  # 0: closed without an answer
    violations: tuple[str, ...]
    fault: Fault | None
    body: Any  # what the peer answered

    @property
    def path(self) -> str:
        return self.request.path

    @property
    def headers(self) -> dict[str, str]:
        return self.request.headers


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, peer: ScriptedPeer) -> None:
        self.peer = peer
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):  # a client that gave up is normal here
            self.peer.internal_errors.append(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    sys_version = ""
    timeout = 10.0
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        request = Request(self.command, path, query,
                          {k.lower(): v for k, v in self.headers.items()}, raw)
        peer = self.server.peer
        try:
            answer = peer._handle(request)
        except Exception:  # noqa: BLE001 - a bug in the peer must fail the test, not hang it
            peer.internal_errors.append(traceback.format_exc())
            answer = Answer(500, {"error": "peer internal error"})
        if answer.disconnect:
            self.close_connection = True
            return
        payload, content_type = answer.encoded()
        try:
            self.send_response(answer.status)
            if content_type and "content-type" not in {k.lower() for k in answer.headers}:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815


class ScriptedPeer:
    """Subclasses implement ``validate``, ``authorized``, ``accept`` and the error answers."""

    name = "peer"

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.violations: list[str] = []
        self.response_violations: list[str] = []
        self.internal_errors: list[str] = []
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None

    # -- to implement ---------------------------------------------------------------------

    def validate(self, request: Request) -> list[str]:
        return []

    def authorized(self, request: Request) -> bool:
        return True

    def unauthorized(self, request: Request) -> Answer:
        return Answer(401, {"error": "unauthorized"})

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(400, {"error": "invalid", "violations": violations})

    def accept(self, request: Request) -> Answer:
        return Answer(200, {})

    def check_answer(self, request: Request, answer: Answer) -> list[str]:
        """Problems with the peer's own answer (validated against the spec where one exists)."""
        return []

    # -- running ---------------------------------------------------------------------------

    def start(self) -> ScriptedPeer:
        self._server = _Server(self)
        # a short poll interval: stop() waits for it, once per test
        threading.Thread(target=self._server.serve_forever, args=(0.02,),
                         name=f"{self.name}-peer", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def script(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def statuses(self) -> list[int]:
        return [r.status for r in self.requests]

    @property
    def accepted(self) -> list[Recorded]:
        return [r for r in self.requests if 200 <= r.status < 300]

    def assert_clean(self) -> None:
        problems = self.violations + self.response_violations + self.internal_errors
        assert not problems, "\n".join(problems)

    # -- the flow --------------------------------------------------------------------------

    def _handle(self, request: Request) -> Answer:
        violations = self.validate(request)
        fault: Fault | None = None
        if not self.authorized(request):
            answer = self.unauthorized(request)
        elif violations:
            answer = self.invalid(request, violations)
        else:
            with self._lock:
                fault = self._faults.popleft() if self._faults else None
            if fault is not None and not fault.accept:
                answer = Answer(fault.status or 500, fault.body, dict(fault.headers),
                                disconnect=fault.disconnect)
            else:
                answer = self.accept(request)
                if fault is not None:
                    answer.disconnect = fault.disconnect
                    if fault.status is not None:
                        answer = Answer(fault.status, fault.body, dict(fault.headers))
        if not answer.disconnect:
            problems = self.check_answer(request, answer)
        else:
            problems = []
        with self._lock:
            self.requests.append(Recorded(request, 0 if answer.disconnect else answer.status,
                                          tuple(violations), fault, answer.body))
            self.violations.extend(violations)
            self.response_violations.extend(problems)
        if fault is not None and fault.delay > 0:
            self._stopping.wait(fault.delay)
        return answer
