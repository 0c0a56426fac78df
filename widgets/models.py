"""Qt item models that adapt the core's delivery state for the live monitor.

They only hold what events (and the occasional ``counts``/``failures`` read) told them.
"""

from __future__ import annotations

import enum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from app.events import MediumCounts
from widgets import style
from widgets.labels import medium_label

_t = QCoreApplication.translate  # pyside6-lupdate -tr-function-alias translate+=_t
Index = QModelIndex | QPersistentModelIndex


class ProgressRole(enum.IntEnum):
    COUNTS = Qt.ItemDataRole.UserRole + 1  # MediumCounts
    FRACTION = Qt.ItemDataRole.UserRole + 2  # 0.0 … 1.0 finished
    MEDIUM = Qt.ItemDataRole.UserRole + 3  # medium code


class ProgressColumn(enum.IntEnum):
    MEDIUM = 0
    PROGRESS = 1
    TOTAL = 2
    SENT = 3
    FAILED = 4
    PENDING = 5
    CANCELLED = 6


def finished_fraction(c: MediumCounts) -> float:
    if c.total == 0:
        return 1.0
    return (c.sent + c.failed + c.cancelled) / c.total


class MediaProgressModel(QAbstractTableModel):
    """One row per medium of the message being watched."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, MediumCounts]] = []

    def headers(self) -> list[str]:
        return [_t("Monitor", "媒体"), _t("Monitor", "進捗"), _t("Monitor", "対象"),
                _t("Monitor", "送信済"), _t("Monitor", "失敗"), _t("Monitor", "待ち"),
                _t("Monitor", "中止")]

    def reset(self, counts: dict[str, MediumCounts]) -> None:
        self.beginResetModel()
        self._rows = list(counts.items())
        self.endResetModel()

    def update(self, medium: str, counts: MediumCounts) -> None:
        for row, (m, _old) in enumerate(self._rows):
            if m == medium:
                self._rows[row] = (medium, counts)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(ProgressColumn) - 1))
                return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append((medium, counts))
        self.endInsertRows()

    def counts(self) -> dict[str, MediumCounts]:
        return dict(self._rows)

    def all_done(self) -> bool:
        return bool(self._rows) and all(c.done for _m, c in self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(ProgressColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        medium, c = self._rows[index.row()]
        column = ProgressColumn(index.column())
        if role == ProgressRole.COUNTS:
            return c
        if role == ProgressRole.FRACTION:
            return finished_fraction(c)
        if role == ProgressRole.MEDIUM:
            return medium
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= ProgressColumn.TOTAL:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column is ProgressColumn.FAILED and c.failed:
            return QColor(style.ERROR_FG)
        if role == Qt.ItemDataRole.ToolTipRole and c.duplicates:
            return _t("Monitor", "重複して届いた可能性: {n} 件").format(n=c.duplicates)
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column is ProgressColumn.MEDIUM:
            return medium_label(medium)
        if column is ProgressColumn.PROGRESS:
            return f"{c.sent + c.failed + c.cancelled:,} / {c.total:,}"
        value = {
            ProgressColumn.TOTAL: c.total,
            ProgressColumn.SENT: c.sent,
            ProgressColumn.FAILED: c.failed,
            ProgressColumn.PENDING: c.pending,
            ProgressColumn.CANCELLED: c.cancelled,
        }[column]
        return f"{value:,}"


class FailureColumn(enum.IntEnum):
    MEDIUM = 0
    TARGET = 1
    REASON = 2


class FailuresModel(QAbstractTableModel):
    """Failed deliveries (medium, target, reason) as the core reports them."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, str, str]] = []

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[tuple[str, str, str]]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(FailureColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return [_t("Monitor", "媒体"), _t("Monitor", "宛先"), _t("Monitor", "理由")][section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        medium, target, reason = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [medium_label(medium), target, reason][index.column()]
        return None
