"""The live monitor: follows events, shows failures with reasons, retries and halts.

These run without the engine, so that a queued send stays queued until the test moves it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from app.db.models import Delivery
from app.events import DeliveryProgress, MediumCounts
from tests.gui.helpers import hold_to_send
from widgets.main_window import MainWindow
from widgets.models import MediaProgressModel, ProgressRole


def _queue_a_send(qtbot: QtBot, window: MainWindow) -> str:
    window.composer.fill(title="給水車の配置", body="北公園に給水車を配置しました")
    qtbot.waitUntil(
        lambda: window.last_prepared is not None
        and window.last_prepared.draft.title == "給水車の配置",
        timeout=5000,
    )
    window.open_confirmation()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None, timeout=5000)
    assert window.confirm_dialog is not None
    hold_to_send(qtbot, window.confirm_dialog)
    qtbot.waitUntil(lambda: window.monitor.message_id is not None, timeout=5000)
    message_id = window.monitor.message_id
    assert message_id is not None
    return message_id


def _click(box: QMessageBox | None, text: str) -> None:
    assert box is not None
    button = next(b for b in box.buttons() if b.text() == text)
    button.click()


def test_queued_send_shows_pending_then_halt_cancels(qtbot: QtBot, window: MainWindow) -> None:
    message_id = _queue_a_send(qtbot, window)
    monitor = window.monitor
    assert monitor.title_label.text() == "【訓練】給水車の配置"
    assert monitor.state_label.text() == "配信中…"
    assert monitor.halt_button.isEnabled()
    assert not monitor.retry_button.isEnabled()
    counts = monitor.progress_model.counts()
    assert set(counts) == {"email", "line"}
    assert all(c.pending == c.total > 0 for c in counts.values())

    qtbot.mouseClick(monitor.halt_button, Qt.MouseButton.LeftButton)
    _click(window.question_box, "続ける")  # the default answer changes nothing
    assert monitor.state_label.text() == "配信中…"
    qtbot.mouseClick(monitor.halt_button, Qt.MouseButton.LeftButton)
    _click(window.question_box, "中止する")
    qtbot.waitUntil(lambda: monitor.halted and monitor.done, timeout=5000)
    assert monitor.state_label.text() == "中止しました"
    assert all(c.cancelled == c.total for c in monitor.progress_model.counts().values())
    assert not monitor.halt_button.isEnabled()
    assert monitor.clock_label.text().startswith("所要 ")
    assert window.bridge.counts(message_id)["email"].cancelled > 0


def test_failures_are_listed_and_retry_requeues_them(qtbot: QtBot, window: MainWindow) -> None:
    message_id = _queue_a_send(qtbot, window)
    issei = window.bridge.issei
    with issei.sessions.begin() as session:  # as if the mail server refused every address
        session.execute(
            update(Delivery)
            .where(Delivery.message_id == message_id, Delivery.medium == "email")
            .values(state="failed", last_error="550 宛先が存在しません")
        )
        n_failed = len(session.scalars(
            select(Delivery.id).where(Delivery.message_id == message_id,
                                      Delivery.medium == "email")
        ).all())
    email = issei.counts(message_id)["email"]
    issei.events.publish(DeliveryProgress(message_id, "email", email, ("550",)))
    monitor = window.monitor
    qtbot.waitUntil(lambda: monitor.failures_model.rowCount() == n_failed, timeout=5000)
    assert {r[2] for r in monitor.failures_model.rows()} == {"550 宛先が存在しません"}
    assert monitor.failures_caption.text() == f"失敗した宛先（{n_failed} 件）"
    assert monitor.retry_button.isEnabled()
    assert monitor.progress_model.counts()["email"].failed == n_failed

    qtbot.mouseClick(monitor.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: monitor.progress_model.counts()["email"].failed == 0, timeout=5000)
    qtbot.waitUntil(lambda: monitor.failures_model.rowCount() == 0, timeout=5000)
    counts = monitor.progress_model.counts()["email"]
    assert counts.failed == 0 and counts.pending == n_failed
    assert monitor.failures_model.rowCount() == 0
    assert not monitor.retry_button.isEnabled()
    assert f"{n_failed} 件を再送に回しました" in window.statusBar().currentMessage()


def test_closing_while_sending_asks_first(qtbot: QtBot, window: MainWindow) -> None:
    _queue_a_send(qtbot, window)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    window.close()
    assert window.isVisible() and not closed
    assert window.question_box is not None and window.question_box.isVisible()
    _click(window.question_box, "配信を続ける")
    assert window.isVisible() and not closed
    window.close()
    _click(window.question_box, "閉じる")
    assert closed == [True]


def test_progress_model_reports_fractions_and_done() -> None:
    model = MediaProgressModel()
    model.reset({"email": MediumCounts(total=4, pending=4)})
    assert not model.all_done()
    model.update("email", MediumCounts(total=4, sent=3, failed=1))
    model.update("line", MediumCounts(total=0))
    assert model.rowCount() == 2
    assert model.all_done()
    index = model.index(0, 1)
    assert model.data(index, ProgressRole.FRACTION) == 1.0
    assert model.data(index) == "4 / 4"
    assert model.data(model.index(0, 0)) == "メール"
    assert model.headerData(5, Qt.Orientation.Horizontal) == "待ち"
