"""The composer (left): what the operator writes, and the one primary button.

It turns its fields into a ``Draft`` and shows what the core said about it (audience counts,
whether errors block sending). It never validates or renders by itself.
Enter confirms Japanese IME input, so no bare Enter ever sends; Ctrl+Enter opens the
confirmation, which itself needs one more deliberate click.
"""

from __future__ import annotations

import itertools
import re

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain import CATEGORIES, Draft, Medium, Urgency
from app.service import Prepared
from widgets import style
from widgets.labels import COMPOSABLE_MEDIA, audience_text

DEBOUNCE_MS = 150
AREA_SEPARATORS = re.compile(r"[,、，]")


class ComposerPanel(QGroupBox):
    draft_changed = Signal(object)  # Draft, debounced
    send_requested = Signal()

    def __init__(self, *, training_forced: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("作成"))
        self.pristine = True  # nothing typed yet: findings are hints, not alarms
        self._has_errors = True

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("例: 避難指示の発令について"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setPlaceholderText(self.tr("住民に伝える内容を書いてください"))
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(140)

        self.category_combo = QComboBox()
        for code, label in CATEGORIES.items():
            self.category_combo.addItem(label, code)
        self.urgency_combo = QComboBox()
        for urgency in (Urgency.EMERGENCY, Urgency.IMPORTANT, Urgency.NORMAL):
            self.urgency_combo.addItem(urgency.label, urgency.value)
        self.urgency_combo.setCurrentIndex(2)
        self.area_edit = QLineEdit()
        self.area_edit.setPlaceholderText(self.tr("空欄は全地区（例: 北地区, 南地区）"))

        self.training_check = QCheckBox(self.tr("訓練として送る（訓練用の受け口に記録）"))
        self.training_check.setChecked(training_forced)
        self.training_check.setEnabled(not training_forced)
        self.training_check.setVisible(not training_forced)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("本文"), self.body_edit)
        row = QHBoxLayout()
        row.addWidget(self.category_combo, 1)
        row.addWidget(QLabel(self.tr("緊急度")))
        row.addWidget(self.urgency_combo, 1)
        form.addRow(self.tr("カテゴリ"), row)
        form.addRow(self.tr("地区"), self.area_edit)

        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(self._media_box())
        layout.addWidget(self.training_check)

        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.hint_label.setObjectName("muted")
        layout.addWidget(self.hint_label)
        self.send_button = QPushButton(self.tr("一斉配信"))
        self.send_button.setObjectName("primary")
        self.send_button.setAutoDefault(False)
        self.send_button.setDefault(False)
        self.send_button.setEnabled(False)
        self.send_button.setToolTip(self.tr("確認画面を開きます（Ctrl+Enter）"))
        self.send_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.send_button.clicked.connect(self._request_send)
        layout.addWidget(self.send_button)

        order: list[QWidget] = [
            self.title_edit, self.body_edit, self.category_combo, self.urgency_combo,
            self.area_edit, *self.media_checks.values(), self.training_check, self.send_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self._request_send)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._emit_draft)
        self.title_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)
        self.area_edit.textChanged.connect(self._edited)
        self.category_combo.currentIndexChanged.connect(self._edited)
        self.urgency_combo.currentIndexChanged.connect(self._edited)
        self.training_check.toggled.connect(self._edited)
        for box in self.media_checks.values():
            box.toggled.connect(self._edited)

    def _media_box(self) -> QWidget:
        box = QGroupBox(self.tr("媒体と対象人数"))
        grid = QGridLayout(box)
        self.media_checks: dict[Medium, QCheckBox] = {}
        self.count_labels: dict[Medium, QLabel] = {}
        for row, medium in enumerate(COMPOSABLE_MEDIA):
            check = QCheckBox(medium.label)
            check.setChecked(True)
            count = QLabel(audience_text(None))
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setStyleSheet("font-size: 13pt; font-weight: bold;")
            self.media_checks[medium] = check
            self.count_labels[medium] = count
            grid.addWidget(check, row, 0)
            grid.addWidget(count, row, 1)
        later = [m for m in Medium if m not in COMPOSABLE_MEDIA]
        others = QWidget()
        others_grid = QGridLayout(others)
        others_grid.setContentsMargins(0, 4, 0, 0)
        others_grid.setHorizontalSpacing(6)
        others_grid.setVerticalSpacing(2)
        for i, medium in enumerate(later):
            check = QCheckBox(medium.label)
            check.setEnabled(False)
            check.setToolTip(self.tr("準備中"))
            check.setStyleSheet(f"color: {style.MUTED}; font-size: 9pt;")
            others_grid.addWidget(check, i // 6, i % 6)
        grid.addWidget(others, len(COMPOSABLE_MEDIA), 0, 1, 2)
        grid.setColumnStretch(0, 1)
        return box

    # -- the draft -------------------------------------------------------------------------

    def selected_media(self) -> tuple[Medium, ...]:
        return tuple(m for m, box in self.media_checks.items() if box.isChecked())

    def draft(self) -> Draft:
        areas = tuple(
            a.strip() for a in AREA_SEPARATORS.split(self.area_edit.text()) if a.strip()
        )
        return Draft(
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            media=self.selected_media(),
            category=str(self.category_combo.currentData()),
            urgency=Urgency(str(self.urgency_combo.currentData())),
            areas=areas,
            training=self.training_check.isChecked(),
        )

    def fill(
        self,
        *,
        title: str = "",
        body: str = "",
        category: str = "disaster",
        urgency: Urgency = Urgency.NORMAL,
        areas: str = "",
        media: tuple[Medium, ...] = COMPOSABLE_MEDIA,
    ) -> None:
        """Set every field at once (a template, a screenshot tour, a test)."""
        self.title_edit.setText(title)
        self.body_edit.setPlainText(body)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(category)))
        self.urgency_combo.setCurrentIndex(max(0, self.urgency_combo.findData(urgency.value)))
        self.area_edit.setText(areas)
        for medium, box in self.media_checks.items():
            box.setChecked(medium in media)

    def _edited(self) -> None:
        self.pristine = False
        self._debounce.start()

    def _emit_draft(self) -> None:
        self.draft_changed.emit(self.draft())

    def emit_now(self) -> None:
        self._debounce.stop()
        self._emit_draft()

    # -- what the core said ----------------------------------------------------------------

    def set_prepared(
        self, prepared: Prepared, broadcast: frozenset[Medium] = frozenset()
    ) -> None:
        for medium, label in self.count_labels.items():
            label.setText(
                audience_text(prepared.audiences.get(medium), broadcast=medium in broadcast)
            )
        errors = prepared.errors
        self._has_errors = bool(errors) or not prepared.draft.media
        self.send_button.setEnabled(not self._has_errors)
        if not prepared.draft.media:
            self.hint_label.setText(self.tr("配信する媒体を1つ以上選んでください"))
        elif errors:
            messages = list(dict.fromkeys(f.message for _m, f in errors))
            self.hint_label.setText(
                self.tr("配信できません: ") + "／".join(messages)
            )
        else:
            self.hint_label.setText(self.tr("内容を確かめてから「一斉配信」を押してください"))

    def _request_send(self) -> None:
        if self.send_button.isEnabled():
            self.send_requested.emit()
