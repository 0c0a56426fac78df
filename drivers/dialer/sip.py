"""A small SIP user agent (RFC 3261, UDP) that places calls through a PBX or SIP trunk.

What it does, and no more: optional REGISTER; INVITE with an SDP offer (RFC 4566/3264) of
PCMU/8000 and telephone-event/8000 (RFC 4733, the successor of RFC 2833); provisional
100/180/183; final 2xx (ACK, then the message as RTP PCMU in 20 ms packets paced at real
time, looping until the confirming digit or ``confirm_timeout``, then BYE), 486/600/603
(busy), 480/408/487 or no final answer within ``answer_timeout`` (CANCEL; no answer),
401/407 (digest, RFC 2617 MD5 or RFC 7616 SHA-256, qop=auth or none; once per request).
Digits come back as RTP telephone-event packets only (no SIP INFO, no in-band tones).

Not done: TCP/TLS, SRTP, DNS SRV (``sip_server`` is host[:port]), re-INVITE/hold, early
media playback (183 is only a provisional answer), NAT traversal beyond using the address
the operating system picks to reach the server.

Blocking; one instance per line, used by one worker thread (campaign.Line).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from app.voice.audio import Audio, to_mulaw
from drivers.dialer import rtp
from drivers.dialer.v253 import CallResult, Outcome

log = logging.getLogger("issei.dialer.sip")

T1 = 0.5  # RFC 3261 timer T1
TELEPHONE_EVENT_PT = 101  # our offer's dynamic payload type for telephone-event
COMPACT = {"v": "via", "f": "from", "t": "to", "i": "call-id", "m": "contact",
           "l": "content-length", "c": "content-type"}
BUSY = frozenset({486, 600, 603})
NO_ANSWER = frozenset({408, 480, 487})


class SipError(RuntimeError):
    """The call could not be made; the message is for the operator (Japanese)."""


@dataclass
class SipMessage:
    start: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    @property
    def is_response(self) -> bool:
        return self.start.startswith("SIP/2.0 ")

    @property
    def status(self) -> int:
        return int(self.start.split(" ", 2)[1]) if self.is_response else 0

    @property
    def method(self) -> str:
        if self.is_response:
            return self.get("cseq").split()[-1].upper()
        return self.start.split(" ", 1)[0].upper()

    def get(self, name: str) -> str:
        values = self.all(name)
        return values[0] if values else ""

    def all(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k == name]

    @property
    def cseq(self) -> int:
        return int(self.get("cseq").split()[0])

    def encode(self) -> bytes:
        lines = [self.start] + [f"{_title(k)}: {v}" for k, v in self.headers]
        lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + self.body


def _title(name: str) -> str:
    special = {"call-id": "Call-ID", "cseq": "CSeq", "www-authenticate": "WWW-Authenticate"}
    return special.get(name, "-".join(p.capitalize() for p in name.split("-")))


def parse_message(data: bytes) -> SipMessage:
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        raise SipError("SIPメッセージの区切りがありません")
    lines = head.decode("utf-8", "replace").split("\r\n")
    start, headers = lines[0].strip(), []
    for line in lines[1:]:
        if line[:1] in (" ", "\t") and headers:  # folded header line
            name, value = headers[-1]
            headers[-1] = (name, value + " " + line.strip())
            continue
        name, colon, value = line.partition(":")
        if not colon:
            raise SipError(f"SIPヘッダを読めません: {line[:60]}")
        key = name.strip().lower()
        headers.append((COMPACT.get(key, key), value.strip()))
    message = SipMessage(start, [h for h in headers if h[0] != "content-length"], body)
    length = message_length(headers)
    if length is not None:
        message.body = body[:length]
    if not re.fullmatch(r"SIP/2\.0 [1-6]\d\d\b.*|[A-Z]+ \S+ SIP/2\.0", start):
        raise SipError(f"SIPの開始行を読めません: {start[:60]}")
    if not re.fullmatch(r"\d+\s+[A-Za-z]+", message.get("cseq")) or not message.get("call-id"):
        raise SipError("SIPメッセージに CSeq か Call-ID がありません")
    return message


def message_length(headers: list[tuple[str, str]]) -> int | None:
    for name, value in headers:
        if name == "content-length":
            return int(value)
    return None


def tag_of(header: str) -> str:
    match = re.search(r";\s*tag=([^;>\s]+)", header)
    return match.group(1) if match else ""


def uri_of(header: str) -> str:
    match = re.search(r"<([^>]+)>", header)
    return match.group(1) if match else header.split(";")[0].strip()


# -- digest (RFC 2617, RFC 7616) -------------------------------------------------------------


def parse_challenge(value: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = value.strip().partition(" ")
    params = {k.lower(): (q if q else t) for k, q, t in
              re.findall(r'([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))', rest)}
    return scheme.lower(), params


HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def digest_response(*, username: str, password: str, realm: str, nonce: str, method: str,
                    uri: str, algorithm: str = "MD5", qop: str = "", nc: str = "00000001",
                    cnonce: str = "") -> str:
    h = HASHES[algorithm.upper()]

    def hx(text: str) -> str:
        return h(text.encode("utf-8")).hexdigest()

    ha1 = hx(f"{username}:{realm}:{password}")
    ha2 = hx(f"{method}:{uri}")
    if qop:
        return hx(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return hx(f"{ha1}:{nonce}:{ha2}")


def authorization(challenge: str, *, username: str, password: str, method: str,
                  uri: str) -> str:
    scheme, p = parse_challenge(challenge)
    algorithm = p.get("algorithm", "MD5").upper()
    if scheme != "digest" or algorithm not in HASHES:
        raise SipError(f"対応していない認証方式です（{scheme} {algorithm}）")
    qops = [q.strip() for q in p.get("qop", "").split(",") if q.strip()]
    if qops and "auth" not in qops:
        raise SipError(f"対応していない認証（qop={p['qop']}）です")
    qop = "auth" if qops else ""
    cnonce = secrets.token_hex(8) if qop else ""
    response = digest_response(username=username, password=password, realm=p.get("realm", ""),
                               nonce=p.get("nonce", ""), method=method, uri=uri,
                               algorithm=algorithm, qop=qop, cnonce=cnonce)
    parts = [f'username="{username}"', f'realm="{p.get("realm", "")}"',
             f'nonce="{p.get("nonce", "")}"', f'uri="{uri}"', f'response="{response}"',
             f"algorithm={algorithm}"]
    if "opaque" in p:
        parts.append(f'opaque="{p["opaque"]}"')
    if qop:
        parts += [f"qop={qop}", "nc=00000001", f'cnonce="{cnonce}"']
    return "Digest " + ", ".join(parts)


# -- SDP -----------------------------------------------------------------------------------


def sdp_offer(ip: str, port: int, session_id: int) -> bytes:
    return (f"v=0\r\no=issei {session_id} {session_id} IN IP4 {ip}\r\ns=issei\r\n"
            f"c=IN IP4 {ip}\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 {TELEPHONE_EVENT_PT}\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            f"a=rtpmap:{TELEPHONE_EVENT_PT} telephone-event/8000\r\n"
            f"a=fmtp:{TELEPHONE_EVENT_PT} 0-15\r\na=ptime:20\r\na=sendrecv\r\n").encode()


@dataclass(frozen=True)
class SdpAnswer:
    address: str
    port: int
    formats: tuple[int, ...]
    event_pt: int | None


def parse_sdp(body: bytes) -> SdpAnswer:
    text = body.decode("utf-8", "replace")
    session_c = media_c = ""
    port, formats, in_audio = 0, (), False
    event_pt: int | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            in_audio = line.startswith("m=audio ")
            if in_audio and not port:
                fields = line[2:].split()
                port = int(fields[1].split("/")[0])
                formats = tuple(int(f) for f in fields[3:] if f.isdigit())
        elif line.startswith("c="):
            address = line.split()[-1].split("/")[0]
            if in_audio:
                media_c = address
            elif not port:
                session_c = address
        elif in_audio and line.lower().startswith("a=rtpmap:"):
            pt, _, codec = line[9:].partition(" ")
            if codec.lower().startswith("telephone-event/8000") and pt.isdigit():
                event_pt = int(pt)
    address = media_c or session_c
    if not address or not port:
        raise SipError("相手のSDPに音声の宛先（c=・m=audio）がありません")
    return SdpAnswer(address, port, formats, event_pt if event_pt in formats else None)


# -- the line ------------------------------------------------------------------------------


@dataclass
class _Dialog:
    call_id: str
    local_tag: str
    remote_uri: str  # request-URI: the callee, later its Contact
    to_header: str  # with the remote tag once known
    from_header: str
    cseq: int
    routes: list[str] = field(default_factory=list)


class SipLine:
    """One SIP line (one call at a time). ``server`` is host[:port] of the PBX or trunk."""

    simulated = False

    def __init__(self, server: str, user: str, password: str | None = None, *,
                 domain: str = "", register: bool = False, auth_user: str = "",
                 pace: float = 1.0, local_ip: str = "", name: str = "",
                 transaction_timeout: float = 32.0) -> None:
        host, _, port = server.rpartition(":") if ":" in server else (server, "", "")
        self.server = (host or server, int(port) if port else 5060)
        self.user = user
        self.password = password
        self.auth_user = auth_user or user
        self.domain = domain or self.server[0]
        self.register_first = register
        self.pace = pace  # 1.0: real time; 0 only against a test peer
        self.transaction_timeout = transaction_timeout
        self.name = name or f"sip:{user}@{self.domain}"
        self._sock: socket.socket | None = None
        self._local_ip = local_ip
        self._registered_until = 0.0
        self.transcript: list[tuple[str, bytes]] = []  # (">"|"<", message) for review

    # -- transport ---------------------------------------------------------------------------

    def _open(self) -> socket.socket:
        if self._sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.connect(self.server)  # picks the local address that reaches the server
                ip = self._local_ip or sock.getsockname()[0]
                sock.close()
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sock.bind((ip, 0))
            except OSError as exc:
                sock.close()
                raise SipError(f"SIPサーバ {self.server[0]}:{self.server[1]} に届きません: "
                               f"{exc}") from exc
            self._local_ip = ip
            self._sock = sock
        return self._sock

    @property
    def local(self) -> tuple[str, int]:
        sock = self._open()
        addr = sock.getsockname()
        return str(addr[0]), int(addr[1])

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _send(self, message: SipMessage) -> None:
        data = message.encode()
        self.transcript.append((">", data))
        self._open().sendto(data, self.server)

    def _receive(self, timeout: float) -> SipMessage | None:
        sock = self._open()
        ready, _, _ = select.select([sock], [], [], max(0.0, timeout))
        if not ready:
            return None
        data, _ = sock.recvfrom(65535)
        self.transcript.append(("<", data))
        try:
            return parse_message(data)
        except (SipError, ValueError, IndexError) as exc:
            log.warning("unreadable SIP message ignored: %s", exc)
            return None

    # -- requests ----------------------------------------------------------------------------

    def _request(self, method: str, dialog: _Dialog, *, branch: str = "",
                 extra: list[tuple[str, str]] | None = None, body: bytes = b"",
                 cseq: int | None = None) -> SipMessage:
        ip, port = self.local
        headers = [
            ("via", f"SIP/2.0/UDP {ip}:{port};branch={branch or _branch()};rport"),
            ("max-forwards", "70"),
            ("from", dialog.from_header),
            ("to", dialog.to_header),
            ("call-id", dialog.call_id),
            ("cseq", f"{dialog.cseq if cseq is None else cseq} {method}"),
        ]
        headers += [("route", r) for r in dialog.routes]
        if method in ("INVITE", "REGISTER"):
            headers.append(("contact", f"<sip:{self.user}@{ip}:{port}>"))
        headers.append(("user-agent", "Issei"))
        headers += extra or []
        if body:
            headers.append(("content-type", "application/sdp"))
        return SipMessage(f"{method} {dialog.remote_uri} SIP/2.0", headers, body)

    def _reply(self, request: SipMessage, status: str) -> None:
        headers = [(k, v) for k, v in request.headers
                   if k in ("via", "from", "to", "call-id", "cseq")]
        self._send(SipMessage(f"SIP/2.0 {status}", headers))

    def _transaction(self, request: SipMessage, *, final_wait: float | None = None,
                     on_provisional: threading.Event | None = None,
                     stop: threading.Event | None = None) -> SipMessage | None:
        """Send with retransmission (timers A/E) and return the final response, or None
        when none came in time. ``final_wait``: after a provisional, how long to wait."""
        branch = _via_branch(request.get("via"))
        started = time.monotonic()
        deadline = started + self.transaction_timeout
        interval, next_send = T1, started
        provisional = False
        while True:
            now = time.monotonic()
            if now >= deadline or (stop is not None and stop.is_set() and provisional):
                return None
            if not provisional and now >= next_send:
                self._send(request)
                next_send = now + interval
                interval = min(interval * 2, 4.0)
            wait = min(deadline, next_send if not provisional else deadline) - now
            response = self._receive(min(wait, 0.1))
            if response is None:
                continue
            if not response.is_response:
                self._answer_stray(response)
                continue
            if _via_branch(response.get("via")) != branch:
                continue  # a retransmitted answer to an earlier transaction
            if response.status < 200:
                if not provisional:
                    provisional = True
                    if final_wait is not None:
                        deadline = time.monotonic() + final_wait
                    if on_provisional is not None:
                        on_provisional.set()
                continue
            return response

    def _answer_stray(self, request: SipMessage) -> None:
        if request.method in ("OPTIONS",):
            self._reply(request, "200 OK")
        elif request.method == "BYE":
            self._reply(request, "481 Call/Transaction Does Not Exist")
        elif request.method != "ACK":
            self._reply(request, "405 Method Not Allowed")

    def _with_auth(self, request: SipMessage, response: SipMessage) -> SipMessage:
        if not self.password:
            raise SipError("SIPサーバが認証を求めましたが、パスワードがありません"
                           "（ISSEI_DIALER_SIP_PASSWORD か issei secret set dialer sip_password）")
        header = "www-authenticate" if response.status == 401 else "proxy-authenticate"
        reply = "authorization" if response.status == 401 else "proxy-authorization"
        challenge = response.get(header)
        if not challenge:
            raise SipError(f"SIPサーバの {response.status} に認証の条件がありません")
        uri = request.start.split()[1]
        value = authorization(challenge, username=self.auth_user, password=self.password,
                              method=request.method, uri=uri)
        headers = [h for h in request.headers if h[0] not in ("authorization",
                                                              "proxy-authorization")]
        for i, (name, value_) in enumerate(headers):
            if name == "via":
                headers[i] = (name, re.sub(r"branch=[^;]+", f"branch={_branch()}", value_))
            elif name == "cseq":
                number, method = value_.split()
                headers[i] = (name, f"{int(number) + 1} {method}")
        headers.append((reply, value))
        return SipMessage(request.start, headers, request.body)

    def _ack(self, dialog: _Dialog, response: SipMessage, invite: SipMessage) -> None:
        if 200 <= response.status < 300:
            ack = self._request("ACK", dialog, cseq=invite.cseq)
        else:  # non-2xx: same branch and request-URI as the INVITE (RFC 3261 §17.1.1.3)
            ack = SipMessage(f"ACK {invite.start.split()[1]} SIP/2.0",
                             [h for h in invite.headers if h[0] in ("via", "from", "call-id",
                                                                     "route", "max-forwards")]
                             + [("to", response.get("to")), ("cseq", f"{invite.cseq} ACK")])
        self._send(ack)

    # -- REGISTER ----------------------------------------------------------------------------

    def register(self, expires: int = 3600) -> None:
        ip, _ = self.local
        aor = f"sip:{self.user}@{self.domain}"
        dialog = _Dialog(_call_id(ip), secrets.token_hex(4), f"sip:{self.domain}",
                         f"<{aor}>", f"<{aor}>;tag={secrets.token_hex(4)}", 1)
        request = self._request("REGISTER", dialog, extra=[("expires", str(expires))])
        response = self._transaction(request)
        if response is not None and response.status in (401, 407):
            response = self._transaction(self._with_auth(request, response))
        if response is None:
            raise SipError("SIPサーバが登録（REGISTER）に答えません")
        if response.status in (401, 407, 403):
            raise SipError("SIPサーバで登録できません（ユーザ名かパスワードが違います）")
        if not 200 <= response.status < 300:
            raise SipError(f"SIPサーバで登録できません（{response.start[8:]}）")
        self._registered_until = time.monotonic() + expires * 0.8

    # -- a call --------------------------------------------------------------------------------

    def call(self, number: str, message: Audio, *, confirm_digit: str,
             answer_timeout: float, confirm_timeout: float,
             stop: threading.Event | None = None) -> CallResult:
        stop = stop or threading.Event()
        if not re.fullmatch(r"[0-9*#+]+", number):
            return CallResult(number, Outcome.FAILED,
                              error=f"電話番号「{number}」は数字で指定してください", line=self.name)
        media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            if self.register_first and time.monotonic() > self._registered_until:
                self.register()
            media.bind((self.local[0], 0))
            return self._call(number, message, media, confirm_digit, answer_timeout,
                              confirm_timeout, stop)
        except (SipError, OSError) as exc:
            log.warning("SIP call to %s failed: %s", number, exc)
            return CallResult(number, Outcome.FAILED, error=str(exc), line=self.name)
        finally:
            media.close()

    def _call(self, number: str, message: Audio, media: socket.socket, confirm_digit: str,
              answer_timeout: float, confirm_timeout: float,
              stop: threading.Event) -> CallResult:
        ip, _ = self.local
        target = f"sip:{number.replace('#', '%23')}@{self.domain}"  # RFC 3261 §25.1
        me = f"sip:{self.user}@{self.domain}"
        dialog = _Dialog(_call_id(ip), secrets.token_hex(4), target, f"<{target}>",
                         "", 1)
        dialog.from_header = f"<{me}>;tag={dialog.local_tag}"
        offer = sdp_offer(ip, media.getsockname()[1], secrets.randbelow(2**31))
        invite = self._request("INVITE", dialog, body=offer)
        ringing = threading.Event()
        response = self._transaction(invite, final_wait=answer_timeout,
                                     on_provisional=ringing, stop=stop)
        if response is not None and response.status in (401, 407):
            self._ack(dialog, response, invite)
            invite = self._with_auth(invite, response)
            dialog.cseq = invite.cseq
            response = self._transaction(invite, final_wait=answer_timeout,
                                         on_provisional=ringing, stop=stop)
            if response is not None and response.status in (401, 403, 407):
                # a second challenge or 403 to our credentials (RFC 3261 §22.2/§22.3)
                self._ack(dialog, response, invite)
                return CallResult(number, Outcome.FAILED, line=self.name,
                                  error="SIPサーバの認証に失敗しました（ユーザ名かパスワード）")
        if response is None:
            if not ringing.is_set():
                return CallResult(number, Outcome.FAILED, line=self.name,
                                  error="SIPサーバが発信（INVITE）に答えません")
            response = self._cancel(dialog, invite)
            if response is None or response.status >= 300:
                return CallResult(number, Outcome.NO_ANSWER, line=self.name)
            # the 200 crossed our CANCEL: the call is up, hang it up properly below
        status = response.status
        if status >= 300:
            self._ack(dialog, response, invite)
            if status in BUSY:
                return CallResult(number, Outcome.BUSY, line=self.name)
            if status in NO_ANSWER:
                return CallResult(number, Outcome.NO_ANSWER, line=self.name)
            return CallResult(number, Outcome.FAILED, line=self.name,
                              error=f"相手先がつながりません（SIP {response.start[8:]}）")
        dialog.to_header = response.get("to")
        dialog.remote_uri = uri_of(response.get("contact")) or dialog.remote_uri
        dialog.routes = [r.strip() for value in reversed(response.all("record-route"))
                         for r in reversed(re.findall(r"<[^>]*>[^,]*", value))]
        self._ack(dialog, response, invite)
        try:
            answer = parse_sdp(response.body)
        except (SipError, ValueError) as exc:
            self._bye(dialog)
            return CallResult(number, Outcome.FAILED, line=self.name, error=str(exc))
        if rtp.PCMU not in answer.formats:
            self._bye(dialog)
            return CallResult(number, Outcome.FAILED, line=self.name,
                              error="相手先がPCMU（G.711 μ-law）で受けません")
        digits, plays, hung_up = self._talk(dialog, invite, response, media, answer, message,
                                            confirm_digit, confirm_timeout, stop)
        if not hung_up:
            self._bye(dialog)
        outcome = Outcome.CONFIRMED if confirm_digit in digits else Outcome.ANSWERED
        return CallResult(number, outcome, digits=digits, plays=plays, line=self.name)

    def _cancel(self, dialog: _Dialog, invite: SipMessage) -> SipMessage | None:
        """CANCEL a ringing INVITE; returns the INVITE's final answer (487, or a 200 that
        crossed the CANCEL)."""
        cancel = SipMessage(f"CANCEL {invite.start.split()[1]} SIP/2.0",
                            [h for h in invite.headers if h[0] in ("via", "from", "to",
                                                                    "call-id", "route",
                                                                    "max-forwards")]
                            + [("cseq", f"{invite.cseq} CANCEL")])
        self._send(cancel)
        branch = _via_branch(invite.get("via"))
        deadline = time.monotonic() + self.transaction_timeout
        resent = time.monotonic()
        while time.monotonic() < deadline:
            if time.monotonic() - resent > 2 * T1:
                self._send(cancel)
                resent = time.monotonic()
            response = self._receive(0.1)
            if response is None or not response.is_response:
                continue
            if (_via_branch(response.get("via")) == branch and response.method == "INVITE"
                    and response.status >= 200):
                if response.status >= 300:
                    self._ack(dialog, response, invite)
                return response
        return None

    def _talk(self, dialog: _Dialog, invite: SipMessage, ok: SipMessage,
              media: socket.socket, answer: SdpAnswer, message: Audio, confirm_digit: str,
              confirm_timeout: float, stop: threading.Event) -> tuple[str, int, bool]:
        """Send the message until the digit or the timeout; returns (digits, plays,
        whether the far end hung up)."""
        pcm = to_mulaw(message.at(8000).samples)
        frame = rtp.SAMPLES_PER_PACKET
        if len(pcm) % frame:
            pcm += b"\xff" * (frame - len(pcm) % frame)  # μ-law silence
        events = rtp.EventReceiver(answer.event_pt if answer.event_pt is not None else -1)
        ssrc = secrets.randbits(32)
        sequence, timestamp = secrets.randbits(16), secrets.randbits(32)
        far = (answer.address, answer.port)
        sip = self._open()
        digits, plays, offset = "", 0, 0
        started = time.monotonic()
        deadline = started + confirm_timeout
        sent = 0
        while not stop.is_set() and time.monotonic() < deadline:
            if offset == 0:
                plays += 1
            media.sendto(rtp.build(rtp.PCMU, sequence, timestamp, ssrc,
                                   pcm[offset:offset + frame], marker=sent == 0), far)
            sent += 1
            sequence, timestamp = sequence + 1, timestamp + frame
            offset = (offset + frame) % len(pcm)
            due = started + sent * 0.02 * self.pace
            while True:  # read what came in until the next packet is due
                wait = due - time.monotonic()
                ready, _, _ = select.select([media, sip], [], [], max(0.0, wait))
                if media in ready:
                    data = media.recv(2048)
                    try:
                        digits += events.feed(rtp.parse(data))
                    except rtp.RtpError:
                        pass
                if sip in ready:
                    request = self._receive(0)
                    if request is not None and not request.is_response:
                        if request.method == "BYE" and request.get("call-id") == dialog.call_id:
                            self._reply(request, "200 OK")
                            return digits, plays, True
                        self._answer_stray(request)
                    elif (request is not None and request.status == 200
                          and request.method == "INVITE"):
                        self._ack(dialog, request, invite)  # our ACK was lost
                if confirm_digit in digits:
                    return digits, plays, False
                if not ready:
                    break
        return digits, plays, False

    def _bye(self, dialog: _Dialog) -> None:
        dialog.cseq += 1
        bye = self._request("BYE", dialog)
        response = self._transaction(bye)
        if response is not None and response.status in (401, 407) and self.password:
            bye = self._with_auth(bye, response)
            dialog.cseq = bye.cseq
            response = self._transaction(bye)
        if response is None or response.status >= 300:
            log.warning("BYE not accepted (%s)", response.start if response else "no answer")


def _branch() -> str:
    return "z9hG4bK" + secrets.token_hex(8)


def _call_id(ip: str) -> str:
    return f"{secrets.token_hex(12)}@{ip}"


def _via_branch(via: str) -> str:
    match = re.search(r"branch=([^;,\s]+)", via)
    return match.group(1) if match else ""


def sip_lines(settings: Any, password: str | None) -> list[SipLine]:
    """``[dialer] backend = "sip"``: ``lines`` SIP lines on one account (each its own port)."""
    return [SipLine(settings.sip_server, settings.sip_user, password,
                    domain=settings.sip_domain, register=settings.sip_register,
                    pace=settings.pace, name=f"sip{i + 1}:{settings.sip_user}")
            for i in range(settings.lines)]
