"""The server behind Apprise's ``json://`` service: what a bridged service receives.
"""

from __future__ import annotations

from typing import Any

from tests.peers.scripted_http import Answer, Request, ScriptedPeer


class AppriseTarget(ScriptedPeer):
    """What Apprise's ``json://`` service posts to: ``{version, title, message, type}``."""

    name = "apprise-json"

    def __init__(self) -> None:
        super().__init__()
        self.received: list[dict[str, Any]] = []

    def json_url(self, path: str = "notify") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def validate(self, request: Request) -> list[str]:
        body = request.json
        if not isinstance(body, dict) or not {"title", "message", "type"} <= set(body):
            return [f"apprise-json: unexpected body {request.raw[:100]!r}"]
        return []

    def accept(self, request: Request) -> Answer:
        with self._lock:
            self.received.append({**request.json, "path": request.path})
        return Answer(200, {})
