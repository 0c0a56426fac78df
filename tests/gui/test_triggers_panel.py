"""The 自動配信 tab: official JMA samples dropped or opened show what the live system would
do (replay: nothing is sent); unreadable files show the core's message in their row; the
confirm-mode queue is shown and decided through the core."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.models import Delivery, Message
from app.triggers.rules import parse_rules
from app.triggers.service import Triggers
from widgets.main_window import TRIGGERS_TAB, MainWindow
from widgets.triggers_panel import DECISION, REASON, STATUS, TITLE, TYPE, TriggersPanel

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "jma" / "samples"
SHINDO = SAMPLES / "32-35_08_01_100915_VXSE51.xml"  # 震度速報, 岩手県沿岸北部 震度３
DRILL = SAMPLES / "32-39_13_07_250206_VTSE41.xml"  # 津波 (訓練)
QUAKE = SAMPLES / "32-35_06_03_240613_VXSE53.xml"  # 金ケ崎町 震度５弱以上未入電

RULES = """[area]
municipality = "岩手県宮古市"
[feed]
max_age = 1e12
[[rule]]
name = "震度3以上（地域）"
media = ["email", "line"]
when = { type = "earthquake", min_intensity = "3", scope = "area" }
[[rule]]
name = "津波"
media = ["email"]
when = { type = "tsunami", clear = true }
"""

CONFIRM_RULES = """[area]
municipality = "岩手県金ケ崎町"
[feed]
max_age = 1e12
[[rule]]
name = "震度5弱以上"
media = ["email"]
mode = "confirm"
when = { type = "earthquake", min_intensity = "5-" }
"""


def rules_file(tmp_path: Path, text: str = RULES) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cell(panel: TriggersPanel, row: int, column: int) -> str:
    item = panel.table.item(row, column)
    assert item is not None
    return item.text()


def outbox_size(window: MainWindow) -> int:
    with window.bridge.issei.sessions() as session:
        return (session.scalar(select(func.count()).select_from(Message)) or 0) + (
            session.scalar(select(func.count()).select_from(Delivery)) or 0)


def replay(qtbot: QtBot, panel: TriggersPanel, paths: list[Path]) -> None:
    panel.open_files(paths)
    assert panel.busy
    qtbot.waitUntil(lambda: not panel.busy, timeout=30000)


def test_official_samples_show_what_would_happen_and_nothing_is_sent(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == TRIGGERS_TAB
    panel = window.triggers
    panel.set_rules_path(rules_file(tmp_path))
    replay(qtbot, panel, [SHINDO, DRILL])

    assert panel.table.rowCount() == 2
    assert (cell(panel, 0, TYPE), cell(panel, 0, STATUS)) == ("VXSE51", "通常")
    assert cell(panel, 0, DECISION) == "配信する"
    assert cell(panel, 0, REASON) == "震度3以上（地域）: 岩手県沿岸北部 震度３"
    assert cell(panel, 0, TITLE) == "【地震】岩手県沿岸北部で震度３"
    assert "岩手県沿岸北部の震度: 震度３" in panel.detail.toPlainText()

    assert (cell(panel, 1, TYPE), cell(panel, 1, STATUS)) == ("VTSE41", "訓練")
    assert cell(panel, 1, DECISION) == "何もしない"
    assert cell(panel, 1, REASON) == "津波: 訓練電文（岩手県に津波の予報は出ていません）"
    assert cell(panel, 1, TITLE) == ""
    assert "何も送信していません" in panel.status_label.text()
    assert outbox_size(window) == 0


def test_unreadable_files_show_the_core_message_in_their_row(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(SHINDO.read_bytes()[:400])
    wrong_encoding = tmp_path / "sjis.xml"
    wrong_encoding.write_bytes(SHINDO.read_text(encoding="utf-8").encode("shift_jis"))
    panel = window.triggers
    panel.set_rules_path(rules_file(tmp_path))

    # Dropped, as from the file manager.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in (truncated, wrong_encoding, SHINDO)])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    panel.dropEvent(drop)
    qtbot.waitUntil(lambda: not panel.busy and panel.table.rowCount() == 3, timeout=30000)

    assert cell(panel, 0, DECISION) == "何もしない"
    assert cell(panel, 0, REASON).startswith("電文を読めません: 電文が途中で切れています")
    assert cell(panel, 1, REASON).startswith("電文を読めません: 電文の文字コードが宣言")
    assert cell(panel, 2, DECISION) == "配信する"  # the rows after still count
    assert outbox_size(window) == 0


def test_the_rules_path_is_remembered(qtbot: QtBot, window: MainWindow,
                                      tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    first = TriggersPanel(window.bridge, settings)
    qtbot.addWidget(first)
    path = rules_file(tmp_path)
    first.set_rules_path(path)
    second = TriggersPanel(window.bridge, settings)
    qtbot.addWidget(second)
    assert second.rules_path == path
    assert str(path) in second.rules_label.text()
    missing = TriggersPanel(window.bridge, None)
    qtbot.addWidget(missing)
    missing.open_files([SHINDO])  # no rules yet: says what to do, runs nothing
    assert not missing.busy and "配信条件" in missing.status_label.text()


def test_the_confirmation_queue_is_shown_and_decided(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    issei = window.bridge.issei
    path = rules_file(tmp_path, CONFIRM_RULES)
    triggers = Triggers(issei, parse_rules(CONFIRM_RULES))
    assert triggers.process(QUAKE.read_bytes(), str(QUAKE)).decision == "confirm"
    panel = window.triggers
    panel.set_rules_path(path)
    qtbot.waitUntil(lambda: panel.pending_table.rowCount() == 1, timeout=10000)
    assert "金ケ崎町で震度５弱以上の可能性" in panel.pending_table.item(0, 3).text()
    assert "確認待ち 1 件" in panel.pending_label.text()
    assert not panel.approve_button.isEnabled()
    panel.pending_table.selectRow(0)
    assert panel.approve_button.isEnabled()
    panel.reject_button.click()
    qtbot.waitUntil(lambda: panel.pending_table.rowCount() == 0, timeout=10000)
    assert triggers.pending() == []
    assert outbox_size(window) == 0


def test_the_queue_follows_core_events(qtbot: QtBot, window: MainWindow,
                                       tmp_path: Path) -> None:
    from app.events import MessageHalted

    panel = window.triggers
    panel.set_rules_path(rules_file(tmp_path, CONFIRM_RULES))
    qtbot.waitUntil(lambda: "確認待ち 0 件" in panel.pending_label.text(), timeout=10000)
    triggers = Triggers(window.bridge.issei, parse_rules(CONFIRM_RULES))
    triggers.process(QUAKE.read_bytes(), str(QUAKE))  # queued by the core, no event yet
    window.bridge.issei.events.publish(MessageHalted("elsewhere", 0))
    qtbot.waitUntil(lambda: panel.pending_table.rowCount() == 1, timeout=10000)
