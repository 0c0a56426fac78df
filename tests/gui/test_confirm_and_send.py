"""The confirmation states the mode and the counts; a send through the UI reaches 完了."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Config, load_config
from app.domain import Medium
from tests.gui.helpers import add_test_residents, eventually, run_console_script
from widgets.app import ConsoleRuntime
from widgets.confirm_dialog import press_send
from widgets.main_window import MainWindow


def _ready(qtbot: QtBot, window: MainWindow, title: str, body: str) -> None:
    window.composer.fill(title=title, body=body)
    qtbot.waitUntil(
        lambda: window.last_prepared is not None and window.last_prepared.draft.title == title,
        timeout=5000,
    )


def test_confirmation_shows_training_counts_and_needs_a_deliberate_click(
    qtbot: QtBot, window: MainWindow
) -> None:
    _ready(qtbot, window, "断水のお知らせ", "本日午後に断水します")
    qtbot.mouseClick(window.composer.send_button, Qt.MouseButton.LeftButton)
    # Counting the audience runs on a worker: the button says so, and a second click waits.
    assert not window.composer.send_button.isEnabled()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None, timeout=5000)
    dialog = window.confirm_dialog
    assert dialog is not None
    assert window.composer.send_button.isEnabled()
    qtbot.waitExposed(dialog)
    assert dialog.training
    assert "訓練" in dialog.windowTitle()
    assert "訓練配信です" in dialog.mode_label.text()
    assert "実際の住民には届きません" in dialog.mode_label.text()
    prepared = dialog.prepared
    for medium in (Medium.EMAIL, Medium.LINE):
        n = prepared.audiences[medium]
        assert n > 0
        assert dialog.count_labels[medium.value].text() == f"{n:,} 件"
        result = dialog.finding_labels[medium.value].text()
        if medium in prepared.unserved:  # the sample list has residents reading English …
            assert result.startswith("⚠") and "には日本語で届きます" in result
        else:
            assert "OK" in result
    # 配信する is enabled but never the default: Enter and Esc land on キャンセル.
    assert dialog.send_button.isEnabled()
    assert not dialog.send_button.isDefault()
    assert not dialog.send_button.autoDefault()
    assert dialog.cancel_button.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.monitor.message_id is None
    # Ctrl+Enter opens it again; Esc cancels.
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)  # focus is back on the main window
    window.composer.body_edit.setFocus()
    qtbot.keyClick(window.composer.body_edit, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.confirm_dialog is not dialog, timeout=5000)
    second = window.confirm_dialog
    assert second is not None
    qtbot.waitExposed(second)
    qtbot.keyClick(second, Qt.Key.Key_Escape)
    assert not second.isVisible()
    qtbot.wait(200)
    assert window.monitor.message_id is None


def test_confirmation_lists_errors_and_blocks(qtbot: QtBot, window: MainWindow) -> None:
    # The composer's button is disabled on errors; open the dialog directly to see it block.
    window.composer.fill(title="", body="本文だけ")
    qtbot.waitUntil(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.body == "本文だけ",
        timeout=5000,
    )
    window.open_confirmation()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None, timeout=5000)
    dialog = window.confirm_dialog
    assert dialog is not None
    assert not dialog.send_button.isEnabled()
    assert dialog.errors_label.isVisibleTo(dialog)
    assert "件名を入力してください" in dialog.errors_label.text()
    dialog.reject()


def test_production_config_shows_the_honban_indicator(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    from app.main import build
    from widgets.bridge import ConsoleBridge
    from widgets.errors import ErrorReporter

    config_file = tmp_path / "issei.toml"
    config_file.write_text("[app]\ntraining = false\n", encoding="utf-8")
    config = load_config(config_file, tmp_path / "data")
    issei, sink = build(config)
    reporter = ErrorReporter()
    bridge = ConsoleBridge(issei, reporter)
    window = MainWindow(bridge, reporter)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert not window.banner.training
        assert window.banner.label.text() == "本番"
        assert "【訓練】" not in window.windowTitle()
        assert "本番" in window.windowTitle()
        assert window.composer.training_check.isVisible()  # a drill is still one click away
        # Nothing is configured for real: the previews say so, and sending is blocked.
        window.composer.fill(title="t", body="b")
        qtbot.waitUntil(
            lambda: window.last_prepared is not None and window.last_prepared.draft.title == "t",
            timeout=5000,
        )
        prepared = window.last_prepared
        assert prepared is not None and not prepared.draft.training
        assert "用意されていません" in window.previews.email.findings.messages_label.text()
        assert not window.composer.send_button.isEnabled()
    finally:
        window.force_close()
        bridge.close_sync()
        import asyncio

        asyncio.run(issei.aclose())
        sink.stop()
        window.deleteLater()


def test_full_send_through_the_ui_reaches_done(qapp: QApplication, config: Config) -> None:
    seen: dict[str, object] = {}

    async def script(runtime: ConsoleRuntime, window: MainWindow) -> int:
        add_test_residents(window.bridge.issei)
        window.composer.fill(title="避難所開設", body="北小学校を開設しました。")
        await eventually(
            lambda: window.last_prepared is not None
            and window.last_prepared.draft.title == "避難所開設"
        )
        assert window.composer.send_button.isEnabled()
        window.composer.send_button.click()
        await eventually(lambda: window.confirm_dialog is not None)
        dialog = window.confirm_dialog
        assert dialog is not None and dialog.training
        expected = {m.value: n for m, n in dialog.prepared.audiences.items()}
        await press_send(dialog)  # the policy's hold-to-send
        await eventually(lambda: window.monitor.message_id is not None)
        await eventually(lambda: window.monitor.done, timeout=60)
        counts = window.monitor.progress_model.counts()
        seen["counts"] = counts
        seen["expected"] = expected
        seen["state"] = window.monitor.state_label.text()
        seen["clock"] = window.monitor.clock_label.text()
        seen["retry"] = window.monitor.retry_button.isEnabled()
        seen["halt"] = window.monitor.halt_button.isEnabled()
        seen["drill"] = window.bridge.issei.drill_folder
        assert runtime.reporter is not None and runtime.reporter.count == 0
        return 0

    run_console_script(qapp, config, script)
    counts = seen["counts"]
    assert isinstance(counts, dict)
    assert {m: c.total for m, c in counts.items()} == seen["expected"]
    for c in counts.values():
        assert c.total > 0
        assert c.sent == c.total
        assert c.failed == 0 and c.pending == 0
    assert seen["state"] == "✔ 完了"
    assert str(seen["clock"]).startswith("所要 ")
    assert seen["retry"] is False and seen["halt"] is False
    # The drill sink recorded what the residents would have received.
    drill = Path(str(seen["drill"]))
    mails = [json.loads(line) for line in (drill / "email.jsonl").read_text().splitlines()]
    assert any("避難所開設" in m["subject"] and "【訓練】" in m["subject"] for m in mails)
