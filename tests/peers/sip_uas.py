"""A small SIP user agent server (UDP) with RTP, written for the tests: the far end of a call.

Not sipp (Debian bookworm ships no ``sipp`` package). Written from the RFCs, independently
of drivers/dialer/sip.py (no import from it), and it checks what our UAC sends:

- every request carries Via (branch z9hG4bK…), Max-Forwards, From with a tag, To, Call-ID,
  CSeq whose method matches the request line (RFC 3261 §8.1.1); INVITE has a Contact and an
  SDP offer with rtpmap PCMU/8000 and telephone-event/8000 (RFC 3264, RFC 4733 §7);
- the ACK of a non-2xx answer reuses the INVITE's branch and CSeq number (§17.1.1.3), the
  ACK of a 2xx is a new transaction with the INVITE's CSeq number and the To tag (§13.2.2.4);
- BYE is in the dialog (To tag, Call-ID) with a higher CSeq (§15.1.1); CANCEL reuses the
  INVITE's branch and CSeq number (§9.1);
- digest credentials are recomputed here from the password (RFC 2617 §3.2.2, MD5);
- RTP (RFC 3550): version 2, payload type 0, 160-byte payloads, consecutive sequence
  numbers, timestamps 160 apart, one SSRC; arrival times kept to check the 20 ms pacing.

Per called number a plan: ``answer`` (180, 200, then the confirming digit as RFC 4733
events after ``digit_after`` RTP packets), ``nodigit``, ``busy`` (486), ``unavailable``
(480), ``ring`` (180 and nothing more, until CANCEL), ``hangup`` (answers, then sends BYE).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import select
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Rtp:
    at: float
    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int
    payload: bytes


@dataclass
class CallLog:
    number: str
    plan: str
    invites: int = 0
    authorized: bool = False
    acked: bool = False
    cancelled: bool = False
    bye: bool = False
    rtp: list[Rtp] = field(default_factory=list)
    offer: str = ""
    digits_sent: str = ""


def _headers(text: str) -> tuple[str, dict[str, list[str]], str]:
    head, _, body = text.partition("\r\n\r\n")
    lines = head.split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return lines[0], headers, body


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class SipUas:
    def __init__(self, plans: dict[str, str], *, password: str | None = None,
                 user: str = "issei", realm: str = "issei-test", digit: str = "1",
                 digit_after: int = 10, proxy_auth: bool = False) -> None:
        self.plans = plans
        self.password, self.user, self.realm = password, user, realm
        self.digit, self.digit_after = digit, digit_after
        self.proxy_auth = proxy_auth
        self.errors: list[str] = []
        self.calls: dict[str, CallLog] = {}
        self.registered = 0
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.media.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self._nonces: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sip-uas", daemon=True)
        self._dialogs: dict[str, dict[str, object]] = {}

    def start(self) -> SipUas:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()
        self.media.close()

    # -- the loop ----------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.sock, self.media], [], [], 0.02)
            try:
                if self.sock in ready:
                    data, peer = self.sock.recvfrom(65535)
                    self._sip(data.decode("utf-8"), peer)
                if self.media in ready:
                    data, peer = self.media.recvfrom(2048)
                    self._rtp(data, peer)
                self._timers()
            except Exception as exc:  # noqa: BLE001 - a peer bug is a test failure
                self.errors.append(f"peer: {exc!r}")

    def _send(self, text: str, peer: tuple[str, int]) -> None:
        self.sock.sendto(text.encode(), peer)

    def _response(self, request: str, status: str, peer: tuple[str, int], *,
                  to_tag: str = "", extra: str = "", body: str = "") -> None:
        _, h, _ = _headers(request)
        to = h["to"][0] + (f";tag={to_tag}" if to_tag and "tag=" not in h["to"][0] else "")
        text = (f"SIP/2.0 {status}\r\n" + "".join(f"Via: {v}\r\n" for v in h["via"])
                + f"From: {h['from'][0]}\r\nTo: {to}\r\nCall-ID: {h['call-id'][0]}\r\n"
                f"CSeq: {h['cseq'][0]}\r\n{extra}")
        if body:
            text += "Content-Type: application/sdp\r\n"
        self._send(text + f"Content-Length: {len(body.encode())}\r\n\r\n{body}", peer)

    # -- requests ----------------------------------------------------------------------------

    def _check_common(self, start: str, h: dict[str, list[str]]) -> None:
        method = start.split()[0]
        if not re.fullmatch(r"[A-Z]+ sips?:\S+ SIP/2\.0", start):
            self.errors.append(f"bad request line: {start}")
        for name in ("via", "max-forwards", "from", "to", "call-id", "cseq"):
            if name not in h:
                self.errors.append(f"{method} without {name}")
        if not re.search(r"branch=z9hG4bK", h.get("via", [""])[0]):
            self.errors.append(f"{method} Via without an RFC 3261 branch")
        if "tag=" not in h.get("from", [""])[0]:
            self.errors.append(f"{method} From without a tag")
        if h.get("cseq", ["0 X"])[0].split()[-1] != method:
            self.errors.append(f"{method} CSeq method differs: {h.get('cseq')}")

    def _sip(self, text: str, peer: tuple[str, int]) -> None:
        start, h, body = _headers(text)
        if start.startswith("SIP/2.0"):
            if start.split()[1] != "200" or "BYE" not in h["cseq"][0]:
                self.errors.append(f"unexpected response {start}")
            return
        self._check_common(start, h)
        method = start.split()[0]
        call_id = h["call-id"][0]
        declared = int(h.get("content-length", ["0"])[0])
        if declared != len(body.encode()):
            self.errors.append(f"{method} Content-Length {declared} != {len(body.encode())}")
        if method == "REGISTER":
            if self._challenge(start, h, text, peer):
                self.registered += 1
                self._response(text, "200 OK", peer, to_tag=secrets.token_hex(4),
                               extra=f"Contact: {h['contact'][0]};expires=3600\r\n")
            return
        if method == "INVITE":
            self._invite(start, h, body, text, peer)
        elif method == "ACK":
            self._ack(h, call_id)
        elif method == "CANCEL":
            self._cancel(h, text, peer)
        elif method == "BYE":
            self._bye(h, text, peer)
        else:
            self._response(text, "405 Method Not Allowed", peer)

    def _challenge(self, start: str, h: dict[str, list[str]], text: str,
                   peer: tuple[str, int]) -> bool:
        """True when no password is set or the credentials are right; else answers 401/407."""
        if self.password is None:
            return True
        header = "proxy-authorization" if self.proxy_auth else "authorization"
        if header in h:
            p = dict((k.lower(), a or b) for k, a, b in
                     re.findall(r'(\w+)="?(?:([^",]*)"|([^,\s]*))', h[header][0].split(" ", 1)[1]))
            method, uri = start.split()[0], start.split()[1]
            ha1 = _md5(f"{self.user}:{self.realm}:{self.password}")
            ha2 = _md5(f"{method}:{uri}")
            if p.get("qop") == "auth":
                expected = _md5(f"{ha1}:{p.get('nonce')}:{p.get('nc')}:{p.get('cnonce')}:auth:"
                                f"{ha2}")
            else:
                expected = _md5(f"{ha1}:{p.get('nonce')}:{ha2}")
            if (p.get("nonce") in self._nonces and p.get("uri") == uri
                    and p.get("username") == self.user and p.get("response") == expected):
                return True
            self._response(text, "403 Forbidden", peer, to_tag=secrets.token_hex(4))
            return False
        nonce = secrets.token_hex(16)
        self._nonces.add(nonce)
        name = "Proxy-Authenticate" if self.proxy_auth else "WWW-Authenticate"
        status = "407 Proxy Authentication Required" if self.proxy_auth else "401 Unauthorized"
        self._response(text, status, peer, to_tag=secrets.token_hex(4),
                       extra=f'{name}: Digest realm="{self.realm}", nonce="{nonce}", '
                             f'algorithm=MD5, qop="auth", opaque="op4que"\r\n')
        return False

    def _invite(self, start: str, h: dict[str, list[str]], body: str, text: str,
                peer: tuple[str, int]) -> None:
        call_id = h["call-id"][0]
        number = start.split()[1].split(":", 1)[1].split("@")[0]
        log = self.calls.setdefault(call_id, CallLog(number, self.plans.get(number, "answer")))
        d = self._dialogs.setdefault(call_id, {})
        if d.get("branch") == _branch(h["via"][0]):
            return  # a retransmission: the answers already went out
        log.invites += 1
        if "contact" not in h:
            self.errors.append("INVITE without Contact")
        if "application/sdp" not in h.get("content-type", [""])[0]:
            self.errors.append("INVITE without an SDP offer")
        if not re.search(r"a=rtpmap:0 PCMU/8000", body):
            self.errors.append("offer lacks rtpmap PCMU/8000")
        pt = re.search(r"a=rtpmap:(\d+) telephone-event/8000", body)
        if pt is None:
            self.errors.append("offer lacks telephone-event/8000")
        m = re.search(r"m=audio (\d+) RTP/AVP ([\d ]+)", body)
        c = re.search(r"c=IN IP4 (\S+)", body)
        if m is None or c is None or "0" not in m.group(2).split():
            self.errors.append("offer lacks m=audio with payload type 0 / c=")
            return
        log.offer = body
        if int(h["cseq"][0].split()[0]) <= int(str(d.get("cseq", 0))):
            self.errors.append("INVITE CSeq not increased after the challenge")
        d.update(cseq=int(h["cseq"][0].split()[0]), branch=_branch(h["via"][0]),
                 rtp_to=(c.group(1), int(m.group(1))),
                 event_pt=int(pt.group(1)) if pt else 101, peer=peer, invite=text)
        if not self._challenge(start, h, text, peer):
            d["final"] = "non2xx"
            return
        log.authorized = self.password is not None
        self._response(text, "100 Trying", peer)
        tag = str(d.setdefault("tag", secrets.token_hex(4)))
        plan = log.plan
        if plan == "busy":
            d["final"] = "non2xx"
            self._response(text, "486 Busy Here", peer, to_tag=tag)
            return
        if plan == "unavailable":
            d["final"] = "non2xx"
            self._response(text, "480 Temporarily Unavailable", peer, to_tag=tag)
            return
        self._response(text, "180 Ringing", peer, to_tag=tag)
        if plan == "ring":
            return
        port = self.media.getsockname()[1]
        sdp = (f"v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               f"m=audio {port} RTP/AVP 0 {d['event_pt']}\r\na=rtpmap:0 PCMU/8000\r\n"
               f"a=rtpmap:{d['event_pt']} telephone-event/8000\r\na=sendrecv\r\n")
        d["final"] = "2xx"
        self._response(text, "200 OK", peer, to_tag=tag, body=sdp,
                       extra=f"Contact: <sip:uas@{self.address}>\r\n")

    def _ack(self, h: dict[str, list[str]], call_id: str) -> None:
        d = self._dialogs.get(call_id)
        if d is None:
            self.errors.append("ACK outside any call")
            return
        cseq = int(h["cseq"][0].split()[0])
        if cseq != d["cseq"]:
            self.errors.append(f"ACK CSeq {cseq} != INVITE CSeq {d['cseq']}")
        same_branch = _branch(h["via"][0]) == d["branch"]
        if d.get("final") == "non2xx" and not same_branch:
            self.errors.append("ACK of a non-2xx answer is not in the INVITE transaction")
        if d.get("final") == "2xx":
            if same_branch:
                self.errors.append("ACK of a 2xx reuses the INVITE branch")
            if f"tag={d['tag']}" not in h["to"][0]:
                self.errors.append("ACK of a 2xx lacks our To tag")
            self.calls[call_id].acked = True
            d["answered_at"] = time.monotonic()

    def _cancel(self, h: dict[str, list[str]], text: str, peer: tuple[str, int]) -> None:
        call_id = h["call-id"][0]
        d = self._dialogs.get(call_id)
        if d is None:
            self._response(text, "481 Call/Transaction Does Not Exist", peer)
            return
        if _branch(h["via"][0]) != d["branch"] or int(h["cseq"][0].split()[0]) != d["cseq"]:
            self.errors.append("CANCEL does not match the INVITE (branch/CSeq)")
        self._response(text, "200 OK", peer)
        self.calls[call_id].cancelled = True
        d["final"] = "non2xx"
        self._response(str(d["invite"]), "487 Request Terminated", peer, to_tag=str(d["tag"]))

    def _bye(self, h: dict[str, list[str]], text: str, peer: tuple[str, int]) -> None:
        call_id = h["call-id"][0]
        d = self._dialogs.get(call_id)
        if d is None:
            self._response(text, "481 Call/Transaction Does Not Exist", peer)
            return
        if f"tag={d['tag']}" not in h["to"][0]:
            self.errors.append("BYE outside the dialog (To tag)")
        if int(h["cseq"][0].split()[0]) <= int(str(d["cseq"])):
            self.errors.append("BYE CSeq not above the INVITE's")
        self.calls[call_id].bye = True
        self._response(text, "200 OK", peer)

    # -- media -------------------------------------------------------------------------------

    def _rtp(self, data: bytes, peer: tuple[str, int]) -> None:
        first, second, seq, ts, ssrc = struct.unpack("!BBHII", data[:12])
        if first >> 6 != 2:
            self.errors.append("RTP version is not 2")
            return
        # symmetric RTP (RFC 4961): the call is the one whose offer named this address
        live = [cid for cid, d in self._dialogs.items()
                if d.get("answered_at") and not self.calls[cid].bye and d["rtp_to"] == peer]
        if not live:
            late = [cid for cid, d in self._dialogs.items() if d["rtp_to"] == peer
                    and time.monotonic() - float(str(d.get("bye_sent_at", 0))) < 0.2]
            if not late:  # (a packet in flight while our BYE travels is no fault)
                self.errors.append(f"RTP from {peer} outside an answered call")
            return
        call_id = live[-1]
        log, d = self.calls[call_id], self._dialogs[call_id]
        log.rtp.append(Rtp(time.monotonic(), second & 0x7F, seq, ts, ssrc, data[12:]))
        if len(log.rtp) == self.digit_after and log.plan == "answer":
            self._send_digit(d, self.digit)
            log.digits_sent += self.digit
        if len(log.rtp) == self.digit_after and log.plan == "hangup":
            self._send_bye(call_id, d)

    def _send_digit(self, d: dict[str, object], digit: str) -> None:
        """RFC 4733 §2.5: start with the marker, updates, the end packet three times; a
        PCMU packet in between (what a phone sends too)."""
        event = "0123456789*#ABCD".index(digit)
        ssrc, seq, ts = 0x1234ABCD, 1000, 8000 * 7
        to = d["rtp_to"]
        assert isinstance(to, tuple)
        pt = int(str(d["event_pt"]))
        packets = []
        for n, (end, duration) in enumerate([(False, 160), (False, 320), (False, 480),
                                             (True, 640), (True, 640), (True, 640)]):
            payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, duration)
            packets.append(struct.pack("!BBHII", 0x80, (0x80 if n == 0 else 0) | pt,
                                       seq + n, ts, ssrc) + payload)
        packets.insert(2, struct.pack("!BBHII", 0x80, 0, 999, 0, ssrc) + b"\xff" * 160)
        for packet in packets:
            self.media.sendto(packet, to)

    def _send_bye(self, call_id: str, d: dict[str, object]) -> None:
        _, h, _ = _headers(str(d["invite"]))
        contact = re.search(r"<([^>]+)>", h["contact"][0])
        assert contact is not None
        peer = d["peer"]
        assert isinstance(peer, tuple)
        self.calls[call_id].bye = True  # before it leaves: the test may look right after
        d["bye_sent_at"] = time.monotonic()
        self._send(f"BYE {contact.group(1)} SIP/2.0\r\n"
                   f"Via: SIP/2.0/UDP {self.address};branch=z9hG4bK{secrets.token_hex(6)}\r\n"
                   f"Max-Forwards: 70\r\nFrom: {h['to'][0]};tag={d['tag']}\r\n"
                   f"To: {h['from'][0]}\r\nCall-ID: {call_id}\r\nCSeq: 1 BYE\r\n"
                   "Content-Length: 0\r\n\r\n", peer)

    def _timers(self) -> None:
        pass


def _branch(via: str) -> str:
    match = re.search(r"branch=([^;,\s]+)", via)
    return match.group(1) if match else ""
