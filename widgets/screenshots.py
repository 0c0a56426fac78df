"""``issei gui --screenshots DIR``: render the console's main states to PNG files.

The tour always sends as a drill (訓練), whatever the configuration says, so that a
screenshot run can never reach a resident. It never asks a machine translator either: the
translation shown comes from the shipped, reviewed templates.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from app.domain import Medium, Urgency
from widgets.confirm_dialog import ConfirmDialog, HoldButton, press_send
from widgets.deliveries import DeliveryRole
from widgets.main_window import COMPOSE_TAB, HISTORY_TAB, TRIGGERS_TAB, MainWindow

SAMPLE_TITLE = "避難指示の発令について"
SAMPLE_BODY = (
    "本日18時00分、川沿いの北地区・東地区に避難指示を発令しました。\n"
    "対象地区の方は、直ちに最寄りの指定避難所（北小学校・東公民館）へ避難してください。\n"
    "避難が難しい場合は、建物の2階以上など安全な場所にとどまってください。\n\n"
    "問い合わせ: 防災対策課 0120-000-000"
)
TEMPLATE = "避難所開設"
TEMPLATE_VALUES = {"開設時刻": "16時30分", "避難所": "北小学校 体育館", "所在地": "北町1-2-3",
                   "問い合わせ先": "防災対策課 0120-000-000"}
NAMES = ["01-empty.png", "02-composing.png", "03-confirm.png", "04-sending.png", "05-done.png",
         "06-error.png", "07-template-form.png", "08-translation-review.png",
         "09-preview-english.png", "10-history.png", "11-deliveries.png",
         "12-template-editor.png", "13-triggers.png", "14-voice-recording.png",
         "15-reading-correction.png", "16-jalert-alarm.png"]
HOLD_NAME = "03b-confirm-hold.png"  # 配信する held half-way (the fill), then let go
READING_TEXT = "月見里地区に避難指示を発令しました。"
# The 自動配信 tab replays official JMA samples (from the source tree; skipped elsewhere).
JMA_SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "jma" / "samples"
TRIGGER_SAMPLES = ("32-35_08_01_100915_VXSE51.xml", "32-35_06_03_240613_VXSE53.xml",
                   "32-39_13_07_250206_VTSE41.xml", "32-35_06_02_100915_VXSE52.xml")
TRIGGER_RULES = """[area]
municipality = "岩手県宮古市"
[feed]
max_age = 1e12
[[rule]]
name = "震度3以上（地域）"
media = ["email", "line"]
when = { type = "earthquake", min_intensity = "3", scope = "area" }
[[rule]]
name = "津波"
media = ["email", "line"]
when = { type = "tsunami", clear = true }
"""


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


async def hold_screenshot(dialog: ConfirmDialog, path: Path) -> Path:
    """The hold-to-send half-way: press 配信する, grab when the fill is past half, let go
    (which sends nothing; the tour's real send holds again)."""
    button = dialog.send_button
    if not isinstance(button, HoldButton):
        return save(dialog, path)
    centre = QPoint(button.width() // 2, button.height() // 2)
    QTest.mousePress(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    try:
        await wait_until(lambda: button.progress >= 0.55)
        return save(dialog, path)
    finally:
        QTest.mouseRelease(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           centre)


async def take_screenshots(window: MainWindow, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    composer = window.composer
    await wait_until(lambda: window.last_prepared is not None)
    await settle(0.3)
    paths.append(save(window, folder / NAMES[0]))

    if not composer.training_check.isChecked():
        composer.training_check.setChecked(True)
    composer.fill(title=SAMPLE_TITLE, body=SAMPLE_BODY, urgency=Urgency.EMERGENCY)
    await wait_until(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.title == SAMPLE_TITLE
    )
    await settle()
    paths.append(save(window, folder / NAMES[1]))

    window.open_confirmation()
    await wait_until(lambda: window.confirm_dialog is not None
                     and window.confirm_dialog.isVisible())
    dialog = window.confirm_dialog
    assert dialog is not None
    if not dialog.prepared.draft.training:  # never a real send from a screenshot run
        dialog.reject()
        raise RuntimeError("screenshot tour refused: the draft is not a drill")
    await settle()
    paths.append(save(dialog, folder / NAMES[2]))
    paths.append(await hold_screenshot(dialog, folder / HOLD_NAME))

    await press_send(dialog)  # held as the approval policy asks
    await wait_until(lambda: window.monitor.message_id is not None)
    await settle(0.05)
    paths.append(save(window, folder / NAMES[3]))
    await wait_until(lambda: window.monitor.done, timeout=120)
    await settle(0.3)
    paths.append(save(window, folder / NAMES[4]))
    message_id = window.monitor.message_id

    composer.fill(title=SAMPLE_TITLE, body="長文の確認。" * 900)
    await wait_until(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.body.startswith("長文")
    )
    await settle()
    paths.append(save(window, folder / NAMES[5]))

    # A template: its placeholders as a small form.
    window.open_template(TEMPLATE)
    await wait_until(lambda: window.template_dialog is not None
                     and window.template_dialog.isVisible())
    form = window.template_dialog
    assert form is not None
    for name, value in TEMPLATE_VALUES.items():
        if name != "問い合わせ先":  # one left empty: the form says what is missing
            form.fields[name].setText(value)
    await settle()
    paths.append(save(form, folder / NAMES[6]))
    form.fields["問い合わせ先"].setText(TEMPLATE_VALUES["問い合わせ先"])
    form.insert_button.click()
    await wait_until(lambda: composer.title_edit.text().startswith("北小学校"))

    # Translation review: the template's reviewed translations, and a language still missing.
    composer.set_languages([*composer.selected_languages(), "vi"])
    await settle()
    window.open_translation()
    await wait_until(lambda: window.translation_dialog is not None
                     and window.translation_dialog.isVisible())
    review = window.translation_dialog
    assert review is not None
    review.language_list.setCurrentRow(1)  # English
    await settle()
    paths.append(save(review, folder / NAMES[7]))
    review.reject()
    composer.set_languages([c for c in composer.selected_languages() if c != "vi"])
    await wait_until(lambda: window.last_prepared is not None
                     and "vi" not in window.last_prepared.draft.languages
                     and window.last_prepared.draft.title.startswith("北小学校"))
    window.previews.show_language("en")
    await settle()
    paths.append(save(window, folder / NAMES[8]))
    window.previews.show_language("ja")

    # History and ledger, then the drill-down of the message sent above.
    window.tabs.setCurrentIndex(HISTORY_TAB)
    await wait_until(lambda: window.history.model.rowCount() > 0
                     and window.history.current is not None
                     and window.history.rendition_combo.count() > 0)
    await settle(0.3)
    paths.append(save(window, folder / NAMES[9]))
    assert message_id is not None
    details = window.open_deliveries(message_id, SAMPLE_TITLE, ["email", "line"])
    await wait_until(lambda: details.model.rowCount() > 0
                     and bool(details.model.index(0, 0).data(DeliveryRole.LOADED)))
    await settle(0.3)
    paths.append(save(details, folder / NAMES[10]))
    details.close()

    # 自動配信: what the official samples would do (a replay: nothing is sent).
    window.tabs.setCurrentIndex(TRIGGERS_TAB)
    with tempfile.TemporaryDirectory(prefix="issei-shots-") as scratch:
        rules = Path(scratch) / "rules.toml"
        rules.write_text(TRIGGER_RULES, encoding="utf-8")
        panel = window.triggers
        panel.set_rules_path(rules, remember=False)
        samples = [JMA_SAMPLES / name for name in TRIGGER_SAMPLES
                   if (JMA_SAMPLES / name).is_file()]
        if samples:
            broken = Path(scratch) / "broken.xml"
            broken.write_bytes(samples[0].read_bytes()[:400])
            panel.open_files([*samples, broken])
            await wait_until(lambda: not panel.busy and panel.table.rowCount() > 0)
        await settle(0.3)
        paths.append(save(window, folder / NAMES[12]))
    window.tabs.setCurrentIndex(COMPOSE_TAB)

    window.open_template_editor()
    await wait_until(lambda: window.template_editor is not None
                     and window.template_editor.isVisible())
    editor = window.template_editor
    assert editor is not None
    await settle(0.3)
    paths.append(save(editor, folder / NAMES[11]))
    editor.accept()
    paths.extend(await voice_screenshots(window, folder))
    from widgets.media_screenshots import media_screenshots  # it imports this module

    paths.extend(await media_screenshots(window, folder))
    return paths


async def voice_screenshots(window: MainWindow, folder: Path) -> list[Path]:
    """The voice panel while recording, the reading correction, the J-Alert alarm.

    There is no microphone under Xvfb: the recording state is the meter as ``show_level``
    draws it for a take at -14 dBFS with clipped samples, not a live input."""
    if window.voice is None:
        return []
    paths: list[Path] = []
    composer = window.composer
    composer.set_voice_source("recording")
    panel = window.open_voice_panel()
    assert panel is not None
    await settle()
    panel.record_button.setText(panel.tr("■ 録音停止"))
    panel.show_level(-14.2, 4.2, clipping=True)
    await settle()
    paths.append(save(panel, folder / NAMES[13]))
    panel.reject()

    composer.fill(title=SAMPLE_TITLE, body=READING_TEXT, urgency=Urgency.EMERGENCY)
    composer.set_voice_source("tts")
    panel = window.open_voice_panel()
    assert panel is not None
    panel.request_preview()
    await wait_until(lambda: panel.preview is not None, timeout=60)
    panel.words_table.selectRow(0)
    panel.surface_edit.setText("月見里")
    panel.correct_edit.setText("ヤマナシ")  # typed, not saved: the tour never edits a dictionary
    await settle()
    paths.append(save(panel, folder / NAMES[14]))
    panel.reject()

    radio = composer.media_checks.get(Medium.RADIO)
    if radio is not None:  # the composer's voice row shows with the radio ticked
        radio.setChecked(True)
    window.simulate_jalert()
    await wait_until(window.alarm_banner.isVisible)
    await settle(0.3)
    composer.fields_area.ensureWidgetVisible(composer.voice_box)
    await settle()
    paths.append(save(window, folder / NAMES[15]))
    window.alarm_banner.ack_button.click()
    await wait_until(lambda: not window.alarm_banner.isVisible())
    if radio is not None:
        radio.setChecked(False)
    return paths
