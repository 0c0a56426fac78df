"""App push (FCM) rendering: a short notification, the full text in ``data``.

Phones show about 40 characters of a title and 2–4 lines of body; the whole message rides in
``data.body`` for the app to show when opened. FCM refuses a message over 4,096 bytes.
"""

from __future__ import annotations

import json
from typing import Any

from app.compose import links
from app.compose.plain import body, head, required
from app.domain import Draft, Finding, Medium, Rendition, Severity, Urgency

PAYLOAD_LIMIT = 4096  # bytes of the message (FCM)
TITLE_SOFT = 40
NOTIFICATION_BODY = 120  # characters kept in the notification; the rest is in data.body
TTL = {Urgency.EMERGENCY: "3600s", Urgency.IMPORTANT: "21600s", Urgency.NORMAL: "86400s"}


def render_push(draft: Draft, language: str) -> Rendition:
    title = head(draft)
    text = body(draft)
    short = text if len(text) <= NOTIFICATION_BODY else text[: NOTIFICATION_BODY - 1] + "…"
    high = draft.urgency is not Urgency.NORMAL
    message: dict[str, object] = {
        "notification": {"title": title, "body": short},
        "data": {"title": title, "body": text, "category": draft.category,
                 "urgency": draft.urgency.value, "training": "1" if draft.training else "0"},
        "android": {"priority": "HIGH" if high else "NORMAL", "ttl": TTL[draft.urgency],
                    "notification": {"channelId": f"issei_{draft.urgency.value}"}},
        "apns": {"headers": {"apns-priority": "10" if high else "5"},
                 "payload": {"aps": {"sound": "default"} if high else {}}},
    }
    extra: dict[str, object] = {}
    if Medium.WEBSITE in draft.media:
        # data.link: the app opens the website post (the real permalink is put in at send
        # time, or left out when the site does not answer in time; app.compose.links)
        data = message["data"]
        assert isinstance(data, dict)
        data["link"] = links.PLACEHOLDER
        extra = {links.PENDING: True}
    rendition = Rendition(Medium.PUSH, language,
                          {"message": message, "category": draft.category, **extra})
    rendition.findings.extend(required(draft))
    size = len(json.dumps(message, ensure_ascii=False).encode())
    if size > PAYLOAD_LIMIT:
        rendition.findings.append(Finding(
            Severity.ERROR, "too_long",
            f"アプリ通知が大きすぎます（{size}／{PAYLOAD_LIMIT}バイト）。本文を短くしてください"))
    if len(title) > TITLE_SOFT:
        rendition.findings.append(Finding(
            Severity.WARNING, "title_long",
            f"通知の件名が{len(title)}文字です。端末では途中で切れることがあります"))
    return rendition


def settle_link(payload: dict[str, Any], link: str | None) -> dict[str, Any]:
    """``data.link`` with the website post's permalink, or without the key when none came."""
    if not payload.get(links.PENDING):
        return payload
    message = dict(payload.get("message") or {})
    data = {k: v for k, v in dict(message.get("data") or {}).items() if k != "link"}
    if link:
        data["link"] = link
    message["data"] = data
    return {k: v for k, v in payload.items() if k != links.PENDING} | {"message": message}
