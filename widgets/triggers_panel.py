"""The 自動配信 tab: what ``issei triggers replay`` prints, for bulletins the operator drops or
opens, and the queue of confirm-mode decisions waiting for an operator.

The replay runs the core's ``Replay`` (a throwaway database, a recording sender: nothing is
ever sent) on a worker thread; the queue is read and decided on workers through the bridge.
This panel only shows answers: every decision and every message comes from the core.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.events import Event
from app.triggers.engine import Outcome
from app.triggers.replay import Replay, bulletin_files
from app.triggers.rules import load_rules
from app.triggers.service import PendingDecision, Triggers
from widgets import style
from widgets.bridge import ConsoleBridge

log = logging.getLogger("issei.console")

RULES_SETTING = "triggers/rules_path"
DECISIONS = {
    "send": QT_TRANSLATE_NOOP("TriggersPanel", "配信する"),
    "confirm": QT_TRANSLATE_NOOP("TriggersPanel", "確認待ち"),
    "cancel": QT_TRANSLATE_NOOP("TriggersPanel", "取消"),
    "ignore": QT_TRANSLATE_NOOP("TriggersPanel", "何もしない"),
}
FILE, TYPE, STATUS, INFO, DECISION, REASON, TITLE = range(7)


def replay_files(rules_path: Path, paths: Sequence[Path]) -> list[Outcome]:
    """On a worker: the full replay sequence, as the CLI prints it (never sends)."""
    ruleset = load_rules(rules_path)
    outcomes: list[Outcome] = []
    with Replay(ruleset) as replay:
        for path in bulletin_files(paths):
            outcomes.extend(replay.file_lines(path))
        outcomes.extend(replay.finish())
    return outcomes


class TriggersPanel(QWidget):
    def __init__(self, bridge: ConsoleBridge, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.settings = settings
        self.rules_path: Path | None = None
        self.outcomes: list[Outcome] = []
        self.pending: list[PendingDecision] = []
        self.busy = False
        self._pending_loaded = False
        self.setAcceptDrops(True)

        self.open_button = QPushButton(self.tr("電文を開く…"))
        self.open_button.clicked.connect(self._choose_files)
        self.rules_button = QPushButton(self.tr("配信条件ファイル…"))
        self.rules_button.clicked.connect(self._choose_rules)
        self.rules_label = QLabel()
        self.rules_label.setObjectName("muted")
        self.rules_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.rules_button)
        top.addWidget(self.rules_label, 1)

        self.status_label = QLabel(self.tr(
            "気象庁の電文（XML）をここにドロップするか「電文を開く…」で選ぶと、"
            "自動配信が何をするかを表示します。確認だけで、送信はしません。"))
        self.status_label.setWordWrap(True)

        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("電文"), self.tr("種類"), self.tr("状態"), self.tr("情報"),
            self.tr("判定"), self.tr("理由"), self.tr("件名")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((FILE, 210), (TYPE, 70), (STATUS, 50), (INFO, 50),
                              (DECISION, 100), (REASON, 440)):
            self.table.setColumnWidth(column, width)
        self.table.setAccessibleName(self.tr("電文ごとの判定"))
        self.table.currentCellChanged.connect(lambda row, *_: self._show_detail(row))

        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName(self.tr("配信される件名と本文"))
        self.detail.setPlaceholderText(self.tr("行を選ぶと、配信される件名と本文を表示します"))

        replay_box = QWidget()
        replay_layout = QVBoxLayout(replay_box)
        replay_layout.setContentsMargins(0, 0, 0, 0)
        replay_layout.addLayout(top)
        replay_layout.addWidget(self.status_label)
        replay_layout.addWidget(self.table, 3)
        replay_layout.addWidget(self.detail, 2)

        self.pending_table = QTableWidget(0, 5)
        self.pending_table.setHorizontalHeaderLabels([
            "#", self.tr("受付"), self.tr("条件"), self.tr("件名"), self.tr("理由")])
        self.pending_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.pending_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.pending_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.pending_table.verticalHeader().setVisible(False)
        self.pending_table.horizontalHeader().setStretchLastSection(True)
        for column, width in ((0, 50), (1, 130), (2, 160), (3, 360)):
            self.pending_table.setColumnWidth(column, width)
        self.pending_table.setAccessibleName(self.tr("確認待ちの自動配信"))
        self.pending_table.itemSelectionChanged.connect(self._update_buttons)
        self.approve_button = QPushButton(self.tr("承認して配信"))
        self.approve_button.clicked.connect(self.approve_selected)
        self.reject_button = QPushButton(self.tr("見送る"))
        self.reject_button.clicked.connect(self.reject_selected)
        self.refresh_button = QPushButton(self.tr("読み直す"))
        self.refresh_button.clicked.connect(self.refresh_pending)
        self.pending_label = QLabel()
        self.pending_label.setObjectName("muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending_label, 1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.reject_button)
        buttons.addWidget(self.approve_button)
        self.pending_box = QGroupBox(self.tr("確認待ち"))
        pending_layout = QVBoxLayout(self.pending_box)
        pending_layout.addWidget(self.pending_table)
        pending_layout.addLayout(buttons)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(replay_box)
        self.splitter.addWidget(self.pending_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.splitter)

        # Core events (a message queued, finished, halted) may follow a decision: re-read
        # the queue once, shortly after, however many events came.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(300)
        self._refresh_timer.timeout.connect(self.refresh_pending)
        bridge.event_received.connect(self.on_event)

        remembered = settings.value(RULES_SETTING, "") if settings is not None else ""
        if remembered:
            self.set_rules_path(Path(str(remembered)), remember=False)
        else:
            self._show_rules()
        self._update_buttons()

    # -- rules -----------------------------------------------------------------------------

    def _choose_rules(self) -> None:
        start = str(self.rules_path.parent) if self.rules_path else ""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("配信条件ファイルを選ぶ"), start,
            self.tr("配信条件 (*.toml);;すべてのファイル (*)"))
        if path:
            self.set_rules_path(Path(path))

    def set_rules_path(self, path: Path, *, remember: bool = True) -> None:
        self.rules_path = path
        if remember and self.settings is not None:
            self.settings.setValue(RULES_SETTING, str(path))
        self._show_rules()
        self.refresh_pending()

    def _show_rules(self) -> None:
        if self.rules_path is None:
            self.rules_label.setText(self.tr("配信条件ファイルが選ばれていません"))
        else:
            self.rules_label.setText(self.tr("配信条件: {path}").format(path=self.rules_path))

    # -- replay ----------------------------------------------------------------------------

    def _choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("電文を開く"), "",
            self.tr("気象庁の電文 (*.xml *.txt);;すべてのファイル (*)"))
        if paths:
            self.open_files([Path(p) for p in paths])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_files(paths)

    def open_files(self, paths: Sequence[Path]) -> None:
        """Replay these bulletins (in order, one run) off the UI thread; nothing is sent."""
        if self.rules_path is None:
            self.status_label.setText(self.tr("先に「配信条件ファイル…」で配信条件を選んでください。"))
            self.status_label.setStyleSheet(f"color: {style.ERROR_FG};")
            return
        if self.busy:
            return
        self.busy = True
        self._update_buttons()
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("電文を確認しています…（送信はしません）"))
        self.bridge.call(replay_files, self.rules_path, list(paths),
                         on_done=self._replayed, on_error=self._replay_failed, owner=self)

    def _replayed(self, outcomes: list[Outcome]) -> None:
        self.busy = False
        self._update_buttons()
        self.show_outcomes(outcomes)
        self.status_label.setText(self.tr(
            "{n} 件の判定を表示しています。確認だけで、何も送信していません。").format(
                n=len(outcomes)))

    def _replay_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        self.status_label.setStyleSheet(f"color: {style.ERROR_FG};")
        self.status_label.setText(self.tr("確認できませんでした: {error}").format(error=exc))

    def show_outcomes(self, outcomes: list[Outcome]) -> None:
        self.outcomes = list(outcomes)
        table = self.table
        table.setRowCount(0)
        table.setRowCount(len(outcomes))
        for row, outcome in enumerate(outcomes):
            values = (Path(outcome.source).name or outcome.source, outcome.type, outcome.status,
                      outcome.info_type, self.decision_label(outcome.decision), outcome.reason,
                      outcome.title)
            unreadable = not outcome.type  # the core could not read it: its message says why
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(outcome.source if column == FILE else value)
                if unreadable:
                    item.setForeground(QBrush(QColor(style.ERROR_FG)))
                elif column == DECISION and outcome.decision in ("send", "confirm", "cancel"):
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(row, column, item)
        if outcomes:
            table.selectRow(0)
            self._show_detail(0)
        else:
            self.detail.clear()

    def decision_label(self, decision: str) -> str:
        return self.tr(DECISIONS[decision]) if decision in DECISIONS else decision

    def _show_detail(self, row: int) -> None:
        if not 0 <= row < len(self.outcomes):
            self.detail.clear()
            return
        outcome = self.outcomes[row]
        lines = [self.tr("電文: {source}").format(source=outcome.source),
                 self.tr("判定: {decision}").format(
                     decision=self.decision_label(outcome.decision))]
        if outcome.event_id:
            lines.append(self.tr("EventID: {id}").format(id=outcome.event_id))
        if outcome.reason:
            lines.append(self.tr("理由: {reason}").format(reason=outcome.reason))
        if outcome.title:
            lines += ["", self.tr("件名: {title}").format(title=outcome.title), "", outcome.body]
        self.detail.setPlainText("\n".join(lines))

    # -- the confirmation queue ------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        del event
        if self.rules_path is not None:
            self._refresh_timer.start()

    def _triggers(self) -> Triggers:
        assert self.rules_path is not None
        return Triggers(self.bridge.issei, load_rules(self.rules_path))

    def refresh_pending(self) -> None:
        if self.rules_path is None:
            self.pending_label.setText(self.tr("配信条件ファイルを選ぶと、確認待ちを表示します"))
            return
        self.bridge.call(lambda: self._triggers().pending(), on_done=self._pending_loaded_cb,
                         on_error=self._pending_failed, owner=self)

    def _pending_loaded_cb(self, items: list[PendingDecision]) -> None:
        self._pending_loaded = True
        selected = self.selected_pending()
        self.pending = list(items)
        table = self.pending_table
        table.setRowCount(0)
        table.setRowCount(len(items))
        for row, p in enumerate(items):
            title = (self.tr("【訓練】") if p.training else "") + p.title
            if p.decision == "cancel":
                title = self.tr("（取消の知らせ）") + title
            local = p.created_at.astimezone() if p.created_at.tzinfo else p.created_at
            for column, value in enumerate((str(p.id), local.strftime("%m/%d %H:%M:%S"),
                                            p.rule, title, p.reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(p.body if column == 3 else value)
                table.setItem(row, column, item)
            if selected is not None and p.id == selected.id:
                table.selectRow(row)
        self.pending_label.setText(self.tr("確認待ち {n} 件").format(n=len(items)))
        self._update_buttons()

    def _pending_failed(self, exc: BaseException) -> None:
        self.pending_label.setText(self.tr("確認待ちを読めませんでした: {error}").format(error=exc))

    def selected_pending(self) -> PendingDecision | None:
        rows = self.pending_table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.pending):
            return None
        return self.pending[rows[0].row()]

    def approve_selected(self) -> None:
        chosen = self.selected_pending()
        if chosen is None:
            return
        self._deciding(True)
        # Through the bridge: the signed-in operator decides (and must be signed in when
        # accounts exist); the 承認 tab decides the same queue the same way.
        self.bridge.approve_trigger_async(
            chosen.id,
            lambda mid: self._decided(self.tr("#{id} を配信しました（配信ID {mid}）").format(
                id=chosen.id, mid=mid)),
            self._decision_failed, owner=self)

    def reject_selected(self) -> None:
        chosen = self.selected_pending()
        if chosen is None:
            return
        self._deciding(True)
        self.bridge.reject_trigger_async(
            chosen.id, "",
            lambda _r: self._decided(self.tr("#{id} を見送りました").format(id=chosen.id)),
            self._decision_failed, owner=self)

    def _deciding(self, on: bool) -> None:
        self.approve_button.setEnabled(not on)
        self.reject_button.setEnabled(not on)

    def _decided(self, text: str) -> None:
        self._deciding(False)
        self.pending_label.setText(text)
        self.refresh_pending()

    def _decision_failed(self, exc: BaseException) -> None:
        self._deciding(False)
        self.pending_label.setText(str(exc))
        self.pending_label.setStyleSheet(f"color: {style.ERROR_FG};")
        self.refresh_pending()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(not self.busy)
        chosen = self.selected_pending() is not None
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)
