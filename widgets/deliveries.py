"""Drill-down to individual deliveries (配信明細): one row per recipient and medium.

``DeliveriesModel`` stays fast at 100,000 rows and more: it reads the matching ids once (on a
worker thread), so the view knows its full height at once, and fetches the rows themselves a
page at a time, only for pages the view actually asks about. ``data()`` never waits: a row not
loaded yet shows "…" and asks for its page; the answer arrives through the bridge and only
that page is repainted. During a send, events (never a timer) mark the loaded pages stale;
the view refreshes what is on screen.
"""

from __future__ import annotations

import enum
from array import array
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain import DeliveryState
from app.events import DeliveryProgress, Event, MessageFinished, MessageHalted
from app.ledger import DeliveryQuery, DeliveryRow, StateFilter
from widgets import style
from widgets.labels import medium_label

_t = QCoreApplication.translate  # pyside6-lupdate -tr-function-alias translate+=_t
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 200


STATE_LABELS = {
    DeliveryState.QUEUED.value: QT_TRANSLATE_NOOP("Deliveries", "待ち"),
    DeliveryState.SENDING.value: QT_TRANSLATE_NOOP("Deliveries", "送信中"),
    DeliveryState.SENT.value: QT_TRANSLATE_NOOP("Deliveries", "送信済"),
    DeliveryState.DELIVERED.value: QT_TRANSLATE_NOOP("Deliveries", "到達"),
    DeliveryState.FAILED.value: QT_TRANSLATE_NOOP("Deliveries", "失敗"),
    DeliveryState.CANCELLED.value: QT_TRANSLATE_NOOP("Deliveries", "中止"),
}
FILTER_LABELS = {
    StateFilter.ALL: QT_TRANSLATE_NOOP("Deliveries", "すべて"),
    StateFilter.FAILED: QT_TRANSLATE_NOOP("Deliveries", "失敗"),
    StateFilter.PENDING: QT_TRANSLATE_NOOP("Deliveries", "待ち・送信中"),
    StateFilter.SENT: QT_TRANSLATE_NOOP("Deliveries", "送信済"),
    StateFilter.CANCELLED: QT_TRANSLATE_NOOP("Deliveries", "中止"),
}


def state_label(state: str) -> str:
    return _t("Deliveries", STATE_LABELS.get(state, state))


class DeliveryRole(enum.IntEnum):
    ROW = Qt.ItemDataRole.UserRole + 1  # DeliveryRow, or None while its page loads
    ID = Qt.ItemDataRole.UserRole + 2  # delivery id (known before the row is loaded)
    STATE = Qt.ItemDataRole.UserRole + 3  # state code
    LOADED = Qt.ItemDataRole.UserRole + 4  # bool


class DeliveryColumn(enum.IntEnum):
    MEDIUM = 0
    TARGET = 1
    STATE = 2
    ATTEMPTS = 3
    UPDATED = 4
    DETAIL = 5


class Loader(Protocol):
    """What the model needs from the bridge (both answer later, on the Qt thread)."""

    def delivery_ids(self, query: DeliveryQuery, on_done: Callable[[array[int]], None],
                     owner: QObject | None = None) -> None: ...

    def deliveries(self, ids: Sequence[int], on_done: Callable[[list[DeliveryRow]], None],
                   owner: QObject | None = None) -> None: ...


class DeliveriesModel(QAbstractTableModel):
    def __init__(self, loader: Loader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = loader
        self.query: DeliveryQuery | None = None
        self._ids: array[int] = array("q")
        self._pages: dict[int, list[DeliveryRow]] = {}
        self._stale: set[int] = set()
        self._in_flight: set[int] = set()
        self._generation = 0  # a new query makes every answer of the old one moot
        self._ids_in_flight = False
        self._refresh_again = False
        self.page_requests = 0  # for tests and the benchmark: pages actually fetched
        self.loading = False

    # -- feeding ---------------------------------------------------------------------------

    def set_query(self, query: DeliveryQuery) -> None:
        self.query = query
        self._generation += 1
        self.loading = True
        self._ids_in_flight = True
        generation = self._generation
        self.loader.delivery_ids(query, lambda ids: self._ids_loaded(generation, ids, True),
                                 owner=self)

    def _ids_loaded(self, generation: int, ids: array[int], reset: bool) -> None:
        if generation != self._generation:
            return
        self._ids_in_flight = False
        self.loading = False
        if reset or ids != self._ids:
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self._stale.clear()
            self._in_flight.clear()
            self.endResetModel()
        else:
            self._mark_stale()
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def refresh(self) -> None:
        """Deliveries changed (an event said so): show fresh states for what is on screen.

        With a state filter the set of rows itself changes, so the ids are read again; with
        none, the rows stay and only the loaded pages are re-read as the view asks for them.
        """
        if self.query is None:
            return
        if self.query.state is StateFilter.ALL:
            self._mark_stale()
            return
        if self._ids_in_flight:
            self._refresh_again = True  # one read at a time; the newest state wins
            return
        self._ids_in_flight = True
        generation = self._generation
        self.loader.delivery_ids(self.query,
                                 lambda ids: self._ids_loaded(generation, ids, False),
                                 owner=self)

    def _mark_stale(self) -> None:
        self._stale.update(self._pages)
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(DeliveryColumn) - 1))

    def _request(self, page: int) -> None:
        if page in self._in_flight:
            return
        self._in_flight.add(page)
        self.page_requests += 1
        generation = self._generation
        start = page * PAGE_SIZE
        ids = self._ids[start:start + PAGE_SIZE]
        self.loader.deliveries(list(ids),
                               lambda rows: self._page_loaded(generation, page, rows),
                               owner=self)

    def _page_loaded(self, generation: int, page: int, rows: list[DeliveryRow]) -> None:
        if generation != self._generation:
            return
        self._in_flight.discard(page)
        self._stale.discard(page)
        start = page * PAGE_SIZE
        wanted = self._ids[start:start + PAGE_SIZE]
        by_id = {r.id: r for r in rows}
        # A row that vanished (a cancelled send cleaned up) keeps a gap rather than shifting.
        self._pages[page] = [by_id.get(i) for i in wanted]  # type: ignore[misc]
        last = min(len(self._ids), start + PAGE_SIZE) - 1
        if last >= start:
            self.dataChanged.emit(self.index(start, 0),
                                  self.index(last, len(DeliveryColumn) - 1))

    def row_at(self, row: int) -> DeliveryRow | None:
        """The loaded row, asking for its page when it is missing or stale (never waits)."""
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None or page in self._stale:
            self._request(page)
        if rows is None:
            return None
        return rows[row - page * PAGE_SIZE]

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(DeliveryColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation is Qt.Orientation.Horizontal:
            return [_t("Deliveries", "媒体"), _t("Deliveries", "宛先"),
                    _t("Deliveries", "状態"), _t("Deliveries", "試行"),
                    _t("Deliveries", "更新"), _t("Deliveries", "理由・受付番号")][section]
        return f"{section + 1:,}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == DeliveryRole.ID:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, DeliveryRole.ROW, DeliveryRole.STATE,
                        DeliveryRole.LOADED):
            return None
        row = self.row_at(index.row())
        if role == DeliveryRole.LOADED:
            return row is not None
        if role == DeliveryRole.ROW:
            return row
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        if role == DeliveryRole.STATE:
            return row.state
        column = DeliveryColumn(index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is DeliveryColumn.STATE and row.state == DeliveryState.FAILED.value:
                return QColor(style.ERROR_FG)
            if column is DeliveryColumn.STATE and row.state == DeliveryState.CANCELLED.value:
                return QColor(style.MUTED)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column is DeliveryColumn.DETAIL and row.last_error:
                return row.last_error
            if column is DeliveryColumn.STATE and row.possible_duplicate:
                return _t("Deliveries", "重複して届いた可能性があります")
            return None
        if column is DeliveryColumn.MEDIUM:
            return medium_label(row.medium)
        if column is DeliveryColumn.TARGET:
            return row.target
        if column is DeliveryColumn.STATE:
            mark = "（重複?）" if row.possible_duplicate else ""
            return state_label(row.state) + mark
        if column is DeliveryColumn.ATTEMPTS:
            return str(row.attempts)
        if column is DeliveryColumn.UPDATED:
            return row.updated_at.astimezone().strftime("%H:%M:%S")
        return row.last_error or row.provider_ref


class DeliveriesDialog(QDialog):
    """The deliveries of one message, filterable by medium and state, live during a send."""

    def __init__(
        self,
        loader: Loader,
        message_id: str,
        *,
        title: str,
        media: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.message_id = message_id
        self.setWindowTitle(
            _t("Deliveries", "配信明細 — {title}").format(title=title or message_id))
        self.resize(980, 620)
        self.model = DeliveriesModel(loader, self)
        self.medium_combo = QComboBox()
        self.medium_combo.setAccessibleName(_t("Deliveries", "媒体で絞り込む"))
        self.medium_combo.addItem(_t("Deliveries", "すべての媒体"), None)
        for medium in media:
            self.medium_combo.addItem(medium_label(medium), medium)
        self.state_combo = QComboBox()
        self.state_combo.setAccessibleName(_t("Deliveries", "状態で絞り込む"))
        for state, text in FILTER_LABELS.items():
            self.state_combo.addItem(_t("Deliveries", text), state.value)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("font-weight: bold;")
        self.medium_combo.currentIndexChanged.connect(self._requery)
        self.state_combo.currentIndexChanged.connect(self._requery)
        self.model.modelReset.connect(self._show_count)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(_t("Deliveries", "配信明細の表"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        # Fixed row heights and column widths: a view of 100,000 rows must never measure them.
        vertical = self.view.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((DeliveryColumn.MEDIUM, 90), (DeliveryColumn.TARGET, 300),
                              (DeliveryColumn.STATE, 100), (DeliveryColumn.ATTEMPTS, 50),
                              (DeliveryColumn.UPDATED, 90)):
            header.resizeSection(column, width)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(_t("Deliveries", "媒体")))
        filters.addWidget(self.medium_combo)
        filters.addWidget(QLabel(_t("Deliveries", "状態")))
        filters.addWidget(self.state_combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        self._requery()

    def query(self) -> DeliveryQuery:
        medium = self.medium_combo.currentData()
        return DeliveryQuery(self.message_id, medium if isinstance(medium, str) else None,
                             StateFilter(str(self.state_combo.currentData())))

    def show_state(self, state: StateFilter) -> None:
        self.state_combo.setCurrentIndex(max(0, self.state_combo.findData(state.value)))

    def _requery(self) -> None:
        self.count_label.setText(_t("Deliveries", "読み込み中…"))
        self.model.set_query(self.query())

    def _show_count(self) -> None:
        self.count_label.setText(_t("Deliveries", "{n} 件").format(n=f"{self.model.rowCount():,}"))

    def on_event(self, event: Event) -> None:
        if isinstance(event, DeliveryProgress | MessageFinished | MessageHalted) and (
            event.message_id == self.message_id
        ):
            self.model.refresh()
