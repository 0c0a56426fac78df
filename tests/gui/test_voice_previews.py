"""The radio, phone and FAX previews show the core's renditions as what they are: a running
order on air, one call's loop, and the A4 page drawn by the FAX driver's own renderer (after
typing pauses, never on a keystroke)."""

from __future__ import annotations

import time

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from app.domain import Medium, Urgency
from app.voice import fax
from widgets.fax_thumbnail import DEBOUNCE_MS
from widgets.main_window import MainWindow
from widgets.previews import FaxPreview, PhonePreview, RadioPreview

TITLE = "避難指示"
BODY = "北地区に避難指示を発令しました。\n直ちに北小学校へ避難してください。"
VOICE = (Medium.EMAIL, Medium.RADIO, Medium.PHONE, Medium.FAX)


def _compose(qtbot: QtBot, window: MainWindow, *, areas: str = "", body: str = BODY) -> dict:
    media = tuple(m for m in VOICE if m in window.composer.media_checks)
    assert media == VOICE
    window.composer.fill(title=TITLE, body=body, urgency=Urgency.EMERGENCY, areas=areas,
                         media=media)
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and set(window.last_prepared.draft.media) == set(media)
                    and window.last_prepared.draft.body == body, timeout=5000)
    prepared = window.last_prepared
    assert prepared is not None
    return {r.medium: r.payload for r in prepared.renditions if r.language == "ja"}


def _show(qtbot: QtBot, window: MainWindow, medium: Medium) -> object:
    preview = window.previews.previews[medium]
    window.previews.other_tabs.setCurrentWidget(preview)  # a hidden tab renders when shown
    qtbot.waitUntil(preview.isVisible, timeout=5000)
    return preview


def test_radio_shows_the_running_order_time_zones_and_voice(
    qtbot: QtBot, window: MainWindow
) -> None:
    payload = _compose(qtbot, window, areas="北地区, 東地区")[Medium.RADIO]
    radio = _show(qtbot, window, Medium.RADIO)
    assert isinstance(radio, RadioPreview)
    text = str(payload["text"])
    assert "北小学校へ避難してください" in text
    one_line = text.replace("\n", "　")  # the order on one line each, in full below it
    assert radio.running_order() == [
        "♪　開始チャイム", one_line, "↻　「繰り返します」", one_line, "♪　終了チャイム"]
    assert radio.script_view.toPlainText() == text
    seconds = payload["seconds"]
    if isinstance(seconds, float):  # the speech engine gave a reading
        assert f"約{seconds:.0f}秒" in radio.summary_label.text()
    else:
        assert "約—秒" in radio.summary_label.text()
    assert "区域: 北地区、東地区" in radio.details_label.text()
    assert "音声: 音声合成" in radio.details_label.text()
    # the reading is folded away until asked for
    assert radio.reading.reading_label.isHidden()
    radio.reading.toggle.click()
    assert not radio.reading.reading_label.isHidden()
    assert radio.reading.reading_label.text() == payload["reading"]

    window.composer.area_edit.setText("")  # no zone: every loudspeaker
    qtbot.waitUntil(lambda: "一括" in radio.details_label.text(), timeout=5000)


def test_phone_shows_the_message_then_the_prompt_looped(
    qtbot: QtBot, window: MainWindow
) -> None:
    payload = _compose(qtbot, window)[Medium.PHONE]
    phone = _show(qtbot, window, Medium.PHONE)
    assert isinstance(phone, PhonePreview)
    assert phone.script_view.toPlainText() == payload["text"]
    assert phone.text_label.text() == str(payload["text"]).replace("\n", "　")
    assert phone.prompt_label.text() == "確認された方は、1を押してください。"
    assert "1が押されるまで繰り返します" in phone.loop_step.text()
    seconds = payload["seconds"]
    expected = f"1回 約{seconds:.0f}秒" if isinstance(seconds, float) else "1回 約—秒"
    assert expected in phone.summary_label.text()


def test_fax_thumbnail_is_drawn_after_typing_pauses_not_per_keystroke(
    qtbot: QtBot, window: MainWindow
) -> None:
    line = "避難所の開設状況をお知らせします。北小学校・東公民館を開設しました。"
    long_body = "\n".join(f"{i}. {line}" for i in range(40))
    payload = _compose(qtbot, window, body=long_body)[Medium.FAX]
    preview = _show(qtbot, window, Medium.FAX)
    assert isinstance(preview, FaxPreview)
    pages = payload["pages"]
    assert isinstance(pages, int) and pages >= 2
    assert pages == fax.page_count(str(payload["title"]), str(payload["body"]))
    assert f"A4・大きな文字　{pages}枚" == preview.summary_label.text()
    thumbs = preview.thumbnails
    qtbot.waitUntil(lambda: not thumbs.pending(), timeout=10000)
    assert thumbs.shown_pages() == pages
    first = thumbs.first_page()
    assert first is not None and first.width() > 100
    # ink on the page: the title and text were drawn, not a blank sheet
    assert any(first.pixelColor(x, y).lightness() < 128
               for x in range(0, first.width(), 2) for y in range(0, first.height() // 3, 2))

    # Typing: each keystroke re-renders the rendition but starts no page drawing.
    started = thumbs.renders_started
    edit = window.composer.body_edit
    edit.moveCursor(QTextCursor.MoveOperation.End)
    begun = time.monotonic()
    for ch in "追記":
        edit.insertPlainText(ch)  # as an input method commits it
        qtbot.waitUntil(lambda: thumbs.pending(), timeout=1000)
        assert thumbs.renders_started == started
    if (time.monotonic() - begun) * 1000 < DEBOUNCE_MS:  # a slow machine may pause typing
        assert thumbs.renders_started == started
    qtbot.waitUntil(lambda: not thumbs.pending(), timeout=10000)
    assert thumbs.renders_started == started + 1  # one drawing for the whole burst
    assert thumbs.shown_text is not None and thumbs.shown_text[1].endswith("追記")
