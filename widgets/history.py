"""History and ledger (履歴・配信台帳): every past message, its ledger across media, and the
actions on it (retry what failed, drill down, reuse the text for a new message).

``HistoryModel`` reads messages a page at a time (``canFetchMore``/``fetchMore``) and their
counts only for rows the view shows, always on worker threads. Live changes come from core
events, which carry the counts themselves: a send in progress updates its row without a
single query.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.events import (
    DeliveryProgress,
    Event,
    MediumCounts,
    MessageFinished,
    MessageHalted,
    MessageQueued,
)
from app.ledger import MessageSummary, StoredRendition
from widgets import style
from widgets.labels import category_label, language_label, medium_label, urgency_label
from widgets.models import FailuresModel, MediaProgressModel, ProgressColumn
from widgets.monitor import ProgressDelegate
from widgets.previews import payload_text

_t = QCoreApplication.translate  # pyside6-lupdate -tr-function-alias translate+=_t
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
COUNT_CHUNK = 25  # rows whose counts are read together


class HistoryRole(enum.IntEnum):
    MESSAGE_ID = Qt.ItemDataRole.UserRole + 1
    SUMMARY = Qt.ItemDataRole.UserRole + 2  # MessageSummary
    COUNTS = Qt.ItemDataRole.UserRole + 3  # dict[str, MediumCounts] or None (not read yet)
    TRAINING = Qt.ItemDataRole.UserRole + 4


class HistoryColumn(enum.IntEnum):
    TIME = 0
    MODE = 1
    TITLE = 2
    MEDIA = 3
    TOTAL = 4
    SENT = 5
    FAILED = 6
    PENDING = 7
    STATE = 8


def _sum(counts: dict[str, MediumCounts]) -> MediumCounts:
    return MediumCounts(
        total=sum(c.total for c in counts.values()),
        sent=sum(c.sent for c in counts.values()),
        failed=sum(c.failed for c in counts.values()),
        pending=sum(c.pending for c in counts.values()),
        cancelled=sum(c.cancelled for c in counts.values()),
        duplicates=sum(c.duplicates for c in counts.values()),
    )


def ledger_state(summary: MessageSummary, counts: dict[str, MediumCounts] | None) -> str:
    if counts is None:
        return "…"
    total = _sum(counts)
    if total.pending:
        return _t("History", "配信中")
    if summary.halted:
        return _t("History", "中止")
    if total.failed:
        return _t("History", "失敗あり")
    return _t("History", "完了")


class HistoryLoader(Protocol):
    def history_page(self, before: tuple[Any, str] | None, limit: int,
                     on_done: Callable[[list[MessageSummary]], None],
                     owner: QObject | None = None) -> None: ...

    def history_counts(self, message_ids: Sequence[str],
                       on_done: Callable[[dict[str, dict[str, MediumCounts]]], None],
                       owner: QObject | None = None) -> None: ...

    def message_summary(self, message_id: str,
                        on_done: Callable[[MessageSummary | None], None],
                        owner: QObject | None = None) -> None: ...


class HistoryModel(QAbstractTableModel):
    def __init__(self, loader: HistoryLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self._rows: list[MessageSummary] = []
        self._row_of: dict[str, int] = {}
        self._counts: dict[str, dict[str, MediumCounts]] = {}
        self._counts_in_flight: set[str] = set()
        self._exhausted = False
        self._page_in_flight = False
        self._generation = 0
        self.count_requests = 0

    # -- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._row_of = {}
        self._counts = {}
        self._counts_in_flight = set()
        self._exhausted = False
        self._page_in_flight = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        return not parent.isValid() and not self._exhausted and not self._page_in_flight

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt API
        if not self.canFetchMore(parent):
            return
        self._page_in_flight = True
        last = self._rows[-1] if self._rows else None
        before = (last.created_at, last.id) if last is not None else None
        generation = self._generation
        self.loader.history_page(before, PAGE_SIZE,
                                 lambda rows: self._page_loaded(generation, rows), owner=self)

    def _page_loaded(self, generation: int, rows: list[MessageSummary]) -> None:
        if generation != self._generation:
            return
        self._page_in_flight = False
        fresh = [r for r in rows if r.id not in self._row_of]
        if len(rows) < PAGE_SIZE:
            self._exhausted = True
        if not fresh:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
        for summary in fresh:
            self._row_of[summary.id] = len(self._rows)
            self._rows.append(summary)
        self.endInsertRows()

    def _want_counts(self, row: int) -> None:
        start = row - row % COUNT_CHUNK
        ids = [s.id for s in self._rows[start:start + COUNT_CHUNK]
               if s.id not in self._counts and s.id not in self._counts_in_flight]
        if not ids:
            return
        self._counts_in_flight.update(ids)
        self.count_requests += 1
        generation = self._generation
        self.loader.history_counts(ids, lambda found: self._counts_loaded(generation, found),
                                   owner=self)

    def _counts_loaded(self, generation: int, found: dict[str, dict[str, MediumCounts]]) -> None:
        if generation != self._generation:
            return
        for message_id, counts in found.items():
            self._counts_in_flight.discard(message_id)
            self._counts.setdefault(message_id, counts)  # an event may have come first
            self._changed(message_id)

    def _changed(self, message_id: str) -> None:
        row = self._row_of.get(message_id)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HistoryColumn) - 1))

    # -- live ------------------------------------------------------------------------------

    def apply_event(self, event: Event) -> None:
        if isinstance(event, MessageQueued):
            self._counts[event.message_id] = dict(event.counts)
            if event.message_id not in self._row_of:
                generation = self._generation
                self.loader.message_summary(
                    event.message_id, lambda s: self._prepend(generation, s), owner=self)
        elif isinstance(event, DeliveryProgress):
            counts = self._counts.get(event.message_id)
            if counts is not None:
                counts[event.medium] = event.counts
                self._changed(event.message_id)
        elif isinstance(event, MessageFinished):
            self._counts[event.message_id] = dict(event.counts)
            self._changed(event.message_id)
        elif isinstance(event, MessageHalted):
            row = self._row_of.get(event.message_id)
            if row is not None:
                self._rows[row] = replace(self._rows[row], halted=True)
            self._counts.pop(event.message_id, None)  # read again: many were cancelled
            self._changed(event.message_id)

    def _prepend(self, generation: int, summary: MessageSummary | None) -> None:
        if generation != self._generation or summary is None or summary.id in self._row_of:
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, summary)
        self._row_of = {s.id: i for i, s in enumerate(self._rows)}
        self.endInsertRows()

    def forget_counts(self, message_id: str) -> None:
        """Counts changed without an event carrying them (a retry): read them again."""
        self._counts.pop(message_id, None)
        self._changed(message_id)

    # -- access ----------------------------------------------------------------------------

    def summary(self, row: int) -> MessageSummary:
        return self._rows[row]

    def counts(self, message_id: str) -> dict[str, MediumCounts] | None:
        return self._counts.get(message_id)

    def row_of(self, message_id: str) -> int | None:
        return self._row_of.get(message_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(HistoryColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [_t("History", "日時"), _t("History", "区分"), _t("History", "件名"),
                    _t("History", "媒体"), _t("History", "対象"), _t("History", "送信済"),
                    _t("History", "失敗"), _t("History", "待ち"), _t("History", "状態")][section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = HistoryColumn(index.column())
        if role == HistoryRole.MESSAGE_ID:
            return summary.id
        if role == HistoryRole.SUMMARY:
            return summary
        if role == HistoryRole.TRAINING:
            return summary.training
        counts = self._counts.get(summary.id)
        if counts is None and column >= HistoryColumn.TOTAL and role in (
            Qt.ItemDataRole.DisplayRole, HistoryRole.COUNTS
        ):
            self._want_counts(index.row())
        if role == HistoryRole.COUNTS:
            return counts
        if role == Qt.ItemDataRole.TextAlignmentRole and HistoryColumn.TOTAL <= column <= (
            HistoryColumn.PENDING
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is HistoryColumn.MODE and not summary.training:
                return QColor(style.PRODUCTION_RED)
            if column is HistoryColumn.FAILED and counts and _sum(counts).failed:
                return QColor(style.ERROR_FG)
            if column is HistoryColumn.STATE and counts and _sum(counts).failed:
                return QColor(style.ERROR_FG)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column is HistoryColumn.TITLE:
            return summary.title
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column is HistoryColumn.TIME:
            return summary.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if column is HistoryColumn.MODE:
            return _t("History", "訓練") if summary.training else _t("History", "本番")
        if column is HistoryColumn.TITLE:
            return summary.title
        if column is HistoryColumn.MEDIA:
            return "・".join(medium_label(m) for m in summary.media)
        if column is HistoryColumn.STATE:
            return ledger_state(summary, counts)
        if counts is None:
            return "…"
        total = _sum(counts)
        value = {HistoryColumn.TOTAL: total.total, HistoryColumn.SENT: total.sent,
                 HistoryColumn.FAILED: total.failed, HistoryColumn.PENDING: total.pending}[column]
        return f"{value:,}"


class ModeFilter(QSortFilterProxyModel):
    """Shows all messages, only 本番, or only 訓練."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.mode: bool | None = None  # None: all; True: training only; False: production only

    def set_mode(self, mode: bool | None) -> None:
        if not hasattr(self, "endFilterChange"):  # Qt before 6.10
            self.mode = mode
            self.invalidateFilter()
            return
        self.beginFilterChange()  # Qt 6.10+: this pair replaces the deprecated invalidate*()
        self.mode = mode
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self.mode is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return bool(index.data(HistoryRole.TRAINING)) == self.mode


class HistoryPanel(QWidget):
    retry_requested = Signal(str)  # message id
    deliveries_requested = Signal(str, str, object)  # message id, title, media
    reuse_requested = Signal(object)  # MessageSummary: a new message from its text
    follow_up_requested = Signal(object, str)  # MessageSummary, "correction" | "cancellation"

    def __init__(self, loader: HistoryLoader, renditions: Callable[..., None],
                 failures: Callable[..., None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.load_renditions = renditions
        self.load_failures = failures
        self.model = HistoryModel(loader, self)
        self.proxy = ModeFilter(self)
        self.proxy.setSourceModel(self.model)
        self.current: MessageSummary | None = None
        self.stored: list[StoredRendition] = []

        self.mode_combo = QComboBox()
        self.mode_combo.setAccessibleName(_t("History", "表示する配信"))
        self.mode_combo.addItem(_t("History", "すべて"), "all")
        self.mode_combo.addItem(_t("History", "本番のみ"), "live")
        self.mode_combo.addItem(_t("History", "訓練のみ"), "drill")
        self.mode_combo.currentIndexChanged.connect(
            lambda _i: self.proxy.set_mode(
                {"live": False, "drill": True}.get(str(self.mode_combo.currentData()))))
        self.refresh_button = QToolButton()
        self.refresh_button.setText("⟳")
        self.refresh_button.setAccessibleName(_t("History", "履歴を読み直す"))
        self.refresh_button.setToolTip(_t("History", "履歴を読み直す（F5）"))
        self.refresh_button.clicked.connect(self.model.reload)

        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAccessibleName(_t("History", "配信の履歴"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in ((HistoryColumn.TIME, 160), (HistoryColumn.MODE, 50),
                              (HistoryColumn.TITLE, 260), (HistoryColumn.MEDIA, 110),
                              (HistoryColumn.TOTAL, 70), (HistoryColumn.SENT, 70),
                              (HistoryColumn.FAILED, 55), (HistoryColumn.PENDING, 55)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        top = QHBoxLayout()
        top.addWidget(QLabel(_t("History", "表示")))
        top.addWidget(self.mode_combo)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.view, 1)

        self.detail = self._detail()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([780, 560])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.model.dataChanged.connect(lambda *_args: self._show_counts())
        self.model.modelReset.connect(self._select_first)
        self.model.rowsInserted.connect(self._select_first)
        self.show_message(None)

    def _detail(self) -> QWidget:
        box = QGroupBox(_t("History", "配信台帳"))
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.meta_label = QLabel()
        self.meta_label.setWordWrap(True)
        self.meta_label.setObjectName("muted")
        self.progress_model = MediaProgressModel()
        self.progress_view = QTableView()
        self.progress_view.setModel(self.progress_model)
        self.progress_view.setItemDelegateForColumn(ProgressColumn.PROGRESS,
                                                    ProgressDelegate(self))
        self.progress_view.verticalHeader().setVisible(False)
        self.progress_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.progress_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.progress_view.horizontalHeader().setSectionResizeMode(
            ProgressColumn.PROGRESS, QHeaderView.ResizeMode.Stretch)
        self.progress_view.setMaximumHeight(120)
        self.failures_model = FailuresModel()
        self.failures_view = QTableView()
        self.failures_view.setModel(self.failures_model)
        self.failures_view.verticalHeader().setVisible(False)
        self.failures_view.horizontalHeader().setStretchLastSection(True)
        self.failures_view.setMaximumHeight(110)
        self.rendition_combo = QComboBox()
        self.rendition_combo.setAccessibleName(_t("History", "送った文面を選ぶ"))
        self.rendition_combo.currentIndexChanged.connect(self._show_rendition)
        self.rendition_view = QPlainTextEdit()
        self.rendition_view.setReadOnly(True)
        self.retry_button = QPushButton(_t("History", "再送（失敗分）"))
        self.deliveries_button = QPushButton(_t("History", "配信明細…"))
        self.reuse_button = QPushButton(_t("History", "この内容で新規作成"))
        self.correct_button = QPushButton(_t("History", "訂正…"))
        self.correct_button.setToolTip(
            _t("History", "この配信を受け取った人に、訂正を送ります（前後を見比べてから）"))
        self.cancel_message_button = QPushButton(_t("History", "取消…"))
        self.cancel_message_button.setToolTip(
            _t("History", "この配信を受け取った人に、取り消しを知らせます"))
        for button in (self.retry_button, self.deliveries_button, self.reuse_button,
                       self.correct_button, self.cancel_message_button):
            button.setAutoDefault(False)
        self.retry_button.clicked.connect(self._retry)
        self.deliveries_button.clicked.connect(self._deliveries)
        self.reuse_button.clicked.connect(self._reuse)
        self.correct_button.clicked.connect(lambda: self._follow_up("correction"))
        self.cancel_message_button.clicked.connect(lambda: self._follow_up("cancellation"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.deliveries_button)
        buttons.addStretch(1)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.cancel_message_button)
        buttons.addWidget(self.reuse_button)
        form = QFormLayout()
        form.addRow(_t("History", "送った文面"), self.rendition_combo)
        layout = QVBoxLayout(box)
        layout.addWidget(self.title_label)
        layout.addWidget(self.meta_label)
        layout.addWidget(self.progress_view)
        self.failures_caption = QLabel(_t("History", "失敗した宛先"))
        layout.addWidget(self.failures_caption)
        layout.addWidget(self.failures_view)
        layout.addLayout(form)
        layout.addWidget(self.rendition_view, 1)
        layout.addLayout(buttons)
        return box

    # -- selection -------------------------------------------------------------------------

    def _select_first(self) -> None:
        if self.current is None and self.proxy.rowCount() > 0:
            self.view.selectRow(0)

    def select_message(self, message_id: str) -> bool:
        row = self.model.row_of(message_id)
        if row is None:
            return False
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not proxy_index.isValid():
            return False
        self.view.selectRow(proxy_index.row())
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.show_message(None)
            return
        summary = current.data(HistoryRole.SUMMARY)
        self.show_message(summary if isinstance(summary, MessageSummary) else None)

    def show_message(self, summary: MessageSummary | None) -> None:
        self.current = summary
        for button in (self.retry_button, self.deliveries_button, self.reuse_button):
            button.setEnabled(summary is not None)
        # A follow-up is itself never corrected: the original is (訂正・取消 point at it).
        for button in (self.correct_button, self.cancel_message_button):
            button.setEnabled(summary is not None and summary.correction_of is None)
        self.rendition_combo.clear()
        self.rendition_view.clear()
        self.failures_model.set_rows([])
        if summary is None:
            self.title_label.setText(_t("History", "配信を選ぶと、ここに台帳が出ます"))
            self.meta_label.setText("")
            self.progress_model.reset({})
            self.retry_button.setEnabled(False)
            return
        mark = _t("History", "【訓練】") if summary.training else _t("History", "【本番】")
        self.title_label.setText(mark + summary.title)
        areas = "、".join(summary.areas) if summary.areas else _t("History", "全地区")
        langs = "・".join(language_label(c) for c in summary.languages) or language_label("ja")
        self.meta_label.setText(
            _t("History", "{time}　{category}・{urgency}　地区: {areas}　言語: {langs}\n"
                "送信者: {who}　端末: {console}　配信ID: {id}").format(
                time=summary.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                category=category_label(summary.category),
                urgency=urgency_label(summary.urgency), areas=areas, langs=langs,
                who=summary.created_by or "—", console=summary.console or "—", id=summary.id))
        self._show_counts()
        message_id = summary.id
        self.load_renditions(message_id, lambda rows: self._renditions_loaded(message_id, rows),
                             owner=self)
        self.load_failures(message_id, lambda rows: self._failures_loaded(message_id, rows))

    def _show_counts(self) -> None:
        if self.current is None:
            return
        counts = self.model.counts(self.current.id)
        self.progress_model.reset(counts or {})
        failed = bool(counts) and any(c.failed for c in (counts or {}).values())
        self.retry_button.setEnabled(failed)

    def _renditions_loaded(self, message_id: str, rows: list[StoredRendition]) -> None:
        if self.current is None or self.current.id != message_id:
            return
        self.stored = rows
        self.rendition_combo.blockSignals(True)
        self.rendition_combo.clear()
        for i, r in enumerate(rows):
            self.rendition_combo.addItem(
                f"{medium_label(r.medium)}・{language_label(r.language)}", i)
        self.rendition_combo.blockSignals(False)
        self._show_rendition()

    def _failures_loaded(self, message_id: str, rows: list[tuple[str, str, str]]) -> None:
        if self.current is None or self.current.id != message_id:
            return
        self.failures_model.set_rows(rows)
        self.failures_caption.setText(
            _t("History", "失敗した宛先（先頭 {n} 件）").format(n=len(rows)) if rows
            else _t("History", "失敗した宛先"))

    def _show_rendition(self) -> None:
        index = self.rendition_combo.currentData()
        if not isinstance(index, int) or index >= len(self.stored):
            self.rendition_view.clear()
            return
        self.rendition_view.setPlainText(payload_text(self.stored[index].payload))

    # -- live and actions ------------------------------------------------------------------

    def apply_event(self, event: Event) -> None:
        self.model.apply_event(event)
        current = self.current
        if current is not None and getattr(event, "message_id", None) == current.id:
            self._show_counts()
            if isinstance(event, DeliveryProgress | MessageFinished) and any(
                c.failed for c in (self.model.counts(current.id) or {}).values()
            ):
                self.load_failures(current.id,
                                   lambda rows: self._failures_loaded(current.id, rows))

    def _retry(self) -> None:
        if self.current is not None:
            self.retry_requested.emit(self.current.id)

    def _deliveries(self) -> None:
        if self.current is not None:
            self.deliveries_requested.emit(self.current.id, self.current.title,
                                           self.current.media)

    def _reuse(self) -> None:
        if self.current is not None:
            self.reuse_requested.emit(self.current)

    def _follow_up(self, kind: str) -> None:
        if self.current is not None and self.current.correction_of is None:
            self.follow_up_requested.emit(self.current, kind)
