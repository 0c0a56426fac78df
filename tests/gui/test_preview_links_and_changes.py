"""What read badly in the screenshots: the website link's placeholder URL in the X and SMS
previews (it looked like a real, wrong address), a long website excerpt that widened the whole
window, and a correction whose changes the operator had to find by eye."""

from __future__ import annotations

from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from app.compose.links import PLACEHOLDER
from app.domain import Medium, Urgency
from widgets.correction_dialog import _highlight, changed_spans
from widgets.main_window import MainWindow
from widgets.previews import SmsPreview, WebsitePreview, XPreview

LONG = ("北地区・東地区に避難指示を発令しました。直ちに北小学校へ避難してください。" * 6
        + "\n問い合わせ: 防災対策課 0120-000-000")
LINK = "［ホームページの記事のURL］"


def test_previews_name_the_link_and_a_long_excerpt_does_not_widen_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    media = (Medium.EMAIL, Medium.X, Medium.SMS, Medium.WEBSITE)
    assert all(m in window.composer.media_checks for m in media)
    width = window.width()
    window.composer.fill(title="避難指示", body=LONG, urgency=Urgency.EMERGENCY, media=media)
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and set(window.last_prepared.draft.media) == set(media), timeout=5000)
    prepared = window.last_prepared
    assert prepared is not None
    payload = {r.medium: r.payload for r in prepared.renditions if r.language == "ja"}
    previews, tabs = window.previews.previews, window.previews.other_tabs
    for medium in (Medium.X, Medium.SMS, Medium.WEBSITE):
        tabs.setCurrentWidget(previews[medium])
        qtbot.waitUntil(lambda m=medium: previews[m].isVisible(), timeout=5000)

    x, sms = previews[Medium.X], previews[Medium.SMS]
    assert isinstance(x, XPreview) and isinstance(sms, SmsPreview)
    sent_text = payload[Medium.X]["posts"][0]["text"]  # type: ignore[index]
    assert sent_text.endswith(f"詳細はこちら {PLACEHOLDER}")  # the core keeps its placeholder
    assert x.post_texts() == [sent_text.replace(PLACEHOLDER, LINK)]
    assert sms.text_label.text().endswith(f"詳細はこちら→{LINK}")
    assert PLACEHOLDER not in sms.text_label.text()

    website = previews[Medium.WEBSITE]
    assert isinstance(website, WebsitePreview)
    excerpt = str(payload[Medium.WEBSITE]["excerpt"])
    assert excerpt in website.excerpt_label.text() and excerpt in website.excerpt_label.toolTip()
    one_line = website.excerpt_label.fontMetrics().horizontalAdvance(excerpt)
    assert one_line > width  # the excerpt is cut with …: the window need not grow for it
    qtbot.wait(100)  # the layout request of the shown tab is handled
    assert window.width() == width and window.minimumSizeHint().width() <= width
    assert window.previews.minimumSizeHint().width() < one_line


def test_changes_between_the_sent_text_and_the_correction_are_marked(qtbot: QtBot) -> None:
    before = "対象地区の方は北小学校へ避難してください。"
    after = "【訂正】対象地区の方は南中学校へ避難してください。"
    removed, added = changed_spans(before, after)
    assert [before[a:b] for a, b in removed] == ["北小"]
    assert [after[a:b] for a, b in added] == ["【訂正】", "南中"]
    assert changed_spans(before, before) == ([], [])
    assert changed_spans("あ" * 15_000, "い" * 15_000) == ([], [])  # too long: no marks

    view = QPlainTextEdit()
    qtbot.addWidget(view)
    view.setPlainText(after)
    _highlight(view, added, "#fff1cc")
    marked = [(s.cursor.selectionStart(), s.cursor.selectionEnd())  # type: ignore[attr-defined]
              for s in view.extraSelections()]
    assert marked == added
    _highlight(view, [], "#fff1cc")
    assert view.extraSelections() == []
