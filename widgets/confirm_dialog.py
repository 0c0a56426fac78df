"""The confirmation before a send: every medium with its audience and findings, the mode
(訓練 or 本番) in colour and words, and one deliberate click on 配信する.

配信する is never the default button: Enter and Esc both land on キャンセル.
Errors are listed and block sending.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import Finding, Medium, Severity
from app.service import Prepared
from widgets import style
from widgets.labels import (
    audience_text,
    category_label,
    language_label,
    medium_label,
    severity_colours,
    severity_text,
    urgency_label,
    worst_severity,
)


class ConfirmDialog(QDialog):
    def __init__(
        self,
        prepared: Prepared,
        parent: QWidget | None = None,
        *,
        broadcast: frozenset[Medium] = frozenset(),
    ) -> None:
        super().__init__(parent)
        self.prepared = prepared
        self.broadcast = broadcast
        draft = prepared.draft
        self.training = draft.training
        mark = self.tr("【訓練】") if self.training else self.tr("【本番】")
        self.setWindowTitle(self.tr("配信の確認") + " " + mark)
        self.setMinimumWidth(640)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)
        self.mode_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.training:
            self.mode_label.setText(
                self.tr("訓練配信です\n実際の住民には届きません（訓練用の受け口に記録します）")
            )
            self.mode_label.setStyleSheet(
                f"background: {style.TRAINING_BG}; color: {style.TRAINING_FG};"
                " font-size: 15pt; font-weight: bold; padding: 10px; border-radius: 6px;"
            )
        else:
            self.mode_label.setText(self.tr("本番配信です\n実際の住民に届きます"))
            self.mode_label.setStyleSheet(
                f"background: {style.PRODUCTION_RED}; color: white;"
                " font-size: 15pt; font-weight: bold; padding: 10px; border-radius: 6px;"
            )
        layout.addWidget(self.mode_label)

        summary = QFormLayout()
        title = QLabel(draft.title.strip())
        title.setWordWrap(True)
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        summary.addRow(self.tr("件名"), title)
        summary.addRow(
            self.tr("カテゴリ・緊急度"),
            QLabel(f"{category_label(draft.category)}・{urgency_label(draft.urgency)}"),
        )
        summary.addRow(
            self.tr("地区"),
            QLabel("、".join(draft.areas) if draft.areas else self.tr("全地区")),
        )
        self.languages_label = QLabel("・".join(language_label(c) for c in draft.languages))
        self.languages_label.setWordWrap(True)
        summary.addRow(self.tr("言語"), self.languages_label)
        layout.addLayout(summary)

        layout.addWidget(self._media_table())

        errors = prepared.errors
        self.errors_label = QLabel()
        self.errors_label.setWordWrap(True)
        if errors:
            lines = [f"・{medium_label(m)}: {f.message}" for m, f in errors]
            self.errors_label.setText(
                self.tr("次のエラーを直すまで配信できません:") + "\n" + "\n".join(lines)
            )
            self.errors_label.setStyleSheet(
                f"color: {style.ERROR_FG}; background: {style.ERROR_BG};"
                f" border: 1px solid {style.ERROR_FG}; border-radius: 4px; padding: 8px;"
            )
        self.errors_label.setVisible(bool(errors))
        layout.addWidget(self.errors_label)

        self.cancel_button = QPushButton(self.tr("キャンセル"))
        self.cancel_button.setDefault(True)
        self.cancel_button.setAutoDefault(True)
        self.cancel_button.setStyleSheet("QPushButton { padding: 8px 20px; }")
        self.cancel_button.clicked.connect(self.reject)
        self.send_button = QPushButton(self.tr("配信する"))
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.setEnabled(not errors and bool(draft.media))
        colour = style.TRAINING_BG if self.training else style.PRODUCTION_RED
        text_colour = style.TRAINING_FG if self.training else "white"
        self.send_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {colour}; color: {text_colour};"
            " font-weight: bold; padding: 8px 28px; border-radius: 5px;"
            f" border: 1px solid {text_colour if self.training else colour}; }}"
        )
        self.send_button.setText(
            self.tr("訓練として配信する") if self.training else self.tr("本番として配信する")
        )
        self.send_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)
        self.cancel_button.setFocus()

    def _media_table(self) -> QWidget:
        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(frame)
        grid.setHorizontalSpacing(16)
        for col, caption in enumerate((self.tr("媒体"), self.tr("対象"), self.tr("確認結果"))):
            header = QLabel(caption)
            header.setObjectName("muted")
            grid.addWidget(header, 0, col)
        findings: dict[str, list[Finding]] = {}
        for rendition in self.prepared.renditions:
            findings.setdefault(rendition.medium.value, []).extend(rendition.findings)
        self.count_labels: dict[str, QLabel] = {}
        self.finding_labels: dict[str, QLabel] = {}
        for row, medium in enumerate(self.prepared.draft.media, start=1):
            name = QLabel(medium_label(medium))
            name.setStyleSheet("font-weight: bold; font-size: 13pt;")
            n = self.prepared.audiences.get(medium)
            count = QLabel(audience_text(n, broadcast=medium in self.broadcast))
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setStyleSheet("font-size: 13pt;")
            own = findings.get(medium.value, [])
            severity = worst_severity(own)
            fg, _bg = severity_colours(severity)
            lines = [severity_text(severity)] + [
                f.message for f in own if f.severity is not Severity.OK
            ]
            result = QLabel("\n".join(lines))
            result.setWordWrap(True)
            result.setStyleSheet(f"color: {fg};")
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(count, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(result, row, 2)
            self.count_labels[medium.value] = count
            self.finding_labels[medium.value] = result
        grid.setColumnStretch(2, 1)
        return frame
