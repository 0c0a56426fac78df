"""The composer (left): what the operator writes, and the one primary button.

It turns its fields into a ``Draft`` and shows what the core said about it (audience counts,
whether errors block sending, which translations are ready). It never validates, renders or
translates by itself.

Every edit is announced twice: ``text_edited`` at once (the previews re-render on the spot:
rendering is cheap) and ``draft_changed`` after a short pause (counting the audience is not).

Enter confirms Japanese IME input, so no bare Enter ever sends; Ctrl+Enter opens the
confirmation, which itself needs one more deliberate click.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain import CATEGORIES, Draft, Medium, Rendition, Urgency
from app.service import Prepared
from app.template_store import Library
from app.translation.compose import MultilingualDraft, TextTranslation
from app.translation.languages import LANGUAGES, SOURCE
from widgets import style
from widgets.labels import (
    DEFAULT_MEDIA,
    audience_text,
    category_label,
    language_label,
    medium_label,
    urgency_label,
)

DEBOUNCE_MS = 150
AREA_SEPARATORS = re.compile(r"[,、，]")
TRANSLATION_CODES = ("translation_missing", "translation_stale", "translation_unreviewed",
                     "translation_empty")


class ComposerPanel(QGroupBox):
    draft_changed = Signal(object)  # Draft, debounced (audience counts)
    text_edited = Signal(object)  # Draft, at once (previews)
    send_requested = Signal()
    template_chosen = Signal(str)  # template name: fill its placeholders
    edit_templates_requested = Signal()
    translate_requested = Signal()
    voice_requested = Signal()  # open the voice panel (recording / reading) for radio, phone

    def __init__(
        self,
        *,
        training_forced: bool,
        media: Sequence[Medium] = DEFAULT_MEDIA,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.composable = tuple(media)
        self.setTitle(self.tr("作成"))
        self.pristine = True  # nothing typed yet: findings are hints, not alarms
        self._has_errors = True
        self._filling = False
        self.translations: dict[str, TextTranslation] = {}
        self.template_name: str | None = None
        # The operator's recording chosen in the voice panel (radio and phone carry it when
        # the voice source is 録音); the draft's own field comes with the radio/phone media.
        self.recording_path: Path | None = None
        self.recording_digest = ""  # the stored recording (app.voice.recordings)

        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName(self.tr("定型文を選ぶ"))
        self.template_combo.setToolTip(self.tr("定型文を選ぶと、項目を埋める画面が開きます（Ctrl+T）"))
        self.template_combo.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Fixed)
        self.template_combo.activated.connect(self._template_activated)
        self.edit_templates_button = QToolButton()
        self.edit_templates_button.setText("✎")
        self.edit_templates_button.setAccessibleName(self.tr("定型文の編集"))
        self.edit_templates_button.setToolTip(self.tr("定型文の編集"))
        self.edit_templates_button.setAutoRaise(True)
        self.edit_templates_button.clicked.connect(self.edit_templates_requested)
        self.set_templates(Library())

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("例: 避難指示の発令について"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setPlaceholderText(self.tr("住民に伝える内容を書いてください"))
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setMinimumHeight(120)

        self.category_combo = QComboBox()
        for code in CATEGORIES:
            self.category_combo.addItem(category_label(code), code)
        self.urgency_combo = QComboBox()
        for urgency in (Urgency.EMERGENCY, Urgency.IMPORTANT, Urgency.NORMAL):
            self.urgency_combo.addItem(urgency_label(urgency), urgency.value)
        self.urgency_combo.setCurrentIndex(2)
        self.area_edit = QLineEdit()
        self.area_edit.setPlaceholderText(self.tr("空欄は全地区（例: 北地区, 南地区）"))

        self.training_check = QCheckBox(self.tr("訓練として送る（訓練用の受け口に記録）"))
        self.training_check.setChecked(training_forced)
        self.training_check.setEnabled(not training_forced)
        self.training_check.setVisible(not training_forced)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        template_row = QHBoxLayout()
        template_row.addWidget(self.template_combo, 1)
        template_row.addWidget(self.edit_templates_button)
        form.addRow(self.tr("定型文"), template_row)
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("本文"), self.body_edit)
        row = QHBoxLayout()
        row.addWidget(self.category_combo, 1)
        row.addWidget(QLabel(self.tr("緊急度")))
        row.addWidget(self.urgency_combo, 1)
        form.addRow(self.tr("カテゴリ"), row)
        form.addRow(self.tr("地区"), self.area_edit)
        form.addRow(self.tr("言語"), self._languages_row())

        # The fields scroll when the screen is short (150 % scaling on a 1080p screen leaves
        # 720 logical pixels); the hint and 一斉配信 below them never scroll out of sight.
        fields = QWidget()
        fields_layout = QVBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 4, 0)
        fields_layout.addLayout(form, 1)
        fields_layout.addWidget(self._media_box())
        fields_layout.addWidget(self._voice_row())
        fields_layout.addWidget(self.training_check)
        self.fields_area = QScrollArea()
        self.fields_area.setWidget(fields)
        self.fields_area.setWidgetResizable(True)
        self.fields_area.setFrameShape(QFrame.Shape.NoFrame)
        self.fields_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fields_area.setMinimumWidth(fields.minimumSizeHint().width() + 12)
        self.fields_area.setMinimumHeight(200)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields_area, 1)

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
            self.template_combo, self.edit_templates_button, self.title_edit, self.body_edit,
            self.category_combo, self.urgency_combo, self.area_edit, self.languages_button,
            self.translate_button, *self.media_checks.values(), self.training_check,
            self.send_button,
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
            box.toggled.connect(self._show_voice_row)
        self._show_voice_row()

    def _languages_row(self) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.languages_button = QToolButton()
        self.languages_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.languages_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.languages_button.setAccessibleName(self.tr("配信する言語を選ぶ"))
        self.languages_button.setStyleSheet("QToolButton { padding: 3px 18px 3px 6px; }")
        self.languages_menu = QMenu(self.languages_button)
        self.language_actions: dict[str, QAction] = {}
        japanese = self.languages_menu.addAction(language_label(SOURCE))
        japanese.setCheckable(True)
        japanese.setChecked(True)
        japanese.setEnabled(False)  # the message is always written in Japanese
        self.languages_menu.addSeparator()
        for lang in LANGUAGES:
            action = self.languages_menu.addAction(language_label(lang.code))
            action.setCheckable(True)
            action.toggled.connect(self._languages_changed)
            self.language_actions[lang.code] = action
        self.languages_button.setMenu(self.languages_menu)
        self.translate_button = QPushButton(self.tr("翻訳…"))
        self.translate_button.setAutoDefault(False)
        self.translate_button.setToolTip(self.tr("訳を用意して確認します（Ctrl+Shift+L）"))
        self.translate_button.clicked.connect(self.translate_requested)
        self.translation_label = QLabel()
        self.translation_label.setWordWrap(True)
        self.translation_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.languages_button)
        layout.addWidget(self.translate_button)
        layout.addWidget(self.translation_label, 1)
        self._show_languages()
        return row

    def _media_box(self) -> QWidget:
        """E-mail and LINE first with large counts; the other media the core can render in a
        compact grid below (three to a row, so that the window fits a 768-pixel screen)."""
        box = QGroupBox(self.tr("媒体と対象人数"))
        grid = QGridLayout(box)
        grid.setVerticalSpacing(2)
        grid.setHorizontalSpacing(6)
        self.media_checks: dict[Medium, QCheckBox] = {}
        self.count_labels: dict[Medium, QLabel] = {}
        primary = [m for m in self.composable if m in DEFAULT_MEDIA]
        secondary = [m for m in self.composable if m not in DEFAULT_MEDIA]
        columns = 3
        cells: list[tuple[int, int, Medium, bool]] = []
        for i, medium in enumerate(primary):
            cells.append((0, i * (columns // max(1, len(primary))), medium, True))
        first = 1 if primary else 0
        for i, medium in enumerate(secondary):
            cells.append((first + i // columns, i % columns, medium, False))
        for row, column, medium, big in cells:
            check = QCheckBox(medium_label(medium))
            check.setChecked(medium in DEFAULT_MEDIA)
            count = QLabel(audience_text(None))
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setStyleSheet(
                "font-size: 13pt; font-weight: bold;" if big
                else f"font-size: 9pt; color: {style.MUTED};")
            self.media_checks[medium] = check
            self.count_labels[medium] = count
            cell = QHBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(check)
            cell.addStretch(1)
            cell.addWidget(count)
            grid.addLayout(cell, row, column)
        later = [m for m in Medium if m not in self.composable]
        rows = first + -(-len(secondary) // columns)
        if later:
            others = QWidget()
            others_layout = QHBoxLayout(others)
            others_layout.setContentsMargins(0, 2, 0, 0)
            for medium in later:
                check = QCheckBox(medium_label(medium))
                check.setEnabled(False)
                check.setToolTip(self.tr("準備中"))
                check.setStyleSheet(f"color: {style.MUTED}; font-size: 9pt;")
                others_layout.addWidget(check)
            others_layout.addStretch(1)
            grid.addWidget(others, rows, 0, 1, columns)
        for column in range(columns):
            grid.setColumnStretch(column, 1)
        return box

    # -- voice (radio, phone) ----------------------------------------------------------------

    VOICE_MEDIA = (Medium.RADIO, Medium.PHONE)

    def _voice_row(self) -> QWidget:
        """音声合成 or 録音, shown while radio or phone is among the media."""
        self.voice_box = QWidget()
        layout = QHBoxLayout(self.voice_box)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(QLabel(self.tr("音声（防災無線・電話）")))
        self.voice_source_combo = QComboBox()
        self.voice_source_combo.addItem(self.tr("音声合成"), "tts")
        self.voice_source_combo.addItem(self.tr("録音"), "recording")
        self.voice_source_combo.setAccessibleName(self.tr("音声の種類"))
        self.voice_source_combo.currentIndexChanged.connect(self._show_voice_row)
        self.voice_source_combo.currentIndexChanged.connect(self._edited)
        self.voice_button = QPushButton(self.tr("音声…"))
        self.voice_button.setAutoDefault(False)
        self.voice_button.setToolTip(self.tr("録音、または読み上げの読みを確かめます"))
        self.voice_button.clicked.connect(self.voice_requested)
        self.voice_label = QLabel()
        self.voice_label.setObjectName("muted")
        self.voice_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.voice_source_combo)
        layout.addWidget(self.voice_button)
        layout.addWidget(self.voice_label, 1)
        return self.voice_box

    def voice_source(self) -> str:
        return str(self.voice_source_combo.currentData())

    def set_voice_source(self, source: str) -> None:
        self.voice_source_combo.setCurrentIndex(
            max(0, self.voice_source_combo.findData(source)))

    def draft_recording(self) -> str:
        """The stored recording the draft carries: only when 録音 is the voice source and
        radio or phone is among the media."""
        if self.voice_source() != "recording" or not any(
                m in self.VOICE_MEDIA for m in self.selected_media()):
            return ""
        return self.recording_digest

    def set_recording(self, path: Path | None, digest: str = "") -> None:
        self.recording_path = path
        self.recording_digest = digest if path is not None else ""
        if path is not None:
            self.set_voice_source("recording")
        self._show_voice_row()
        self._edited()

    def _show_voice_row(self) -> None:
        media = self.selected_media()
        self.voice_box.setVisible(any(m in media for m in self.VOICE_MEDIA))
        if self.voice_source() == "recording":
            text = (self.tr("録音: {name}").format(name=self.recording_path.name)
                    if self.recording_path is not None else self.tr("録音がまだありません"))
        else:
            text = self.tr("本文を読み上げます")
        if self.voice_label.text() != text:
            self.voice_label.setText(text)

    # -- templates -------------------------------------------------------------------------

    def set_templates(self, library: Library) -> None:
        self.template_combo.blockSignals(True)
        self.template_combo.clear()
        self.template_combo.addItem(self.tr("— 定型文を選ぶ —"), None)
        shipped = [n for n in library.templates if not library.is_user(n)]
        own = sorted(n for n in library.templates if library.is_user(n))
        for name in shipped:
            self.template_combo.addItem(name, name)
        if own:
            self.template_combo.insertSeparator(self.template_combo.count())
            for name in own:
                self.template_combo.addItem(self.tr("★ {name}").format(name=name), name)
        self.template_combo.setCurrentIndex(0)
        self.template_combo.blockSignals(False)

    def _template_activated(self, index: int) -> None:
        name = self.template_combo.itemData(index)
        self.template_combo.setCurrentIndex(0)  # a choice, not a state: the text may change
        if isinstance(name, str):
            self.template_chosen.emit(name)

    def open_template_picker(self) -> None:
        self.template_combo.setFocus()
        self.template_combo.showPopup()

    # -- languages -------------------------------------------------------------------------

    def selected_languages(self) -> tuple[str, ...]:
        return tuple(code for code, a in self.language_actions.items() if a.isChecked())

    def set_languages(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        self._filling = True
        try:
            for code, action in self.language_actions.items():
                action.setChecked(code in wanted)
        finally:
            self._filling = False
        self._languages_changed()

    def set_translations(self, translations: Mapping[str, TextTranslation]) -> None:
        """Replace the translations the draft carries (from the review dialog or a template)."""
        self.translations = dict(translations)
        self._edited()

    def _languages_changed(self) -> None:
        self._show_languages()
        if not self._filling:
            self._edited()

    def _show_languages(self) -> None:
        chosen = self.selected_languages()
        if chosen:
            names = "、".join(language_label(c) for c in chosen)
            self.languages_button.setText(self.tr("日本語＋{n}言語").format(n=len(chosen)))
            self.languages_button.setToolTip(names)
        else:
            self.languages_button.setText(self.tr("日本語のみ"))
            self.languages_button.setToolTip("")
            self.translation_label.setText("")
        self.translate_button.setEnabled(bool(chosen))

    def show_translation_state(self, renditions: Sequence[Rendition]) -> None:
        """What the core said about each chosen language (from the renditions' findings)."""
        chosen = self.selected_languages()
        if not chosen:
            _set_label(self.translation_label, "", "")
            return
        problems: dict[str, str] = {}
        for rendition in renditions:
            for finding in rendition.findings:
                if finding.code in TRANSLATION_CODES:
                    problems.setdefault(rendition.language, finding.code)
        parts = []
        for code in chosen:
            state = problems.get(code)
            if state is None:
                parts.append(f"✔ {language_label(code)}")
            elif state == "translation_missing":
                parts.append(self.tr("✖ {lang}: 訳なし").format(lang=language_label(code)))
            elif state == "translation_stale":
                parts.append(self.tr("⚠ {lang}: 要再確認").format(lang=language_label(code)))
            else:
                parts.append(self.tr("⚠ {lang}: 未確認").format(lang=language_label(code)))
        colour = style.OK_FG if not problems else style.WARN_FG
        _set_label(self.translation_label, "　".join(parts), f"color: {colour};")

    # -- the draft -------------------------------------------------------------------------

    def selected_media(self) -> tuple[Medium, ...]:
        return tuple(m for m, box in self.media_checks.items() if box.isChecked())

    def draft(self) -> Draft:
        areas = tuple(
            a.strip() for a in AREA_SEPARATORS.split(self.area_edit.text()) if a.strip()
        )
        chosen = self.selected_languages()
        return MultilingualDraft(
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            media=self.selected_media(),
            category=str(self.category_combo.currentData()),
            urgency=Urgency(str(self.urgency_combo.currentData())),
            areas=areas,
            languages=(SOURCE, *chosen),
            training=self.training_check.isChecked(),
            translations=tuple(self.translations[c] for c in chosen if c in self.translations),
            recording=self.draft_recording(),
        )

    def fill(
        self,
        *,
        title: str = "",
        body: str = "",
        category: str = "disaster",
        urgency: Urgency = Urgency.NORMAL,
        areas: str = "",
        media: tuple[Medium, ...] = DEFAULT_MEDIA,
        languages: Iterable[str] = (),
        translations: Mapping[str, TextTranslation] | None = None,
    ) -> None:
        """Set every field at once (a template, a screenshot tour, a test)."""
        self._filling = True
        try:
            self.title_edit.setText(title)
            self.body_edit.setPlainText(body)
            self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(category)))
            self.urgency_combo.setCurrentIndex(
                max(0, self.urgency_combo.findData(urgency.value))
            )
            self.area_edit.setText(areas)
            for medium, box in self.media_checks.items():
                box.setChecked(medium in media)
            self.translations = dict(translations or {})
            wanted = set(languages)
            for code, action in self.language_actions.items():
                action.setChecked(code in wanted)
        finally:
            self._filling = False
        self._show_languages()
        self._edited()

    def _edited(self) -> None:
        if self._filling:
            return
        self.pristine = False
        self.text_edited.emit(self.draft())
        self._debounce.start()

    def _emit_draft(self) -> None:
        self.draft_changed.emit(self.draft())

    def emit_now(self) -> None:
        self._debounce.stop()
        self.text_edited.emit(self.draft())
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
        self.show_translation_state(prepared.renditions)

    def set_busy(self, text: str | None) -> None:
        """While the confirmation is being prepared or a send is written: no second click."""
        if text is None:
            self.send_button.setText(self.tr("一斉配信"))
            self.send_button.setEnabled(not self._has_errors)
        else:
            self.send_button.setText(text)
            self.send_button.setEnabled(False)

    def _request_send(self) -> None:
        if self.send_button.isEnabled():
            self.send_requested.emit()


def _set_label(label: QLabel, text: str, sheet: str) -> None:
    """Only what changed: this runs on every keystroke, and a style sheet set again
    re-polishes and re-lays out the whole composer."""
    if label.text() != text:
        label.setText(text)
    if label.styleSheet() != sheet:
        label.setStyleSheet(sheet)
