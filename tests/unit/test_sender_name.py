"""Issue 7: the sending department's name on every medium that carries a sender name.

A 防災 operator and a 広報 operator each send one message to e-mail, LINE and CAP through real
local peers (SMTP server, spec-validating LINE peer, XSD-validating CAP receiver), on SQLite
and PostgreSQL: each medium shows the department that sent it; a department without a sender
name, and a console without accounts, keep each channel's own name.
"""

from __future__ import annotations

import email.header
import email.policy
import email.utils
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from app.accounts.operators import Role, add_department, add_operator, sign_in
from app.compose.cap import CAP_NS, alert_from_payload, build_cap_xml, render_cap, validate_cap
from app.compose.render import LINE_SENDER_LIMIT, render, render_email, render_line
from app.compose.slack import render_slack
from app.compose.teams import render_teams
from app.config import Config, EmailChannel, LineChannel
from app.domain import Draft, Medium, Severity
from app.service import Issei
from tests.helpers import add_recipients, line_user_id, make_config, with_issei
from tests.peers.line_peer import LinePeer
from tests.peers.smtp_peer import Received, SmtpPeer
from tests.unit.test_cap import CapReceiver

PASSWORD = "correct horse battery"
LINE_TOKEN = "sender-name-line-token"
CAP_TOKEN = "sender-name-cap-token"
CHANNEL_FROM = "〇〇市役所"  # the e-mail channel's from_name
CAP_CHANNEL_NAME = "〇〇市"  # [channels.cap] sender_name
BOUSAI = "防災対策課"
KOHO = "〇〇市 秘書広報課 広聴係"  # a space inside, as in an RFC 2047 trap
NS = {"c": CAP_NS}
DRAFT = Draft(title="避難所開設", body="中央小学校を避難所として開設しました。",
              media=(Medium.EMAIL, Medium.LINE, Medium.CAP), category="disaster",
              areas=("中央地区",))


@pytest.fixture
def peers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SmtpPeer, LinePeer, CapReceiver]]:
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", LINE_TOKEN)
    monkeypatch.setenv("ISSEI_CAP_TOKEN", CAP_TOKEN)
    with SmtpPeer() as smtp, LinePeer(token=LINE_TOKEN) as line, \
            CapReceiver(token=CAP_TOKEN) as cap:
        yield smtp, line, cap


def config_for(tmp_path: Path, db_url: str, smtp: SmtpPeer, line: LinePeer,
               cap: CapReceiver) -> Config:
    config = make_config(
        tmp_path, db_url,
        email=EmailChannel(host="127.0.0.1", port=smtp.port, security="none",
                           from_address="bousai@city.example.jp", from_name=CHANNEL_FROM,
                           timeout=5.0),
        line=LineChannel(base_url=line.base_url, timeout=5.0, requests_per_second=200.0),
    )
    config.channels["cap"] = {"sender": "bousai@city.example.lg.jp",
                              "sender_name": CAP_CHANNEL_NAME, "area_codes": ["282103"],
                              "base_url": cap.url, "timeout": 5.0}
    config.configured_media.add("cap")
    return config


def by_message(received: list[Received]) -> dict[str, Received]:
    return {str(r.message["X-Issei-Message"]): r for r in received}


def raw_from(received: Received) -> bytes:
    head = received.raw.split(b"\r\n\r\n", 1)[0]
    unfolded = head.replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    [line] = [h for h in unfolded.split(b"\r\n") if h.lower().startswith(b"from:")]
    return line


def decoded_display_name(received: Received) -> str:
    """The From display name decoded from the wire bytes with RFC 2047 rules alone."""
    value = raw_from(received).split(b":", 1)[1].decode("ascii").strip()  # 8-bit: fails
    phrase = value.rsplit("<", 1)[0].strip()
    return str(email.header.make_header(email.header.decode_header(phrase)))


def cap_sender_names(document: bytes) -> list[str]:
    root = etree.fromstring(document)
    return [str(n.text) for n in root.findall("c:info/c:senderName", NS)]


def test_each_department_sends_under_its_own_name(
    tmp_path: Path, db_url: str, peers: tuple[SmtpPeer, LinePeer, CapReceiver]
) -> None:
    smtp, line, cap = peers
    config = config_for(tmp_path, db_url, smtp, line, cap)

    async def body(issei: Issei) -> dict[str, str]:
        with issei.sessions.begin() as s:
            add_department(s, "防災", sender_name=BOUSAI)
            add_department(s, "広報", sender_name=KOHO)
            add_department(s, "総務", sender_name="")  # no name: the channels' own
            add_operator(s, "bousai1", PASSWORD, Role.SENDER, department="防災")
            add_operator(s, "koho1", PASSWORD, Role.SENDER, department="広報")
            add_operator(s, "somu1", PASSWORD, Role.SENDER, department="総務")
        add_recipients(issei, ["a@example.jp", "b@example.jp"], [line_user_id(1)])
        ids = {}
        for login in ("bousai1", "koho1", "somu1"):
            signed_in = sign_in(issei.sessions, login, PASSWORD)
            preview = issei.prepare(DRAFT, by_language=True, signed_in=signed_in)
            keystroke = issei.render(DRAFT, signed_in=signed_in)
            # the same name on the keystroke preview (CAP's "sent" is the clock: left out)
            assert [r.payload for r in keystroke if r.medium is not Medium.CAP] == [
                r.payload for r in preview.renditions if r.medium is not Medium.CAP]
            ids[login] = issei.send(DRAFT, signed_in=signed_in)
            await issei.engine.run(until_idle=True)
            counts = issei.counts(ids[login])
            assert {m: (c.sent, c.failed) for m, c in counts.items()} == {
                "email": (2, 0), "line": (1, 0), "cap": (1, 0)}
            # the preview is exactly what went out
            email_payload = next(r for r in preview.renditions if r.medium is Medium.EMAIL)
            assert email_payload.payload.get("from_name", "") == signed_in.sender_name
        # a correction goes out under the name of the department that sends it
        ids["correction"] = issei.correct(ids["somu1"], "北小学校に変更します。",
                                          signed_in=sign_in(issei.sessions, "koho1", PASSWORD))
        await issei.engine.run(until_idle=True)
        assert issei.counts(ids["correction"])["line"].sent == 1
        return ids

    ids = with_issei(config, body)

    mails = by_message(smtp.received)
    assert decoded_display_name(mails[ids["bousai1"]]) == BOUSAI
    assert decoded_display_name(mails[ids["koho1"]]) == KOHO
    assert decoded_display_name(mails[ids["somu1"]]) == CHANNEL_FROM
    assert mails[ids["bousai1"]].message["From"].addresses[0].display_name == BOUSAI
    assert mails[ids["koho1"]].message["From"].addresses[0].addr_spec == "bousai@city.example.jp"
    assert b"=?utf-8?" in raw_from(mails[ids["koho1"]])

    line.assert_clean()  # every request valid against the Messaging API OpenAPI
    senders = [r.messages[0].get("sender") for r in line.accepted]
    assert senders == [{"name": BOUSAI}, {"name": KOHO}, None, {"name": KOHO}]
    assert decoded_display_name(mails[ids["correction"]]) == KOHO

    assert [problems for _, _, problems in cap.received] == [[], [], [], []]
    assert [cap_sender_names(raw) for _, raw, _ in cap.received] == [
        [BOUSAI], [KOHO], [CAP_CHANNEL_NAME], [KOHO]]


def test_without_accounts_nothing_changes(
    tmp_path: Path, peers: tuple[SmtpPeer, LinePeer, CapReceiver]
) -> None:
    smtp, line, cap = peers
    config = config_for(tmp_path, f"sqlite:///{tmp_path}/n.db", smtp, line, cap)
    # a name put on the draft by the caller is not trusted: the core decides from sign-in
    spoofed = replace(DRAFT, sender_name="偽の課")

    async def body(issei: Issei) -> None:
        add_recipients(issei, ["a@example.jp"], [line_user_id(2)])
        prepared = issei.prepare(DRAFT)
        assert [r.payload.get("from_name") for r in prepared.renditions
                if r.medium is Medium.EMAIL] == [None]
        message_id = issei.send(spoofed)
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["email"].sent == 1

    with_issei(config, body)
    [mail] = smtp.received
    assert decoded_display_name(mail) == CHANNEL_FROM
    line.assert_clean()
    [request] = line.accepted
    assert "sender" not in request.messages[0]
    [(_, raw, problems)] = cap.received
    assert problems == [] and cap_sender_names(raw) == [CAP_CHANNEL_NAME]


# --- renderers --------------------------------------------------------------------------------


def test_line_sender_name_follows_the_spec_limits() -> None:
    ok = render_line(replace(DRAFT, sender_name="あ" * LINE_SENDER_LIMIT), "ja")
    assert ok.payload["messages"][0]["sender"] == {"name": "あ" * LINE_SENDER_LIMIT}
    assert ok.findings == []

    long = render_line(replace(DRAFT, sender_name="あ" * (LINE_SENDER_LIMIT + 1)), "ja")
    assert "sender" not in long.payload["messages"][0]
    [finding] = long.findings
    assert finding.severity is Severity.WARNING and finding.code == "sender_long"
    assert "21文字" in finding.message and "公式アカウント名" in finding.message

    forbidden = render_line(replace(DRAFT, sender_name="防災Line係"), "ja")
    assert "sender" not in forbidden.payload["messages"][0]
    [finding] = forbidden.findings
    assert finding.code == "sender_forbidden" and "LINE" in finding.message
    assert not forbidden.has_errors  # the message still goes, under the account's name
    wide = render_line(replace(DRAFT, sender_name="ＬＩＮＥ防災"), "ja")
    assert "sender" not in wide.payload["messages"][0]


def test_email_and_cap_renditions_carry_the_name() -> None:
    draft = replace(DRAFT, sender_name="  防災対策課\n")
    assert render_email(draft, "ja").payload["from_name"] == BOUSAI
    assert "from_name" not in render_email(DRAFT, "ja").payload
    rendition = render_cap(draft, "ja")
    assert rendition.payload["senderName"] == BOUSAI and not rendition.has_errors
    alert = alert_from_payload(rendition.payload, identifier="urn:uuid:1", sender="a@b.jp",
                               sender_name=CAP_CHANNEL_NAME)
    document = build_cap_xml(alert)
    assert validate_cap(document) == [] and cap_sender_names(document) == [BOUSAI]
    assert "senderName" not in render_cap(DRAFT, "ja").payload


def test_translated_renditions_keep_the_name() -> None:
    from app.translation.compose import MultilingualDraft, Origin, TextTranslation

    draft = MultilingualDraft(
        title=DRAFT.title, body=DRAFT.body, media=(Medium.EMAIL,), languages=("ja", "en"),
        sender_name=BOUSAI,
        translations=(TextTranslation(language="en", title="Shelter open", body="Open now.",
                                      source_title=DRAFT.title, source_body=DRAFT.body,
                                      origin=Origin.MANUAL, reviewed=True, reviewed_by="t"),),
    )
    english = render(draft, Medium.EMAIL, "en")
    assert english.payload["from_name"] == BOUSAI and not english.has_errors


def test_teams_and_slack_show_the_department() -> None:
    draft = replace(DRAFT, sender_name="防災<対策>課")
    facts = render_teams(draft, "ja").payload["attachments"][0]["content"]["body"][2]["facts"]
    assert facts[0] == {"title": "発信", "value": "防災<対策>課"}
    assert [f["title"] for f in render_teams(DRAFT, "ja").payload["attachments"][0]
            ["content"]["body"][2]["facts"]] == ["配信区分", "緊急度"]
    context = render_slack(draft, "ja").payload["blocks"][-1]["elements"][0]["text"]
    assert context.startswith("発信: 防災&lt;対策&gt;課・配信区分: ")
    plain = render_slack(DRAFT, "ja").payload["blocks"][-1]["elements"][0]["text"]
    assert plain.startswith("配信区分: ")


@pytest.mark.parametrize("name", [
    BOUSAI,
    "〇〇市 危機管理部 防災対策課 災害対策本部 事務局 情報班 広報担当 第二係 臨時",
    "Bousai-ka, City of X",  # ASCII with a comma: quoted, not encoded
])
def test_from_display_name_survives_folding(name: str) -> None:
    from app.dispatch.driver import BatchJob
    from drivers.email_smtp import EmailDriver, EmailSettings

    channel = EmailChannel(host="127.0.0.1", port=1, from_address="bousai@city.example.jp",
                           from_name=CHANNEL_FROM)
    driver = EmailDriver(EmailSettings.from_channel(channel, None))
    job = BatchJob(message_id="m", medium=Medium.EMAIL, targets=(), idempotency_key="k",
                   payload=render_email(replace(DRAFT, sender_name=name), "ja").payload,
                   attempt=1, training=False)
    raw = driver._build(job)
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and all(len(line) <= 78 for line in head.split(b"\r\n"))
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    decoded = str(email.header.make_header(email.header.decode_header(parsed["From"])))
    assert decoded.replace('"', "") == f"{name} <bousai@city.example.jp>"
    assert email.utils.parseaddr(str(parsed["From"]))[1] == "bousai@city.example.jp"


def test_cli_operator_sends_under_the_department_name(tmp_path: Path) -> None:
    """``--operator`` on the CLI goes through the same core decision as the console."""
    import json
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "widgets.launcher", "--data-dir", str(tmp_path), *args],
            cwd=root, capture_output=True, text=True, timeout=120,
            env={**os.environ, "PYTHONPATH": str(root), **env})

    assert run("departments", "add", "防災", "--sender-name", BOUSAI).returncode == 0
    assert run("operators", "add", "bousai1", "--role", "配信者", "--department", "防災",
               ISSEI_NEW_OPERATOR_PASSWORD=PASSWORD).returncode == 0
    sent = run("--operator", "bousai1", "send", "--title", "避難所開設", "--body", "開設しました",
               "--media", "line", "--area", "中央地区", "--wait", "--json",
               ISSEI_OPERATOR_PASSWORD=PASSWORD)
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["media"]["line"]["sent"] > 0
    records = [json.loads(x) for x in
               (tmp_path / "drill" / "line.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all(r["body"]["messages"][0]["sender"] == {"name": BOUSAI}
                           for r in records)
