"""Composing: the mode is unmistakable, previews come from the core's renditions, and no
bare Enter ever leads to a send."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from app.domain import Medium, Severity
from tests.gui.helpers import ime_type
from widgets.app import install_translations
from widgets.main_window import MainWindow


def _prepared_for(window: MainWindow, title: str, body: str) -> bool:
    p = window.last_prepared
    return p is not None and p.draft.title == title and p.draft.body == body


def test_opens_in_training_mode_with_banner(window: MainWindow) -> None:
    assert window.banner.isVisible()
    assert window.banner.training
    assert "訓練モード" in window.banner.label.text()
    assert "実際の住民には届きません" in window.banner.label.text()
    assert window.windowTitle().startswith("【訓練】")
    # Across the top, above everything, the menu bar included.
    assert window.banner.mapTo(window, QPoint(0, 0)).y() == 0
    assert window.menu_bar.mapTo(window, QPoint(0, 0)).y() >= window.banner.height()
    assert window.composer.send_button.text() == "一斉配信"
    checks = window.composer.media_checks
    assert [c.text() for c in checks.values()][:2] == ["メール", "LINE"]
    # E-mail and LINE are ticked when the console opens; other media are one click away.
    assert [m for m, c in checks.items() if c.isChecked()] == [Medium.EMAIL, Medium.LINE]


def test_media_the_core_cannot_render_yet_say_in_preparation(window: MainWindow) -> None:
    from PySide6.QtWidgets import QCheckBox

    from app.compose.render import RENDERERS

    assert set(window.composer.media_checks) == set(RENDERERS)  # whatever the core renders
    others = [
        box for box in window.composer.findChildren(QCheckBox)
        if box not in window.composer.media_checks.values()
        and box is not window.composer.training_check
    ]
    assert {b.text() for b in others} == {m.label for m in Medium if m not in RENDERERS}
    assert all(not b.isEnabled() and b.toolTip() == "準備中" for b in others)


def test_every_chosen_medium_is_previewed_from_its_rendition(
    qtbot: QtBot, window: MainWindow
) -> None:
    composer = window.composer
    extra = [m for m in composer.media_checks if m not in (Medium.EMAIL, Medium.LINE)]
    if not extra:
        return  # only e-mail and LINE can be rendered in this build
    composer.fill(title="給水", body="東公園で給水します", media=tuple(composer.media_checks))
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and len(window.last_prepared.draft.media) == len(composer.media_checks),
                    timeout=5000)
    tabs = window.previews.other_tabs
    assert tabs.isVisible()
    prepared = window.last_prepared
    assert prepared is not None
    for medium in extra:
        preview = window.previews.previews[medium]
        assert preview.rendition is not None and preview.rendition.medium is medium
        assert preview.stack.currentIndex() == 1
    composer.fill(title="給水", body="東公園で給水します")
    qtbot.waitUntil(lambda: not tabs.isVisible(), timeout=5000)


def test_qt_strings_are_japanese(qapp: QApplication) -> None:
    assert install_translations(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button.text() == "キャンセル"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "キャンセル"


def test_typing_updates_both_previews_from_renditions(qtbot: QtBot, window: MainWindow) -> None:
    composer = window.composer
    ime_type(composer.title_edit, "避難所開設")
    ime_type(composer.body_edit, "北小学校を開設しました")
    qtbot.waitUntil(
        lambda: _prepared_for(window, "避難所開設", "北小学校を開設しました"), timeout=5000
    )
    prepared = window.last_prepared
    assert prepared is not None
    by_medium = {r.medium: r for r in prepared.renditions}
    email = by_medium[Medium.EMAIL].payload
    line = by_medium[Medium.LINE].payload
    # What the previews show is exactly what the core rendered.
    assert window.previews.email.subject_label.text() == email["subject"]
    assert window.previews.email.body_view.toPlainText() == email["body"]
    messages = line["messages"]
    assert isinstance(messages, list)
    assert window.previews.line.bubble_texts() == [m["text"] for m in messages]
    assert "避難所開設" in window.previews.email.subject_label.text()
    assert "【訓練】" in window.previews.email.subject_label.text()
    assert "北小学校を開設しました" in window.previews.line.bubble_texts()[0]
    assert window.previews.email.findings.severity is Severity.OK
    assert window.previews.line.findings.state_label.text() == "✔ OK"
    assert composer.send_button.isEnabled()
    # The live counts are the core's audiences.
    for medium, label in composer.count_labels.items():
        if medium in prepared.audiences:
            assert label.text() == f"{prepared.audiences[medium]:,} 件"
        else:
            assert label.text() == "—"  # not chosen


def test_unchecking_a_medium_hides_its_preview(qtbot: QtBot, window: MainWindow) -> None:
    window.composer.fill(title="t", body="b")
    window.composer.media_checks[Medium.LINE].setChecked(False)
    qtbot.waitUntil(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.media == (Medium.EMAIL,),
        timeout=5000,
    )
    assert window.previews.line.rendition is None
    assert window.previews.line.stack.currentIndex() == 0
    assert window.composer.count_labels[Medium.LINE].text() == "—"


def test_overlong_line_text_is_an_error_and_blocks_sending(
    qtbot: QtBot, window: MainWindow
) -> None:
    # 2,500 characters, but 5,000 UTF-16 units (𠮷 is a surrogate pair), plus the heading:
    # over LINE's limit although len() says it is half of it.
    body = "𠮷" * 2500
    assert len(body) < 5000
    window.composer.fill(title="長文", body=body)
    qtbot.waitUntil(lambda: _prepared_for(window, "長文", body), timeout=5000)
    line = window.previews.line.findings
    assert line.severity is Severity.ERROR
    assert "エラー" in line.state_label.text()
    assert "長すぎます" in line.messages_label.text()
    assert window.previews.email.findings.severity is not Severity.ERROR
    assert not window.composer.send_button.isEnabled()
    assert "長すぎます" in window.composer.hint_label.text()
    # Neither the button nor Ctrl+Enter opens the confirmation.
    qtbot.mouseClick(window.composer.send_button, Qt.MouseButton.LeftButton)
    window.composer.body_edit.setFocus()
    qtbot.keyClick(window.composer.body_edit, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    assert window.confirm_dialog is None


def test_enter_never_sends(qtbot: QtBot, window: MainWindow) -> None:
    composer = window.composer
    composer.fill(title="給水のお知らせ", body="1行目")
    qtbot.waitUntil(lambda: _prepared_for(window, "給水のお知らせ", "1行目"), timeout=5000)
    assert composer.send_button.isEnabled()
    composer.body_edit.setFocus()
    composer.body_edit.moveCursor(composer.body_edit.textCursor().MoveOperation.End)
    qtbot.keyClick(composer.body_edit, Qt.Key.Key_Return)
    qtbot.keyClick(composer.body_edit, Qt.Key.Key_Enter)
    ime_type(composer.body_edit, "2行目")
    composer.title_edit.setFocus()
    qtbot.keyClick(composer.title_edit, Qt.Key.Key_Return)
    composer.send_button.setFocus()
    qtbot.keyClick(composer.send_button, Qt.Key.Key_Return)
    assert window.confirm_dialog is None
    assert composer.body_edit.toPlainText() == "1行目\n\n2行目"
    assert window.monitor.message_id is None
    qtbot.wait(300)  # let a wrongly queued send surface, if there were one
    assert window.monitor.message_id is None


def test_prepare_requests_are_coalesced_to_the_newest(qtbot: QtBot, window: MainWindow) -> None:
    from app.domain import Draft

    received: list[str] = []
    window.bridge.prepared.connect(lambda p: received.append(p.draft.title))
    for i in range(20):
        window.bridge.request_prepare(Draft(title=f"t{i}", body="b", media=(Medium.EMAIL,)))
    qtbot.waitUntil(lambda: "t19" in received, timeout=5000)
    qtbot.wait(100)
    assert received == ["t19"]  # nothing stale is ever shown, and no pile of work behind it


def test_same_error_twice_shows_one_dialog(qtbot: QtBot, window: MainWindow) -> None:
    reporter = window.reporter
    reporter.report("宛先の集計に失敗しました。", "1")
    reporter.report("宛先の集計に失敗しました。", "2")
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=3000)
    qtbot.wait(50)
    assert len(reporter.dialogs) == 1
    assert reporter.dialogs[0].details == "2"
    reporter.dialogs[0].close()
    reporter.count = 0  # reported on purpose: the fixture checks for unexpected errors
