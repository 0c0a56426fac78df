"""The pipelined SMTP client against a real SMTP server, with and without PIPELINING."""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import subprocess
import time

import pytest

from drivers.smtp_client import SmtpConnection, SmtpError, SmtpProtocolError, dot_stuff
from tests.conftest import require
from tests.peers.smtp_peer import SmtpPeer, free_port

MESSAGE = (
    b"Subject: test\r\nFrom: a@example.jp\r\nTo: undisclosed-recipients:;\r\n\r\n"
    b".starts with a dot\r\nline\r\n..two dots\r\n"
)


def test_dot_stuffing_and_terminator() -> None:
    assert dot_stuff(b".a\r\nb\r\n.c") == b"..a\r\nb\r\n..c\r\n.\r\n"
    assert dot_stuff(b"x\ny") == b"x\r\ny\r\n.\r\n"  # bare LF becomes CRLF


async def _send(port: int, recipients: list[str]) -> tuple[dict[str, int], int]:
    conn = await SmtpConnection.open("127.0.0.1", port, security="none", ssl_context=None,
                                     timeout=5)
    try:
        result = await conn.send("bousai@example.jp", recipients, MESSAGE)
        return {r: reply.code for r, reply in result.refused.items()}, result.final.code
    finally:
        await conn.quit()
        await conn.wait_closed()


@pytest.mark.parametrize("pipelining", [True, False])
def test_per_recipient_answers_with_and_without_pipelining(pipelining: bool) -> None:
    answers = {"gone@example.jp": "550 5.1.1 no such user", "full@example.jp": "452 4.2.2 full"}
    with SmtpPeer(pipelining=pipelining, rcpt_answers=answers) as peer:
        refused, final = asyncio.run(
            _send(peer.port, ["a@example.jp", "gone@example.jp", "full@example.jp", "b@example.jp"])
        )
    assert refused == {"gone@example.jp": 550, "full@example.jp": 452}
    assert final == 250
    (received,) = peer.received
    assert received.rcpt_tos == ["a@example.jp", "b@example.jp"]
    body = email.message_from_bytes(received.raw, policy=email.policy.default).get_content()
    assert body.startswith(".starts with a dot") and "\n..two dots" in body


@pytest.mark.parametrize("pipelining", [True, False])
def test_every_recipient_refused_sends_no_message(pipelining: bool) -> None:
    with SmtpPeer(pipelining=pipelining, rcpt_answers={"x@example.jp": "550 5.1.1 no"}) as peer:
        refused, final = asyncio.run(_send(peer.port, ["x@example.jp"]))
    assert refused == {"x@example.jp": 550} and final == 554
    assert peer.received == []


def test_message_refused_at_data_raises_with_its_code() -> None:
    with SmtpPeer(data_answer="451 4.3.0 queue full") as peer:
        with pytest.raises(SmtpError) as info:
            asyncio.run(_send(peer.port, ["a@example.jp"]))
    assert info.value.code == 451 and info.value.temporary and info.value.stage == "message"


def test_connection_dropped_after_data_is_a_protocol_error() -> None:
    with SmtpPeer(drop_after_data=True) as peer:
        async def run() -> None:
            conn = await SmtpConnection.open("127.0.0.1", peer.port, security="none",
                                             ssl_context=None, timeout=5)
            try:
                await conn.send("bousai@example.jp", ["a@example.jp"], MESSAGE)
            finally:
                conn.close()
                await conn.wait_closed()

        with pytest.raises(SmtpProtocolError):
            asyncio.run(run())


def test_refused_connection_raises_oserror() -> None:
    async def run() -> None:
        await SmtpConnection.open("127.0.0.1", free_port(), security="none", ssl_context=None,
                                  timeout=2)

    with pytest.raises(OSError):
        asyncio.run(run())


def test_against_postfix_smtp_sink_with_pipelining() -> None:
    """Postfix's own smtp-sink advertises PIPELINING and is strict about command order."""
    binary = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
    require(shutil.which("smtp-sink") is not None or __import__("os").path.exists(binary),
            "Postfix smtp-sink is not installed (apt-get install postfix)")
    port = free_port()
    proc = subprocess.Popen([binary, "-u", "nobody", f"127.0.0.1:{port}", "16"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 5
        while True:
            try:
                refused, final = asyncio.run(
                    _send(port, [f"r{i}@example.jp" for i in range(150)])
                )
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert refused == {} and final == 250
    finally:
        proc.terminate()
        proc.wait()
