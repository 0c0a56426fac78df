"""Sending the FAX page: through an e-mail-to-FAX gateway, or to the drill folder.

An e-mail-to-FAX gateway (a service or the town's own fax server) takes one mail per fax
number, addressed ``<number>@<gateway domain>`` with the page attached as PDF; the gateway's
SMTP answer is the delivery result we record (it does not tell whether the far machine
printed it). A fax modem is driven through efax (drivers/dialer/efax.py).
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from app.domain import DeliveryState, Medium
from app.voice import ledger


@dataclass(frozen=True)
class FaxResult:
    number: str
    sent: bool
    temporary: bool = False  # worth retrying (4xx, connection trouble)
    error: str = ""
    reference: str = ""


class FaxSender(Protocol):
    name: str
    simulated: bool

    def send(self, number: str, title: str, pdf: Any) -> FaxResult:
        """``pdf``: the page as PDF bytes, or the FaxDocument itself for a sender whose
        ``wants`` is "document" (efax)."""
        ...


@dataclass
class EmailFaxGateway:
    host: str
    port: int = 25
    sender: str = "bousai@example.jp"
    address_template: str = "{number}@fax.example.jp"
    starttls: bool = False
    username: str = ""
    password: str | None = None  # from the keyring, never the config file
    timeout: float = 30.0
    simulated: bool = False

    @property
    def name(self) -> str:
        return f"メールFAX {self.host}:{self.port}"

    def send(self, number: str, title: str, pdf: bytes) -> FaxResult:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = self.address_template.format(number=number)
        mail["Subject"] = title
        mail["Date"] = formatdate(localtime=True)
        mail["Message-ID"] = make_msgid(domain=self.sender.split("@")[-1] or "issei")
        mail.set_content(f"{title}\n（添付のPDFをFAXで送信してください）\n")
        mail.add_attachment(pdf, maintype="application", subtype="pdf", filename="fax.pdf")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username:
                    client.login(self.username, self.password or "")
                refused = client.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            reason = text.decode(errors="replace")
            return FaxResult(number, False, 400 <= code < 500,
                             f"FAXゲートウェイが宛先を拒否しました: {code} {reason}")
        except smtplib.SMTPResponseException as exc:
            return FaxResult(number, False, 400 <= exc.smtp_code < 500,
                             f"FAXゲートウェイの応答: {exc.smtp_code} "
                             f"{exc.smtp_error.decode(errors='replace')}")
        except (smtplib.SMTPException, OSError) as exc:
            return FaxResult(number, False, True, f"FAXゲートウェイに接続できません: {exc}")
        if refused:
            return FaxResult(number, False, False, f"宛先を拒否されました: {refused}")
        return FaxResult(number, True, reference=str(mail["Message-ID"]))


class DrillFax:
    """Training mode: the page goes to the drill folder, nothing leaves the PC."""

    simulated = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = "訓練（FAXは送信しません）"
        self._lock = threading.Lock()

    def send(self, number: str, title: str, pdf: bytes) -> FaxResult:
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"fax-{number}.pdf"
            path.write_bytes(pdf)
        return FaxResult(number, True, reference=str(path))


@dataclass
class FaxRecord:
    number: str
    recipient_id: int | None
    sent: bool = False
    attempts: int = 0
    error: str = ""
    reference: str = ""

    def as_json(self) -> dict[str, object]:
        return {"number": self.number, "outcome": "sent" if self.sent else "failed",
                "attempts": self.attempts, **({"error": self.error} if self.error else {})}


async def send_faxes(sender: FaxSender, targets: Sequence[tuple[int | None, str]], *,
                     title: str, text: str, pdf: bytes, pages: int, document: Any = None,
                     sessions: sessionmaker[Session], console: str = "",
                     training: bool = False, max_attempts: int = 3,
                     retry_delay: float = 60.0) -> tuple[str, list[FaxRecord]]:
    """One fax per number, retried while the gateway says "try later"; each in the ledger."""
    records = [FaxRecord(number, rid) for rid, number in targets]
    entry = await asyncio.to_thread(
        ledger.open_entry, sessions, medium=Medium.FAX, title=title, body=text,
        targets=[(r.recipient_id, r.number) for r in records],
        payload={"text": text, "pages": pages, "sender": sender.name},
        training=training or sender.simulated, console=console,
    )
    for record, delivery_id in zip(records, entry.delivery_ids, strict=True):
        while True:
            page = document if getattr(sender, "wants", "pdf") == "document" else pdf
            result = await asyncio.to_thread(sender.send, record.number, title, page)
            record.attempts += 1
            record.sent, record.error, record.reference = (
                result.sent, result.error, result.reference)
            if result.sent or not result.temporary or record.attempts >= max_attempts:
                break
            await asyncio.sleep(retry_delay)
        await asyncio.to_thread(
            ledger.close_delivery, sessions, delivery_id,
            state=DeliveryState.SENT if record.sent else DeliveryState.FAILED,
            provider_ref=record.reference or None, error=record.error or None,
            attempts=record.attempts,
        )
    await asyncio.to_thread(ledger.finish, sessions, entry, Medium.FAX, operator="",
                            console=console, detail={"faxes": [r.as_json() for r in records]})
    return entry.message_id, records
