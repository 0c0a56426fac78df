"""Helpers for console tests: our own residents, and driving the real console life."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import qasync
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.config import Config
from app.db.models import Recipient, RecipientCategory
from app.service import Issei
from widgets.app import ConsoleRuntime
from widgets.confirm_dialog import ConfirmDialog, HoldButton
from widgets.main_window import MainWindow
from widgets.style import apply_app_style

# A few residents of our own, so that no test depends on the sample list's exact content.
TEST_RESIDENTS = [
    ("試験 一郎", "ichiro@example.jp", "Utest0000000000000000000000000001", "北地区", []),
    ("試験 二郎", "jiro@example.jp", None, "南地区", ["disaster"]),
    ("試験 三子", None, "Utest0000000000000000000000000003", "北地区", ["event"]),
]


def add_test_residents(issei: Issei) -> None:
    with issei.sessions.begin() as session:
        known = set(session.scalars(select(Recipient.email)))
        for name, email, line_id, area, categories in TEST_RESIDENTS:
            if email is not None and email in known:
                continue
            recipient = Recipient(name=name, email=email, line_user_id=line_id, area=area)
            recipient.categories = [RecipientCategory(category=c) for c in categories]
            session.add(recipient)



Script = Callable[[ConsoleRuntime, MainWindow], Awaitable[int]]


def hold_to_send(qtbot: QtBot, dialog: ConfirmDialog | None) -> None:
    """Operate 配信する as the approval policy asks: press and hold until the hold-to-send
    fires (a plain click for an approval request), then let go."""
    assert dialog is not None
    button = dialog.send_button
    if not isinstance(button, HoldButton):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return
    qtbot.mousePress(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: button.fired, timeout=button.hold_ms + 5000)
    qtbot.mouseRelease(button, Qt.MouseButton.LeftButton)


def run_console_script(qapp: QApplication, config: Config, script: Script) -> ConsoleRuntime:
    """The real console life (engine on the qasync loop) with a test driving it."""
    apply_app_style(qapp)
    runtime = ConsoleRuntime(config, install_hooks=False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        assert runner.run(runtime.run(script)) == 0
    return runtime


async def eventually(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Poll on the loop (qtbot.waitUntil would spin Qt inside a running task)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


def ime_type(widget: QWidget, text: str) -> None:
    """Type Japanese the way an IME delivers it: a composition, then its commit.

    (QTest.keyClicks only knows ASCII keys.)
    """
    widget.setFocus()
    preedit = QInputMethodEvent(text, [])
    QApplication.sendEvent(widget, preedit)
    commit = QInputMethodEvent("", [])
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)
