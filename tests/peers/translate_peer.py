"""A real local HTTP server that answers like LibreTranslate, and a guard that cuts the
internet off for a test (as on an LGWAN terminal).

The peer follows LibreTranslate's documented ``POST /translate`` (parameters ``q``, ``source``,
``target``, ``format``, ``api_key``; as a form, a query string or JSON) and answers
``{"translatedText": …}``. It checks what it is sent: a request without ``q`` or with an unknown
language is answered 400 ``{"error": …}`` and recorded in ``violations``. The "translation" is
a dictionary lookup, so tests know exactly what comes back.

Usage::

    with TranslatePeer({"避難": "Evacuate"}) as peer:
        settings = TranslationSettings(provider="libre", url=peer.url)
"""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

# LibreTranslate's language codes (its /languages answer, argos models of 2024).
LIBRE_CODES = {"en", "ja", "zh", "zt", "ko", "vi", "pt", "es", "id", "th", "tl", "ne", "ar",
               "de", "fr", "it", "ru"}


class TranslatePeer:
    def __init__(self, dictionary: Mapping[str, str] | None = None, *, status: int = 200) -> None:
        self.dictionary = dict(dictionary or {})
        self.status = status
        self.requests: list[dict[str, str]] = []
        self.violations: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> TranslatePeer:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8") if length else ""
                params = dict(parse_qsl(urlsplit(self.path).query))
                kind = self.headers.get("Content-Type", "")
                if raw and "json" in kind:
                    params.update({k: str(v) for k, v in json.loads(raw).items()})
                elif raw:
                    params.update(parse_qsl(raw))
                self._answer(*peer.handle(urlsplit(self.path).path, params))

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def handle(self, path: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        self.requests.append(params)
        problem = None
        if path != "/translate":
            problem = f"unknown path {path}"
        elif not params.get("q"):
            problem = "Invalid request: missing q parameter"
        elif params.get("source") not in LIBRE_CODES | {"auto"}:
            problem = f"{params.get('source')} is not supported"
        elif params.get("target") not in LIBRE_CODES:
            problem = f"{params.get('target')} is not supported"
        elif params.get("format", "text") not in {"text", "html"}:
            problem = "format must be text or html"
        if problem is not None:
            self.violations.append(problem)
            return 400, {"error": problem}
        if self.status != 200:
            return self.status, {"error": "scripted failure"}
        text = params["q"]
        return 200, {"translatedText": self.dictionary.get(text, f"[{params['target']}] {text}")}


def _local(host: object) -> bool:
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def block_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on this process reaches 127.0.0.1 only: names do not resolve and every other
    address is unreachable, as on an LGWAN terminal. No test may ever call the internet."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(host):
            raise OSError(errno.ENETUNREACH, "Network is unreachable (tests have no internet)")
        real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode()
        if not _local(host):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (no DNS)")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
