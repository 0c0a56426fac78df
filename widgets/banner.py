"""The mode strip across the top of the window: 訓練 (orange, always visible) or 本番 (red)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from widgets import style


class ModeBanner(QWidget):
    def __init__(self, *, training: bool, drill_note: str = "", parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.training = training
        self.setObjectName("modeBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        self.label = QLabel()
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if training:
            layout.setContentsMargins(12, 6, 12, 6)
            self.label.setText(self.tr("訓練モード — 実際の住民には届きません"))
            self.setStyleSheet(
                f"QWidget#modeBanner {{ background: {style.TRAINING_BG};"
                f" border-bottom: 2px solid {style.TRAINING_FG}; }}"
            )
            self.label.setStyleSheet(
                f"color: {style.TRAINING_FG}; font-size: 15pt; font-weight: bold;"
            )
            if drill_note:
                self.setToolTip(drill_note)
            layout.addWidget(self.label, 1)
        else:
            layout.setContentsMargins(12, 4, 12, 4)
            self.setStyleSheet(
                f"QWidget#modeBanner {{ border-bottom: 3px solid {style.PRODUCTION_RED}; }}"
            )
            self.label.setText(self.tr("本番"))
            self.label.setStyleSheet(
                f"color: {style.PRODUCTION_RED}; border: 3px solid {style.PRODUCTION_RED};"
                " border-radius: 6px; padding: 2px 18px; font-size: 14pt; font-weight: bold;"
            )
            note = QLabel(self.tr("実際の住民に配信されます"))
            note.setStyleSheet(f"color: {style.PRODUCTION_RED};")
            layout.addWidget(self.label)
            layout.addWidget(note)
            layout.addStretch(1)


class DatabaseBanner(QWidget):
    """Red strip under the mode banner while the database cannot be reached: composing goes
    on, sending waits (the reason is on the send button too), the console catches up when
    the database is back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("databaseBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            f"QWidget#databaseBanner {{ background: {style.ERROR_BG};"
            f" border-bottom: 2px solid {style.ERROR_FG}; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(self.tr(
            "データベースに接続できません。文面の作成は続けられますが、配信・承認はできません。"
            "接続が戻ると自動で最新の状態に追いつきます。"))
        self.label.setWordWrap(True)
        self.label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")
        layout.addWidget(self.label, 1)
        self.setVisible(False)
