"""Per-medium previews (right). They show renditions from ``Issei.prepare`` and nothing else:
there is no second rendering path in the console, so what is previewed is what is sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QShowEvent,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compose.links import PLACEHOLDER
from app.domain import Finding, Medium, Rendition, Severity
from app.service import Prepared
from app.translation.languages import SOURCE
from widgets import style
from widgets.fax_thumbnail import FaxThumbnails
from widgets.labels import (
    language_label,
    medium_label,
    severity_colours,
    severity_text,
    worst_severity,
)


def replace_text(view: QPlainTextEdit | QTextEdit, text: str) -> bool:
    """Show ``text`` by editing only what differs from what is shown (typing changes one
    spot): Qt then re-lays out and repaints that block, not the whole document as
    setPlainText would. False when nothing changed."""
    old = view.toPlainText()
    if old == text:
        return False
    limit = min(len(old), len(text))
    start = 0
    while start < limit and old[start] == text[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == text[-1 - end]:
        end += 1
    cursor = view.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(len(old) - end, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text[start:len(text) - end])
    return True


class FindingsBar(QWidget):
    """The validation state of one rendition: a chip (OK / 警告 / エラー) and the messages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.severity: Severity | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # The findings change with every keystroke (SMS 3通分（…201文字）). A label whose size
        # changes makes Qt re-lay out and repaint the whole window (~20 ms), so this bar has
        # a fixed-size chip and a fixed-height, scrolling message area: its layout ends here.
        self.state_label = QLabel()
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setStyleSheet(style.chip_style(style.NEUTRAL_FG, style.NEUTRAL_BG))
        widest = max(self.fontMetrics().horizontalAdvance(t) for t in (
            severity_text(Severity.OK), severity_text(Severity.WARNING),
            severity_text(Severity.ERROR), self.tr("入力待ち")))
        self.state_label.setFixedSize(widest + 28, self.fontMetrics().height() + 8)
        self.messages_label = QLabel()
        self.messages_label.setWordWrap(True)
        self.messages_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.messages_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.messages_area = QScrollArea()
        self.messages_area.setWidget(self.messages_label)
        self.messages_area.setWidgetResizable(True)
        self.messages_area.setFrameShape(QFrame.Shape.NoFrame)
        self.messages_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.messages_area.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget"
                                         " { background: transparent; }")
        self.messages_area.setFixedHeight(self.fontMetrics().lineSpacing() * 2 + 6)
        layout.addWidget(self.state_label, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.messages_area, 1)
        self.setFixedHeight(max(self.state_label.height(), self.messages_area.height()))
        self.show_none()

    def show_none(self) -> None:
        self.severity = None
        self._show(self.tr("—"), style.chip_style(style.NEUTRAL_FG, style.NEUTRAL_BG), "", "")

    def show_findings(self, findings: Sequence[Finding], *, pristine: bool = False) -> None:
        self.severity = worst_severity(findings)
        messages = "\n".join(f.message for f in findings)
        if pristine and self.severity is not Severity.OK:
            # Nothing typed yet: the same findings, shown as hints rather than alarms.
            self._show(self.tr("入力待ち"), style.chip_style(style.NEUTRAL_FG, style.NEUTRAL_BG),
                       messages, f"color: {style.MUTED};")
            return
        fg, bg = severity_colours(self.severity)
        colour = style.MUTED if self.severity is Severity.OK else fg
        self._show(severity_text(self.severity), style.chip_style(fg, bg), messages,
                   f"color: {colour};")

    def _show(self, state: str, chip: str, messages: str, colour: str) -> None:
        # Only what changed: a style sheet set again re-polishes the widget, and on every
        # keystroke that alone costs milliseconds per preview.
        if self.state_label.text() != state:
            self.state_label.setText(state)
        if self.state_label.styleSheet() != chip:
            self.state_label.setStyleSheet(chip)
        if self.messages_label.text() != messages:
            self.messages_label.setText(messages)
        if self.messages_label.styleSheet() != colour:
            self.messages_label.setStyleSheet(colour)


class MediumPreview(QGroupBox):
    """Frame shared by every medium: findings on top, the medium's own look below."""

    def __init__(self, medium: Medium, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.medium = medium
        self.rendition: Rendition | None = None
        self.setTitle(self.tr("{medium}のプレビュー").format(medium=medium_label(medium)))
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
            self._dirty = False
            if self.stack.currentIndex() != 0:
                self.stack.setCurrentIndex(0)
            return
        self.findings.show_findings(findings, pristine=pristine)
        if self.isVisible():
            self._dirty = False
            self.show_rendition(rendition)
        else:  # a preview in a hidden tab catches up when it is shown (showEvent)
            self._dirty = True
        if self.stack.currentIndex() != 1:
            self.stack.setCurrentIndex(1)

    def showEvent(self, event: QShowEvent) -> None:
        if getattr(self, "_dirty", False) and self.rendition is not None:
            self._dirty = False
            self.show_rendition(self.rendition)
        super().showEvent(event)


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
        self.body_view.setUndoRedoEnabled(False)  # edited in place per keystroke: keep no history
        self.body_view.setFrameShape(QFrame.Shape.NoFrame)
        self.body_view.setStyleSheet("QPlainTextEdit { background: white; padding: 8px; }")
        layout.addWidget(header)
        layout.addWidget(self.body_view, 1)
        return frame

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        subject = str(payload.get("subject", ""))
        if subject != self.subject_label.text():
            self.subject_label.setText(subject)
        body = str(payload.get("body", ""))
        replace_text(self.body_view, body)


class Bubble(QFrame):
    """One LINE speech bubble: hugs short text, wraps long text anywhere, grows in height."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bubble")
        self.setStyleSheet("QFrame#bubble { background: white; border-radius: 16px; }")
        self.text_view = QTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setUndoRedoEnabled(False)  # edited in place per keystroke: keep no history
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
        # One fit after the edit, not one per intermediate document size.
        layout = self.text_view.document().documentLayout()
        layout.blockSignals(True)
        try:
            replace_text(self.text_view, text)
        finally:
            layout.blockSignals(False)
        metrics = self.text_view.fontMetrics()
        natural = max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)
        margins = self.contentsMargins()
        width = natural + 2 * 2 + margins.left() + margins.right() + 8  # document margins
        if self.maximumWidth() != width:
            self.setMaximumWidth(width)
        self._fit()

    def text(self) -> str:
        return self.text_view.toPlainText()

    def _fit(self) -> None:
        height = int(self.text_view.document().size().height()) + 6
        if self.text_view.height() != height or self.text_view.minimumHeight() != height:
            self.text_view.setFixedHeight(height)
        margins = self.contentsMargins()
        total = height + margins.top() + margins.bottom()
        if self.minimumHeight() != total or self.maximumHeight() != total:
            self.setFixedHeight(total)


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


def payload_text(payload: Mapping[str, object]) -> str:
    """A rendition's payload as readable text: strings as they are, structures as JSON."""
    if "subject" in payload and "body" in payload:
        return f"{payload['subject']}\n\n{payload['body']}"
    lines = []
    for key, value in payload.items():
        if isinstance(value, str):
            lines.append(f"{key}:\n{value}" if "\n" in value else f"{key}: {value}")
        else:
            lines.append(f"{key}: {json.dumps(value, ensure_ascii=False, indent=2)}")
    return "\n".join(lines)


class GenericPreview(MediumPreview):
    """A medium without a look of its own yet: its rendition, field by field."""

    def build_view(self) -> QWidget:
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setUndoRedoEnabled(False)  # edited in place per keystroke: keep no history
        self.text_view.setAccessibleName(self.title())
        return self.text_view

    def show_rendition(self, rendition: Rendition) -> None:
        text = payload_text(rendition.payload)
        replace_text(self.text_view, text)


def _card(name: str, background: str = "white", border: str = "#d5dce3",
          radius: int = 10) -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(f"QFrame#{name} {{ background: {background};"
                        f" border: 1px solid {border}; border-radius: {radius}px; }}")
    return frame


def _text_label(style_sheet: str = "") -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setStyleSheet("border: none; background: transparent;" + style_sheet)
    return label


def _set(label: QLabel, text: str) -> None:
    if label.text() != text:
        label.setText(text)


def with_link_shown(text: str, link_text: str) -> str:
    """The website's permalink is not known before the post is made: the rendition carries a
    placeholder URL, which would read as a real (wrong) address; the preview names it."""
    return text.replace(PLACEHOLDER, link_text)


class ElidedLabel(QLabel):
    """One line that ends in … when it does not fit. A plain unwrapped QLabel asks for its
    whole text's width, and a long excerpt then widened the whole main window."""

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(0, super().sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        rect = self.contentsRect()
        shown = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight,
                                              rect.width())
        painter = QPainter(self)
        self.style().drawItemText(painter, rect, int(self.alignment()), self.palette(),
                                  self.isEnabled(), shown, QPalette.ColorRole.WindowText)


def _scrolled(inner: QWidget, background: str) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setStyleSheet(f"QScrollArea {{ background: {background}; border: none; }}")
    inner.setObjectName("scrolled")
    inner.setStyleSheet(f"QWidget#scrolled {{ background: {background}; }}")
    area.setWidget(inner)
    return area


X_LIMIT = 280  # weighted characters (twitter-text: CJK counts 2)


class XPreview(MediumPreview):
    """As a timeline shows it: the account, each post of the thread with its weighted count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.posts: list[tuple[QFrame, QLabel, QLabel]] = []
        super().__init__(Medium.X, parent)

    def build_view(self) -> QWidget:
        inner = QWidget()
        self.posts_layout = QVBoxLayout(inner)
        self.posts_layout.setContentsMargins(8, 8, 8, 8)
        self.posts_layout.setSpacing(6)
        self.mode_label = _text_label(f"color: {style.MUTED}; font-size: 9pt;")
        self.posts_layout.addWidget(self.mode_label)
        self.posts_layout.addStretch(1)
        return _scrolled(inner, "#f7f9f9")

    def _post(self, index: int) -> tuple[QFrame, QLabel, QLabel]:
        while len(self.posts) <= index:
            card = _card("xpost", radius=12)
            layout = QVBoxLayout(card)
            layout.setContentsMargins(12, 8, 12, 8)
            account = QLabel(self.tr("防災情報　@bousai_city"))
            account.setStyleSheet("border: none; font-weight: bold; color: #0f1419;")
            text = _text_label("color: #0f1419; font-size: 11pt;")
            count = _text_label(f"color: {style.MUTED}; font-size: 9pt;")
            count.setAlignment(Qt.AlignmentFlag.AlignRight)
            layout.addWidget(account)
            layout.addWidget(text)
            layout.addWidget(count)
            self.posts_layout.insertWidget(self.posts_layout.count() - 1, card)
            self.posts.append((card, text, count))
        return self.posts[index]

    def show_rendition(self, rendition: Rendition) -> None:
        raw = rendition.payload.get("posts", [])
        posts = [p for p in raw if isinstance(p, dict)] if isinstance(raw, list) else []
        link_text = self.tr("［ホームページの記事のURL］")
        for i, post in enumerate(posts):
            card, text, count = self._post(i)
            _set(text, with_link_shown(str(post.get("text", "")), link_text))
            weighted = post.get("weighted_length")
            label = (self.tr("{n}／{limit}（全角は2と数えます）").format(n=weighted, limit=X_LIMIT)
                     if isinstance(weighted, int) else "")
            if len(posts) > 1:
                label = self.tr("{i}/{n}件目　").format(i=i + 1, n=len(posts)) + label
            _set(count, label)
            count.setStyleSheet("border: none; font-size: 9pt; color: "
                                + (style.ERROR_FG if isinstance(weighted, int)
                                   and weighted > X_LIMIT else style.MUTED) + ";")
            card.setVisible(True)
        for card, _text, _count in self.posts[len(posts):]:
            card.setVisible(False)
        mode = str(rendition.payload.get("mode", ""))
        _set(self.mode_label, {
            "thread": self.tr("長いためスレッド（返信の連なり）で投稿します"),
            "link": self.tr("ホームページの記事へのリンクを付けて投稿します"),
        }.get(mode, ""))
        self.mode_label.setVisible(bool(self.mode_label.text()))

    def post_texts(self) -> list[str]:
        return [text.text() for card, text, _c in self.posts if not card.isHidden()]


class SmsPreview(MediumPreview):
    """As a phone's messages app shows it, with the parts it is billed as and the cost."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.SMS, parent)

    def build_view(self) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(10, 10, 10, 10)
        sender = QLabel(self.tr("送信元: 市役所（SMS）"))
        sender.setStyleSheet(f"color: {style.MUTED}; font-size: 9pt;")
        bubble = _card("smsbubble", background="#e9e9eb", border="#e9e9eb", radius=16)
        bubble_layout = QVBoxLayout(bubble)
        bubble_layout.setContentsMargins(12, 8, 12, 8)
        self.text_label = _text_label("color: #111; font-size: 11pt;")
        bubble_layout.addWidget(self.text_label)
        bubble.setMaximumWidth(560)  # a phone is narrower; a short preview pane is too
        self.meter_label = _text_label(f"color: {style.MUTED}; font-size: 9pt;")
        layout.addWidget(sender)
        layout.addWidget(bubble, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.meter_label)
        layout.addStretch(1)
        return _scrolled(inner, "white")

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        _set(self.text_label, with_link_shown(str(payload.get("body", "")),
                                              self.tr("［ホームページの記事のURL］")))
        parts, units = payload.get("parts"), payload.get("units")
        cost, currency = payload.get("cost_per_recipient"), payload.get("currency", "")
        _set(self.meter_label, self.tr(
            "{parts}通分として課金（{encoding}・{units}文字）　1人あたり約{cost}{currency}"
        ).format(parts=parts, encoding=payload.get("encoding", ""), units=units,
                 cost=cost, currency=currency))


class PushPreview(MediumPreview):
    """As a phone's lock screen shows the notification; the full text opens in the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.PUSH, parent)

    def build_view(self) -> QWidget:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(16, 16, 16, 16)
        banner = _card("pushbanner", background="rgba(255,255,255,0.92)", border="#b8c4d0",
                       radius=14)
        banner.setMaximumWidth(440)
        banner_layout = QVBoxLayout(banner)
        banner_layout.setContentsMargins(12, 8, 12, 10)
        head = QHBoxLayout()
        icon = QLabel(self.tr("防"))
        icon.setFixedSize(20, 20)
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        icon.setStyleSheet("background: #2e7d32; color: white; border-radius: 5px;"
                           " font-size: 8pt; font-weight: bold;")
        app_name = QLabel(self.tr("防災アプリ・今"))
        app_name.setStyleSheet(f"border: none; color: {style.MUTED}; font-size: 9pt;")
        head.addWidget(icon)
        head.addWidget(app_name, 1)
        self.title_label = _text_label("font-weight: bold; color: #111;")
        self.body_label = _text_label("color: #111;")
        banner_layout.addLayout(head)
        banner_layout.addWidget(self.title_label)
        banner_layout.addWidget(self.body_label)
        self.note_label = _text_label("color: white; font-size: 9pt;")
        layout.addWidget(banner, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.note_label, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        return _scrolled(inner, "#37474f")

    def show_rendition(self, rendition: Rendition) -> None:
        message = rendition.payload.get("message")
        notification = message.get("notification", {}) if isinstance(message, dict) else {}
        android = message.get("android", {}) if isinstance(message, dict) else {}
        _set(self.title_label, str(notification.get("title", "")))
        body = str(notification.get("body", ""))
        lines = body.split("\n")
        shown = "\n".join(lines[:4]) + ("…" if len(lines) > 4 else "")
        _set(self.body_label, shown)
        high = isinstance(android, dict) and android.get("priority") == "HIGH"
        _set(self.note_label, (self.tr("優先度: 高（音あり）") if high
                               else self.tr("優先度: 通常")) + self.tr("　タップで全文を表示"))


class WebsitePreview(MediumPreview):
    """As the news page shows the post: its title over the article, and the list excerpt."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.WEBSITE, parent)

    def build_view(self) -> QWidget:
        frame = _card("webpage", radius=4)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QLabel(self.tr("  ホームページ ＞ 新着情報"))
        bar.setStyleSheet("background: #1d4f91; color: white; padding: 4px; border: none;")
        self.title_label = _text_label("font-size: 14pt; font-weight: bold; color: #1d4f91;"
                                       " padding: 8px 12px 2px 12px;")
        self.article = QTextEdit()
        self.article.setReadOnly(True)
        self.article.setUndoRedoEnabled(False)
        self.article.setFrameShape(QFrame.Shape.NoFrame)
        self.article.setStyleSheet("QTextEdit { background: white; padding: 4px 8px; }")
        self.excerpt_label = ElidedLabel()  # one line: the article keeps the room
        self.excerpt_label.setTextFormat(Qt.TextFormat.PlainText)
        self.excerpt_label.setStyleSheet(f"border: none; background: transparent;"
                                         f" color: {style.MUTED}; font-size: 9pt;"
                                         " padding: 2px 12px 4px 12px;")
        layout.addWidget(bar)
        layout.addWidget(self.title_label)
        layout.addWidget(self.article, 1)
        layout.addWidget(self.excerpt_label)
        self._html = ""
        return frame

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        _set(self.title_label, str(payload.get("title", "")))
        html = str(payload.get("content", ""))
        if html != self._html:  # the renderer escaped the operator's text; this is its HTML
            self._html = html
            self.article.setHtml(html)
        excerpt = self.tr("新着一覧での表示: {excerpt}").format(
            excerpt=payload.get("excerpt", ""))
        _set(self.excerpt_label, excerpt)
        if self.excerpt_label.toolTip() != excerpt:
            self.excerpt_label.setToolTip(excerpt)


class ReadingArea(QWidget):
    """The katakana reading the speech engine will say, folded away until asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setText(self.tr("読み（カタカナ）"))
        self.toggle.setAutoRaise(True)
        self.toggle.toggled.connect(self._toggled)
        self.note_label = OneLine(colour=style.MUTED, point_size=9)  # no re-layout per key
        self.reading_label = _text_label(f"color: {style.MUTED}; font-size: 10pt;"
                                         " background: #f4f6f8; padding: 4px;")
        self.reading_label.setVisible(False)
        self._reading = ""
        layout.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note_label)
        layout.addWidget(self.reading_label)

    def _toggled(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        if shown:
            _set(self.reading_label, self._reading)
        self.reading_label.setVisible(shown)

    def show_reading(self, rendition: Rendition) -> None:
        payload = rendition.payload
        recording = bool(payload.get("recording"))
        if self.isHidden() != recording:  # a recording is played as recorded: no reading
            self.setVisible(not recording)
        reading = str(payload.get("reading", "") or "")
        pending = any(f.code == "reading_pending" for f in rendition.findings)
        note = (self.tr("入力中の文は書いたとおり表示しています。読みを確認しています…")
                if pending else "" if reading else self.tr("読みはまだありません"))
        self.note_label.setText(note)
        if self.toggle.isChecked():  # a hidden label is filled when it is unfolded
            _set(self.reading_label, reading)
        self._reading = reading


def _step(icon: str, text: str) -> QLabel:
    """One cue of a running order (a chime, 「繰り返します」, the prompt)."""
    label = _text_label(f"color: {style.MUTED}; font-size: 10pt; padding-left: 4px;")
    label.setText(f"{icon}　{text}")
    return label


def _script_card(name: str, *, one_line: bool = False) -> tuple[QFrame, QLabel]:
    """One spoken text in a running order: the message as it is read (``one_line``: its
    repetition, which the short pane shows as one elided line)."""
    card = _card(name, background="white", border="#c9d1d8", radius=6)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(10, 4, 10, 4)
    if one_line:
        text: QLabel = ElidedLabel()
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setStyleSheet(f"border: none; background: transparent; color: {style.MUTED};")
    else:
        text = _text_label("color: #111; font-size: 11pt;")
    layout.addWidget(text)
    return card, text


ABOUT_SECONDS = QT_TRANSLATE_NOOP("Previews", "約{n}秒")
SECONDS_UNKNOWN = QT_TRANSLATE_NOOP("Previews", "約—秒（読みの確認後に表示）")


def _seconds_text(seconds: object) -> str:
    if isinstance(seconds, int | float):
        return QCoreApplication.translate("Previews", ABOUT_SECONDS).format(n=f"{seconds:.0f}")
    return QCoreApplication.translate("Previews", SECONDS_UNKNOWN)


class OneLine(QWidget):
    """One line of text, elided, that only repaints when it changes: its size never depends
    on its text, so typing re-lays out nothing (a QLabel re-lays out the window around it)."""

    def __init__(self, text: str = "", *, colour: str = "#111", bold: bool = False,
                 point_size: float | None = None, boxed: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self._colour = QColor(colour)
        self._boxed = boxed
        font = self.font()
        font.setBold(bold)
        if point_size is not None:
            font.setPointSizeF(point_size)
        self.setFont(font)
        self.setFixedHeight(self.fontMetrics().height() + (12 if boxed else 4))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.rect()
        if self._boxed:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor("#c9d1d8"))
            painter.setBrush(QColor("white"))
            painter.drawRoundedRect(rect.adjusted(0, 1, -1, -2), 5, 5)
            rect = rect.adjusted(8, 0, -8, 0)
        painter.setPen(self._colour)
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight,
                                              rect.width())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         shown)


class SpokenPreview(MediumPreview):
    """Radio and phone: a heading, the running order on the left, and beside it the text read,
    in full, and its reading. Subclasses give the running order and the words (translated in
    their own context, where lupdate files them)."""

    def _spoken_view(self, order_lines: list[OneLine], script_name: str) -> QWidget:
        view = QFrame()
        view.setObjectName("spoken")
        view.setStyleSheet("QFrame#spoken { background: #eef3f8; border-radius: 4px; }")
        outer = QVBoxLayout(view)
        outer.setContentsMargins(8, 4, 8, 4)
        outer.setSpacing(2)
        self.summary_label = OneLine(colour="#1d4f91", bold=True)
        self.details_label = OneLine(colour=style.MUTED, point_size=9)
        heading = QHBoxLayout()
        heading.addWidget(self.summary_label, 3)
        heading.addWidget(self.details_label, 2)
        outer.addLayout(heading)
        order = QVBoxLayout()
        order.setSpacing(1)
        for line in order_lines:
            order.addWidget(line)
        order.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(2)
        self.script_view = QPlainTextEdit()  # edited in place per keystroke, like the mail
        self.script_view.setReadOnly(True)
        self.script_view.setUndoRedoEnabled(False)
        self.script_view.setAccessibleName(script_name)
        self.script_view.setStyleSheet("QPlainTextEdit { background: white; }")
        self.reading = ReadingArea()
        right.addWidget(self.script_view, 1)
        right.addWidget(self.reading)
        columns = QHBoxLayout()
        columns.setSpacing(10)
        columns.addLayout(order, 1)
        columns.addLayout(right, 1)
        outer.addLayout(columns, 1)
        return view

    def _show_spoken(self, rendition: Rendition, recorded_text: str) -> str:
        """Fill the text and the reading; the text as shown (a recording says so instead)."""
        recording = bool(rendition.payload.get("recording"))
        text = recorded_text if recording else str(rendition.payload.get("text", ""))
        replace_text(self.script_view, text)
        self.reading.show_reading(rendition)
        return text


class RadioPreview(SpokenPreview):
    """The programme as residents will hear it from the loudspeakers, top to bottom: opening
    chime, the message, 「繰り返します」, the message again, closing chime; beside it the
    text read, in full, and its reading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.RADIO, parent)

    def build_view(self) -> QWidget:
        self.steps: list[OneLine] = []
        self.texts: list[OneLine] = []
        self.order: list[OneLine] = []
        # Symbols the Japanese UI fonts carry (emoji would print as boxes on the terminals).
        for cue in (self.tr("♪　開始チャイム"), None, self.tr("↻　「繰り返します」"), None,
                    self.tr("♪　終了チャイム")):
            line = (OneLine(cue, colour=style.MUTED) if cue is not None
                    else OneLine(boxed=True))
            (self.steps if cue is not None else self.texts).append(line)
            self.order.append(line)
        return self._spoken_view(self.order, self.tr("読み上げる文"))

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        recording = bool(payload.get("recording"))
        text = self._show_spoken(rendition, self.tr("（録音した音声を流します）"))
        one_line = text.replace("\n", "　")
        for line in self.texts:
            line.setText(one_line)
        self.summary_label.setText(self.tr("放送　{seconds}（チャイム・繰り返しを含む）").format(
            seconds=_seconds_text(payload.get("seconds"))))
        raw = payload.get("zones")
        zones = [str(z) for z in raw] if isinstance(raw, list) else []
        self.details_label.setText(self.tr("区域: {zones}　音声: {voice}").format(
            zones="、".join(zones) if zones else self.tr("一括（全区域）"),
            voice=self.tr("録音") if recording else self.tr("音声合成")))

    def running_order(self) -> list[str]:
        """What is shown, top to bottom (tests)."""
        return [line.text() for line in self.order]


class PhonePreview(SpokenPreview):
    """One call as the resident hears it: the message, the request to press 1, repeated until
    1 is pressed; beside it the message in full and its reading."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.PHONE, parent)

    def build_view(self) -> QWidget:
        self.answer_step = OneLine(self.tr("☎　電話に出ると"), colour=style.MUTED)
        self.text_label = OneLine(boxed=True)
        self.prompt_label = OneLine(boxed=True, bold=True)
        self.loop_step = OneLine(colour=style.MUTED)
        return self._spoken_view(
            [self.answer_step, self.text_label, self.prompt_label, self.loop_step],
            self.tr("電話で流す文"))

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        recording = bool(payload.get("recording"))
        text = self._show_spoken(rendition, self.tr("（録音した音声を流します）"))
        self.text_label.setText(text.replace("\n", "　"))
        digit = str(payload.get("confirm_digit", "1"))
        self.prompt_label.setText(str(payload.get("prompt", "")))
        self.loop_step.setText(self.tr("↻　{digit}が押されるまで繰り返します").format(digit=digit))
        self.summary_label.setText(self.tr("電話　1回 {seconds}（確認のお願いを含む）").format(
            seconds=_seconds_text(payload.get("seconds"))))
        self.details_label.setText(self.tr("音声: {voice}").format(
            voice=self.tr("録音") if recording else self.tr("音声合成")))


class FaxPreview(MediumPreview):
    """The A4 page as the resident's fax prints it: thumbnails drawn by the driver's own
    renderer once typing pauses, with the page count the renderer laid out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Medium.FAX, parent)

    def build_view(self) -> QWidget:
        inner = QWidget()
        layout = QHBoxLayout(inner)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(12)
        self.thumbnails = FaxThumbnails()
        self.summary_label = _text_label("font-weight: bold; color: #1d4f91;")
        note = _text_label(f"color: {style.MUTED}; font-size: 9pt;")
        note.setText(self.tr("送信する紙面そのものです（入力が止まると描き直します）"))
        info = QVBoxLayout()
        info.addWidget(self.summary_label)
        info.addWidget(note)
        info.addStretch(1)
        layout.addWidget(self.thumbnails, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(info, 1)
        area = _scrolled(inner, "#e3e7eb")
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)  # 5 pages
        return area

    def show_rendition(self, rendition: Rendition) -> None:
        payload = rendition.payload
        pages = payload.get("pages")
        _set(self.summary_label, self.tr("A4・大きな文字　{pages}").format(
            pages=self.tr("{n}枚").format(n=pages) if isinstance(pages, int)
            else self.tr("枚数不明")))
        self.thumbnails.request(str(payload.get("title", "")), str(payload.get("body", "")))


OWN_LOOK: dict[Medium, Callable[[], MediumPreview]] = {
    Medium.X: XPreview, Medium.SMS: SmsPreview, Medium.PUSH: PushPreview,
    Medium.WEBSITE: WebsitePreview, Medium.RADIO: RadioPreview, Medium.PHONE: PhonePreview,
    Medium.FAX: FaxPreview,
}


class PreviewsPanel(QWidget):
    """The previews, in one language at a time (日本語 unless chosen): e-mail and LINE side by
    side, every other chosen medium in a tab below them."""

    def __init__(
        self, media: Sequence[Medium] = (Medium.EMAIL, Medium.LINE),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.email = EmailPreview()
        self.line = LinePreview()
        self.previews: dict[Medium, MediumPreview] = {
            Medium.EMAIL: self.email,
            Medium.LINE: self.line,
        }
        self.other_tabs = QTabWidget()
        self.other_tabs.setAccessibleName(self.tr("ほかの媒体のプレビュー"))
        for medium in media:
            if medium in self.previews:
                continue
            look = OWN_LOOK.get(medium)
            preview = look() if look is not None else GenericPreview(medium)
            self.previews[medium] = preview
            self.other_tabs.addTab(preview, medium_label(medium))
        self.other_tabs.setVisible(False)
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("プレビューの言語"))
        self.language_combo.addItem(language_label(SOURCE), SOURCE)
        self.language_combo.currentIndexChanged.connect(self._language_changed)
        self._last: tuple[list[Rendition], dict[tuple[Medium, str], list[Finding]], bool] = (
            [], {}, False)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 4, 0)
        caption = QLabel(self.tr("プレビューの言語"))
        caption.setBuddy(self.language_combo)
        header.addWidget(caption)
        header.addWidget(self.language_combo)
        header.addStretch(1)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.email, 3)
        row.addWidget(self.line, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addLayout(row, 3)
        layout.addWidget(self.other_tabs, 2)

    @property
    def language(self) -> str:
        return str(self.language_combo.currentData() or SOURCE)

    def set_languages(self, codes: Sequence[str]) -> None:
        """Offer the message's languages; keep the shown one while it is still chosen."""
        current = self.language
        wanted = list(dict.fromkeys((SOURCE, *codes)))
        have = [self.language_combo.itemData(i) for i in range(self.language_combo.count())]
        if have == wanted:
            return
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        for code in wanted:
            self.language_combo.addItem(language_label(code), code)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(current)))
        self.language_combo.blockSignals(False)

    def show_language(self, code: str) -> None:
        index = self.language_combo.findData(code)
        if index >= 0:
            self.language_combo.setCurrentIndex(index)

    def _language_changed(self) -> None:
        renditions, extra, pristine = self._last
        self.show_renditions(renditions, extra, pristine=pristine)

    def latest_renditions(self) -> list[Rendition]:
        return list(self._last[0])

    def set_prepared(self, prepared: Prepared, *, pristine: bool = False) -> None:
        self.set_languages(prepared.draft.languages)
        self.show_renditions(prepared.renditions, {}, pristine=pristine)

    def show_renditions(
        self,
        renditions: Sequence[Rendition],
        extra: Mapping[tuple[Medium, str], Sequence[Finding]],
        *,
        pristine: bool = False,
    ) -> None:
        """Show each medium's rendition in the chosen language. The findings listed are that
        rendition's, the extra ones ``prepare`` found (audience, configuration), and any error
        of the medium's other languages, so that a missing translation is never out of sight.
        """
        self._last = (list(renditions), dict(extra), pristine)  # type: ignore[arg-type]
        language = self.language
        shown: dict[Medium, Rendition] = {}
        findings: dict[Medium, list[Finding]] = {}
        for rendition in renditions:
            medium = rendition.medium
            if rendition.language == language or medium not in shown:
                shown[medium] = rendition
        for rendition in renditions:
            medium = rendition.medium
            own = rendition is shown.get(medium)
            found = findings.setdefault(medium, [])
            candidates = [*rendition.findings, *extra.get((medium, rendition.language), ())]
            for finding in candidates:
                if not own and finding.severity is not Severity.ERROR:
                    continue
                if finding not in found:
                    found.append(finding)
        for medium, preview in self.previews.items():
            preview.set_rendition(shown.get(medium), findings.get(medium, []), pristine=pristine)
        self._show_tabs(pristine)

    def _show_tabs(self, pristine: bool) -> None:
        """A tab per chosen medium beyond e-mail and LINE, its title marked with its state."""
        any_shown = False
        for index in range(self.other_tabs.count()):
            preview = self.other_tabs.widget(index)
            assert isinstance(preview, MediumPreview)
            chosen = preview.rendition is not None
            if self.other_tabs.isTabVisible(index) != chosen:
                self.other_tabs.setTabVisible(index, chosen)
            any_shown = any_shown or chosen
            severity = preview.findings.severity
            mark = "" if not chosen or pristine or severity is None else {
                Severity.OK: "✔ ", Severity.WARNING: "⚠ ", Severity.ERROR: "✖ "}[severity]
            text = mark + medium_label(preview.medium)
            if self.other_tabs.tabText(index) != text:
                self.other_tabs.setTabText(index, text)
        if self.other_tabs.isVisible() != any_shown:
            self.other_tabs.setVisible(any_shown)
