"""A generic Standard Webhooks receiver that verifies every signature with the independent
``standardwebhooks`` package (the reference implementation), not with our signer.
"""

from __future__ import annotations

from typing import Any

from tests.peers.scripted_http import Answer, Request, ScriptedPeer


class WebhookReceiver(ScriptedPeer):
    """A receiver that verifies Standard Webhooks signatures with ``standardwebhooks``."""

    name = "webhook"
    PATH = "/hooks/issei"

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret
        self.received: list[dict[str, Any]] = []
        self.ids: list[str] = []

    @property
    def url(self) -> str:
        return self.base_url + self.PATH

    def validate(self, request: Request) -> list[str]:
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError

        if request.path != self.PATH or request.method != "POST":
            return [f"webhook: unexpected {request.method} {request.path}"]
        try:
            payload = Webhook(self.secret).verify(request.raw, request.headers)
        except WebhookVerificationError as exc:
            return [f"standard-webhooks: {exc}"]
        found = []
        if not isinstance(payload, dict) or not {"type", "timestamp", "data"} <= set(payload):
            found.append("standard-webhooks: payload must carry type, timestamp and data")
        return found

    def authorized(self, request: Request) -> bool:
        return True

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(401, {"error": "; ".join(violations)})

    def accept(self, request: Request) -> Answer:
        with self._lock:
            self.received.append(request.json)
            self.ids.append(request.headers["webhook-id"])
        return Answer(204)
