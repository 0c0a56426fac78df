"""A real local HTTP server behaving like a Slack incoming webhook.

No spec exists for incoming webhooks: the peer applies Block Kit's documented limits and
answers Slack's documented plain-text words (``ok``, ``invalid_payload``, ``no_service`` …).
"""

from __future__ import annotations

from typing import Any

from tests.peers.scripted_http import Answer, Fault, Request, ScriptedPeer


class SlackPeer(ScriptedPeer):
    name = "slack"
    PATH = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[dict[str, Any]] = []

    @property
    def webhook_url(self) -> str:
        return self.base_url + self.PATH

    def validate(self, request: Request) -> list[str]:
        body = request.json
        if not isinstance(body, dict):
            return ["slack: body is not a JSON object"]
        found = []
        text = body.get("text")
        if not isinstance(text, str) or not text:
            found.append("slack: text is required (no_text)")
        blocks = body.get("blocks", [])
        if not isinstance(blocks, list) or len(blocks) > 50:
            found.append("slack: at most 50 blocks")
        for i, block in enumerate(blocks if isinstance(blocks, list) else []):
            kind = block.get("type") if isinstance(block, dict) else None
            inner = block.get("text", {}) if isinstance(block, dict) else {}
            content = inner.get("text", "") if isinstance(inner, dict) else ""
            if kind == "header" and (inner.get("type") != "plain_text" or len(content) > 150):
                found.append(f"slack: blocks[{i}] header: plain_text ≤ 150")
            elif kind == "section" and not 0 < len(content) <= 3000:
                found.append(f"slack: blocks[{i}] section text 1..3000")
            elif kind == "context" and not 0 < len(block.get("elements", [])) <= 10:
                found.append(f"slack: blocks[{i}] context 1..10 elements")
            elif kind not in ("header", "section", "context", "divider"):
                found.append(f"slack: blocks[{i}] unknown type {kind!r}")
        return found

    def authorized(self, request: Request) -> bool:
        return request.path == self.PATH

    def unauthorized(self, request: Request) -> Answer:
        return Answer(404, "no_service")

    def invalid(self, request: Request, violations: list[str]) -> Answer:
        return Answer(400, "invalid_payload")

    def accept(self, request: Request) -> Answer:
        with self._lock:
            self.messages.append(request.json)
        return Answer(200, "ok")


def slack_fault(status: int, word: str, **headers: str) -> Fault:
    return Fault(status, word, dict(headers))
