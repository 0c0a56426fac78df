"""Per-medium previews (right). They show renditions from ``Issei.prepare`` and nothing else:
there is no second rendering path in the console, so what is previewed is what is sent.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain import Finding, Medium, Rendition, Severity
from app.service import Prepared
from widgets import style
from widgets.labels import severity_colours, severity_text, worst_severity


class FindingsBar(QWidget):
    """The validation state of one rendition: a chip (OK / 警告 / エラー) and the messages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity: Severity | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.messages_label = QLabel()
        self.messages_label.setWordWrap(True)
        self.messages_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        layout.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.messages_label, 1)
        self.show_none()

    def show_none(self) -> None:
        self.severity = None
        self.state_label.setText(self.tr("—"))
        self.state_label.setStyleSheet(style.chip_style(style.NEUTRAL_FG, style.NEUTRAL_BG))
        self.messages_label.setText("")

    def show_findings(self, findings: Sequence[Finding], *, pristine: bool = False) -> None:
        self.severity = worst_severity(findings)
        self.messages_label.setText("\n".join(f.message for f in findings))
        if pristine and self.severity is not Severity.OK:
            # Nothing typed yet: the same findings, shown as hints rather than alarms.
            self.state_label.setText(self.tr("入力待ち"))
            self.state_label.setStyleSheet(style.chip_style(style.NEUTRAL_FG, style.NEUTRAL_BG))
            self.messages_label.setStyleSheet(f"color: {style.MUTED};")
            return
        fg, bg = severity_colours(self.severity)
        self.state_label.setText(severity_text(self.severity))
        self.state_label.setStyleSheet(style.chip_style(fg, bg))
        colour = style.MUTED if self.severity is Severity.OK else fg
        self.messages_label.setStyleSheet(f"color: {colour};")


class MediumPreview(QGroupBox):
    """Frame shared by every medium: findings on top, the medium's own look below."""

    def __init__(self, medium: Medium, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.medium = medium
        self.rendition: Rendition | None = None
        self.setTitle(self.tr("{medium}のプレビュー").format(medium=medium.label))
        self.findings = FindingsBar()
        self.stack = QStackedWidget()
        self.off_label = QLabel(self.tr("この媒体には配信しません"))
        self.off_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.off_label.setObjectName("muted")
        self.stack.addWidget(self.off_label)
        self.stack.addWidget(self.build_view())
        layout = QVBoxLayout(self)
        layout.addWidget(self.findings)
        layout.addWidget(self.stack, 1)

    def build_view(self) -> QWidget:
        raise NotImplementedError

    def show_rendition(self, rendition: Rendition) -> None:
        raise NotImplementedError

    def set_rendition(
        self,
        rendition: Rendition | None,
        findings: Sequence[Finding] = (),
        *,
        pristine: bool = False,
    ) -> None:
        self.rendition = rendition
        if rendition is None:
            self.findings.show_none()
            self.stack.setCurrentIndex(0)
            return
        self.findings.show_findings(findings, pristine=pristine)
        self.show_rendition(rendition)
        self.stack.setCurrentIndex(1)


class EmailPreview(MediumPreview):
    """As a mail client shows it: the 件名 line over the plain-text body."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.EMAIL, parent)

    def build_view(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("mail")
        frame.setStyleSheet(
            "QFrame#mail { background: white; border: 1px solid #c9d1d8; border-radius: 4px; }"
        )
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        header = QWidget()
        header.setStyleSheet("background: #f4f6f8; border-bottom: 1px solid #dde3e8;")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(12, 8, 12, 8)
        caption = QLabel(self.tr("件名:"))
        caption.setStyleSheet(f"color: {style.MUTED}; border: none;")
        self.subject_label = QLabel()
        self.subject_label.setWordWrap(True)
        self.subject_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subject_label.setStyleSheet("font-size: 13pt; font-weight: bold; border: none;")
        header_layout.addWidget(caption, 0, Qt.AlignmentFlag.AlignTop)
        header_layout.addWidget(self.subject_label, 1)
        self.body_view = QPlainTextEdit()
        self.body_view.setReadOnly(True)
        self.body_view.setFrameShape(QFrame.Shape.NoFrame)
        self.body_view.setStyleSheet("QPlainTextEdit { background: white; padding: 8px; }")
        layout.addWidget(header)
        layout.addWidget(self.body_view, 1)
        return frame

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        self.subject_label.setText(str(payload.get("subject", "")))
        body = str(payload.get("body", ""))
        if body != self.body_view.toPlainText():
            self.body_view.setPlainText(body)


class Bubble(QFrame):
    """One LINE speech bubble: hugs short text, wraps long text anywhere, grows in height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bubble")
        self.setStyleSheet("QFrame#bubble { background: white; border-radius: 16px; }")
        self.text_view = QTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setFrameShape(QFrame.Shape.NoFrame)
        self.text_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.text_view.setStyleSheet("QTextEdit { background: transparent; color: #111; }")
        self.text_view.viewport().setAutoFillBackground(False)
        self.text_view.document().setDocumentMargin(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 10)
        layout.addWidget(self.text_view)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.text_view.document().documentLayout().documentSizeChanged.connect(self._fit)

    def set_text(self, text: str) -> None:
        if text == self.text_view.toPlainText():
            return
        self.text_view.setPlainText(text)
        natural = QTextDocument()
        natural.setDefaultFont(self.text_view.font())
        natural.setDocumentMargin(2)
        natural.setPlainText(text)
        margins = self.contentsMargins()
        self.setMaximumWidth(int(natural.idealWidth()) + margins.left() + margins.right() + 8)
        self._fit()

    def text(self) -> str:
        return self.text_view.toPlainText()

    def _fit(self) -> None:
        height = int(self.text_view.document().size().height()) + 6
        self.text_view.setFixedHeight(height)
        margins = self.contentsMargins()
        self.setFixedHeight(height + margins.top() + margins.bottom())


class LinePreview(MediumPreview):
    """As a LINE chat shows it: the official account's bubbles on the chat background."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.bubbles: list[Bubble] = []
        super().__init__(Medium.LINE, parent)

    def build_view(self) -> QWidget:
        self.chat_scroll = QScrollArea()
        self.chat_scroll.setWidgetResizable(True)
        self.chat_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chat_scroll.setStyleSheet(
            f"QScrollArea {{ background: {style.LINE_CHAT_BG}; border: 1px solid #7d99c2;"
            " border-radius: 4px; }"
        )
        chat = QWidget()
        chat.setObjectName("chat")
        chat.setStyleSheet(f"QWidget#chat {{ background: {style.LINE_CHAT_BG}; }}")
        self.chat_layout = QVBoxLayout(chat)
        self.chat_layout.setContentsMargins(10, 10, 10, 10)
        self.chat_layout.setSpacing(6)
        sender = QHBoxLayout()
        avatar = QLabel(self.tr("防"))
        avatar.setFixedSize(34, 34)
        avatar.setAlignment(Qt.AlignmentFlag.AlignCenter)
        avatar.setStyleSheet(
            "background: #2e7d32; color: white; border-radius: 17px; font-weight: bold;"
        )
        name = QLabel(self.tr("防災情報（公式アカウント）"))
        name.setStyleSheet("color: white; font-size: 9pt;")
        sender.addWidget(avatar)
        sender.addWidget(name, 1)
        self.chat_layout.addLayout(sender)
        self.bubble_column = QVBoxLayout()
        self.bubble_column.setContentsMargins(40, 0, 24, 0)
        self.bubble_column.setSpacing(6)
        self.chat_layout.addLayout(self.bubble_column)
        self.silent_label = QLabel(self.tr("🔕 通知音なしで届きます"))
        self.silent_label.setStyleSheet("color: white; font-size: 9pt; padding-left: 40px;")
        self.chat_layout.addWidget(self.silent_label)
        self.chat_layout.addStretch(1)
        self.chat_scroll.setWidget(chat)
        return self.chat_scroll

    def _bubble(self, index: int) -> Bubble:
        while len(self.bubbles) <= index:
            bubble = Bubble()
            self.bubbles.append(bubble)
            self.bubble_column.addWidget(bubble, 0, Qt.AlignmentFlag.AlignLeft)
        return self.bubbles[index]

    def show_rendition(self, rendition: Rendition) -> None:
        raw = rendition.payload.get("messages", [])
        messages = raw if isinstance(raw, list) else []
        texts = [
            str(m.get("text", "")) if m.get("type") == "text" else f"[{m.get('type')}]"
            for m in messages
            if isinstance(m, dict)
        ]
        for i, text in enumerate(texts):
            bubble = self._bubble(i)
            bubble.set_text(text)
            bubble.setVisible(True)
        for bubble in self.bubbles[len(texts):]:
            bubble.setVisible(False)
        self.silent_label.setVisible(bool(rendition.payload.get("notificationDisabled")))

    def bubble_texts(self) -> list[str]:
        return [b.text() for b in self.bubbles if not b.isHidden()]


class PreviewsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.email = EmailPreview()
        self.line = LinePreview()
        self.previews: dict[Medium, MediumPreview] = {
            Medium.EMAIL: self.email,
            Medium.LINE: self.line,
        }
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.email, 3)
        layout.addWidget(self.line, 2)

    def set_prepared(self, prepared: Prepared, *, pristine: bool = False) -> None:
        # The first rendition of a medium is shown; findings of all its renditions are listed
        # (the core reports an unconfigured medium as an extra, empty rendition).
        first: dict[Medium, Rendition] = {}
        findings: dict[Medium, list[Finding]] = {}
        for rendition in prepared.renditions:
            first.setdefault(rendition.medium, rendition)
            findings.setdefault(rendition.medium, []).extend(rendition.findings)
        for medium, preview in self.previews.items():
            preview.set_rendition(
                first.get(medium), findings.get(medium, []), pristine=pristine
            )
