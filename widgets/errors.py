"""The one error path of the console: a friendly Japanese dialog, details to copy, a crash file.

Background work never touches widgets; its failures come here through ``ErrorReporter.report``.
Uncaught exceptions (``sys.excepthook``, the asyncio loop) are written to
``<data_dir>/crash/`` first, then shown, and the console keeps running.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import platform
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger("issei.console")

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def write_crash_report(data_dir: Path, exc_info: ExcInfo, *, where: str = "") -> Path | None:
    """Write one crash report; never raises (a full disk must not turn a bug into two)."""
    exc_type, exc, tb = exc_info
    now = dt.datetime.now().astimezone()
    text = "\n".join(
        [
            f"Issei crash report {now.isoformat(timespec='seconds')}",
            f"where: {where or 'uncaught'}",
            f"python: {sys.version.split()[0]}  platform: {platform.platform()}",
            "",
            "".join(traceback.format_exception(exc_type, exc, tb)),
        ]
    )
    try:
        folder = data_dir / "crash"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{now:%Y%m%d-%H%M%S-%f}.txt"
        path.write_text(text, encoding="utf-8")
        return path
    except OSError:
        log.exception("could not write crash report")
        return None


class ErrorDialog(QDialog):
    def __init__(self, message: str, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("エラー"))
        self.setMinimumWidth(520)
        self.details = details
        layout = QVBoxLayout(self)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setStyleSheet("font-size: 13pt;")
        layout.addWidget(self.message_label)
        hint = QLabel(
            self.tr("配信待ちの内容はデータベースに残っています。問題が続くときは、"
                    "「詳細をコピー」を押して担当者に送ってください。")
        )
        hint.setWordWrap(True)
        hint.setObjectName("muted")
        layout.addWidget(hint)
        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(180)
        layout.addWidget(self.details_view)
        buttons = QHBoxLayout()
        self.toggle_button = QPushButton(self.tr("詳細を表示"))
        self.toggle_button.setAutoDefault(False)
        self.toggle_button.clicked.connect(self._toggle)
        self.copy_button = QPushButton(self.tr("詳細をコピー"))
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_details)
        self.close_button = QPushButton(self.tr("閉じる"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.toggle_button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.message_label.text()}\n\n{self.details}")
        self.copy_button.setText(self.tr("コピーしました"))

    def _toggle(self) -> None:
        visible = not self.details_view.isVisible()
        self.details_view.setVisible(visible)
        self.toggle_button.setText(self.tr("詳細を隠す") if visible else self.tr("詳細を表示"))


class ErrorReporter(QObject):
    """Shows errors one dialog at a time; may be called from any thread."""

    _reported = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.parent_widget: QWidget | None = None
        self.dialogs: list[ErrorDialog] = []
        self.count = 0
        self._reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, message: str, details: str = "") -> None:
        log.error("%s\n%s", message, details)
        self.count += 1
        self._reported.emit(message, details)

    def report_exception(self, message: str, exc: BaseException) -> None:
        self.report(message, describe(exc))

    def _show(self, message: str, details: str) -> None:
        if QApplication.instance() is None:
            return
        for open_dialog in self.dialogs:  # the same trouble again: no second dialog on top
            if open_dialog.message_label.text() == message:
                open_dialog.details = details
                open_dialog.details_view.setPlainText(details)
                return
        dialog = ErrorDialog(message, details, self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result, d=dialog: self._forget(d))
        self.dialogs.append(dialog)
        dialog.open()

    def _forget(self, dialog: ErrorDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)


def install_excepthook(data_dir: Path, reporter: ErrorReporter) -> Callable[[], None]:
    """Route uncaught exceptions to a crash file and the error dialog; returns an undo."""
    previous = sys.excepthook

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        path = write_crash_report(data_dir, (exc_type, exc, tb))
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        if path is not None:
            details = f"{details}\n記録: {path}"
        reporter.report(
            QCoreApplication.translate(
                "ErrorReporter", "予期しないエラーが起きました。操作は続けられます。"),
            details,
        )

    sys.excepthook = hook

    def undo() -> None:
        sys.excepthook = previous

    return undo


def loop_exception_handler(
    data_dir: Path, reporter: ErrorReporter
) -> Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]:
    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        message = str(context.get("message", ""))
        if isinstance(exc, BaseException):
            write_crash_report(data_dir, (type(exc), exc, exc.__traceback__), where=message)
            details = f"{message}\n\n{describe(exc)}"
        else:
            details = message
        reporter.report(
            QCoreApplication.translate(
                "ErrorReporter", "バックグラウンド処理でエラーが起きました。"),
            details,
        )

    return handler
