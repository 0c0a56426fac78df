"""A real local HTTP server behaving like X's ``POST /2/tweets``.

Requests are validated with openapi-core against X's OpenAPI document — read from the shared
folder (``../shared/specs/x/latest-openapi.json``), never copied into this repository: its
licence is the X Developer Agreement. When that file is absent the peer still applies X's
documented rules (weighted length ≤ 280 by twitter-text v3, reply ids numeric), and
``spec_available`` is False so that tests needing the document itself skip with that reason.
Answers (201 ``{"data": {"id", "text"}}``, Problem errors) are validated against the document
too. The peer is stateful like X: the same text twice is refused 403 (duplicate content).
"""

from __future__ import annotations

import functools
import itertools
import json
import threading
import time
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_schema_validator import OAS30ReadValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from werkzeug.datastructures import Headers, ImmutableMultiDict

from app.compose.twitter_text import V3, parse
from tests.peers.scripted_http import Answer, Fault, Request, ScriptedPeer

ROOT = Path(__file__).resolve().parents[2]
SHARED_SPEC = ROOT.parent / "shared" / "specs" / "x" / "latest-openapi.json"
SPEC_MISSING = (f"X's OpenAPI document is not in the shared folder ({SHARED_SPEC}); it is never "
                "copied into this repository (X Developer Agreement)")
SPEC_SERVER = "https://api.x.com"
TWEETS = "/2/tweets"
TWEET = "/2/tweets/{id}"  # DELETE: a correction or cancellation removes the original
SPEC_URI = "urn:issei-test:x:latest-openapi.json"


class _Spec:
    def __init__(self) -> None:
        raw = json.loads(SHARED_SPEC.read_text(encoding="utf-8"))
        # only these paths are exercised
        raw["paths"] = {TWEETS: raw["paths"][TWEETS], TWEET: raw["paths"][TWEET]}
        # openapi-core checks http and apiKey schemes only (it warns on oauth2); on the wire an
        # OAuth 2.0 user token is a bearer token, so it is described as one
        for name, scheme in raw["components"]["securitySchemes"].items():
            if scheme.get("type") == "oauth2":
                raw["components"]["securitySchemes"][name] = {"type": "http", "scheme": "bearer"}
        self.openapi = OpenAPI.from_dict(raw)
        self.lock = threading.Lock()
        # problem+json bodies are not parsed by openapi-core: validate them against the schema
        # the Problem discriminator selects, as X documents them
        registry: Registry = Registry().with_resource(
            SPEC_URI, Resource(contents=raw, specification=DRAFT4))
        problem = raw["components"]["schemas"]["Problem"]
        self.problem_validators = {
            kind: OAS30ReadValidator({"$ref": SPEC_URI + ref}, registry=registry)
            for kind, ref in problem["discriminator"]["mapping"].items()
        }


@functools.cache
def x_spec() -> _Spec | None:
    return _Spec() if SHARED_SPEC.exists() else None


class _SpecRequest:
    def __init__(self, request: Request) -> None:
        self.host_url = SPEC_SERVER
        self.path = request.path
        self.method = request.method.lower()
        self.body = request.raw
        self.content_type = request.headers.get("content-type", "").split(";")[0].lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(), header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict())


class _SpecResponse:
    def __init__(self, status: int, content_type: str, data: bytes) -> None:
        self.status_code = status
        self.headers = Headers([("Content-Type", content_type)])
        self.content_type = content_type
        self.data = data


def problem(status: int, title: str, detail: str) -> Answer:
    return Answer(status, {"title": title, "detail": detail, "type": "about:blank",
                           "status": status},
                  {"Content-Type": "application/problem+json"})


def fault(status: int, title: str, detail: str, **headers: str) -> Fault:
    answer = problem(status, title, detail)
    return Fault(status, answer.body, {**answer.headers, **headers})


def rate_limited(reset_in: float) -> Fault:
    return fault(429, "Too Many Requests", "Too Many Requests", **{
        "x-rate-limit-limit": "100", "x-rate-limit-remaining": "0",
        "x-rate-limit-reset": str(int(time.time() + reset_in))})


class XPeer(ScriptedPeer):
    name = "x"

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.spec = x_spec()
        self.posts: dict[str, dict[str, Any]] = {}  # id → {"text", "reply_to"}
        self.deleted: list[str] = []  # ids, in the order they were deleted
        self._ids = itertools.count(1_800_000_000_000_000_001)

    @property
    def spec_available(self) -> bool:
        return self.spec is not None

    def validate(self, request: Request) -> list[str]:
        found: list[str] = []
        if self.spec is not None:
            with self.spec.lock:
                errors = list(self.spec.openapi.request_validator.iter_errors(
                    _SpecRequest(request)))
            for exc in errors:
                if "Security" in type(exc).__name__:
                    continue
                detail = getattr(exc.__cause__, "schema_errors", None)
                if detail:
                    found.extend(f"openapi: {e.message}" for e in detail)
                else:
                    found.append(f"openapi: {type(exc).__name__}: {exc}")
        body = request.json
        if request.path == TWEETS and request.method == "POST":
            if not isinstance(body, dict):
                return [*found, "x-rule: body must be a JSON object"]
            text = body.get("text")
            if isinstance(text, str):
                parsed = parse(text, V3)
                if not parsed.valid:
                    found.append(f"x-rule: text weighs {parsed.weighted_length} > 280")
            reply = body.get("reply")
            if isinstance(reply, dict):
                parent = str(reply.get("in_reply_to_tweet_id", ""))
                if parent not in self.posts:
                    found.append(f"x-rule: in_reply_to_tweet_id {parent!r} does not exist")
        return found

    def authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def unauthorized(self, request: Request) -> Answer:
        return problem(401, "Unauthorized", "Unauthorized")

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(400, {"errors": [{"message": v} for v in violations],
                            "title": "Invalid Request",
                            "detail": "One or more parameters to your request was invalid.",
                            "type": "https://api.twitter.com/2/problems/invalid-request"},
                      {"Content-Type": "application/problem+json"})

    def accept(self, request: Request) -> Answer:
        if request.method == "DELETE" and request.path.startswith(TWEETS + "/"):
            post_id = request.path.rsplit("/", 1)[1]
            with self._lock:
                if self.posts.pop(post_id, None) is None:
                    return problem(404, "Not Found Error",
                                   f"Could not find tweet with id: [{post_id}].")
                self.deleted.append(post_id)
            return Answer(200, {"data": {"deleted": True}})
        if request.path != TWEETS or request.method != "POST":
            return problem(404, "Not Found", "Not Found")
        body = request.json
        text = body.get("text", "")
        with self._lock:
            if any(p["text"] == text for p in self.posts.values()):
                return problem(403, "Forbidden",
                               "You are not allowed to create a Tweet with duplicate content.")
            post_id = str(next(self._ids))
            reply = body.get("reply") or {}
            self.posts[post_id] = {"text": text, "reply_to": reply.get("in_reply_to_tweet_id")}
        return Answer(201, {"data": {"id": post_id, "text": text}})

    def check_answer(self, request: Request, answer: Answer) -> list[str]:
        if self.spec is None or not request.path.startswith(TWEETS) or answer.body is None:
            return []
        content_type = answer.headers.get("Content-Type", "application/json")
        if content_type == "application/problem+json":
            kind = answer.body.get("type") if isinstance(answer.body, dict) else None
            validator = self.spec.problem_validators.get(str(kind))
            if validator is None:
                return [f"response {answer.status}: unknown problem type {kind!r}"]
            return [f"response {answer.status}: {e.message}"
                    for e in validator.iter_errors(answer.body)]
        response = _SpecResponse(answer.status, content_type,
                                 json.dumps(answer.body).encode())
        with self.spec.lock:
            errors = list(self.spec.openapi.response_validator.iter_errors(
                _SpecRequest(request), response))
        return [f"response {answer.status}: {e} "
                f"{[x.message for x in getattr(e.__cause__, 'schema_errors', [])][:2]}"
                for e in errors]

    def thread_of(self, root: str) -> list[str]:
        """Texts of the chain of replies starting at ``root``."""
        chain = [root]
        while True:
            child = next((i for i, p in self.posts.items() if p["reply_to"] == chain[-1]), None)
            if child is None:
                return [self.posts[i]["text"] for i in chain]
            chain.append(child)
