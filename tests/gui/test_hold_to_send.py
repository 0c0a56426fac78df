"""The confirmation's last step as the approval policy asks for it: a hold-to-send (mouse or
Space, never Enter; letting go early sends nothing), or a plain statement that the send will
wait for a second operator; and who receives which language."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import func, insert, select

from app.accounts.operators import Role, add_operator
from app.db.models import Message, Recipient
from app.domain import Medium, Urgency
from widgets.confirm_dialog import HOLD_MS, ConfirmDialog, HoldButton
from widgets.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def _confirm(qtbot: QtBot, window: MainWindow, title: str, *, areas: str = "北地区",
             urgency: Urgency = Urgency.NORMAL,
             media: tuple[Medium, ...] = (Medium.EMAIL, Medium.LINE)) -> ConfirmDialog:
    before = window.confirm_dialog
    window.composer.fill(title=title, body="北公園に給水車を配置しました", areas=areas,
                         urgency=urgency, media=media)
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and window.last_prepared.draft.title == title
                    and window.last_prepared.draft.areas == tuple(a for a in [areas] if a),
                    timeout=5000)
    window.open_confirmation()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None
                    and window.confirm_dialog is not before, timeout=5000)
    dialog = window.confirm_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def _messages(window: MainWindow) -> int:
    with window.bridge.issei.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Message)) or 0)


def test_hold_to_send_with_the_mouse(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _confirm(qtbot, window, "給水車の配置")
    assert dialog.prepared.approval == "hold"
    assert dialog.prepared.approval_rule == "通常のお知らせ"
    button = dialog.send_button
    assert isinstance(button, HoldButton)
    assert button.text() == "訓練：押し続けて送信（1.5秒）"
    assert "「通常のお知らせ」" in dialog.approval_label.text()
    assert "1.5秒押し続ける" in dialog.approval_label.text()
    assert "操作員が登録されていない" not in dialog.approval_label.text()

    # A click is not a hold: nothing is sent, and the dialog says why.
    qtbot.mouseClick(button, LEFT)
    qtbot.wait(200)
    assert dialog.isVisible() and _messages(window) == 0
    assert "途中で離したため送信していません" in dialog.hold_hint.text()

    # Pressed for a while, the fill grows; letting go early empties it and sends nothing.
    qtbot.mousePress(button, LEFT)
    qtbot.waitUntil(lambda: button.progress > 0.3, timeout=3000)
    assert button.progress < 1.0 and not button.fired
    assert dialog.hold_hint.text() == "そのまま押し続けてください…"
    qtbot.mouseRelease(button, LEFT)
    assert button.progress == 0.0 and not button.fired
    # Dragging off the button while pressed cancels too.
    qtbot.mousePress(button, LEFT)
    qtbot.waitUntil(lambda: button.progress > 0.1, timeout=3000)
    qtbot.mouseMove(button, QPoint(button.width() + 40, button.height() // 2))
    qtbot.waitUntil(lambda: button.progress == 0.0, timeout=1000)
    qtbot.mouseRelease(button, LEFT, pos=QPoint(button.width() + 40, button.height() // 2))
    qtbot.wait(HOLD_MS + 200)  # longer than a hold: the early release really cancelled it
    assert dialog.isVisible() and _messages(window) == 0

    # Held for the whole time: sent, once.
    started = time.monotonic()
    qtbot.mousePress(button, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=HOLD_MS + 5000)
    held_for = time.monotonic() - started
    qtbot.mouseRelease(button, LEFT)
    assert held_for >= HOLD_MS / 1000 - 0.05
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: window.monitor.message_id is not None, timeout=5000)
    qtbot.wait(100)
    assert _messages(window) == 1


def test_hold_space_on_the_focused_button_and_never_enter(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _confirm(qtbot, window, "ごみ収集日の変更")
    button = dialog.send_button
    assert isinstance(button, HoldButton)
    dialog.activateWindow()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=3000)
    # Enter on the focused send button lands on キャンセル (it confirms IME input).
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    qtbot.wait(200)
    assert _messages(window) == 0

    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    dialog = _confirm(qtbot, window, "ごみ収集日の変更（再）")
    button = dialog.send_button
    assert isinstance(button, HoldButton)
    dialog.activateWindow()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus, timeout=3000)
    # Space let go early: nothing. (The key's auto-repeat, as X11 and Windows send it while
    # a key is held, is not a release.)
    qtbot.keyPress(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: button.progress > 0.1, timeout=3000)
    for kind in (QEvent.Type.KeyRelease, QEvent.Type.KeyPress):
        QApplication.sendEvent(button, QKeyEvent(kind, Qt.Key.Key_Space,
                                                 Qt.KeyboardModifier.NoModifier, " ", True))
    qtbot.waitUntil(lambda: button.progress > 0.3, timeout=3000)
    assert button.isDown() and dialog.isVisible()
    qtbot.keyRelease(button, Qt.Key.Key_Space)
    assert button.progress == 0.0 and dialog.isVisible()
    qtbot.wait(HOLD_MS // 2)
    assert dialog.isVisible() and _messages(window) == 0
    # Space held: sent.
    qtbot.keyPress(button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=HOLD_MS + 5000)
    qtbot.keyRelease(button, Qt.Key.Key_Space)
    assert dialog.result() == QDialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: window.monitor.message_id is not None, timeout=5000)
    assert _messages(window) == 1


def test_second_operator_rule_says_it_will_wait_for_approval(
    qtbot: QtBot, window: MainWindow
) -> None:
    # No accounts yet: the town-wide rule wants a second operator, but nobody could approve;
    # the dialog says so and asks for the hold instead (the core does not hold the send).
    dialog = _confirm(qtbot, window, "全域への周知", areas="")
    assert dialog.prepared.approval_rule == "全住民あて"
    assert isinstance(dialog.send_button, HoldButton)
    assert "操作員が登録されていない" in dialog.approval_label.text()
    assert "「全住民あて」" in dialog.approval_label.text()
    dialog.reject()

    with window.bridge.issei.sessions.begin() as s:
        add_operator(s, "sato", "correct horse battery", Role.SENDER)
    for title, areas, urgency, rule in (
        ("全域への周知（承認）", "", Urgency.NORMAL, "全住民あて"),
        ("避難指示", "北地区", Urgency.EMERGENCY, "緊急（避難指示など）"),
    ):
        dialog = _confirm(qtbot, window, title, areas=areas, urgency=urgency)
        assert dialog.prepared.approval == "second"
        button = dialog.send_button
        assert isinstance(button, QPushButton) and not isinstance(button, HoldButton)
        assert button.text() == "訓練：承認を依頼する（承認待ちになります）"
        assert not button.isDefault() and dialog.cancel_button.isDefault()
        text = dialog.approval_label.text()
        assert f"承認の規則「{rule}」" in text
        assert "この配信は承認待ちになります" in text
        assert "別の承認者" in text
        assert not dialog.hold_hint.isVisibleTo(dialog)
        dialog.reject()
    assert _messages(window) == 0


def test_counts_per_language_and_the_japanese_fallback_warning(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Our own district: 5 residents at 4 addresses (a family shares one, in the first
    # resident's English); one reads Vietnamese, which the message does not carry.
    residents = [("a@example.jp", "ja", "Uaaaa"), ("b@example.jp", "en", None),
                 ("fam@example.jp", "en", "Ubbbb"), ("FAM@example.jp", "ja", None),
                 ("v@example.jp", "vi", "Ucccc")]
    with window.bridge.issei.sessions.begin() as s:
        s.execute(insert(Recipient), [
            {"name": f"住民{i}", "email": e, "language": lang, "area": "言語地区",
             "line_user_id": line}
            for i, (e, lang, line) in enumerate(residents)
        ])
    dialog = _confirm(qtbot, window, "言語別の件数", areas="言語地区")
    prepared = dialog.prepared
    assert prepared.languages[Medium.EMAIL] == {"ja": 4}
    assert prepared.unserved[Medium.EMAIL] == {"en": 2, "vi": 1}
    assert prepared.languages[Medium.LINE] == {"ja": 3}
    assert dialog.count_labels["email"].text() == "4 件"
    assert dialog.language_labels["email"].text() == "（日本語 4）"
    assert dialog.language_labels["line"].text() == "（日本語 3）"
    email = dialog.finding_labels["email"].text()
    assert email.startswith("⚠")
    assert "登録言語の文面がない 3 件（英語 2・ベトナム語 1）には日本語で届きます" in email
    assert "登録言語の文面がない 2 件（英語 1・ベトナム語 1）" in dialog.finding_labels[
        "line"].text()
    dialog.reject()

    # With English in the message, English readers get it; only Vietnamese falls back.
    window.composer.set_languages(["ja", "en"])
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and window.last_prepared.draft.languages == ("ja", "en"), timeout=5000)
    before = dialog
    window.open_confirmation()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None
                    and window.confirm_dialog is not before, timeout=5000)
    dialog = window.confirm_dialog
    assert dialog is not None
    assert dialog.language_labels["email"].text() == "（日本語 2・英語 2）"
    assert "登録言語の文面がない 1 件（ベトナム語 1）" in dialog.finding_labels["email"].text()
    assert dialog.language_labels["line"].text() == "（日本語 2・英語 1）"
    dialog.reject()
