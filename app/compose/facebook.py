"""Facebook Page post rendering: one ``message`` (and a ``link`` when the website has one)."""

from __future__ import annotations

from app.compose.plain import body, head, required, too_long
from app.domain import Draft, Medium, Rendition

# Graph API: a Page post's message is cut beyond 63,206 characters.
MESSAGE_LIMIT = 63206


def render_facebook(draft: Draft, language: str, *, link: str | None = None) -> Rendition:
    message = f"{head(draft)}\n{body(draft)}"
    if link:
        message += f"\n\n詳細はこちら {link}"
    payload: dict[str, object] = {"message": message}
    if link:
        payload["link"] = link
    rendition = Rendition(Medium.FACEBOOK, language, payload)
    rendition.findings.extend(required(draft))
    if len(message) > MESSAGE_LIMIT:
        rendition.findings.append(too_long("Facebook", len(message), MESSAGE_LIMIT))
    return rendition
