"""A real local HTTP server behaving like Twilio's Messages API (create, fetch, list).

Every request is validated with openapi-core against Twilio's official OpenAPI document
(``tests/data/specs/twilio/twilio_api_v2010.yaml``: path, method, HTTP Basic security,
form-encoded body schema, query parameters) plus the rules the document states only in prose:
``To`` in E.164, ``Body`` ≤ 1,600 characters, ``From`` or ``MessagingServiceSid`` present.
Answers (201 message resources, fetch and list results) are validated against the response
schemas too. Delivery outcomes per number are scripted with ``peer.outcomes``.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import re
import secrets
import threading
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tests.peers.scripted_http import Answer, Request, ScriptedPeer

SPEC_PATH = (Path(__file__).resolve().parents[1] / "data" / "specs" / "twilio"
             / "twilio_api_v2010.yaml")
SPEC_SERVER = "https://api.twilio.com"
MESSAGES = "/2010-04-01/Accounts/{AccountSid}/Messages.json"
MESSAGE = "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
BODY_LIMIT = 1600
RESOURCE_PATH = re.compile(
    r"^/2010-04-01/Accounts/(AC[0-9a-fA-F]{32})/Messages(?:/([A-Za-z0-9]+))?\.json$"
)


class _Spec:
    def __init__(self) -> None:
        with SPEC_PATH.open(encoding="utf-8") as f:
            raw = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        # Only the Messages paths are exercised; pruning the others makes loading ~10× faster
        # and leaves the validation of these paths (and every schema they use) unchanged.
        raw["paths"] = {p: raw["paths"][p] for p in (MESSAGES, MESSAGE)}
        self.openapi = OpenAPI.from_dict(raw)
        self.lock = threading.Lock()


@functools.cache
def twilio_spec() -> _Spec:
    return _Spec()


class _SpecRequest:
    def __init__(self, request: Request) -> None:
        self.host_url = SPEC_SERVER
        self.path = request.path
        self.method = request.method.lower()
        self.body = request.raw
        self.content_type = request.headers.get("content-type", "").split(";")[0].lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict([(k, v) for k, vs in request.params.items() for v in vs]),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )


class _SpecResponse:
    def __init__(self, status: int, data: bytes) -> None:
        self.status_code = status
        self.headers = Headers([("Content-Type", "application/json")])
        self.content_type = "application/json"
        self.data = data


def _error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message,
                           "more_info": f"https://www.twilio.com/docs/errors/{code}",
                           "status": status})


class TwilioPeer(ScriptedPeer):
    name = "twilio"

    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.spec = twilio_spec()
        self.messages: dict[str, dict[str, Any]] = {}  # sid → resource
        # final status per To number, reported when a message is fetched (default delivered)
        self.outcomes: dict[str, tuple[str, int | None]] = {}

    @property
    def sent_to(self) -> list[str]:
        return [m["to"] for m in self.messages.values()]

    # -- validation ------------------------------------------------------------------------

    def validate(self, request: Request) -> list[str]:
        found: list[str] = []
        with self.spec.lock:
            errors = list(self.spec.openapi.request_validator.iter_errors(_SpecRequest(request)))
        for exc in errors:
            cause = exc.__cause__
            detail = getattr(cause, "schema_errors", None)
            if detail:
                found.extend(f"openapi: {type(exc).__name__}: {e.message}" for e in detail)
            elif "Security" in type(exc).__name__:
                continue  # answered 401 below, like Twilio
            else:
                found.append(f"openapi: {type(exc).__name__}: {exc}")
        if request.method == "POST" and RESOURCE_PATH.match(request.path):
            form = {k: v[-1] for k, v in request.form.items()}
            if not E164.match(form.get("To", "")):
                found.append(f"twilio-rule: To must be E.164, got {form.get('To')!r}")
            if len(form.get("Body", "")) > BODY_LIMIT:
                found.append(f"twilio-rule: Body longer than {BODY_LIMIT} characters")
            if not form.get("Body"):
                found.append("twilio-rule: Body (or MediaUrl) required")
            if not (form.get("From") or form.get("MessagingServiceSid")):
                found.append("twilio-rule: From or MessagingServiceSid required")
        return found

    def authorized(self, request: Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("authorization") == f"Basic {expected}"

    def unauthorized(self, request: Request) -> Answer:
        return _error(401, 20003, "Authenticate")

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        if any("To must be E.164" in v for v in violations):
            return _error(400, 21211, "Invalid 'To' Phone Number")
        return _error(400, 21602, "; ".join(violations)[:300])

    # -- answers ---------------------------------------------------------------------------

    def accept(self, request: Request) -> Answer:
        match = RESOURCE_PATH.match(request.path)
        if match is None or match.group(1) != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        sid = match.group(2)
        if request.method == "POST" and sid is None:
            return Answer(201, self._create({k: v[-1] for k, v in request.form.items()}))
        if request.method == "GET" and sid is None:
            params = {k: v[-1] for k, v in request.params.items()}
            found = [m for m in self.messages.values()
                     if m["to"] == params.get("To")
                     and ("From" not in params or m["from"] == params["From"])]
            return Answer(200, self._page(found))
        if request.method == "GET" and sid in self.messages:
            message = self.messages[sid]
            status, code = self.outcomes.get(message["to"], ("delivered", None))
            message["status"] = status
            message["error_code"] = code
            message["error_message"] = None if code is None else "Unreachable destination"
            return Answer(200, message)
        return _error(404, 20404, "The requested resource was not found")

    def _create(self, form: dict[str, str]) -> dict[str, Any]:
        sid = "SM" + secrets.token_hex(16)
        now = format_datetime(dt.datetime.now(dt.UTC))
        body = form["Body"]
        ucs2 = any(ord(c) > 0x7F for c in body)
        units = len(body.encode("utf-16-le")) // 2
        parts = 1 if units <= (70 if ucs2 else 160) else -(-units // (67 if ucs2 else 153))
        resource = {
            "account_sid": self.account_sid, "api_version": "2010-04-01", "body": body,
            "date_created": now, "date_sent": now, "date_updated": now,
            "direction": "outbound-api", "error_code": None, "error_message": None,
            "from": form.get("From", "+815000000000"),
            "messaging_service_sid": form.get("MessagingServiceSid"),
            "num_media": "0", "num_segments": str(parts), "price": None, "price_unit": "USD",
            "sid": sid, "status": "queued", "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}/Media.json"},
            "to": form["To"],
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json",
        }
        with self._lock:
            self.messages[sid] = resource
        return resource

    def _page(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json?PageSize=50&Page=0"
        return {"messages": messages, "end": max(0, len(messages) - 1), "page": 0,
                "page_size": 50, "start": 0, "first_page_uri": uri, "uri": uri,
                "next_page_uri": None, "previous_page_uri": None}

    def check_answer(self, request: Request, answer: Answer) -> list[str]:
        if answer.status not in (200, 201) or not isinstance(answer.body, dict):
            if answer.status >= 400 and isinstance(answer.body, dict):
                missing = {"code", "message", "status"} - set(answer.body)
                return [f"{answer.status}: error body lacks {sorted(missing)}"] if missing else []
            return []
        response = _SpecResponse(answer.status, json.dumps(answer.body).encode())
        with self.spec.lock:
            errors = list(self.spec.openapi.response_validator.iter_errors(
                _SpecRequest(request), response))
        return [f"response {answer.status} {request.path}: {e} "
                f"{[x.message for x in getattr(e.__cause__, 'schema_errors', [])][:2]}"
                for e in errors]
