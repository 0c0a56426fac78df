"""A small asyncio SMTP submission client with RFC 2920 PIPELINING.

Why not aiosmtplib: it waits for every RCPT answer before sending the next command, so a
100-recipient transaction costs 100 round trips; its protocol object also drops replies that
arrive ahead of a command, which rules out pipelining on top of it. Municipal mail servers
(Postfix, Exchange) advertise PIPELINING, and with it a whole envelope is one round trip.
Servers without it are spoken to one command at a time.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import socket
import ssl
from dataclasses import dataclass


class SmtpError(Exception):
    """The server answered with an error (``code`` ≥ 400) at ``stage``."""

    def __init__(self, code: int, message: str, stage: str) -> None:
        super().__init__(f"{code} {message}")
        self.code = code
        self.message = message
        self.stage = stage

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500


class SmtpAuthError(SmtpError):
    pass


class SmtpProtocolError(ConnectionError):
    """The connection broke or the server spoke something that is not SMTP."""


@dataclass(frozen=True)
class Reply:
    code: int
    message: str

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 400


@dataclass(frozen=True)
class TransactionResult:
    refused: dict[str, Reply]  # recipient -> the RCPT answer that refused it
    final: Reply  # the answer after the message data (250 when accepted)


def dot_stuff(data: bytes) -> bytes:
    """RFC 5321 §4.5.2: a line starting with "." gets one more; end with CRLF . CRLF."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class SmtpConnection:
    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float
    ) -> None:
        self._reader = reader
        self._writer = writer
        self._timeout = timeout
        self.extensions: dict[str, str] = {}
        self.broken = False

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        host: str,
        port: int,
        *,
        security: str,
        ssl_context: ssl.SSLContext | None,
        timeout: float,
        local_hostname: str | None = None,
    ) -> SmtpConnection:
        implicit = security == "tls"
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                host, port, ssl=ssl_context if implicit else None,
                server_hostname=host if implicit else None,
            ),
            timeout,
        )
        conn = cls(reader, writer, timeout)
        try:
            greeting = await conn._read_reply()
            if greeting.code != 220:
                raise SmtpError(greeting.code, greeting.message, "greeting")
            name = local_hostname or socket.getfqdn() or "localhost"
            await conn._ehlo(name)
            if security == "starttls":
                if "STARTTLS" not in conn.extensions:
                    raise SmtpError(554, "server does not offer STARTTLS", "starttls")
                reply = await conn._command(b"STARTTLS")
                if reply.code != 220:
                    raise SmtpError(reply.code, reply.message, "starttls")
                await writer.start_tls(ssl_context or ssl.create_default_context(),
                                       server_hostname=host)
                await conn._ehlo(name)
        except BaseException:
            conn.close()
            raise
        return conn

    async def _ehlo(self, name: str) -> None:
        reply = await self._command(f"EHLO {name}".encode())
        if reply.code != 250:
            raise SmtpError(reply.code, reply.message, "ehlo")
        self.extensions = {}
        for line in reply.message.split("\n")[1:]:
            keyword, _, params = line.partition(" ")
            self.extensions[keyword.upper()] = params

    async def login(self, username: str, password: str) -> None:
        mechanisms = self.extensions.get("AUTH", "").upper().split()
        if "PLAIN" in mechanisms:
            token = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
            reply = await self._command(f"AUTH PLAIN {token}".encode())
        elif "LOGIN" in mechanisms:
            reply = await self._command(b"AUTH LOGIN")
            if reply.code == 334:
                reply = await self._command(base64.b64encode(username.encode()))
            if reply.code == 334:
                reply = await self._command(base64.b64encode(password.encode()))
        else:
            raise SmtpAuthError(504, "server offers neither AUTH PLAIN nor LOGIN", "auth")
        if reply.code != 235:
            raise SmtpAuthError(reply.code, reply.message, "auth")

    # -- one transaction -------------------------------------------------------------------

    async def send(self, sender: str, recipients: list[str], data: bytes) -> TransactionResult:
        """MAIL, RCPT…, DATA, message. Refused recipients are returned, not raised.

        Raises SmtpError when MAIL FROM or the message itself is refused (every recipient
        shares that fate), and SmtpProtocolError/OSError/TimeoutError when the line breaks.
        """
        mail = f"MAIL FROM:<{sender}>".encode()
        rcpts = [f"RCPT TO:<{r}>".encode() for r in recipients]
        if "PIPELINING" in self.extensions:
            self._write(b"\r\n".join([mail, *rcpts, b"DATA"]) + b"\r\n")
            mail_reply = await self._read_reply()
            rcpt_replies = [await self._read_reply() for _ in rcpts]
            data_reply = await self._read_reply()
        else:
            mail_reply = await self._command(mail)
            if not mail_reply.ok:
                await self.reset()
                raise SmtpError(mail_reply.code, mail_reply.message, "mail")
            rcpt_replies = [await self._command(c) for c in rcpts]
            if not any(r.ok for r in rcpt_replies):
                await self.reset()
                return TransactionResult(
                    dict(zip(recipients, rcpt_replies, strict=True)), Reply(554, "no recipients")
                )
            data_reply = await self._command(b"DATA")
        if not mail_reply.ok:
            await self._finish_refused_data(data_reply)
            raise SmtpError(mail_reply.code, mail_reply.message, "mail")
        refused = {r: reply for r, reply in zip(recipients, rcpt_replies, strict=True)
                   if not reply.ok}
        if len(refused) == len(recipients):
            await self._finish_refused_data(data_reply)
            return TransactionResult(refused, Reply(554, "no valid recipients"))
        if data_reply.code != 354:
            await self.reset()
            raise SmtpError(data_reply.code, data_reply.message, "data")
        self._write(dot_stuff(data))
        final = await self._read_reply()
        if not final.ok:
            raise SmtpError(final.code, final.message, "message")
        return TransactionResult(refused, final)

    async def _finish_refused_data(self, data_reply: Reply) -> None:
        """If the server said 354 although nothing is deliverable, end the empty message."""
        if data_reply.code == 354:
            self._write(b".\r\n")
            await self._read_reply()
        await self.reset()

    async def reset(self) -> None:
        reply = await self._command(b"RSET")
        if not reply.ok:
            self.broken = True

    async def quit(self) -> None:
        try:
            await self._command(b"QUIT")
        finally:
            self.close()

    def close(self) -> None:
        self.broken = True
        with contextlib.suppress(Exception):
            self._writer.close()

    async def wait_closed(self) -> None:
        with contextlib.suppress(Exception):
            await self._writer.wait_closed()

    @property
    def usable(self) -> bool:
        return not self.broken and not self._writer.is_closing()

    # -- wire ------------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self._writer.is_closing():
            self.broken = True
            raise SmtpProtocolError("connection closed")
        self._writer.write(data)

    async def _command(self, line: bytes) -> Reply:
        self._write(line + b"\r\n")
        return await self._read_reply()

    async def _read_reply(self) -> Reply:
        lines: list[str] = []
        while True:
            try:
                raw = await asyncio.wait_for(self._reader.readline(), self._timeout)
            except TimeoutError:
                self.broken = True
                raise
            if not raw.endswith(b"\n"):
                self.broken = True
                raise SmtpProtocolError("the server closed the connection")
            if len(raw) < 4 or not raw[:3].isdigit():
                self.broken = True
                raise SmtpProtocolError(f"not an SMTP reply: {raw[:60]!r}")
            lines.append(raw[4:].decode("utf-8", "replace").rstrip("\r\n"))
            if raw[3:4] != b"-":
                return Reply(int(raw[:3]), "\n".join(lines))
