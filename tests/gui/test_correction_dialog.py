"""訂正・取消 from the history tab: before/after per medium and language, a deliberate 本番
click, the monitor following the follow-up, and the follow-up reaching exactly those who
received the original (each in their language) through a real SMTP server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from app.config import load_config
from app.db.models import Recipient
from app.domain import Medium
from app.translation.compose import MultilingualDraft, Origin, TextTranslation
from tests.gui.helpers import eventually, run_console_script
from tests.peers.smtp_peer import SmtpPeer
from widgets.app import ConsoleRuntime
from widgets.correction_dialog import CorrectionDialog
from widgets.main_window import COMPOSE_TAB, HISTORY_TAB, MainWindow

TITLE, BODY = "避難所開設", "北小学校を開設しました。"
EN_TITLE, EN_BODY = "Shelter open", "Kita Elementary School is open."
ORIGINAL = MultilingualDraft(
    title=TITLE, body=BODY, media=(Medium.EMAIL,), languages=("ja", "en"),
    translations=(TextTranslation("en", EN_TITLE, EN_BODY, TITLE, BODY, Origin.MANUAL,
                                  reviewed=True, reviewed_by="tester"),),
)


def _subjects(peer: SmtpPeer) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for received in peer.received:
        for rcpt in received.rcpt_tos:
            out.setdefault(rcpt, []).append(str(received.message["Subject"]))
    return out


def test_correct_and_cancel_from_the_history(qapp: QApplication, tmp_path: Path) -> None:
    seen: dict[str, object] = {}
    with SmtpPeer() as peer:
        config_file = tmp_path / "issei.toml"
        config_file.write_text(
            "[app]\ntraining = false\n\n[channels.email]\n"
            f'host = "127.0.0.1"\nport = {peer.port}\nsecurity = "none"\n', encoding="utf-8")
        config = load_config(config_file, tmp_path / "data")

        async def script(runtime: ConsoleRuntime, window: MainWindow) -> int:
            issei = window.bridge.issei
            with issei.sessions.begin() as s:
                s.execute(insert(Recipient), [
                    {"name": "一", "email": "a@example.jp", "language": "ja", "area": "北"},
                    {"name": "B", "email": "b@example.jp", "language": "en", "area": "北"},
                    {"name": "三", "email": "c@example.jp", "language": "ja", "area": "北"},
                ])
            original = issei.send(ORIGINAL, operator="tester")
            await eventually(lambda: issei.counts(original)["email"].sent == 3)
            with issei.sessions.begin() as s:  # registered after the original: not told
                s.add(Recipient(name="四", email="new@example.jp", language="ja", area="北"))
            peer.received.clear()

            window.tabs.setCurrentIndex(HISTORY_TAB)
            history = window.history
            history.model.reload()
            await eventually(lambda: history.select_message(original))
            assert history.correct_button.isEnabled()
            history.correct_button.click()
            dialog = window.correction_dialog
            assert isinstance(dialog, CorrectionDialog)
            await eventually(lambda: dialog.prepare_count >= 1)
            # 本番 is unmistakable, and Enter lands on キャンセル.
            assert "本番" in dialog.mode_label.text() and "本番" in dialog.windowTitle()
            assert dialog.send_button.text() == "本番として訂正を配信する"
            assert not dialog.send_button.isDefault() and not dialog.cancel_button.isDefault()
            assert "メール 3件（日本語 2・英語 1）" in dialog.audience_label.text()

            dialog.body_edit.setPlainText("南小学校を開設しました。")
            assert not dialog.send_button.isEnabled()  # the shown rendering is stale now
            await eventually(lambda: dialog.send_button.isEnabled())
            # Without an English correction the English reader gets Japanese, and is warned.
            assert "英語の訂正文がないため" in dialog.findings_label.text()
            _title, english_body = dialog.translation_edits["en"]
            english_body.setPlainText("Minami Elementary School is open.")
            await eventually(lambda: dialog.send_button.isEnabled()
                             and not dialog.findings_label.isVisible())
            dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("en"))
            before = dialog.before_view.toPlainText()
            after = dialog.after_view.toPlainText()
            assert EN_BODY in before and "Minami" not in before
            assert after.startswith("[CORRECTION] Shelter open")
            assert after.index("Minami") < after.index("Before the correction") < after.index(
                "Kita Elementary")

            sent: list[str] = []
            dialog.sent.connect(lambda message_id, _title: sent.append(message_id))
            # Enter (e.g. confirming IME input in the title) neither sends nor closes.
            dialog.title_edit.setFocus()
            QTest.keyClick(dialog.title_edit, Qt.Key.Key_Return)
            await asyncio.sleep(0.2)
            assert dialog.isVisible() and not sent
            dialog.send_button.click()
            await eventually(lambda: bool(sent))
            correction = sent[0]
            await eventually(lambda: window.monitor.message_id == correction)
            assert window.tabs.currentIndex() == COMPOSE_TAB  # watched in the monitor
            await eventually(lambda: window.monitor.done, timeout=30)
            seen["correction_counts"] = window.monitor.progress_model.counts()["email"]
            seen["monitor_title"] = window.monitor.title_label.text()
            seen["corrected"] = _subjects(peer)
            peer.received.clear()

            # 取消 of the same original, with a reason.
            window.tabs.setCurrentIndex(HISTORY_TAB)
            await eventually(lambda: history.select_message(original))
            history.cancel_message_button.click()
            cancel = window.correction_dialog
            assert isinstance(cancel, CorrectionDialog) and cancel is not dialog
            cancel.reason_edit.setText("誤って配信したため")
            await eventually(lambda: cancel.send_button.isEnabled()
                             and "誤って配信したため" in cancel.after_view.toPlainText())
            assert cancel.send_button.text() == "本番として取消を配信する"
            cancel_ids: list[str] = []
            cancel.sent.connect(lambda message_id, _title: cancel_ids.append(message_id))
            cancel.send_button.click()
            await eventually(lambda: bool(cancel_ids))
            await eventually(lambda: window.monitor.message_id == cancel_ids[0]
                             and window.monitor.done, timeout=30)
            seen["cancelled"] = _subjects(peer)
            # The follow-ups themselves cannot be corrected: only the original can.
            window.tabs.setCurrentIndex(HISTORY_TAB)
            history.model.reload()
            await eventually(lambda: history.select_message(correction))
            seen["follow_up_buttons"] = (history.correct_button.isEnabled(),
                                         history.cancel_message_button.isEnabled())
            assert runtime.reporter is not None and runtime.reporter.count == 0
            return 0

        run_console_script(qapp, config, script)
    counts = seen["correction_counts"]
    assert (counts.total, counts.sent, counts.failed) == (3, 3, 0)  # type: ignore[attr-defined]
    assert str(seen["monitor_title"]).startswith("【本番】【訂正】")
    assert seen["corrected"] == {
        "a@example.jp": ["【訂正】避難所開設"],
        "b@example.jp": ["[CORRECTION] Shelter open"],
        "c@example.jp": ["【訂正】避難所開設"],
    }
    assert seen["cancelled"] == {
        "a@example.jp": ["【取消】避難所開設"],
        "b@example.jp": ["[CANCELLATION] Shelter open"],
        "c@example.jp": ["【取消】避難所開設"],
    }
    assert seen["follow_up_buttons"] == (False, False)
