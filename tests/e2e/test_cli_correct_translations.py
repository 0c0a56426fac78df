"""``issei correct --translation LANG=FILE`` as a real subprocess: the English correction
reaches the residents who received English, the warning the console shows (who will get
Japanese) is printed and in the JSON, and unusable files are refused before anything is sent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert

from app.cli import read_translations
from app.config import load_config
from app.db.models import Recipient
from app.domain import Medium
from app.service import Issei
from app.translation.compose import MultilingualDraft, Origin, TextTranslation
from tests.e2e.test_cli import issei
from tests.helpers import with_issei

TITLE, BODY = "給水所", "北公園で給水します。"
EN_TITLE, EN_BODY = "Water station", "Water is available at Kita Park."
EASY_TITLE, EASY_BODY = "みずを くばります", "きた こうえんで みずを くばります。"


def _reviewed(language: str, title: str, body: str) -> TextTranslation:
    return TextTranslation(language, title, body, TITLE, BODY, Origin.MANUAL, reviewed=True,
                           reviewed_by="tester")


def _send_original(data_dir: Path) -> str:
    """The original in Japanese, English and やさしい日本語, delivered (drill) in-process to
    residents of each language, in the same data folder the CLI then opens."""
    config = load_config(None, data_dir)

    async def body(app: Issei) -> str:
        with app.sessions.begin() as s:
            s.execute(insert(Recipient), [
                {"name": "山田", "email": "ja@example.jp", "language": "ja"},
                {"name": "Smith", "email": "en@example.jp", "language": "en"},
                {"name": "グエン", "email": "easy@example.jp", "language": "ja-easy"},
            ])
        message_id = app.send(MultilingualDraft(
            title=TITLE, body=BODY, media=(Medium.EMAIL,), languages=("ja", "en", "ja-easy"),
            translations=(_reviewed("en", EN_TITLE, EN_BODY),
                          _reviewed("ja-easy", EASY_TITLE, EASY_BODY)),
        ))
        await app.engine.run(until_idle=True)
        assert app.counts(message_id)["email"].sent == 3
        return message_id

    return with_issei(config, body)


def _mails(data_dir: Path) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for line in (data_dir / "drill" / "email.jsonl").read_text(encoding="utf-8").splitlines():
        mail = json.loads(line)
        for rcpt in mail["rcpt_tos"]:
            out.setdefault(rcpt, []).append(mail)
    return out


def _followed_by(data_dir: Path, message_id: str) -> list[dict[str, str]]:
    async def body(app: Issei) -> list[dict[str, str]]:
        return list(app.message_links(message_id).get("followed_by", []))

    return with_issei(load_config(None, data_dir), body)


def test_correct_carries_a_translation_and_warns_who_gets_japanese(tmp_path: Path) -> None:
    data = tmp_path / "data"
    original = _send_original(data)
    correct = ("--data-dir", str(data), "correct", original, "--body", "南公園で給水します。")

    # unusable translations are refused before anything is queued
    korean = tmp_path / "ko.txt"
    korean.write_text("급수\n남공원에서 급수합니다.\n", encoding="utf-8")
    result = issei(*correct, "--translation", f"ko={korean}")
    assert result.returncode == 2
    assert "もとの配信は韓国語（ko）で送っていないため、韓国語の訂正文は使えません" in result.stderr
    sjis = tmp_path / "sjis.txt"
    sjis.write_bytes("Water\n南公園".encode("cp932"))
    result = issei(*correct, "--translation", f"en={sjis}", "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout) == {
        "error": f"英語の訂正文のファイルは UTF-8 で保存してください: {sjis}"}
    assert _followed_by(data, original) == []

    # without translations: the operator at a terminal reads who will get Japanese
    result = issei(*correct, "--wait")
    assert result.returncode == 0, result.stderr
    assert "注意: 英語の訂正文がないため、英語で受け取った人にも日本語で届きます" in result.stderr
    assert "注意: やさしい日本語の訂正文がないため" in result.stderr
    assert "（訂正） 配信ID" in result.stdout

    # with the English file: English residents get it; やさしい日本語 is still warned about
    english = tmp_path / "en.txt"
    english.write_text("\nWater is available at Minami Park.\n", encoding="utf-8")
    result = issei(*correct, "--translation", f"en={english}", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    corrected = json.loads(result.stdout)
    assert corrected["kind"] == "correction" and corrected["correction_of"] == original
    assert corrected["media"]["email"]["sent"] == 3
    assert corrected["warnings"] == [{
        "code": "translation_missing", "medium": None, "language": None,
        "message": "やさしい日本語の訂正文がないため、"
                   "やさしい日本語で受け取った人にも日本語で届きます",
    }]
    assert len(_followed_by(data, original)) == 2
    mails = _mails(data)
    first, second = (m for m in mails["en@example.jp"] if "CORRECTION" in m["subject"]
                     or "訂正" in m["subject"])
    assert first["subject"].startswith("【訓練】【訂正】給水所")  # Japanese: no English text
    assert second["subject"] == "[DRILL] [CORRECTION] Water station"  # the original's title
    assert "Water is available at Minami Park." in second["body"]
    assert "南公園" not in second["body"]
    easy = [m for m in mails["easy@example.jp"] if "訂正" in m["subject"]]
    assert len(easy) == 2 and all("南公園で給水します。" in m["body"] for m in easy)


@pytest.mark.parametrize(("spec", "content", "message"), [
    ("en", None, "--translation は「言語コード=ファイル」の形で指定してください（en）"),
    ("xx={f}", "t\nb", "言語コード「xx」は扱えません"),
    ("ja={f}", "t\nb", "日本語の訂正文は --body で指定してください"),
    ("en={f}", "Title only\n\n", "英語の訂正文（{f}）に本文がありません"),
    ("en={f}.missing", None, "英語の訂正文のファイルが見つかりません: {f}.missing"),
])
def test_translation_options_are_checked(tmp_path: Path, spec: str, content: str | None,
                                         message: str) -> None:
    path = tmp_path / "t.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        read_translations([spec.format(f=path)])
    assert message.format(f=path) in str(raised.value)


def test_translation_files_are_read_as_title_and_body(tmp_path: Path) -> None:
    en, easy = tmp_path / "en.txt", tmp_path / "easy.txt"
    en.write_bytes("\ufeffWater\r\nLine one.\r\nLine two.\r\n".encode())  # Notepad: BOM, CRLF
    easy.write_text("\nみなみ こうえんで くばります。", encoding="utf-8")
    assert read_translations([f"en={en}", f"ja-easy={easy}"]) == {
        "en": ("Water", "Line one.\nLine two."),
        "ja-easy": ("", "みなみ こうえんで くばります。"),
    }
    with pytest.raises(ValueError, match="英語（en）の訂正文が2回指定されています"):
        read_translations([f"en={en}", f"en={en}"])
