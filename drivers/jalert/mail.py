"""The J-Alert receiver's rule e-mail (「外部インタフェース設定」→ メール送信), received by a
local SMTP listener and turned into a ``JAlertEvent``.

The mail's format is the receiver's and the municipality's rule; we do not claim to parse a
proprietary layout: the subject is the alarm's title and the text body is kept whole. Mail
from a sender that is not allowed is refused at the SMTP level, so the receiver logs it.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from app.voice.alarm import JAlertEvent

log = logging.getLogger("issei.jalert.mail")


def event_from_mail(raw: bytes, sender: str) -> JAlertEvent:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    subject = str(message.get("Subject", "")).strip() or "Jアラート（件名なし）"
    part = message.get_body(preferencelist=("plain",))
    body = ""
    if part is not None:
        try:
            body = part.get_content().strip()  # type: ignore[union-attr]
        except (LookupError, UnicodeDecodeError):  # an unknown charset still raises the alarm
            body = part.get_payload(decode=True).decode("utf-8", "replace")  # type: ignore[union-attr]
    return JAlertEvent("mail", subject, body, sender)


class _Handler:
    def __init__(self, on_event: Callable[[JAlertEvent], None],
                 allowed: frozenset[str]) -> None:
        self.on_event = on_event
        self.allowed = allowed

    async def handle_MAIL(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, mail_options: list[str]) -> str:
        if self.allowed and address.lower() not in self.allowed:
            log.warning("J-Alert mail refused from %s", address)
            return "550 5.7.1 sender not allowed"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            event = event_from_mail(raw, str(envelope.mail_from or ""))
        except Exception:  # a mail we cannot read is still an alarm: say so in its title
            log.exception("J-Alert mail could not be parsed")
            event = JAlertEvent("mail", "Jアラート（メールを解析できません）",
                                raw.decode("utf-8", "replace")[:2000],
                                str(envelope.mail_from or ""))
        self.on_event(event)
        return "250 2.0.0 accepted"


class MailListener:
    def __init__(self, on_event: Callable[[JAlertEvent], None], *, host: str = "127.0.0.1",
                 port: int = 2525, allowed_senders: list[Any] | None = None) -> None:
        allowed = frozenset(str(a).lower() for a in (allowed_senders or []))
        self.controller = Controller(_Handler(on_event, allowed), hostname=host, port=port)
        self.host, self.port = host, port

    def start(self) -> MailListener:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()
