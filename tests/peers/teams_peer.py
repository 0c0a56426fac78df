"""A real local HTTP server behaving like a Teams Workflows webhook ("Post to a channel when a
webhook request is received"): the envelope Workflows expects, and the Adaptive Card validated
with jsonschema against ``tests/data/specs/teams/adaptive-card-1.5.0.schema.json`` (MIT).
Answers 202 Accepted with ``x-ms-workflow-run-id``; a wrong ``sig`` is refused 401.
"""

from __future__ import annotations

import functools
import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from tests.peers.scripted_http import Answer, Request, ScriptedPeer

TEAMS_SCHEMA = (Path(__file__).resolve().parents[1] / "data" / "specs" / "teams"
                / "adaptive-card-1.5.0.schema.json")
CARD = "application/vnd.microsoft.card.adaptive"

@functools.cache
def card_validator() -> Any:
    schema = json.loads(TEAMS_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


class TeamsPeer(ScriptedPeer):
    name = "teams"
    PATH = "/workflows/0c1d2e3f/triggers/manual/paths/invoke"

    def __init__(self, sig: str = "s3cr3t-sig") -> None:
        super().__init__()
        self.sig = sig
        self.cards: list[dict[str, Any]] = []

    @property
    def webhook_url(self) -> str:
        return (f"{self.base_url}{self.PATH}?api-version=1"
                f"&sp=%2Ftriggers%2Fmanual%2Frun&sig={self.sig}")

    def validate(self, request: Request) -> list[str]:
        body = request.json
        if not isinstance(body, dict) or body.get("type") != "message":
            return ["teams: body must be {type: message, attachments: [...]}"]
        found = []
        attachments = body.get("attachments")
        if not isinstance(attachments, list) or not attachments:
            return ["teams: attachments required"]
        for i, attachment in enumerate(attachments):
            if attachment.get("contentType") != CARD:
                found.append(f"teams: attachments[{i}].contentType must be {CARD}")
                continue
            card = attachment.get("content")
            errors = list(card_validator().iter_errors(card))
            if errors:
                best = best_match(errors)
                found.append(f"adaptive-card: {'/'.join(map(str, best.absolute_path))}: "
                             f"{best.message[:200]}")
            if isinstance(card, dict) and str(card.get("version", "")) > "1.5":
                found.append("teams: card version above 1.5")
        if len(request.raw) > 28 * 1024:
            found.append("teams: card larger than 28 KB")
        return found

    def authorized(self, request: Request) -> bool:
        return request.path == self.PATH and request.params.get("sig") == [self.sig]

    def unauthorized(self, request: Request) -> Answer:
        return Answer(401, {"error": {"code": "DirectApiAuthorizationRequired",
                                      "message": "The request must be authenticated."}})

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(400, {"error": {"code": "InvalidRequestContent",
                                      "message": "; ".join(violations)[:300]}})

    def accept(self, request: Request) -> Answer:
        with self._lock:
            self.cards.append(request.json["attachments"][0]["content"])
        return Answer(202, None, {"x-ms-workflow-run-id": f"08584{uuid.uuid4().int % 10**20}"})
