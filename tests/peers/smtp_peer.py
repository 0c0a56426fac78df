"""A real SMTP server in-process (aiosmtpd) that answers per recipient on cue.

It speaks the real protocol over a socket: STARTTLS or implicit TLS with a test CA (trustme),
AUTH PLAIN/LOGIN, and a scripted answer per address (``451 …`` or ``550 …``) so tests can see
that one refused address fails alone while the others are delivered.
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SmtpServer  # noqa: N811 - a class, despite its name
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    authenticated_as: str | None

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class SmtpPeer:
    """Start with ``with SmtpPeer(...) as peer:``; ``peer.port`` is where it listens."""

    security: str = "none"  # none | starttls | tls
    username: str | None = None
    password: str | None = None
    rcpt_answers: dict[str, str] = field(default_factory=dict)  # address -> "550 5.1.1 ..."
    data_answer: str | None = None  # e.g. "451 4.3.0 queue full" for the next DATA
    pipelining: bool = True  # advertise RFC 2920 PIPELINING, as Postfix and Exchange do
    drop_after_data: bool = False  # close the connection after receiving the next message
    received: list[Received] = field(default_factory=list)
    port: int = 0
    ca: trustme.CA | None = None
    _controller: Controller | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client_context(self) -> ssl.SSLContext:
        assert self.ca is not None
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def __enter__(self) -> SmtpPeer:
        self.port = free_port()
        kwargs: dict[str, Any] = {}
        if self.security != "none":
            self.ca = trustme.CA()
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
            if self.security == "tls":
                kwargs["ssl_context"] = server_context
            else:
                kwargs["tls_context"] = server_context
                kwargs["require_starttls"] = True
        if self.username is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_require_tls"] = self.security != "none"
            kwargs["auth_required"] = True
        self._controller = _Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port, **kwargs
        )
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._controller is not None:
            self._controller.stop()

    def _authenticate(
        self, server: SmtpServer, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            ok = (
                data.login.decode() == self.username
                and data.password.decode() == self.password
            )
            return AuthResult(success=ok, handled=False, auth_data=data)
        return AuthResult(success=False, handled=False)

    def delivered_to(self) -> list[str]:
        with self._lock:
            return [r for m in self.received for r in m.rcpt_tos]


class _ImplicitTlsSMTP(SmtpServer):
    """aiosmtpd only knows STARTTLS as "TLS"; over implicit TLS (port 465) AUTH is safe too."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if transport.get_extra_info("sslcontext") is not None:
            self._tls_protocol = True  # type: ignore[assignment]


class _Controller(Controller):
    def factory(self) -> SmtpServer:
        if self.ssl_context is not None:
            return _ImplicitTlsSMTP(self.handler, **self.SMTP_kwargs)
        return super().factory()

    def _trigger_server(self) -> None:
        # aiosmtpd's readiness probe speaks plain SMTP; with implicit TLS it would hang.
        if self.ssl_context is not None:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            with socket.create_connection((self.hostname, self.port), 1.0) as s, \
                    ctx.wrap_socket(s) as tls:
                tls.recv(1024)
            return
        super()._trigger_server()


class _Handler:
    def __init__(self, peer: SmtpPeer) -> None:
        self.peer = peer

    async def handle_EHLO(
        self, server: SmtpServer, session: Session, envelope: Envelope, hostname: str,
        responses: list[str],
    ) -> list[str]:
        session.host_name = hostname
        if self.peer.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self, server: SmtpServer, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:
        answer = self.peer.rcpt_answers.get(address)
        if answer is not None:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SmtpServer, session: Session, envelope: Envelope) -> str:
        if self.peer.data_answer is not None:
            answer, self.peer.data_answer = self.peer.data_answer, None
            return answer
        if self.peer.drop_after_data:
            # Taken, but the line breaks before "250": the client cannot know it was accepted.
            self.peer.drop_after_data = False
            with self.peer._lock:
                self.peer.received.append(
                    Received(envelope.mail_from or "", list(envelope.rcpt_tos),
                             envelope.original_content or b"", None)
                )
            server.transport.close()
            return "250 OK (never seen)"
        auth = session.auth_data
        login = auth.login.decode() if isinstance(auth, LoginPassword) else None
        with self.peer._lock:
            self.peer.received.append(
                Received(
                    mail_from=envelope.mail_from or "",
                    rcpt_tos=list(envelope.rcpt_tos),
                    raw=envelope.original_content or b"",
                    authenticated_as=login,
                )
            )
        return "250 OK queued"
