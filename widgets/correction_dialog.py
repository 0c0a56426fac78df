"""訂正・取消 from the history: edit, see the original and the follow-up side by side per medium
and language, then send it with one deliberate click.

The core renders the follow-up (``Issei.prepare_correction`` / ``prepare_cancellation``) on a
worker; this dialog only shows what comes back. The follow-up reaches exactly those who
received the original, each in the language they received it in. Enter never sends (nor
closes the dialog with the typed text): only a deliberate click on the 訓練/本番 button does.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.domain import Rendition, Severity
from app.ledger import MessageSummary
from app.service import FollowUp
from widgets import style
from widgets.bridge import ConsoleBridge
from widgets.labels import language_label, medium_label
from widgets.previews import payload_text, with_link_shown

CORRECTION = "correction"
CANCELLATION = "cancellation"
PREPARE_DELAY_MS = 250  # after the last keystroke
DIFF_LIMIT = 20_000  # characters; a longer text is compared without highlighting


def resident_text(payload: Mapping[str, object]) -> str:
    """What a resident reads of a rendition: the mail, the chat text, the SMS; otherwise the
    payload field by field."""
    messages = payload.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        text = messages[0].get("text")
        if isinstance(text, str):
            return text
    if "body" in payload and "subject" not in payload and isinstance(payload["body"], str):
        return payload["body"]
    return payload_text(payload)


def changed_spans(before: str, after: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges that differ: removed or replaced in ``before``, new in ``after`` (what
    the operator's eye must find between the sent text and the correction)."""
    if len(before) + len(after) > DIFF_LIMIT:
        return [], []
    removed: list[tuple[int, int]] = []
    added: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete") and i2 > i1:
            removed.append((i1, i2))
        if tag in ("replace", "insert") and j2 > j1:
            added.append((j1, j2))
    return removed, added


def _highlight(view: QPlainTextEdit, spans: list[tuple[int, int]], colour: str) -> None:
    selections = []
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(colour))
    for start, end in spans:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(view.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor  # type: ignore[attr-defined]
        selection.format = fmt  # type: ignore[attr-defined]
        selections.append(selection)
    view.setExtraSelections(selections)


class CorrectionDialog(QDialog):
    sent = Signal(str, str)  # the follow-up's message id, its title

    def __init__(self, bridge: ConsoleBridge, summary: MessageSummary, kind: str = CORRECTION,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.summary = summary
        self.kind = kind
        self.training = summary.training
        self.follow_up: FollowUp | None = None
        self.prepare_count = 0  # how many renderings came back (tests wait on it)
        self._generation = 0
        self._shown_generation = -1
        self._sending = False
        correcting = kind == CORRECTION
        mark = self.tr("【訓練】") if self.training else self.tr("【本番】")
        self.setWindowTitle(
            (self.tr("訂正を送る") if correcting else self.tr("取消を送る")) + " " + mark)
        self.setMinimumSize(900, 640)
        screen = self.screen().availableGeometry()  # room for the three columns when there is
        self.resize(min(1180, screen.width() - 40), min(760, screen.height() - 60))

        layout = QVBoxLayout(self)
        self.mode_label = QLabel()
        self.mode_label.setWordWrap(True)
        what = self.tr("訂正") if correcting else self.tr("取消")
        if self.training:
            self.mode_label.setText(
                self.tr("訓練の{what}です — もとの訓練配信を受けた宛先（訓練用の受け口）に送ります")
                .format(what=what))
            self.mode_label.setStyleSheet(
                f"background: {style.TRAINING_BG}; color: {style.TRAINING_FG};"
                " font-size: 14pt; font-weight: bold; padding: 8px; border-radius: 6px;")
        else:
            self.mode_label.setText(
                self.tr("本番の{what}です — もとの配信を受けた住民に実際に届きます")
                .format(what=what))
            self.mode_label.setStyleSheet(
                f"background: {style.PRODUCTION_RED}; color: white;"
                " font-size: 14pt; font-weight: bold; padding: 8px; border-radius: 6px;")
        layout.addWidget(self.mode_label)
        original = QLabel(self.tr("もとの配信: {title}（{time}）").format(
            title=summary.title,
            time=summary.created_at.astimezone().strftime("%Y-%m-%d %H:%M")))
        original.setWordWrap(True)
        layout.addWidget(original)

        self.title_edit = QLineEdit(summary.title)
        self.title_edit.setCursorPosition(0)  # a long title shows its beginning
        self.title_edit.setAccessibleName(self.tr("訂正後の件名"))
        self.body_edit = QPlainTextEdit(summary.body)
        self.body_edit.setAccessibleName(self.tr("訂正後の本文"))
        self.body_edit.setTabChangesFocus(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setAccessibleName(self.tr("取消の理由"))
        self.reason_edit.setPlaceholderText(self.tr("例: 対象地区を誤って配信したため（任意）"))
        self.translation_edits: dict[str, tuple[QLineEdit, QPlainTextEdit]] = {}
        form = QFormLayout()
        if correcting:
            form.addRow(self.tr("件名"), self.title_edit)
            form.addRow(self.tr("本文（訂正後）"), self.body_edit)
        else:
            form.addRow(self.tr("理由"), self.reason_edit)
        editors = QWidget()
        editors_layout = QVBoxLayout(editors)
        editors_layout.setContentsMargins(0, 0, 0, 0)
        editors_layout.addLayout(form)
        if correcting:
            for code in summary.languages:
                if code == "ja":
                    continue
                box = QGroupBox(self.tr("{language}の訂正文（確認済みの訳）").format(
                    language=language_label(code)))
                t_title = QLineEdit()
                t_title.setPlaceholderText(self.tr("空欄なら、もとの件名の訳のまま"))
                t_title.setAccessibleName(
                    self.tr("{language}の件名").format(language=language_label(code)))
                t_body = QPlainTextEdit()
                t_body.setPlaceholderText(
                    self.tr("空欄なら、{language}で受け取った人にも日本語の訂正が届きます")
                    .format(language=language_label(code)))
                t_body.setAccessibleName(
                    self.tr("{language}の本文").format(language=language_label(code)))
                t_body.setTabChangesFocus(True)
                t_body.setMaximumHeight(80)
                box_form = QFormLayout(box)
                box_form.addRow(self.tr("件名"), t_title)
                box_form.addRow(self.tr("本文"), t_body)
                editors_layout.addWidget(box)
                self.translation_edits[code] = (t_title, t_body)
        for edit in (self.title_edit, self.reason_edit,
                     *(t for t, _b in self.translation_edits.values())):
            edit.textChanged.connect(self._schedule)
        for text_edit in (self.body_edit, *(b for _t, b in self.translation_edits.values())):
            text_edit.textChanged.connect(self._schedule)

        # Before / after, per medium and language.
        self.medium_combo = QComboBox()
        self.medium_combo.setAccessibleName(self.tr("比べる媒体"))
        for value in summary.media:
            self.medium_combo.addItem(medium_label(value), value)
        self.language_combo = QComboBox()
        self.language_combo.setAccessibleName(self.tr("比べる言語"))
        for code in summary.languages or ("ja",):
            self.language_combo.addItem(language_label(code), code)
        self.medium_combo.currentIndexChanged.connect(self._show_comparison)
        self.language_combo.currentIndexChanged.connect(self._show_comparison)
        pick = QHBoxLayout()
        pick.addWidget(QLabel(self.tr("媒体")))
        pick.addWidget(self.medium_combo)
        pick.addWidget(QLabel(self.tr("言語")))
        pick.addWidget(self.language_combo)
        pick.addStretch(1)
        self.diff_legend = QLabel(
            self.tr("色の付いた所が変わります（赤: 送った文面、黄: これから送る文面）"))
        self.diff_legend.setObjectName("muted")
        self.diff_legend.setWordWrap(True)
        self.before_view = QPlainTextEdit()
        self.before_view.setReadOnly(True)
        self.before_view.setAccessibleName(self.tr("送った文面（訂正前）"))
        self.after_view = QPlainTextEdit()
        self.after_view.setReadOnly(True)
        self.after_view.setAccessibleName(
            self.tr("これから送る文面（訂正後）") if correcting
            else self.tr("これから送る文面（取消）"))
        before_box = QGroupBox(self.tr("送った文面（もとの配信）"))
        QVBoxLayout(before_box).addWidget(self.before_view)
        after_box = QGroupBox(
            self.tr("これから送る訂正") if correcting else self.tr("これから送る取消"))
        after_box.setStyleSheet("QGroupBox { font-weight: bold; }")
        QVBoxLayout(after_box).addWidget(self.after_view)
        compare = QSplitter()
        compare.addWidget(before_box)
        compare.addWidget(after_box)
        compare_widget = QWidget()
        compare_layout = QVBoxLayout(compare_widget)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        compare_layout.addLayout(pick)
        compare_layout.addWidget(self.diff_legend)
        compare_layout.addWidget(compare, 1)
        if correcting:
            split = QSplitter()
            split.addWidget(editors)
            split.addWidget(compare_widget)
            split.setStretchFactor(1, 2)
            split.setSizes([380, 820])
            layout.addWidget(split, 1)
        else:  # one short line: the reason, full width above the comparison
            layout.addWidget(editors)
            layout.addWidget(compare_widget, 1)

        self.audience_label = QLabel(self.tr("宛先を数えています…"))
        self.audience_label.setWordWrap(True)
        layout.addWidget(self.audience_label)
        self.findings_label = QLabel()
        self.findings_label.setWordWrap(True)
        self.findings_label.setVisible(False)
        layout.addWidget(self.findings_label)

        self.cancel_button = QPushButton(self.tr("キャンセル"))
        # No default button: Enter in a field (or confirming IME input) neither sends nor
        # closes the dialog and loses what was typed; see keyPressEvent.
        self.cancel_button.setDefault(False)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.send_button = QPushButton(self._send_text())
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.setEnabled(False)
        colour = style.TRAINING_BG if self.training else style.PRODUCTION_RED
        text_colour = style.TRAINING_FG if self.training else "white"
        self.send_button.setStyleSheet(
            f"QPushButton:enabled {{ background: {colour}; color: {text_colour};"
            " font-weight: bold; padding: 8px 28px; border-radius: 5px; }")
        self.send_button.setMinimumWidth(  # the stylesheet's padding must not clip the words
            self.send_button.fontMetrics().horizontalAdvance(self._send_text()) + 80)
        self.send_button.clicked.connect(self._send)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.send_button)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREPARE_DELAY_MS)
        self._timer.timeout.connect(self._prepare)
        self._prepare()
        self.cancel_button.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()  # swallowed: only a click (or Space on the focused button) acts
            return
        super().keyPressEvent(event)

    def _send_text(self) -> str:
        if self.kind == CORRECTION:
            return (self.tr("訓練として訂正を配信する") if self.training
                    else self.tr("本番として訂正を配信する"))
        return (self.tr("訓練として取消を配信する") if self.training
                else self.tr("本番として取消を配信する"))

    # -- what the operator wrote ------------------------------------------------------------

    def translations(self) -> dict[str, tuple[str, str]]:
        return {code: (t.text(), b.toPlainText())
                for code, (t, b) in self.translation_edits.items()}

    def _schedule(self) -> None:
        self._generation += 1
        self.send_button.setEnabled(False)  # what is shown no longer matches what is typed
        self._timer.start()

    def _prepare(self) -> None:
        generation = self._generation
        if self.kind == CORRECTION:
            if not self.body_edit.toPlainText().strip():
                self._refused(generation, ValueError(self.tr("訂正の本文を入力してください")))
                return
            self.bridge.call(
                self._prepare_correction, self.summary.id, self.body_edit.toPlainText(),
                self.title_edit.text(), self.translations(), self.bridge.operator,
                on_done=lambda f: self._prepared(generation, f),
                on_error=lambda e: self._refused(generation, e), owner=self, pool="prepare")
        else:
            self.bridge.call(
                self._prepare_cancellation, self.summary.id, self.reason_edit.text(),
                on_done=lambda f: self._prepared(generation, f),
                on_error=lambda e: self._refused(generation, e), owner=self, pool="prepare")

    def _prepare_correction(self, message_id: str, body: str, title: str,
                            translations: dict[str, tuple[str, str]],
                            operator: str) -> FollowUp:
        return self.bridge.issei.prepare_correction(
            message_id, body, title=title.strip() or None, translations=translations,
            operator=operator)

    def _prepare_cancellation(self, message_id: str, reason: str) -> FollowUp:
        return self.bridge.issei.prepare_cancellation(message_id, reason=reason)

    # -- what came back ---------------------------------------------------------------------

    def _prepared(self, generation: int, follow_up: FollowUp) -> None:
        if generation != self._generation:
            return  # typed on meanwhile: a newer rendering is coming
        self.prepare_count += 1
        self.follow_up = follow_up
        self._shown_generation = generation
        self._show_comparison()
        self._show_audience(follow_up.received)
        findings = [(r.medium, r.language, f) for r in follow_up.renditions
                    for f in r.findings if f.severity is not Severity.OK]
        errors = [x for x in findings if x[2].severity is Severity.ERROR]
        if findings:
            lines = [f"・{medium_label(m.value)}（{language_label(lang)}）: {f.message}"
                     if f.code != "translation_missing" or f.severity is Severity.ERROR
                     else f"・{f.message}" for m, lang, f in findings]
            head = (self.tr("次のエラーを直すまで送れません:") if errors
                    else self.tr("確認してください:"))
            fg, bg = ((style.ERROR_FG, style.ERROR_BG) if errors
                      else (style.WARN_FG, style.WARN_BG))
            self.findings_label.setText(head + "\n" + "\n".join(lines))
            self.findings_label.setStyleSheet(
                f"color: {fg}; background: {bg}; border-radius: 4px; padding: 6px;")
        self.findings_label.setVisible(bool(findings))
        reached = sum(sum(v.values()) for v in follow_up.received.values())
        self.send_button.setEnabled(not errors and reached > 0 and not self._sending)
        if reached == 0:
            self.audience_label.setText(
                self.tr("もとの配信を受け取った宛先がまだありません。送る相手がいません"))

    def _refused(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.prepare_count += 1
        self.follow_up = None
        self.send_button.setEnabled(False)
        self.findings_label.setText(str(exc))
        self.findings_label.setStyleSheet(
            f"color: {style.ERROR_FG}; background: {style.ERROR_BG};"
            " border-radius: 4px; padding: 6px;")
        self.findings_label.setVisible(True)

    def _show_audience(self, received: Mapping[str, Mapping[str, int]]) -> None:
        parts = []
        for medium in self.summary.media:
            by_language = received.get(medium, {})
            total = sum(by_language.values())
            order = [*(c for c in self.summary.languages if c in by_language),
                     *(c for c in by_language if c not in self.summary.languages)]
            detail = "・".join(f"{language_label(code)} {by_language[code]:,}"
                               for code in order)
            parts.append(self.tr("{medium} {n:,}件").format(medium=medium_label(medium), n=total)
                         + (f"（{detail}）" if len(by_language) > 1 else ""))
        self.audience_label.setText(
            self.tr("送り先: もとの配信を受け取った宛先だけ — ") + "、".join(parts))

    def _rendition(self, renditions: list[Rendition], medium: str,
                   language: str) -> Rendition | None:
        return next((r for r in renditions
                     if r.medium.value == medium and r.language == language), None)

    def _show_comparison(self) -> None:
        medium = str(self.medium_combo.currentData() or "")
        language = str(self.language_combo.currentData() or "ja")
        if self.follow_up is None or not medium:
            return
        before = self._rendition(self.follow_up.before, medium, language)
        after = self._rendition(self.follow_up.renditions, medium, language)
        note = ""
        if after is None:  # this language is not carried: its readers get the Japanese
            after = self._rendition(self.follow_up.renditions, medium, "ja")
            note = self.tr("（{language}の訂正文がないため、日本語が届きます）\n\n").format(
                language=language_label(language))
        link = self.tr("［ホームページの記事のURL］")  # not known before the post is made
        before_text = resident_text(before.payload) if before else ""
        after_text = note + (with_link_shown(resident_text(after.payload), link) if after else "")
        self.before_view.setPlainText(before_text)
        self.after_view.setPlainText(after_text)
        removed, added = changed_spans(before_text, after_text)
        _highlight(self.before_view, removed, style.ERROR_BG)
        _highlight(self.after_view, added, style.WARN_BG)

    # -- sending ----------------------------------------------------------------------------

    def _send(self) -> None:
        if self.follow_up is None or self._shown_generation != self._generation:
            return
        self._sending = True
        self.send_button.setEnabled(False)
        self.send_button.setText(self.tr("登録しています…"))
        title = self.follow_up.draft.title
        args: tuple[Any, ...]
        if self.kind == CORRECTION:
            args = (self._correct, self.summary.id, self.body_edit.toPlainText(),
                    self.title_edit.text(), self.translations(), self.bridge.operator)
        else:
            args = (self._cancel, self.summary.id, self.reason_edit.text(),
                    self.bridge.operator)
        self.bridge.call(*args, on_done=lambda new_id: self._sent(new_id, title),
                         on_error=self._send_failed, owner=self, pool="write")

    def _correct(self, message_id: str, body: str, title: str,
                 translations: dict[str, tuple[str, str]], operator: str) -> str:
        return self.bridge.issei.correct(message_id, body, title=title.strip() or None,
                                         translations=translations, operator=operator,
                                         signed_in=self.bridge.signed_in, console=True)

    def _cancel(self, message_id: str, reason: str, operator: str) -> str:
        return self.bridge.issei.cancel(message_id, reason=reason, operator=operator,
                                        signed_in=self.bridge.signed_in, console=True)

    def _sent(self, new_id: str, title: str) -> None:
        self.sent.emit(new_id, title)
        self.accept()

    def _send_failed(self, exc: BaseException) -> None:
        self._sending = False
        self.send_button.setText(self._send_text())
        self._refused(self._generation, exc)
