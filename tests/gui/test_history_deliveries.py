"""History and ledger, and the drill-down to single deliveries: pages read lazily on worker
threads, live updates from events, and a model that stays fast at 100,000 rows."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select, update

from app import ledger
from app.config import Config, load_config
from app.db.models import Delivery, Message, Recipient
from app.domain import Draft, Medium, Urgency
from app.events import DeliveryProgress
from app.main import build
from tests.gui.helpers import hold_to_send
from widgets.bridge import ConsoleBridge
from widgets.deliveries import PAGE_SIZE, DeliveriesDialog, DeliveryRole
from widgets.errors import ErrorReporter
from widgets.history import COUNT_CHUNK, HistoryColumn, HistoryRole
from widgets.history import PAGE_SIZE as HISTORY_PAGE
from widgets.main_window import HISTORY_TAB, MainWindow


def _send(qtbot: QtBot, window: MainWindow, title: str) -> str:
    window.composer.fill(title=title, body="北公園に給水車を配置しました")
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and window.last_prepared.draft.title == title, timeout=5000)
    window.open_confirmation()
    qtbot.waitUntil(lambda: window.confirm_dialog is not None
                    and window.confirm_dialog.prepared.draft.title == title, timeout=5000)
    assert window.confirm_dialog is not None
    hold_to_send(qtbot, window.confirm_dialog)
    qtbot.waitUntil(lambda: window.monitor.message_id is not None
                    and window.monitor.title_label.text().endswith(title), timeout=5000)
    message_id = window.monitor.message_id
    assert message_id is not None
    return message_id


def test_history_shows_every_message_with_its_ledger_and_resends_failures(
    qtbot: QtBot, window: MainWindow
) -> None:
    first = _send(qtbot, window, "給水車の配置")
    second = _send(qtbot, window, "給水車の追加")
    history = window.history
    model = history.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    assert model.data(model.index(0, HistoryColumn.TITLE)) == "給水車の追加"  # newest first
    assert model.data(model.index(1, HistoryColumn.TITLE)) == "給水車の配置"
    assert model.data(model.index(0, HistoryColumn.MODE)) == "訓練"
    assert model.index(0, 0).data(HistoryRole.MESSAGE_ID) == second
    assert model.data(model.index(0, HistoryColumn.STATE)) == "配信中"  # no engine: queued

    issei = window.bridge.issei
    with issei.sessions.begin() as session:  # as if the mail server refused every address
        session.execute(update(Delivery)
                        .where(Delivery.message_id == first, Delivery.medium == "email")
                        .values(state="failed", last_error="550 宛先が存在しません"))
    email = issei.counts(first)["email"]
    issei.events.publish(DeliveryProgress(first, "email", email, ("550",)))
    qtbot.waitUntil(lambda: model.data(model.index(1, HistoryColumn.FAILED))
                    == f"{email.failed:,}", timeout=5000)

    window.tabs.setCurrentIndex(HISTORY_TAB)
    assert history.select_message(first)
    assert history.current is not None and history.current.id == first
    assert history.title_label.text() == "【訓練】給水車の配置"
    assert "送信者" in history.meta_label.text()
    qtbot.waitUntil(lambda: history.failures_model.rowCount() > 0, timeout=5000)
    assert history.progress_model.counts()["email"].failed == email.failed
    qtbot.waitUntil(lambda: history.rendition_combo.count() == 2, timeout=5000)
    assert "給水車の配置" in history.rendition_view.toPlainText()  # the ledger: what was sent
    assert history.retry_button.isEnabled()
    qtbot.mouseClick(history.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.bridge.counts(first)["email"].failed == 0, timeout=5000)
    qtbot.waitUntil(lambda: model.data(model.index(1, HistoryColumn.FAILED)) == "0",
                    timeout=5000)
    assert "件を再送に回しました" in window.statusBar().currentMessage()

    # Reuse: a new draft from the old text.
    qtbot.mouseClick(history.reuse_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == 0
    assert window.composer.title_edit.text() == "給水車の配置"


def test_history_reads_pages_and_counts_lazily_off_the_ui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    issei = window.bridge.issei
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with issei.sessions.begin() as session:
        session.execute(insert(Message), [
            {"id": str(uuid.uuid4()), "title": f"過去の配信 {i:03d}", "body": "b",
             "category": "disaster", "urgency": "normal", "areas": [], "media": ["email"],
             "languages": ["ja"], "training": i % 2 == 0,
             "created_at": start + dt.timedelta(minutes=i), "created_by": "", "console": ""}
            for i in range(250)])
    threads: list[str] = []
    real_counts = ledger.counts_for
    real_messages = ledger.messages

    def counts_for(*args: object) -> object:
        threads.append(threading.current_thread().name)
        return real_counts(*args)  # type: ignore[arg-type]

    def messages(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return real_messages(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger, "counts_for", counts_for)
    monkeypatch.setattr(ledger, "messages", messages)
    model = window.history.model
    model.reload()
    qtbot.waitUntil(lambda: model.rowCount() == HISTORY_PAGE, timeout=5000)
    assert model.data(model.index(0, HistoryColumn.TITLE)) == "過去の配信 249"
    assert model.canFetchMore()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * HISTORY_PAGE, timeout=5000)
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 250, timeout=5000)
    assert not model.canFetchMore()
    # Counts: only for rows someone looked at, a chunk at a time.
    before = model.count_requests
    assert model.data(model.index(200, HistoryColumn.TOTAL)) == "…"
    qtbot.waitUntil(lambda: model.data(model.index(200, HistoryColumn.TOTAL)) == "0",
                    timeout=5000)
    assert model.count_requests - before == 1
    assert model.data(model.index(200 + COUNT_CHUNK, HistoryColumn.TOTAL)) == "…"
    assert threads and all(name.startswith("issei-read") for name in threads), threads
    # The mode filter.
    window.history.mode_combo.setCurrentIndex(window.history.mode_combo.findData("live"))
    assert window.history.proxy.rowCount() == 125


@pytest.fixture
def big_window(
    qtbot: QtBot, tmp_path: Path, qapp: QApplication
) -> Iterator[tuple[MainWindow, str]]:
    """A console whose outbox holds one message of 100,000 e-mail deliveries."""
    import asyncio

    config: Config = load_config(None, tmp_path / "data")
    config.embedded = False  # no sample residents: exactly our 100,000
    issei, sink = build(config)
    with issei.sessions.begin() as session:
        session.execute(insert(Recipient), [
            {"email": f"r{i:06d}@example.jp", "name": "", "area": "中央地区"}
            for i in range(100_000)])
    message_id = issei.send(Draft("大規模配信", "本文", (Medium.EMAIL,),
                                  urgency=Urgency.EMERGENCY, training=True))
    reporter = ErrorReporter()
    bridge = ConsoleBridge(issei, reporter)
    window = MainWindow(bridge, reporter)
    try:
        yield window, message_id
    finally:
        window.force_close()
        bridge.close_sync()
        asyncio.run(issei.aclose())
        sink.stop()
        window.deleteLater()
        assert reporter.count == 0


def test_deliveries_model_stays_fast_at_100000_rows(
    qtbot: QtBot, big_window: tuple[MainWindow, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    window, message_id = big_window
    threads: list[str] = []
    real_ids, real_rows = ledger.delivery_ids, ledger.deliveries

    def delivery_ids(*args: object) -> object:
        threads.append(threading.current_thread().name)
        return real_ids(*args)  # type: ignore[arg-type]

    def deliveries(*args: object) -> object:
        threads.append(threading.current_thread().name)
        return real_rows(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger, "delivery_ids", delivery_ids)
    monkeypatch.setattr(ledger, "deliveries", deliveries)
    dialog = window.open_deliveries(message_id, "大規模配信", ["email"])
    assert isinstance(dialog, DeliveriesDialog)
    qtbot.waitExposed(dialog)
    model = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() == 100_000, timeout=20000)
    assert dialog.count_label.text() == "100,000 件"

    # data() never waits: a million calls' worth of work would show up here.
    started = time.perf_counter()
    for row in range(0, 100_000, 50):
        model.index(row, 1).data()
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, f"2,000 data() calls took {elapsed:.3f} s"
    # Only pages that were asked for are fetched, and the last one arrives too.
    requests_before = model.page_requests
    dialog.view.scrollToBottom()
    last = model.index(99_999, 1)
    qtbot.waitUntil(lambda: bool(last.data(DeliveryRole.LOADED)), timeout=10000)
    assert last.data() == "r099999@example.jp"
    assert model.data(model.index(99_999, 2)) == "待ち"
    assert model.page_requests - requests_before <= 100_000 // PAGE_SIZE
    # The database is never read on the UI thread.
    assert threads and not any(name == threading.main_thread().name for name in threads)
    assert all(name.startswith("issei-read") for name in threads), set(threads)

    # Filters: a state with no rows, then a medium.
    dialog.state_combo.setCurrentIndex(dialog.state_combo.findData("failed"))
    qtbot.waitUntil(lambda: dialog.count_label.text() == "0 件", timeout=10000)
    assert model.rowCount() == 0


def test_deliveries_follow_events_without_a_timer(qtbot: QtBot, window: MainWindow) -> None:
    message_id = _send(qtbot, window, "明細の確認")
    window.monitor.deliveries_button.click()
    qtbot.waitUntil(lambda: len(window.deliveries_dialogs) == 1, timeout=3000)
    dialog = window.deliveries_dialogs[0]
    model = dialog.model
    qtbot.waitUntil(lambda: model.rowCount() > 0
                    and bool(model.index(0, 0).data(DeliveryRole.LOADED)), timeout=5000)
    assert model.data(model.index(0, 2)) == "待ち"
    issei = window.bridge.issei
    with issei.sessions.begin() as session:
        first_id = session.scalar(select(Delivery.id).where(Delivery.message_id == message_id)
                                  .order_by(Delivery.medium, Delivery.id))
        session.execute(update(Delivery).where(Delivery.id == first_id)
                        .values(state="failed", last_error="550 User unknown"))
    qtbot.wait(300)
    assert model.data(model.index(0, 2)) == "待ち"  # nothing polls: no event, no change
    counts = issei.counts(message_id)
    issei.events.publish(DeliveryProgress(message_id, "email", counts["email"], ("550",)))
    qtbot.waitUntil(lambda: model.data(model.index(0, 2)) == "失敗", timeout=5000)
    assert model.data(model.index(0, 5)) == "550 User unknown"
    dialog.show_state(ledger.StateFilter.FAILED)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    dialog.close()
