"""A real local HTTP server behaving like the Graph API's ``POST /{version}/{page-id}/feed``.

Meta publishes no OpenAPI document; its own machine-readable node spec
(``tests/data/specs/facebook/Page.json``, from facebook-business-sdk-codegen) lists the feed
edge's parameters and their types. Every request's form parameters are checked against it
(unknown name, wrong type), plus Graph's rule that a post needs ``message`` or ``link``. Errors
are answered in Graph's shape ``{"error": {"message", "type", "code", "fbtrace_id"}}``.

Editing a post (``POST /{version}/{post-id}``, a correction or cancellation) is checked the same
way against the PagePost node's own ``POST`` in ``PagePost.json``; an edit of a known post
answers ``{"success": true}``, of an unknown one Graph's code 100 / subcode 33.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from pathlib import Path
from typing import Any

from tests.peers.scripted_http import Answer, Fault, Request, ScriptedPeer

SPEC_PATH = Path(__file__).resolve().parents[1] / "data" / "specs" / "facebook" / "Page.json"
POST_SPEC_PATH = SPEC_PATH.with_name("PagePost.json")
FEED = re.compile(r"^/(v[0-9]+\.[0-9]+)/([0-9]+)/feed$")
POST_NODE = re.compile(r"^/(v[0-9]+\.[0-9]+)/([0-9]+_[0-9]+)$")


@functools.cache
def feed_params() -> dict[str, str]:
    spec = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    for api in spec["apis"]:
        if api.get("method") == "POST" and api.get("endpoint") == "feed":
            return {p["name"]: p["type"] for p in api["params"]}
    raise LookupError("Page.json has no POST feed")


@functools.cache
def edit_params() -> dict[str, str]:
    """The parameters of ``POST /{page-post-id}`` (the node itself: no ``endpoint``)."""
    spec = json.loads(POST_SPEC_PATH.read_text(encoding="utf-8"))
    for api in spec["apis"]:
        if api.get("method") == "POST" and "endpoint" not in api:
            return {p["name"]: p["type"] for p in api["params"]}
    raise LookupError("PagePost.json has no node POST")


def _type_ok(kind: str, value: str) -> bool:
    if kind == "string":
        return True
    if kind == "bool":
        return value in ("true", "false", "1", "0")
    if kind in ("unsigned int", "int"):
        return value.isdigit()
    if kind == "datetime":
        return value.isdigit() or bool(re.match(r"^\d{4}-\d{2}-\d{2}", value))
    if kind.startswith(("list", "map", "Object")):
        try:
            json.loads(value)
        except ValueError:
            return False
        return True
    return True  # enum params: Page.json names the enum only


def graph_error(status: int, code: int, message: str, kind: str = "OAuthException",
                **headers: str) -> Fault:
    return Fault(status, {"error": {"message": message, "type": kind, "code": code,
                                    "fbtrace_id": "AbCdEfGh"}}, dict(headers))


class FacebookPeer(ScriptedPeer):
    name = "facebook"

    def __init__(self, page_id: str, token: str) -> None:
        super().__init__()
        self.page_id = page_id
        self.token = token
        self.posts: dict[str, dict[str, str]] = {}
        self.edits: list[tuple[str, dict[str, str]]] = []  # (post id, form) per accepted edit
        self._ids = itertools.count(1000001)

    def validate(self, request: Request) -> list[str]:
        found: list[str] = []
        edit = request.method == "POST" and POST_NODE.match(request.path) is not None
        if not edit and (request.method != "POST" or not FEED.match(request.path)):
            return [f"graph: unsupported request {request.method} {request.path}"]
        if request.headers.get("content-type", "").split(";")[0] != (
                "application/x-www-form-urlencoded"):
            found.append("graph: parameters must be form-encoded")
        params, spec = (edit_params(), "pagepost.json") if edit else (feed_params(), "page.json")
        form = request.form
        for name, values in form.items():
            if name not in params:
                found.append(f"{spec}: unknown {'edit' if edit else 'feed'} parameter {name!r}")
            elif not _type_ok(params[name], values[-1]):
                found.append(f"{spec}: {name} is not a {params[name]}: {values[-1]!r}")
        if edit and not form.get("message"):
            found.append("graph: an edit needs a message")
        elif not edit and not (form.get("message") or form.get("link")):
            found.append("graph: a post needs message or link")
        return found

    def authorized(self, request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {self.token}"

    def unauthorized(self, request: Request) -> Answer:
        return Answer(400, {"error": {"message": "Invalid OAuth access token.",
                                      "type": "OAuthException", "code": 190,
                                      "fbtrace_id": "AbCdEfGh"}})

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(400, {"error": {"message": "(#100) " + "; ".join(violations)[:300],
                                      "type": "OAuthException", "code": 100,
                                      "fbtrace_id": "AbCdEfGh"}})

    def accept(self, request: Request) -> Answer:
        edit = POST_NODE.match(request.path)
        if edit is not None:
            post_id = edit.group(2)
            with self._lock:
                if post_id not in self.posts:
                    return Answer(400, {"error": {
                        "message": f"Unsupported post request. Object with ID '{post_id}' does"
                                   " not exist, cannot be loaded due to missing permissions,"
                                   " or does not support this operation.",
                        "type": "GraphMethodException", "code": 100, "error_subcode": 33,
                        "fbtrace_id": "AbCdEfGh"}})
                form = {k: v[-1] for k, v in request.form.items()}
                self.posts[post_id] = {**self.posts[post_id], **form}
                self.edits.append((post_id, form))
            return Answer(200, {"success": True})
        match = FEED.match(request.path)
        assert match is not None
        if match.group(2) != self.page_id:
            return Answer(400, {"error": {"message": "(#200) Permissions error",
                                          "type": "OAuthException", "code": 200,
                                          "fbtrace_id": "AbCdEfGh"}})
        post_id = f"{self.page_id}_{next(self._ids)}"
        with self._lock:
            self.posts[post_id] = {k: v[-1] for k, v in request.form.items()}
        return Answer(200, {"id": post_id})

    def check_answer(self, request: Request, answer: Answer) -> list[str]:
        body: Any = answer.body
        if answer.status == 200 and POST_NODE.match(request.path):
            return [] if body == {"success": True} else [f"edit: 200 without success: {body!r}"]
        if answer.status == 200:
            ok = isinstance(body, dict) and re.match(r"^\d+_\d+$", str(body.get("id", "")))
            return [] if ok else [f"200 without a post id: {body!r}"]
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not {"message", "type", "code"} <= set(error):
            return [f"{answer.status}: not a Graph error: {body!r}"]
        return []
