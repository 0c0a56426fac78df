"""Hidden test hook: ``ISSEI_E2E_SCRIPT=plan.json issei gui`` drives the real widgets.

The end-to-end test starts the real console as a subprocess with this variable and reads
its JSON log lines (``--log-json``). The plan says what an operator would do::

    {"template": {"name": "避難所開設", "values": {"避難所": "北小学校", ...}},   (optional)
     "title": "…", "body": "…",                  (used when there is no template)
     "media": ["email", "line"],
     "timeout": 120}

The script types through input-method events (as an IME commits Japanese), clicks 一斉配信,
then the confirmation's send button, and waits until the message is finished. Only drills
are ever sent this way: a plan that would send for real is refused.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from widgets.main_window import MainWindow

if TYPE_CHECKING:
    from widgets.app import ConsoleRuntime, Script

log = logging.getLogger("issei.e2e")


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"e2e: timed out waiting for {what}")
        await asyncio.sleep(0.02)


def _type(widget: QWidget, text: str) -> None:
    """A composition, then its commit: what an IME delivers (QTest types ASCII keys only)."""
    widget.setFocus()
    QApplication.sendEvent(widget, QInputMethodEvent(text, []))
    commit = QInputMethodEvent("", [])
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


def _click(widget: QWidget) -> None:
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(widget.width() // 2, widget.height() // 2))


def _step(step: str, **detail: Any) -> None:
    log.info("e2e %s %s", step, json.dumps(detail, ensure_ascii=False),
             extra={"event": f"e2e_{step}"})


def e2e_script(plan_file: Path) -> Script:
    plan: dict[str, Any] = json.loads(plan_file.read_text(encoding="utf-8"))
    timeout = float(plan.get("timeout", 120))

    async def script(runtime: ConsoleRuntime, window: MainWindow) -> int:
        composer = window.composer
        await _until(lambda: window.last_prepared is not None, timeout, "the first prepare")
        if not window.bridge.training and not composer.training_check.isChecked():
            _click(composer.training_check)  # a scripted run only ever drills
        template = plan.get("template")
        if template:
            index = composer.template_combo.findData(template["name"])
            if index < 0:
                raise LookupError(f"e2e: no template {template['name']!r}")
            composer.template_combo.setCurrentIndex(index)
            composer.template_combo.activated.emit(index)
            await _until(lambda: window.template_dialog is not None
                         and window.template_dialog.isVisible(), timeout, "the template form")
            dialog = window.template_dialog
            assert dialog is not None
            for name, value in template.get("values", {}).items():
                _type(dialog.fields[name], value)
            _click(dialog.insert_button)
            await _until(lambda: not dialog.isVisible(), timeout, "the template to be inserted")
            _step("template_inserted", name=template["name"])
        else:
            _type(composer.title_edit, plan["title"])
            _type(composer.body_edit, plan["body"])
        wanted = set(plan.get("media", [m.value for m in composer.media_checks]))
        for medium, box in composer.media_checks.items():
            if box.isChecked() != (medium.value in wanted):
                _click(box)
        title = composer.title_edit.text()
        await _until(lambda: window.last_prepared is not None
                     and window.last_prepared.draft.title == title
                     and composer.send_button.isEnabled(), timeout, "a sendable draft")
        _click(composer.send_button)  # 一斉配信
        await _until(lambda: window.confirm_dialog is not None
                     and window.confirm_dialog.isVisible(), timeout, "the confirmation")
        dialog_confirm = window.confirm_dialog
        assert dialog_confirm is not None
        if not dialog_confirm.training:
            dialog_confirm.reject()
            raise RuntimeError("e2e refused: the confirmation is not a drill")
        _step("confirming", title=title, training=True)
        _click(dialog_confirm.send_button)
        await _until(lambda: window.monitor.message_id is not None, timeout, "the send")
        message_id = window.monitor.message_id
        await _until(lambda: window.monitor.done, timeout, "the message to finish")
        _step("done", message_id=message_id, state=window.monitor.state_label.text())
        errors = runtime.reporter.count if runtime.reporter is not None else 0
        return 1 if errors else 0

    return script
