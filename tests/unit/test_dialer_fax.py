"""FAX: the A4 page in a large Japanese font, sent through an e-mail-to-FAX gateway (a real
SMTP server here), retries for "try later", results in the ledger; the drill in training."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Delivery, Message
from app.db.session import make_engine, session_factory, upgrade
from app.voice.fax import BODY_PX, HEIGHT, WIDTH, FaxPageError, _font, find_font, render, wrap
from drivers.dialer.fax import EmailFaxGateway, send_faxes
from tests.conftest import require
from tests.peers.smtp_peer import SmtpPeer
from tests.unit.test_radio_cli import run

BODY = ("土砂災害の危険が高まっています。直ちに近くの避難所へ避難してください。"
        "避難所：市立第一小学校、市民会館。")


@pytest.fixture(scope="module")
def font() -> Path:
    try:
        return find_font()
    except FaxPageError:
        require(False, "no Japanese font (fonts-noto-cjk, .ci/apt/core.txt)")
        raise


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def test_page_is_a4_fine_black_and_white_with_large_text(font: Path) -> None:
    document = render("【避難指示】全域", BODY, sender="防災対策課")
    assert len(document.pages) == 1
    page = document.pages[0]
    assert page.size == (WIDTH, HEIGHT) and page.mode == "1"
    ink_rows = np.flatnonzero(~np.asarray(page).all(axis=1))  # rows with a black dot
    assert ink_rows[0] < 250 and ink_rows[-1] > HEIGHT - 200  # title at the top, footer below
    tiff = Image.open(io.BytesIO(document.tiff_g3()))
    assert tiff.info["compression"] == "group3" and tiff.size == (WIDTH, HEIGHT)
    assert document.pdf().startswith(b"%PDF")
    long = render("お知らせ", BODY * 12)
    assert len(long.pages) >= 2


def test_wrapping_keeps_punctuation_off_the_line_start(font: Path) -> None:
    lines = wrap(BODY * 3, _font(font, BODY_PX), 1500)
    assert len(lines) > 3 and "".join(lines) == BODY * 3
    assert not any(line[:1] in "、。：）」" for line in lines)


def test_email_gateway_sends_and_records(sessions: sessionmaker[Session]) -> None:
    with SmtpPeer(rcpt_answers={"0300000000@fax.example.jp": "550 5.1.1 no such fax",
                                "0311110000@fax.example.jp": "451 4.3.0 line busy"}) as peer:
        gateway = EmailFaxGateway("127.0.0.1", peer.port, "bousai@town.example.jp",
                                  "{number}@fax.example.jp")
        _, records = asyncio.run(send_faxes(
            gateway, [(None, "0322220000"), (None, "0300000000"), (None, "0311110000")],
            title="【避難指示】全域", text=BODY, pdf=b"%PDF-1.4 test", pages=1,
            sessions=sessions, max_attempts=2, retry_delay=0.0))
    assert [r.as_json()["outcome"] for r in records] == ["sent", "failed", "failed"]
    assert [r.attempts for r in records] == [1, 1, 2]  # 550 is final, 451 is retried
    mail = peer.received[0].message
    assert peer.received[0].rcpt_tos == ["0322220000@fax.example.jp"]
    assert mail["Subject"] == "【避難指示】全域"
    attachment = next(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"
    with sessions() as session:
        assert session.scalars(select(Message.media)).one() == ["fax"]
        rows = {d.target: d for d in session.scalars(select(Delivery))}
    assert rows["0322220000"].state == "sent" and rows["0322220000"].provider_ref
    assert rows["0300000000"].state == "failed"
    assert "550" in (rows["0300000000"].last_error or "")
    assert rows["0311110000"].attempts == 2


def test_gateway_down_is_a_temporary_failure(sessions: sessionmaker[Session]) -> None:
    from tests.peers.smtp_peer import free_port

    gateway = EmailFaxGateway("127.0.0.1", free_port(), timeout=2)
    result = gateway.send("0311110000", "t", b"%PDF")
    assert not result.sent and result.temporary and "接続できません" in result.error


def test_fax_cli_in_training_goes_to_the_drill_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], font: Path) -> None:
    data = tmp_path / "data"
    code, out, _ = run(capsys, "--data-dir", str(data), "fax", "--to", "03-1111-0000",
                       "--title", "【避難指示】全域", "--text", BODY, "--json")
    assert code == 0
    result = json.loads(out)
    assert result["faxes"] == [{"number": "0311110000", "outcome": "sent", "attempts": 1}]
    assert (data / "drill" / "fax" / "fax-0311110000.pdf").read_bytes().startswith(b"%PDF")
