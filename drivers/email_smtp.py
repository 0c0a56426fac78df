"""E-mail over SMTP submission (RFC 6409): implicit TLS, STARTTLS, AUTH, many RCPT per batch.

One batch is one SMTP transaction with up to ``recipients_per_transaction`` envelope
recipients; residents never see each other (``To: undisclosed-recipients:;``). A pool of
connections is kept open across batches. The RCPT answer of each address is recorded:
550 fails that address only, 4xx retries it.
"""

from __future__ import annotations

import asyncio
import email.policy
import email.utils
import logging
import ssl
from dataclasses import dataclass
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy

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
from drivers.smtp_client import SmtpAuthError, SmtpConnection, SmtpError, SmtpProtocolError

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



class EncodedSubject(str):
    """A subject folded by ``email.header.Header`` and written out as it is.

    The modern policy's folder drops a space that falls between two encoded words
    (「北小学校 体育館」 arrives as 「北小学校体育館」); ``Header`` keeps such a space inside an
    encoded word. The policy writes any value that has ``name`` and ``fold`` verbatim.
    """

    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        if self.isascii():
            return policy.fold(self.name, str(self))
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(
            linesep=policy.linesep, maxlinelen=policy.max_line_length or 78
        )
        return f"{self.name}: {encoded}{policy.linesep}"


class EncodedFrom(str):
    """A From header whose non-ASCII display name is encoded by ``email.header.Header``.

    A department's name (issue 7) such as 「〇〇市 危機管理部 … 広報担当 第二係」 is long
    enough to need several encoded words, and the modern policy's folder then drops the space
    that falls between two of them (as with ``EncodedSubject``). ``Header`` keeps every space
    inside an encoded word, so RFC 2047 decoding gives the name back exactly.
    """

    name = "From"

    def __new__(cls, display_name: str, addr_spec: str) -> EncodedFrom:
        value = super().__new__(cls, f"{display_name} <{addr_spec}>")
        value.display_name = display_name
        value.addr_spec = addr_spec
        return value

    display_name: str
    addr_spec: str

    def fold(self, *, policy: Policy) -> str:
        limit = policy.max_line_length or 78
        encoded = Header(self.display_name, "utf-8", header_name=self.name).encode(
            linesep=policy.linesep, maxlinelen=limit
        )
        lines = encoded.split(policy.linesep)
        last = len(lines[-1]) + (len(self.name) + 2 if len(lines) == 1 else 0)
        gap = " " if last + len(self.addr_spec) + 3 <= limit else f"{policy.linesep} "
        return f"{self.name}: {encoded}{gap}<{self.addr_spec}>{policy.linesep}"


def from_header(display_name: str, addr_spec: str) -> Address | EncodedFrom:
    if display_name.isascii():
        return Address(display_name=display_name, addr_spec=addr_spec)
    return EncodedFrom(display_name, addr_spec)


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
        self._pool: asyncio.Queue[SmtpConnection] = asyncio.Queue()
        self._created = 0
        self._messages: dict[tuple[str, str], bytes] = {}

    # -- message building ------------------------------------------------------------------

    def _build(self, job: BatchJob) -> bytes:
        cached = self._messages.get((job.message_id, job.language))
        if cached is not None:
            return cached
        s = self.settings
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = EncodedSubject(str(job.payload.get("subject", "")))
        # issue 7: the sending department's name (the rendition's from_name) when the message
        # carries one, else the channel's. The cache key holds: the name is per message.
        from_name = str(job.payload.get("from_name") or "") or s.from_name
        msg["From"] = from_header(from_name, s.from_address)
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
        self._messages[(job.message_id, job.language)] = data  # one MIME text per language
        return data

    def _message_id(self, job: BatchJob) -> str:
        domain = self.settings.from_address.rpartition("@")[2] or "issei.invalid"
        return f"<{job.idempotency_key}@{domain}>"

    # -- connections -----------------------------------------------------------------------

    def _ssl_context(self) -> ssl.SSLContext | None:
        s = self.settings
        if s.security == "none":
            return None
        context = ssl.create_default_context(cafile=s.ca_file or None)
        if not s.verify_tls:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def _connect(self) -> SmtpConnection:
        s = self.settings
        conn = await SmtpConnection.open(
            s.host, s.port, security=s.security, ssl_context=self._ssl_context(),
            timeout=s.timeout,
        )
        if s.username:
            try:
                await conn.login(s.username, s.password or "")
            except BaseException:
                conn.close()
                await conn.wait_closed()
                raise
        return conn

    async def _acquire(self) -> SmtpConnection:
        while not self._pool.empty():
            conn = self._pool.get_nowait()
            if conn.usable:
                return conn
            await conn.wait_closed()
        return await self._connect()

    def _release(self, conn: SmtpConnection) -> None:
        if conn.usable:
            self._pool.put_nowait(conn)

    # -- sending ---------------------------------------------------------------------------

    async def send(self, job: BatchJob) -> BatchResult:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)
        message_id = self._message_id(job)
        data = self._build(job).replace(MESSAGE_ID_PLACEHOLDER, message_id.encode(), 1)
        sender = self.settings.return_path or self.settings.from_address
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            conn = await self._acquire()
        except SmtpAuthError as exc:
            reason = f"メールサーバーが認証を拒否しました（{exc.code} {exc.message}）"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        except SmtpError as exc:
            reason = f"メールサーバー {where} が接続を断りました（{exc.code} {exc.message}）"
            return BatchResult.all(job, Outcome.TEMPORARY, reason)
        except (OSError, TimeoutError, ssl.SSLError) as exc:
            reason = f"メールサーバー {where} に接続できません: {_describe(exc)}"
            return BatchResult.all(job, Outcome.TEMPORARY, reason)
        try:
            outcome = await conn.send(sender, [t.address for t in job.targets], data)
        except SmtpError as exc:
            self._release(conn)
            outcome_kind = Outcome.TEMPORARY if exc.temporary else Outcome.PERMANENT
            if exc.stage == "mail":
                reason = f"差出人 {sender} が拒否されました（{exc.code} {exc.message}）"
                medium_error = None if exc.temporary else reason
                return BatchResult.all(job, outcome_kind, reason, medium_error=medium_error)
            return BatchResult.all(job, outcome_kind, f"SMTP {exc.code} {exc.message}")
        except (OSError, TimeoutError, SmtpProtocolError) as exc:
            # The line broke mid-transaction: the server may or may not have taken it.
            conn.close()
            await conn.wait_closed()
            return BatchResult.all(
                job, Outcome.TEMPORARY, f"メールサーバーとの通信が切れました: {_describe(exc)}"
            )
        self._release(conn)
        results = []
        for target in job.targets:
            answer = outcome.refused.get(target.address)
            if answer is None:
                results.append(TargetResult(target.delivery_id, Outcome.SENT,
                                            provider_ref=message_id))
            else:
                kind = Outcome.TEMPORARY if 400 <= answer.code < 500 else Outcome.PERMANENT
                results.append(TargetResult(target.delivery_id, kind,
                                            f"SMTP {answer.code} {answer.message}"))
        return BatchResult(results)

    async def aclose(self) -> None:
        while not self._pool.empty():
            conn = self._pool.get_nowait()
            try:
                await conn.quit()
            except (OSError, TimeoutError, SmtpProtocolError):
                pass
            await conn.wait_closed()


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__

