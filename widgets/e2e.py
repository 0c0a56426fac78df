"""Hidden test hook: ``ISSEI_E2E_SCRIPT=plan.json issei gui`` drives the real widgets.

The end-to-end test starts the real console as a subprocess with this variable and reads
its JSON log lines (``--log-json``). The plan says what an operator would do::

    {"template": {"name": "避難所開設", "values": {"避難所": "北小学校", ...}},   (optional)
     "title": "…", "body": "…",                  (used when there is no template)
     "media": ["email", "line"],
     "urgency": "emergency",                    (optional)
     "sign_in": {"login": "…", "password": "…"}, (optional: when operator accounts exist)
     "timeout": 120}

or, for a second operator's console, ``{"sign_in": {…}, "approve": {"title": "…"}}``: wait
until a request with that title appears in the 承認 tab (logged as ``e2e_approval_seen``),
approve it there, and wait until it has left the queue.

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

from widgets.confirm_dialog import press_send
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
        if "sign_in" in plan:
            await _sign_in(runtime, window, plan["sign_in"], timeout)
        if "approve" in plan:
            return await _approve(runtime, plan["approve"]["title"], timeout)
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
        if "urgency" in plan:
            composer.urgency_combo.setCurrentIndex(
                composer.urgency_combo.findData(plan["urgency"]))
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
        await press_send(dialog_confirm)  # held as the approval policy asks
        await _until(lambda: window.monitor.message_id is not None, timeout, "the send")
        message_id = window.monitor.message_id
        _step("sent", message_id=message_id)
        await _until(lambda: window.monitor.done, timeout, "the message to finish")
        controls = runtime.controls
        if controls is not None:  # a held send: the sender is told the decision
            await _until(lambda: message_id not in controls.approvals.mine, timeout,
                         "the approval decision")
        _step("done", message_id=message_id, state=window.monitor.state_label.text())
        errors = runtime.reporter.count if runtime.reporter is not None else 0
        return 1 if errors else 0

    return script


async def _sign_in(runtime: ConsoleRuntime, window: MainWindow, who: dict[str, str],
                   timeout: float) -> None:
    controls = runtime.controls
    assert controls is not None
    await _until(lambda: controls.sign_in_dialog is not None
                 and controls.sign_in_dialog.isVisible(), timeout, "the sign-in dialog")
    dialog = controls.sign_in_dialog
    assert dialog is not None
    dialog.login_edit.clear()
    _type(dialog.login_edit, who["login"])
    _type(dialog.password_edit, who["password"])
    _click(dialog.sign_in_button)
    await _until(lambda: window.bridge.signed_in is not None, timeout, "the sign-in")
    _step("signed_in", login=who["login"])


async def _approve(runtime: ConsoleRuntime, title: str, timeout: float) -> int:
    controls = runtime.controls
    assert controls is not None
    panel = controls.approvals
    _step("approvals_ready")

    def request_id() -> str | None:
        return next((r.message_id for r in panel.requests if r.title == title), None)

    await _until(lambda: request_id() is not None, timeout, "the approval request")
    message_id = request_id()
    assert message_id is not None
    _step("approval_seen", message_id=message_id, title=title)
    panel.select(message_id)
    await _until(panel.approve_button.isEnabled, timeout, "the approve button")
    _click(panel.approve_button)
    await _until(lambda: request_id() is None, timeout, "the request to leave the queue")
    _step("approved", message_id=message_id)
    # Stay open until the send is delivered (this console may be delivering part of it).
    deadline = time.monotonic() + timeout
    while True:
        counts = await asyncio.to_thread(runtime.controls.bridge.issei.counts, message_id)
        if counts and all(c.done for c in counts.values()):
            break
        if time.monotonic() > deadline:
            raise TimeoutError("e2e: timed out waiting for the approved send to finish")
        await asyncio.sleep(0.2)
    _step("approved_finished", message_id=message_id,
          counts={m: c.as_dict() for m, c in counts.items()})
    errors = runtime.reporter.count if runtime.reporter is not None else 0
    return 1 if errors else 0
