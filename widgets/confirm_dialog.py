"""The confirmation before a send: every medium with its audience (per language, with who
receives Japanese because the message lacks their language) and findings, the mode (訓練 or
本番) in colour and words, and the approval the core says this send needs:

- ``hold`` (the sender alone): 配信する must be pressed and held (``HOLD_MS``, a filling bar);
  letting go early sends nothing. Keyboard users hold Space on the focused button.
- ``second``: one click registers the send, which then waits for a second operator's
  approval (承認待ち); the dialog and the button say so and name the policy rule.

配信する is never the default button: Enter and Esc both land on キャンセル.
Errors are listed and block sending.
"""

from __future__ import annotations

import asyncio
import time

from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QShowEvent
from PySide6.QtTest import QTest
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

from app.accounts import approval
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

HOLD_MS = 1500  # how long 配信する must be held when the policy asks for a hold-to-send


class HoldButton(QPushButton):
    """A button that fires ``held`` only after being held down for ``hold_ms``.

    Mouse press or Space (never Enter) starts it; the fill grows across the button; letting
    go early (or losing focus, or dragging off the button) resets it and fires ``let_go``.
    ``clicked`` is not used for sending.
    """

    held = Signal()
    let_go = Signal()

    def __init__(self, text: str, parent: QWidget | None = None, *,
                 hold_ms: int = HOLD_MS) -> None:
        super().__init__(text, parent)
        self.hold_ms = hold_ms
        self.progress = 0.0
        self.fired = False
        self._clock = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(20)
        self._tick.timeout.connect(self._advance)
        self.pressed.connect(self._start)
        self.released.connect(self._stop)

    def _start(self) -> None:
        if self.fired or not self.isEnabled():
            return
        self._clock.start()
        self.progress = 0.0
        self._tick.start()
        self.update()

    def _advance(self) -> None:
        self.progress = min(1.0, self._clock.elapsed() / self.hold_ms)
        self.update()
        if self.progress >= 1.0:
            self._tick.stop()
            self.fired = True
            self.setDown(False)  # the release that follows must not count as a click
            self.held.emit()

    def _stop(self) -> None:
        if self.fired or not self._tick.isActive():
            return
        self._tick.stop()
        self.progress = 0.0
        self.update()
        self.let_go.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.progress <= 0.0:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(0, 0, 0, 70)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        rect = self.rect().adjusted(1, 1, -1, -1)
        rect.setWidth(round(rect.width() * self.progress))
        painter.drawRoundedRect(rect, 4, 4)
        painter.end()


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
        self.hold = prepared.approval != approval.SECOND
        self.send_button: QPushButton = (
            HoldButton(self.tr("配信する")) if self.hold else QPushButton(self.tr("配信する"))
        )
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
        seconds = f"{HOLD_MS / 1000:.1f}"
        if isinstance(self.send_button, HoldButton):
            self.send_text = (
                self.tr("訓練：押し続けて送信（{s}秒）") if self.training
                else self.tr("本番：押し続けて送信（{s}秒）")
            ).format(s=seconds)
            self.send_button.setAccessibleDescription(self.tr(
                "{s}秒押し続けると送信します。キーボードではスペースキーを押し続けます"
            ).format(s=seconds))
            self.send_button.held.connect(self._held)
            self.send_button.let_go.connect(self._let_go)
            self.send_button.pressed.connect(
                lambda: self.hold_hint.setText(self.tr("そのまま押し続けてください…"))
            )
        else:
            self.send_text = (
                self.tr("訓練：承認を依頼する（承認待ちになります）") if self.training
                else self.tr("本番：承認を依頼する（承認待ちになります）")
            )
            self.send_button.clicked.connect(self.accept)
        self.send_button.setText(self.send_text)
        self.send_button.setMinimumWidth(  # the stylesheet's padding must not clip the words
            self.send_button.fontMetrics().horizontalAdvance(self.send_text) + 70)
        self.send_button.setAccessibleName(self.send_text)
        layout.addWidget(self._approval_box(seconds))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)
        self.cancel_button.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Wrapped findings need more height than the size hint says: grow to fit them.
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)

    def _approval_box(self, seconds: str) -> QWidget:
        """What happens on 配信する, in words: the hold, or the wait for a second operator."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.approval_label = QLabel()
        self.approval_label.setWordWrap(True)
        rule = self.prepared.approval_rule or self.tr("既定")
        if self.hold:
            text = self.tr("承認の規則「{rule}」: 送信者だけで配信します。"
                           "誤送信を防ぐため、配信ボタンを{s}秒押し続けると送信します"
                           "（途中で離すと送信しません。キーボードではボタンを選んで"
                           "スペースキーを押し続けます）。").format(rule=rule, s=seconds)
            if self.prepared.approval_note == "no_accounts":
                text += "\n" + self.tr("この規則は本来2人目の承認が必要ですが、操作員が登録されて"
                                        "いないため承認できる人がいません。")
            colour, background = style.NEUTRAL_FG, style.NEUTRAL_BG
        else:
            text = self.tr("承認の規則「{rule}」: この配信は承認待ちになります。"
                           "別の承認者（承認者・管理者）が承認するまで、住民には届きません。"
                           ).format(rule=rule)
            colour, background = style.WARN_FG, style.WARN_BG
        self.approval_label.setText(text)
        self.approval_label.setStyleSheet(
            f"color: {colour}; background: {background}; border-radius: 4px; padding: 8px;"
        )
        column.addWidget(self.approval_label)
        self.hold_hint = QLabel()
        self.hold_hint.setObjectName("muted")
        self.hold_hint.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.hold_hint.setVisible(self.hold)
        column.addWidget(self.hold_hint)
        return box

    def _held(self) -> None:
        self.hold_hint.setText(self.tr("送信します"))
        self.send_button.setEnabled(False)
        self.accept()

    def _let_go(self) -> None:
        self.hold_hint.setText(
            self.tr("途中で離したため送信していません。{s}秒押し続けてください。").format(
                s=f"{HOLD_MS / 1000:.1f}")
        )

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
        self.language_labels: dict[str, QLabel] = {}
        self.finding_labels: dict[str, QLabel] = {}
        for row, medium in enumerate(self.prepared.draft.media, start=1):
            name = QLabel(medium_label(medium))
            name.setStyleSheet("font-weight: bold; font-size: 13pt;")
            n = self.prepared.audiences.get(medium)
            count = QLabel(audience_text(n, broadcast=medium in self.broadcast))
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setStyleSheet("font-size: 13pt;")
            own = list(findings.get(medium.value, []))
            per_language = self.prepared.languages.get(medium)
            if per_language:
                split = QLabel("（" + "・".join(
                    f"{language_label(code)} {k:,}" for code, k in per_language.items()
                ) + "）")
                split.setObjectName("muted")
                split.setWordWrap(True)
                split.setAlignment(Qt.AlignmentFlag.AlignRight)
                self.language_labels[medium.value] = split
                cell = QWidget()
                stack = QVBoxLayout(cell)
                stack.setContentsMargins(0, 0, 0, 0)
                stack.setSpacing(0)
                stack.addWidget(count)
                stack.addWidget(split)
                count_cell: QWidget = cell
            else:
                count_cell = count
            unserved = self.prepared.unserved.get(medium)
            if unserved:
                who = "・".join(f"{language_label(code)} {k:,}" for code, k in unserved.items())
                own.append(Finding(Severity.WARNING, "language_fallback", self.tr(
                    "登録言語の文面がない {n} 件（{who}）には日本語で届きます"
                ).format(n=f"{sum(unserved.values()):,}", who=who)))
            severity = worst_severity(own)
            fg, _bg = severity_colours(severity)
            lines = [severity_text(severity)] + [
                f.message for f in own if f.severity is not Severity.OK
            ]
            result = QLabel("\n".join(lines))
            result.setWordWrap(True)
            result.setStyleSheet(f"color: {fg};")
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(count_cell, row, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(result, row, 2)
            self.count_labels[medium.value] = count
            self.finding_labels[medium.value] = result
        grid.setColumnStretch(2, 1)
        return frame


async def press_send(dialog: ConfirmDialog, timeout: float = 10.0) -> None:
    """For scripted runs (end-to-end test, screenshot tour, benchmark) on the running loop:
    operate 配信する as a person does — a click for an approval request, else press with the
    mouse, keep holding until the hold fires, then let go."""
    button = dialog.send_button
    centre = QPoint(button.width() // 2, button.height() // 2)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    if not isinstance(button, HoldButton):
        QTest.mouseClick(button, left, none, centre)
        return
    QTest.mousePress(button, left, none, centre)
    deadline = time.monotonic() + timeout
    while not button.fired:
        if time.monotonic() > deadline or not button.isDown():
            QTest.mouseRelease(button, left, none, centre)
            raise TimeoutError("the hold-to-send did not fire")
        await asyncio.sleep(0.02)
    QTest.mouseRelease(button, left, none, centre)
