"""「詳細はこちら」: the website post's permalink in the media that have a length limit.

When the municipal website is among a message's media, X, SMS and app push are rendered with a
placeholder where the link will go (:data:`PLACEHOLDER`, shown in the preview) and marked
``link_pending``, together with what to send instead when no link comes (X: the thread or
shortened post; SMS: the whole text; push: no link). At send time the engine waits for the
website post — at most ``[channels.website] link_wait_seconds`` — then :func:`settle` turns
the rendition into what is actually sent, and the outbox keeps that settled rendition, so the
ledger shows the text residents received and every later batch sends the same.

A dead or slow website therefore never holds an emergency SMS for longer than the wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain import Medium

# An https URL, so that X counts it as any link (23) and the preview's length is the real one.
PLACEHOLDER = "https://website.invalid/issei-link"
PENDING = "link_pending"
DEFAULT_WAIT_SECONDS = 5.0


@dataclass
class LinkOptions:
    wait_seconds: float = DEFAULT_WAIT_SECONDS  # set from [channels.website] link_wait_seconds


OPTIONS = LinkOptions()


def configure(wait_seconds: float) -> None:
    OPTIONS.wait_seconds = max(0.0, float(wait_seconds))


def awaits_link(payload: dict[str, Any] | None) -> bool:
    return bool(payload and payload.get(PENDING))


def settle(medium: Medium, payload: dict[str, Any], link: str | None) -> dict[str, Any]:
    """The payload to send: with the real ``link``, or (None) the fallback without one."""
    if not awaits_link(payload):
        return payload
    if medium is Medium.X:
        from app.compose.x import settle_link as settle_x

        return settle_x(payload, link)
    if medium is Medium.SMS:
        from app.compose.sms import settle_link as settle_sms

        return settle_sms(payload, link)
    if medium is Medium.PUSH:
        from app.compose.push import settle_link as settle_push

        return settle_push(payload, link)
    return {k: v for k, v in payload.items() if k != PENDING}
