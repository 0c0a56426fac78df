"""The error path (crash file, friendly dialog, copy details), the reference-leak guard, and
the console started for real: --smoke-test and --screenshots."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from widgets.errors import ErrorDialog, ErrorReporter, install_excepthook, write_crash_report

ROOT = Path(__file__).resolve().parents[2]


def _boom() -> None:
    raise RuntimeError("テスト用の失敗")


def _exc_info() -> tuple[type[BaseException], BaseException, object]:
    try:
        _boom()
    except RuntimeError as exc:
        return type(exc), exc, exc.__traceback__
    raise AssertionError("unreachable")


def test_crash_report_is_written_under_data_dir(tmp_path: Path) -> None:
    exc_type, exc, tb = _exc_info()
    path = write_crash_report(tmp_path, (exc_type, exc, tb))  # type: ignore[arg-type]
    assert path is not None and path.parent == tmp_path / "crash"
    text = path.read_text(encoding="utf-8")
    assert "テスト用の失敗" in text and "_boom" in text


def test_excepthook_writes_a_report_and_shows_a_dialog(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> None:
    reporter = ErrorReporter()
    undo = install_excepthook(tmp_path, reporter)
    try:
        exc_type, exc, tb = _exc_info()
        sys.excepthook(exc_type, exc, tb)  # type: ignore[arg-type]
    finally:
        undo()
    assert len(list((tmp_path / "crash").glob("crash-*.txt"))) == 1
    qtbot.waitUntil(lambda: bool(reporter.dialogs), timeout=3000)
    dialog = reporter.dialogs[0]
    assert "予期しないエラー" in dialog.message_label.text()
    assert "テスト用の失敗" in dialog.details
    dialog.close()


def test_error_dialog_copies_details(qtbot: QtBot, qapp: QApplication) -> None:
    dialog = ErrorDialog("配信エンジンが止まりました。", "Traceback: 詳細")
    qtbot.addWidget(dialog)
    assert dialog.copy_button.text() == "詳細をコピー"
    assert dialog.close_button.isDefault()
    dialog.copy_details()
    copied = QGuiApplication.clipboard().text()
    assert "配信エンジンが止まりました。" in copied and "Traceback: 詳細" in copied
    assert dialog.copy_button.text() == "コピーしました"


def test_many_signal_emits_do_not_exhaust_true(qapp: QApplication) -> None:
    """PySide6 6.12.0 on CPython 3.11 lost a reference to True on every emit and aborted
    the console within minutes; pyproject pins below it. This fails if that comes back."""

    class Emitter(QObject):
        fired = Signal(object)

    emitter = Emitter()
    emitter.fired.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(5000):
        emitter.fired.emit(None)
    assert sys.getrefcount(True) > 1_000_000 or sys.getrefcount(True) >= before


def _issei(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)  # the console must choose offscreen by itself
    return subprocess.run(
        [sys.executable, "-m", "widgets.launcher", "--data-dir", str(tmp_path / "data"),
         "gui", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
        env={**env, "PYTHONPATH": str(ROOT)},
    )


def test_smoke_test_prints_first_paint_and_exits_zero(tmp_path: Path) -> None:
    result = _issei("--smoke-test", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^first paint: \d+ ms$", result.stdout, re.MULTILINE), result.stdout


def test_screenshots_render_the_main_states(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    result = _issei("--screenshots", str(folder), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in folder.glob("*.png"))
    assert names == ["01-empty.png", "02-composing.png", "03-confirm.png",
                     "03b-confirm-hold.png", "04-sending.png",
                     "05-done.png", "06-error.png", "07-template-form.png",
                     "08-translation-review.png", "09-preview-english.png", "10-history.png",
                     "11-deliveries.png", "12-template-editor.png", "13-triggers.png",
                     "14-voice-recording.png", "15-reading-correction.png",
                     "16-jalert-alarm.png", "20-signin.png", "21-approvals.png",
                     "22-audit.png", "23-secrets.png", "24-database-lost.png",
                     "25-policy-editor.png", "26-operators.png", "27-departments.png",
                     "30-preview-x.png", "31-preview-sms.png", "32-preview-push.png",
                     "33-preview-website.png", "34-correction-opened.png",
                     "35-correction-edited.png", "36-preview-radio.png",
                     "37-preview-fax.png"]
    for path in folder.glob("*.png"):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    # The tour sends a drill: the drill sink got it, nothing else could have.
    assert (tmp_path / "data" / "drill" / "email.jsonl").exists()
