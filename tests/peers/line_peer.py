"""A real local HTTP server that behaves like the LINE Messaging API (multicast and broadcast).

Every request is checked three ways before it is answered:

1. against the official OpenAPI document (``tests/data/specs/line/messaging-api.yml``) with
   openapi-core: path and method, the ``Bearer`` security requirement, the
   ``X-Line-Retry-Key`` header (``format: uuid``) and the request body schema;
2. each message object against the sub-schema its ``type`` selects
   (``Message.discriminator.mapping[type]``) with openapi-schema-validator, because the spec's
   discriminator is annotation-only and generic validators accept ``{"type": "txt"}`` or a text
   message without ``text``;
3. LINE's documented rules that the spec does not encode (text ≤ 5,000 UTF-16 code units,
   altText ≤ 1,500, ≤ 500 ``to``, user ids ``U`` + 32 hex digits) and this project's own rule
   that every send carries a retry key (a request without one can never be retried safely).

An invalid request is answered 400 in LINE's error shape ``{"message", "details": [{"message",
"property"}]}`` and the violation is recorded, so a test can assert ``peer.violations == []``.
The peer is stateful like LINE: an accepted retry key answers 409 with
``x-line-accepted-request-id`` the next time; a 200 carries ``x-line-request-id``. Faults are
scripted per request (:class:`Fault`). The peer's own answers are validated against the
spec's response schemas too (``peer.response_violations``).

Usage::

    with LinePeer(token="t") as peer:
        driver = LineDriver(peer.base_url, "t")
        peer.script(Fault.rate_limited(retry_after=7))
        ...
        peer.assert_clean()
"""

from __future__ import annotations

import functools
import json
import re
import sys
import threading
import traceback
import uuid
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml
from jsonschema.exceptions import ValidationError
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.security.exceptions import SecurityNotFound
from openapi_core.validation.request.exceptions import (
    InvalidParameter,
    MissingParameterError,
    RequestBodyValidationError,
    SecurityValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    oas30_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "specs" / "line" / "messaging-api.yml"
SPEC_SERVER = "https://api.line.me"  # requests are validated as if addressed to the real host
SPEC_URI = "urn:issei-test:line:messaging-api.yml"

MULTICAST_PATH = "/v2/bot/message/multicast"
BROADCAST_PATH = "/v2/bot/message/broadcast"
SEND_PATHS = (MULTICAST_PATH, BROADCAST_PATH)

TEXT_LIMIT_UTF16 = 5000  # developers.line.biz/ja/docs/messaging-api/text-character-count
ALT_TEXT_LIMIT = 1500  # template / flex / imagemap altText
MULTICAST_LIMIT = 500
USER_ID = re.compile(r"^U[0-9a-f]{32}$")

AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)
RATE_LIMITED = "The API rate limit has been exceeded. Try again later."
MONTHLY_LIMIT = "You have reached your monthly limit."
RETRY_KEY_ACCEPTED = "The retry key is already accepted"


# ---------------------------------------------------------------------------------------------
# The spec, loaded and compiled once per process


class LineSpec:
    """The parsed spec, an openapi-core app and one compiled validator per message type."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        with path.open(encoding="utf-8") as f:
            self.raw: dict[str, Any] = yaml.load(f, Loader=loader)
        self.openapi = OpenAPI.from_dict(self.raw)
        self.request_validator = self.openapi.request_validator
        self.response_validator = self.openapi.response_validator
        schemas = self.raw["components"]["schemas"]
        registry: Registry = Registry().with_resource(
            SPEC_URI, Resource(contents=self.raw, specification=DRAFT4)
        )

        def compile_ref(ref: str, cls: Any = OAS30WriteValidator) -> Any:
            # requests are validated as writes (readOnly forbidden), answers as reads
            return cls(
                {"$ref": SPEC_URI + ref}, registry=registry, format_checker=oas30_format_checker
            )

        self.message_mapping: dict[str, str] = dict(
            schemas["Message"]["discriminator"]["mapping"]
        )
        self.message_validators = {
            kind: compile_ref(ref) for kind, ref in self.message_mapping.items()
        }
        self.error_response_validator = compile_ref(
            "#/components/schemas/ErrorResponse", OAS30ReadValidator
        )
        # status codes the spec declares per send path, for response validation
        self.declared_statuses: dict[str, set[int]] = {
            p: {int(code) for code in self.raw["paths"][p]["post"]["responses"]}
            for p in SEND_PATHS
        }
        # openapi-core caches lazily; one lock keeps it safe under the threading server
        self.lock = threading.Lock()
        self.checked_responses: dict[tuple[str, str, int, bytes], list[str]] = {}


@functools.cache
def line_spec() -> LineSpec:
    return LineSpec()


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Violation:
    """One rule a request broke. ``source``: openapi | message-schema | line-rule | peer-rule."""

    source: str
    property: str
    message: str

    def __str__(self) -> str:
        return f"[{self.source}] {self.property}: {self.message}"


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    raw: bytes
    body: Any  # the parsed JSON, or None when it was not JSON
    status: int  # what the peer answered; 0: the connection was closed without an answer
    request_id: str | None  # the x-line-request-id the peer gave it
    violations: tuple[Violation, ...] = ()
    fault: Fault | None = None

    @property
    def retry_key(self) -> str | None:
        return self.headers.get("x-line-retry-key")

    @property
    def to(self) -> list[str]:
        if isinstance(self.body, dict) and isinstance(self.body.get("to"), list):
            return list(self.body["to"])
        return []

    @property
    def messages(self) -> list[Any]:
        if isinstance(self.body, dict) and isinstance(self.body.get("messages"), list):
            return list(self.body["messages"])
        return []


# ---------------------------------------------------------------------------------------------
# Faults


@dataclass(frozen=True)
class Fault:
    """One scripted answer, used by the next valid, authenticated send request.

    ``status``/``body``/``headers``: the answer (None: the normal answer).
    ``delay``: seconds to wait before answering (interrupted when the peer stops).
    ``accept``: the request is accepted first (retry key remembered, recipients counted) and only
    the answer is delayed or lost, as when LINE accepted but the client timed out.
    ``disconnect``: close the connection without any answer.
    """

    status: int | None = None
    body: Mapping[str, Any] | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    accept: bool = False
    disconnect: bool = False

    @classmethod
    def rate_limited(cls, retry_after: float | str | None = None) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls(429, {"message": RATE_LIMITED}, headers)

    @classmethod
    def monthly_limit(cls) -> Fault:
        return cls(429, {"message": MONTHLY_LIMIT})

    @classmethod
    def server_error(cls, status: int = 500, retry_after: float | None = None) -> Fault:
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        return cls(status, {"message": "Internal server error"}, headers)

    @classmethod
    def forbidden(cls, message: str = "Access to this API is not available") -> Fault:
        return cls(403, {"message": message})

    @classmethod
    def unauthorized(cls) -> Fault:
        return cls(401, {"message": AUTH_FAILED})

    @classmethod
    def slow(cls, seconds: float, *, accept: bool = False) -> Fault:
        """Answer after ``seconds``: 200 if ``accept`` (accepted at once), else 503 unaccepted."""
        if accept:
            return cls(None, None, delay=seconds, accept=True)
        return cls(503, {"message": "Service unavailable"}, delay=seconds)

    @classmethod
    def drop(cls, *, accept: bool = False) -> Fault:
        return cls(None, None, accept=accept, disconnect=True)


# ---------------------------------------------------------------------------------------------
# openapi-core adapters


class _SpecRequest:
    """The openapi-core Request protocol for one received request."""

    def __init__(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes, query: str = ""
    ) -> None:
        self.host_url = SPEC_SERVER
        self.path = path
        self.method = method.lower()
        self.body = body
        self.content_type = headers.get("content-type", "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(query, keep_blank_values=True)),
            header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _SpecResponse:
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = "application/json"
        self.data = data


def _property_path(prefix: str, parts: Iterable[Any]) -> str:
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text = f"{text}.{part}" if text else str(part)
    return text


def _describe(error: ValidationError, prefix: str = "") -> tuple[str, str]:
    """(property, message) for a jsonschema error, short and without the instance's repr."""
    path = _property_path(prefix, error.absolute_path)
    kind, value = error.validator, error.validator_value
    if kind == "required" and isinstance(error.instance, dict):
        missing = [name for name in value if name not in error.instance] or list(value)
        return _property_path(path, [missing[0]]), "must be specified"
    templates = {
        "maxItems": "Size must be at most {}",
        "minItems": "Size must be at least {}",
        "maxLength": "Length must be at most {}",
        "minLength": "Length must be at least {}",
        "type": "must be of type {}",
        "format": "must be a valid {}",
        "pattern": "must match {}",
        "enum": "must be one of {}",
        "maximum": "must be at most {}",
        "minimum": "must be at least {}",
    }
    template = templates.get(str(kind))
    message = template.format(str(value)[:200]) if template else error.message
    return path, message[:300]


def _schema_errors(exc: BaseException) -> list[ValidationError]:
    cause = exc.__cause__
    if isinstance(cause, InvalidSchemaValue):
        return [e for e in cause.schema_errors if isinstance(e, ValidationError)]
    return []


def _flatten(error: ValidationError) -> list[ValidationError]:
    """The leaf errors of a combinator (allOf/anyOf/oneOf) error."""
    if error.validator in ("allOf", "anyOf", "oneOf") and error.context:
        leaves: list[ValidationError] = []
        for sub in error.context:
            leaves.extend(_flatten(sub))
        return leaves
    return [error]


# ---------------------------------------------------------------------------------------------
# The server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops SYNs of a burst: the client retries after 1 s

    def __init__(self, peer: LinePeer) -> None:
        self.peer = peer
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that timed out and closed its socket is normal here; never print to stderr
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            self.peer._record_internal_error(traceback.format_exc())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API behind its load balancer
    server_version = "LinePeer/1.0"
    sys_version = ""
    timeout = 10.0
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        peer = self.server.peer
        path, _, query = self.path.partition("?")
        try:
            answer = peer._handle(self.command, path, headers, raw, query)
        except Exception:  # noqa: BLE001 - a bug in the peer must fail the test, not hang it
            peer._record_internal_error(traceback.format_exc())
            answer = _Answer(500, {"message": "LinePeer internal error (see peer.internal_errors)"})
        if answer.disconnect:
            self.close_connection = True
            return
        payload = json.dumps(answer.body, ensure_ascii=False).encode()
        try:
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    do_POST = do_GET = do_PUT = do_DELETE = do_PATCH = _serve  # noqa: N815


@dataclass
class _Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    disconnect: bool = False


class LinePeer:
    """A local LINE Messaging API (multicast + broadcast) on 127.0.0.1, an ephemeral port.

    ``token``: the channel access token it accepts (``Authorization: Bearer <token>``).
    ``require_retry_key``: this project's rule; a send without ``X-Line-Retry-Key`` is a 400.
    ``strict_user_ids``: ``to`` entries must look like LINE user ids (``U`` + 32 hex).
    ``friends``: how many users a broadcast reaches (for ``delivered_count``).
    ``monthly_quota``: messages left this month (recipients × 1); None: unlimited.

    Each request is answered in this order: wrong or missing token → 401; unknown path → 404;
    any violation → 400 (a scripted fault is *not* used up); the next scripted fault, if any;
    a retry key accepted before → 409; quota exhausted → 429 monthly limit; else accepted → 200.
    """

    def __init__(
        self,
        token: str = "test-channel-access-token",
        *,
        require_retry_key: bool = True,
        strict_user_ids: bool = True,
        friends: int = 1000,
        monthly_quota: int | None = None,
        validate_responses: bool = True,
    ) -> None:
        self.token = token
        self.require_retry_key = require_retry_key
        self.strict_user_ids = strict_user_ids
        self.friends = friends
        self.monthly_quota = monthly_quota
        self.validate_responses = validate_responses
        self.spec = line_spec()
        self.requests: list[RecordedRequest] = []  # every request, in arrival order
        self.violations: list[Violation] = []  # what requests broke (request side)
        self.response_violations: list[str] = []  # where the peer's own answers broke the spec
        self.delivered: Counter[str] = Counter()  # user id -> accepted sends that reached it
        self.broadcasts = 0
        self._accepted_keys: dict[str, str] = {}  # retry key -> request id of the original
        self._accepted_ids: set[str] = set()
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.internal_errors: list[str] = []  # tracebacks of the peer's own bugs

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> LinePeer:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"line-peer-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()  # wakes delayed answers
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LinePeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "the peer is not running"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting ------------------------------------------------------------------------------

    def script(self, *faults: Fault, times: int = 1) -> None:
        """Queue faults; each is used by one later valid, authenticated send request."""
        with self._lock:
            for _ in range(times):
                self._faults.extend(faults)

    def clear_script(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults)

    # -- reading what happened ------------------------------------------------------------------

    @property
    def accepted(self) -> list[RecordedRequest]:
        """Requests LINE would have delivered (answered 200, or accepted before a fault)."""
        with self._lock:
            return [r for r in self.requests if r.request_id in self._accepted_ids]

    @property
    def delivered_count(self) -> int:
        with self._lock:
            return sum(self.delivered.values()) + self.broadcasts * self.friends

    def statuses(self) -> list[int]:
        with self._lock:
            return [r.status for r in self.requests]

    def _record_internal_error(self, text: str) -> None:
        with self._lock:
            self.internal_errors.append(text)

    def assert_clean(self) -> None:
        """No request broke a rule and every answer of the peer matched the spec."""
        with self._lock:
            problems = (
                [str(v) for v in self.violations] + self.response_violations
                + self.internal_errors
            )
        assert not problems, "LINE peer saw violations:\n" + "\n".join(problems[:20])

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.violations.clear()
            self.response_violations.clear()
            self.internal_errors.clear()
            self.delivered.clear()
            self.broadcasts = 0
            self._accepted_keys.clear()
            self._accepted_ids.clear()
            self._faults.clear()

    # -- validation -----------------------------------------------------------------------------

    def validate_request(
        self, method: str, path: str, headers: Mapping[str, str], raw: bytes, query: str = ""
    ) -> tuple[list[Violation], Any, bool]:
        """(violations, parsed JSON body, authorization missing) for one request.

        Thread-safe and without side effects: tests may call it directly.
        """
        spec = self.spec
        found: list[Violation] = []
        auth_missing = False
        request = _SpecRequest(method, path, headers, raw, query)
        with spec.lock:
            errors = list(spec.request_validator.iter_errors(request))
        for exc in errors:
            if isinstance(exc, SecurityValidationError | SecurityNotFound):
                auth_missing = True
                found.append(Violation("openapi", "Authorization", "Bearer token required"))
            elif isinstance(exc, PathError):
                found.append(Violation("openapi", path, f"{method} {path}: {exc}"))
            elif isinstance(exc, InvalidParameter):
                for err in _schema_errors(exc) or [None]:
                    message = _describe(err)[1] if err is not None else str(exc)
                    found.append(Violation("openapi", exc.name, message))
            elif isinstance(exc, MissingParameterError):
                found.append(Violation("openapi", exc.name, "must be specified"))
            elif isinstance(exc, RequestBodyValidationError):
                schema_errors = _schema_errors(exc)
                if not schema_errors:
                    found.append(Violation("openapi", "body", str(exc)[:300]))
                for err in schema_errors:
                    for leaf in _flatten(err):
                        found.append(Violation("openapi", *_describe(leaf)))
            else:
                found.append(Violation("openapi", "request", str(exc)[:300]))

        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        if path in SEND_PATHS and method == "POST":
            found.extend(self._line_rules(path, headers, body))
        return list(dict.fromkeys(found)), body, auth_missing

    def _line_rules(
        self, path: str, headers: Mapping[str, str], body: Any
    ) -> list[Violation]:
        spec = self.spec
        found: list[Violation] = []
        if self.require_retry_key and "x-line-retry-key" not in headers:
            found.append(
                Violation("peer-rule", "X-Line-Retry-Key", "every send must carry a retry key")
            )
        if not isinstance(body, dict):
            return found
        messages = body.get("messages")
        for i, message in enumerate(messages if isinstance(messages, list) else []):
            where = f"messages[{i}]"
            if not isinstance(message, dict):
                continue  # openapi-core reported the type
            kind = message.get("type")
            validator = spec.message_validators.get(kind) if isinstance(kind, str) else None
            if validator is None:
                if kind is not None:
                    found.append(Violation("message-schema", f"{where}.type",
                                           f"unknown message type {kind!r}"))
                continue
            for err in validator.iter_errors(message):
                for leaf in _flatten(err):
                    found.append(Violation("message-schema", *_describe(leaf, where)))
            text = message.get("text")
            if kind in ("text", "textV2") and isinstance(text, str):
                units = len(text.encode("utf-16-le")) // 2
                if units > TEXT_LIMIT_UTF16:
                    found.append(
                        Violation(
                            "line-rule", f"{where}.text",
                            f"Length must be between 0 and {TEXT_LIMIT_UTF16} "
                            f"(UTF-16 code units; got {units})",
                        )
                    )
            alt = message.get("altText")
            if kind in ("template", "flex", "imagemap") and isinstance(alt, str):
                if len(alt) > ALT_TEXT_LIMIT:
                    found.append(
                        Violation("line-rule", f"{where}.altText",
                                  f"Length must be between 1 and {ALT_TEXT_LIMIT}")
                    )
        to = body.get("to")
        if path == MULTICAST_PATH and isinstance(to, list):
            if len(to) > MULTICAST_LIMIT:
                found.append(
                    Violation("line-rule", "to", f"Size must be between 1 and {MULTICAST_LIMIT}")
                )
            if self.strict_user_ids:
                for i, user in enumerate(to):
                    if isinstance(user, str) and not USER_ID.match(user):
                        found.append(Violation("line-rule", f"to[{i}]", "invalid user id"))
                        break
        if path == BROADCAST_PATH and "to" in body:
            found.append(Violation("line-rule", "to", "broadcast takes no recipients"))
        return found

    def _check_response(self, method: str, path: str, headers: Mapping[str, str], raw: bytes,
                        answer: _Answer) -> None:
        if not self.validate_responses or path not in SEND_PATHS or answer.disconnect:
            return
        spec = self.spec
        data = json.dumps(answer.body, sort_keys=True).encode()
        key = (method, path, answer.status, data)  # answers repeat: check each shape once
        problems = spec.checked_responses.get(key)
        if problems is None:
            if answer.status in spec.declared_statuses[path]:
                request = _SpecRequest(method, path, headers, raw)
                response = _SpecResponse(answer.status, answer.headers, data)
                with spec.lock:
                    errors = list(spec.response_validator.iter_errors(request, response))
                problems = [f"{answer.status} {path}: {e} {_schema_errors(e)[:1]}"
                            for e in errors]
            elif answer.status >= 400:
                # not declared for this path (401, 5xx): LINE still answers its ErrorResponse
                problems = [
                    f"{answer.status} {path}: {_describe(e)}"
                    for e in spec.error_response_validator.iter_errors(answer.body)
                ]
            else:
                problems = [f"{answer.status} {path}: status not declared by the spec"]
            spec.checked_responses[key] = problems
        if problems:
            with self._lock:
                self.response_violations.extend(problems)

    # -- answering ------------------------------------------------------------------------------

    def _handle(
        self, method: str, path: str, headers: dict[str, str], raw: bytes, query: str = ""
    ) -> _Answer:
        violations, body, auth_missing = self.validate_request(method, path, headers, raw, query)
        request_id = str(uuid.uuid4())
        fault: Fault | None = None

        if auth_missing or headers.get("authorization") != f"Bearer {self.token}":
            answer = _Answer(401, {"message": AUTH_FAILED})
        elif path not in SEND_PATHS or method != "POST":
            answer = _Answer(404, {"message": "Not found"})
        elif violations:
            answer = _Answer(400, self._error_body(violations))
        else:
            with self._lock:
                fault = self._faults.popleft() if self._faults else None
            answer = self._answer_valid(path, headers, body, request_id, fault)

        answer.headers.setdefault("x-line-request-id", request_id)
        self._check_response(method, path, headers, raw, answer)
        record = RecordedRequest(
            method=method, path=path, headers=dict(headers), raw=raw, body=body,
            status=0 if answer.disconnect else answer.status, request_id=request_id,
            violations=tuple(violations), fault=fault,
        )
        with self._lock:
            self.requests.append(record)
            self.violations.extend(violations)
        if fault is not None and fault.delay > 0:
            self._stopping.wait(fault.delay)
        return answer

    def _answer_valid(
        self, path: str, headers: Mapping[str, str], body: dict[str, Any], request_id: str,
        fault: Fault | None,
    ) -> _Answer:
        if fault is not None and not fault.accept:
            if fault.disconnect:
                return _Answer(0, None, disconnect=True)
            return _Answer(fault.status or 500, dict(fault.body or {}), dict(fault.headers))
        key = headers.get("x-line-retry-key")
        recipients = self.friends if path == BROADCAST_PATH else len(body.get("to", []))
        with self._lock:
            if key is not None and key in self._accepted_keys:
                original = self._accepted_keys[key]
                return _Answer(
                    409, {"message": RETRY_KEY_ACCEPTED},
                    {"x-line-accepted-request-id": original},
                )
            if self.monthly_quota is not None:
                if recipients > self.monthly_quota:
                    return _Answer(429, {"message": MONTHLY_LIMIT})
                self.monthly_quota -= recipients
            if key is not None:
                self._accepted_keys[key] = request_id
            self._accepted_ids.add(request_id)
            if path == BROADCAST_PATH:
                self.broadcasts += 1
            else:
                self.delivered.update(body.get("to", []))
        if fault is not None and fault.disconnect:
            return _Answer(0, None, disconnect=True)
        if fault is not None and fault.status is not None:
            return _Answer(fault.status, dict(fault.body or {}), dict(fault.headers))
        return _Answer(200, {})

    @staticmethod
    def _error_body(violations: list[Violation]) -> dict[str, Any]:
        header_problem = next(
            (v for v in violations if v.property.lower() == "x-line-retry-key"), None
        )
        if header_problem is not None and len(violations) == 1:
            return {"message": "The value for the 'X-Line-Retry-Key' header is invalid",
                    "details": [{"message": header_problem.message,
                                 "property": header_problem.property}]}
        return {
            "message": f"The request body has {len(violations)} error(s)",
            "details": [{"message": v.message, "property": v.property} for v in violations],
        }


def serve(**kwargs: Any) -> Iterator[LinePeer]:
    """For a pytest fixture: ``yield from serve(token=...)`` runs a peer for one test."""
    with LinePeer(**kwargs) as peer:
        yield peer
