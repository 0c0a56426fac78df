"""``issei gui --screenshots DIR``: render the console's main states to PNG files.

The tour always sends as a drill (訓練), whatever the configuration says, so that a
screenshot run can never reach a resident.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from app.domain import Urgency
from widgets.main_window import MainWindow

SAMPLE_TITLE = "避難指示の発令について"
SAMPLE_BODY = (
    "本日18時00分、川沿いの北地区・東地区に避難指示を発令しました。\n"
    "対象地区の方は、直ちに最寄りの指定避難所（北小学校・東公民館）へ避難してください。\n"
    "避難が難しい場合は、建物の2階以上など安全な場所にとどまってください。\n\n"
    "問い合わせ: 防災対策課 0120-000-000"
)


async def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not reach the expected state in time")
        await asyncio.sleep(0.02)


async def settle(seconds: float = 0.15) -> None:
    """Give layouts and paints a few loop turns. Never ``processEvents`` here: spinning Qt
    from inside a coroutine would run other asyncio tasks inside this one."""
    await asyncio.sleep(seconds)


def save(widget: QWidget, path: Path) -> Path:
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


async def take_screenshots(window: MainWindow, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    composer = window.composer
    await wait_until(lambda: window.last_prepared is not None)
    await settle(0.3)
    paths.append(save(window, folder / "01-empty.png"))

    if not composer.training_check.isChecked():
        composer.training_check.setChecked(True)
    composer.fill(title=SAMPLE_TITLE, body=SAMPLE_BODY, urgency=Urgency.EMERGENCY)
    await wait_until(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.title == SAMPLE_TITLE
    )
    await settle()
    paths.append(save(window, folder / "02-composing.png"))

    window.open_confirmation()
    dialog = window.confirm_dialog
    assert dialog is not None
    if not dialog.prepared.draft.training:  # never a real send from a screenshot run
        dialog.reject()
        raise RuntimeError("screenshot tour refused: the draft is not a drill")
    await settle()
    paths.append(save(dialog, folder / "03-confirm.png"))

    dialog.send_button.click()
    await wait_until(lambda: window.monitor.message_id is not None)
    await settle(0.05)
    paths.append(save(window, folder / "04-sending.png"))
    await wait_until(lambda: window.monitor.done, timeout=120)
    await settle(0.3)
    paths.append(save(window, folder / "05-done.png"))

    composer.fill(title=SAMPLE_TITLE, body="長文の確認。" * 900)
    await wait_until(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.body.startswith("長文")
    )
    await settle()
    paths.append(save(window, folder / "06-error.png"))
    return paths
