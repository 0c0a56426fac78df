"""The live monitor (bottom): per-medium progress of the message being watched.

Fed by events only (through the main window); its one timer moves the clock label and never
reads the database.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.events import MediumCounts
from widgets import style
from widgets.labels import format_elapsed
from widgets.models import (
    FailuresModel,
    MediaProgressModel,
    ProgressColumn,
    ProgressRole,
)

CLOCK_TICK_MS = 200


class ProgressDelegate(QStyledItemDelegate):
    """Draws the 進捗 column as a progress bar: blue while running, green done, red failures."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        counts = index.data(ProgressRole.COUNTS)
        fraction = index.data(ProgressRole.FRACTION)
        if not isinstance(counts, MediumCounts) or not isinstance(fraction, float):
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(4, 4, -4, -4)  # type: ignore[attr-defined]
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = round(fraction * 1000)
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole))
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        palette = QPalette(option.palette)  # type: ignore[attr-defined]
        if counts.failed:
            colour = style.ERROR_FG
        elif counts.done:
            colour = style.OK_FG
        else:
            colour = style.PRIMARY
        palette.setColor(QPalette.ColorRole.Highlight, QColor(colour))
        bar.palette = palette
        QApplication.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class MonitorPanel(QGroupBox):
    retry_requested = Signal(str)  # message id
    halt_requested = Signal(str)
    deliveries_requested = Signal(str)  # message id: open the drill-down

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("配信状況"))
        self.message_id: str | None = None
        self.training = False
        self.halted = False
        self._started: float | None = None
        self._finished: float | None = None

        self.progress_model = MediaProgressModel()
        self.failures_model = FailuresModel()

        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label = QLabel(self.tr("まだ配信していません"))
        self.title_label.setObjectName("muted")
        self.clock_label = QLabel("")
        self.clock_label.setStyleSheet("font-size: 13pt;")
        head = QHBoxLayout()
        head.addWidget(self.state_label)
        head.addWidget(self.title_label, 1)
        head.addWidget(self.clock_label)
        head.addSpacing(12)

        self.progress_view = QTableView()
        self.progress_view.setModel(self.progress_model)
        self.progress_view.setItemDelegateForColumn(ProgressColumn.PROGRESS, ProgressDelegate(self))
        self.progress_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.progress_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.progress_view.verticalHeader().setVisible(False)
        self.progress_view.verticalHeader().setDefaultSectionSize(30)
        header = self.progress_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ProgressColumn.PROGRESS, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(64)

        self.retry_button = QPushButton(self.tr("再送（失敗分）"))
        self.retry_button.setAutoDefault(False)
        self.retry_button.setEnabled(False)
        self.retry_button.clicked.connect(self._retry)
        self.halt_button = QPushButton(self.tr("配信中止"))
        self.halt_button.setAutoDefault(False)
        self.halt_button.setEnabled(False)
        self.halt_button.setStyleSheet(f"QPushButton:enabled {{ color: {style.ERROR_FG}; }}")
        self.halt_button.clicked.connect(self._halt)
        self.deliveries_button = QPushButton(self.tr("明細…"))
        self.deliveries_button.setAutoDefault(False)
        self.deliveries_button.setEnabled(False)
        self.deliveries_button.setToolTip(self.tr("一件ごとの配信結果を見ます"))
        self.deliveries_button.clicked.connect(self._deliveries)
        head.addWidget(self.deliveries_button)
        head.addWidget(self.retry_button)
        head.addWidget(self.halt_button)
        rows_visible = 2
        self.progress_view.setMinimumHeight(
            self.progress_view.horizontalHeader().sizeHint().height()
            + rows_visible * self.progress_view.verticalHeader().defaultSectionSize() + 4
        )

        left = QVBoxLayout()
        left.addLayout(head)
        left.addWidget(self.progress_view, 1)

        self.failures_view = QTableView()
        self.failures_view.setModel(self.failures_model)
        self.failures_view.verticalHeader().setVisible(False)
        self.failures_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.failures_view.setWordWrap(False)
        fheader = self.failures_view.horizontalHeader()
        fheader.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        fheader.setStretchLastSection(True)
        self.failures_caption = QLabel(self.tr("失敗した宛先"))
        right = QVBoxLayout()
        right.addWidget(self.failures_caption)
        right.addWidget(self.failures_view, 1)

        layout = QHBoxLayout(self)
        layout.setSpacing(16)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self._tick)
        self._show_state()

    # -- fed by the main window ------------------------------------------------------------

    def track(
        self,
        message_id: str,
        *,
        training: bool,
        counts: dict[str, MediumCounts],
        title: str = "",
        started: float | None = None,
    ) -> None:
        """Watch a newly queued message from now on (the newest send wins)."""
        self.message_id = message_id
        self.training = training
        self.halted = False
        self._started = started if started is not None else time.monotonic()
        self._finished = None
        mark = self.tr("【訓練】") if training else self.tr("【本番】")
        self.title_label.setText(f"{mark}{title or message_id}")
        self.title_label.setToolTip(self.tr("配信ID {id}").format(id=message_id))
        self.title_label.setObjectName("")
        self.title_label.setStyleSheet("font-weight: bold;")
        self.progress_model.reset(counts)
        self.failures_model.set_rows([])
        self._show_state()

    def update_medium(self, medium: str, counts: MediumCounts) -> None:
        self.progress_model.update(medium, counts)
        self._show_state()

    def update_all(self, counts: dict[str, MediumCounts]) -> None:
        for medium, c in counts.items():
            self.progress_model.update(medium, c)
        self._show_state()

    def set_failures(self, rows: list[tuple[str, str, str]]) -> None:
        self.failures_model.set_rows(rows)
        self.failures_caption.setText(
            self.tr("失敗した宛先（{n} 件）").format(n=len(rows)) if rows
            else self.tr("失敗した宛先")
        )

    def mark_halted(self) -> None:
        self.halted = True
        self._show_state()

    # -- derived display -------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.progress_model.all_done()

    def elapsed(self) -> float:
        if self._started is None:
            return 0.0
        end = self._finished if self._finished is not None else time.monotonic()
        return end - self._started

    def _show_state(self) -> None:
        counts = self.progress_model.counts()
        failed = any(c.failed for c in counts.values())
        pending = any(c.pending for c in counts.values())
        self.retry_button.setEnabled(self.message_id is not None and failed)
        self.deliveries_button.setEnabled(self.message_id is not None)
        self.halt_button.setEnabled(self.message_id is not None and pending)
        if self.message_id is None:
            text, fg, bg = self.tr("待機中"), style.NEUTRAL_FG, style.NEUTRAL_BG
        elif not self.done:
            text, fg, bg = self.tr("配信中…"), style.PRIMARY, "#e3edf8"
        elif self.halted:
            text, fg, bg = self.tr("中止しました"), style.WARN_FG, style.WARN_BG
        elif failed:
            text, fg, bg = self.tr("✖ 失敗あり"), style.ERROR_FG, style.ERROR_BG
        else:
            text, fg, bg = self.tr("✔ 完了"), style.OK_FG, style.OK_BG
        self.state_label.setText(text)
        self.state_label.setStyleSheet(style.chip_style(fg, bg))
        if self.message_id is None:
            self._clock.stop()
        elif self.done:
            if self._finished is None:
                self._finished = time.monotonic()
            self._clock.stop()
        else:
            self._finished = None
            if not self._clock.isActive():
                self._clock.start()
        self._tick()

    def _tick(self) -> None:
        if self.message_id is None:
            self.clock_label.setText("")
            return
        caption = self.tr("所要") if self.done else self.tr("経過")
        self.clock_label.setText(f"{caption} {format_elapsed(self.elapsed())}")

    def _retry(self) -> None:
        if self.message_id is not None:
            self.retry_requested.emit(self.message_id)

    def _deliveries(self) -> None:
        if self.message_id is not None:
            self.deliveries_requested.emit(self.message_id)

    def _halt(self) -> None:
        if self.message_id is not None:
            self.halt_requested.emit(self.message_id)
