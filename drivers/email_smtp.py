"""E-mail over SMTP submission (RFC 6409): implicit TLS, STARTTLS, AUTH, many RCPT per batch.

One batch is one SMTP transaction with up to ``recipients_per_transaction`` envelope
recipients; residents never see each other (``To: undisclosed-recipients:;``). A pool of
connections is kept open across batches. The RCPT answer of each address is recorded:
550 fails that address only, 4xx retries it.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import email.utils
import logging
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

import aiosmtplib

from app.config import EmailChannel
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    Capabilities,
    Outcome,
    TargetResult,
    TrainingGuardError,
)
from app.domain import Medium

log = logging.getLogger("issei.drivers.email")

MESSAGE_ID_PLACEHOLDER = b"<ISSEI-MESSAGE-ID-PLACEHOLDER>"


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    security: str  # none | starttls | tls
    username: str
    password: str | None
    from_address: str
    from_name: str
    return_path: str
    list_unsubscribe: str
    recipients_per_transaction: int
    connections: int
    timeout: float
    verify_tls: bool
    ca_file: str = ""

    @classmethod
    def from_channel(cls, channel: EmailChannel, password: str | None) -> EmailSettings:
        return cls(
            host=channel.host,
            port=channel.port,
            security=channel.security,
            username=channel.username,
            password=password,
            from_address=channel.from_address,
            from_name=channel.from_name,
            return_path=channel.return_path,
            list_unsubscribe=channel.list_unsubscribe,
            recipients_per_transaction=channel.recipients_per_transaction,
            connections=channel.connections,
            timeout=channel.timeout,
            verify_tls=channel.verify_tls,
            ca_file=channel.ca_file,
        )


def _is_temporary(code: int) -> bool:
    return 400 <= code < 500 or code < 200  # < 200: aiosmtplib's code for "no answer"


class EmailDriver:
    medium = Medium.EMAIL

    def __init__(self, settings: EmailSettings, *, simulated: bool = False) -> None:
        self.settings = settings
        self.endpoint = f"smtp://{settings.host}:{settings.port}"
        self.capabilities = Capabilities(
            batch_size=settings.recipients_per_transaction,
            concurrency=settings.connections,
            requests_per_second=None,
            deduplicates=False,  # SMTP has no idempotency: a crash after "." may resend
            simulated=simulated,
        )
        self._pool: asyncio.Queue[aiosmtplib.SMTP] = asyncio.Queue()
        self._created = 0
        self._messages: dict[str, bytes] = {}

    # -- message building ------------------------------------------------------------------

    def _build(self, job: BatchJob) -> bytes:
        cached = self._messages.get(job.message_id)
        if cached is not None:
            return cached
        s = self.settings
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = str(job.payload.get("subject", ""))
        msg["From"] = Address(display_name=s.from_name, addr_spec=s.from_address)
        msg["To"] = "undisclosed-recipients:;"
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["Message-ID"] = MESSAGE_ID_PLACEHOLDER.decode()
        if s.list_unsubscribe:
            msg["List-Unsubscribe"] = f"<{s.list_unsubscribe}>"
            if s.list_unsubscribe.startswith("https:"):
                msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Issei-Message"] = job.message_id
        if job.training:
            msg["X-Issei-Training"] = "yes"
        msg.set_content(str(job.payload.get("body", "")), charset="utf-8", cte="base64")
        data = msg.as_bytes()
        if len(self._messages) > 16:
            self._messages.clear()
        self._messages[job.message_id] = data
        return data

    def _message_id(self, job: BatchJob) -> str:
        domain = self.settings.from_address.rpartition("@")[2] or "issei.invalid"
        return f"<{job.idempotency_key}@{domain}>"

    # -- connections -----------------------------------------------------------------------

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file or None)
        if not s.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            timeout=s.timeout,
            use_tls=s.security == "tls",
            start_tls=s.security == "starttls",
            tls_context=context if s.security != "none" else None,
        )
        try:
            await client.connect()
            if s.username:
                await client.login(s.username, s.password or "")
        except BaseException:
            client.close()
            raise
        return client

    async def _acquire(self) -> aiosmtplib.SMTP:
        while not self._pool.empty():
            client = self._pool.get_nowait()
            if client.is_connected:
                return client
        return await self._connect()

    def _release(self, client: aiosmtplib.SMTP) -> None:
        if client.is_connected:
            self._pool.put_nowait(client)

    # -- sending ---------------------------------------------------------------------------

    async def send(self, job: BatchJob) -> BatchResult:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)
        data = self._build(job).replace(
            MESSAGE_ID_PLACEHOLDER, self._message_id(job).encode(), 1
        )
        sender = self.settings.return_path or self.settings.from_address
        addresses = [t.address for t in job.targets]
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            client = await self._acquire()
        except aiosmtplib.SMTPAuthenticationError as exc:
            reason = f"メールサーバーが認証を拒否しました（{exc.code} {exc.message}）"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            reason = f"メールサーバー {where} に接続できません: {exc}"
            return BatchResult.all(job, Outcome.TEMPORARY, reason)
        try:
            refused, _reply = await client.sendmail(sender, addresses, data)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            self._release(client)
            by_address = {r.recipient: r for r in exc.recipients}
            return BatchResult(
                [self._refused(t.delivery_id, by_address.get(t.address)) for t in job.targets]
            )
        except aiosmtplib.SMTPSenderRefused as exc:
            self._release(client)
            outcome = Outcome.TEMPORARY if _is_temporary(exc.code) else Outcome.PERMANENT
            reason = f"差出人が拒否されました（{exc.code} {exc.message}）"
            return BatchResult.all(job, outcome, reason,
                                   medium_error=None if _is_temporary(exc.code) else reason)
        except aiosmtplib.SMTPResponseException as exc:
            self._release(client)
            outcome = Outcome.TEMPORARY if _is_temporary(exc.code) else Outcome.PERMANENT
            return BatchResult.all(job, outcome, f"SMTP {exc.code} {exc.message}")
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # The connection broke mid-transaction: the server may or may not have taken it.
            with contextlib.suppress(Exception):
                client.close()
            return BatchResult.all(job, Outcome.TEMPORARY, f"メールサーバーとの通信が切れました: {exc}")
        self._release(client)
        results = []
        for target in job.targets:
            answer = refused.get(target.address)
            if answer is None:
                results.append(TargetResult(target.delivery_id, Outcome.SENT,
                                            provider_ref=self._message_id(job)))
            else:
                results.append(self._refused(target.delivery_id, answer))
        return BatchResult(results)

    @staticmethod
    def _refused(delivery_id: int, answer: object) -> TargetResult:
        code = int(getattr(answer, "code", 0) or 0)
        message = str(getattr(answer, "message", "") or "")
        if answer is None:
            return TargetResult(delivery_id, Outcome.TEMPORARY, "宛先の応答がありません")
        outcome = Outcome.TEMPORARY if _is_temporary(code) else Outcome.PERMANENT
        return TargetResult(delivery_id, outcome, f"SMTP {code} {message}".strip())

    async def aclose(self) -> None:
        while not self._pool.empty():
            client = self._pool.get_nowait()
            try:
                await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError):
                client.close()

