"""Translation review: every chosen language's text, where it came from, and the operator's
approval. Nothing in another language is sent until it is marked 確認済み here (or came
reviewed from a 定型文 or the translation memory for exactly this Japanese).

Suggestions come from the core (memory first, then the machine translator) on a worker
thread; when there is no internet the dialog says so in plain words and everything else
(templates, memory, typing a translation by hand) keeps working.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.translation.compose import Origin, TextTranslation
from app.translation.service import Suggestions
from app.translation.settings import PROVIDERS, TranslationSettings, TranslationSettingsError
from widgets import style
from widgets.labels import core_word, language_label

Suggest = Callable[..., None]  # (title, body, languages, on_done=, on_error=, owner=)


class TranslationSettingsDialog(QDialog):
    def __init__(self, settings: TranslationSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("機械翻訳の設定"))
        self.settings = settings
        self.provider_combo = QComboBox()
        for code, name in PROVIDERS.items():
            self.provider_combo.addItem(name, code)
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(
            settings.provider)))
        self.url_edit = QLineEdit(settings.url)
        self.url_edit.setPlaceholderText("http://translate.example.lg.jp:5000/")
        self.proxy_edit = QLineEdit(settings.proxy)
        self.proxy_edit.setPlaceholderText("http://proxy.example.lg.jp:8080")
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {style.ERROR_FG};")
        note = QLabel(self.tr("APIキーは設定ファイルに書かず、環境変数 ISSEI_TRANSLATION_API_KEY"
                              " かOSのキーリング（translation.api_key）に入れてください。"))
        note.setWordWrap(True)
        note.setObjectName("muted")
        form = QFormLayout()
        form.addRow(self.tr("翻訳サービス"), self.provider_combo)
        form.addRow(self.tr("サーバーのURL（LibreTranslate）"), self.url_edit)
        form.addRow(self.tr("プロキシ"), self.proxy_edit)
        ok = QPushButton(self.tr("保存"))
        cancel = QPushButton(self.tr("キャンセル"))
        for button in (ok, cancel):
            button.setAutoDefault(False)
        ok.clicked.connect(self._accept)
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)

    def result_settings(self) -> TranslationSettings:
        return replace(self.settings, provider=str(self.provider_combo.currentData()),
                       url=self.url_edit.text().strip(), proxy=self.proxy_edit.text().strip())

    def _accept(self) -> None:
        try:
            self.result_settings().validate()
        except TranslationSettingsError as exc:
            self.error_label.setText(str(exc))
            return
        self.accept()


class TranslationDialog(QDialog):
    def __init__(
        self,
        *,
        title: str,
        body: str,
        languages: Sequence[str],
        translations: Mapping[str, TextTranslation],
        operator: str,
        suggest: Suggest,
        remember: Callable[[TextTranslation], None],
        load_settings: Callable[[], TranslationSettings] | None = None,
        save_settings: Callable[[TranslationSettings], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.source_title = title
        self.source_body = body
        self.languages = list(languages)
        self.working: dict[str, TextTranslation] = {
            c: t for c, t in translations.items() if c in self.languages}
        self.problems: dict[str, str] = {}
        self.operator = operator
        self.suggest = suggest
        self.remember = remember
        self.load_settings = load_settings
        self.save_settings = save_settings
        self.busy = False
        self._current: str | None = None
        self._loading = False
        self.setWindowTitle(self.tr("翻訳の確認"))
        self.resize(980, 680)

        source = QGroupBox(self.tr("日本語（原文）"))
        source_layout = QVBoxLayout(source)
        source_title = QLabel(title)
        source_title.setStyleSheet("font-weight: bold;")
        source_title.setWordWrap(True)
        source_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        source_body = QPlainTextEdit(body)
        source_body.setReadOnly(True)
        source_body.setMaximumHeight(120)
        source_layout.addWidget(source_title)
        source_layout.addWidget(source_body)

        self.machine_button = QPushButton(self.tr("機械翻訳で下書き"))
        self.machine_button.setToolTip(self.tr("訳のない言語・確認前の言語を翻訳メモリと機械翻訳で"
                                               "下書きします。確認は人が行います。"))
        self.settings_button = QPushButton(self.tr("翻訳の設定…"))
        for button in (self.machine_button, self.settings_button):
            button.setAutoDefault(False)
        self.machine_button.clicked.connect(self.request_suggestions)
        self.settings_button.clicked.connect(self._edit_settings)
        self.settings_button.setEnabled(load_settings is not None)
        self.busy_label = QLabel()
        self.busy_label.setObjectName("muted")
        tools = QHBoxLayout()
        tools.addWidget(self.machine_button)
        tools.addWidget(self.busy_label, 1)
        tools.addWidget(self.settings_button)

        self.offline_label = QLabel()
        self.offline_label.setWordWrap(True)
        self.offline_label.setStyleSheet(
            f"color: {style.WARN_FG}; background: {style.WARN_BG};"
            f" border: 1px solid {style.WARN_FG}; border-radius: 4px; padding: 8px;")
        self.offline_label.setVisible(False)

        self.language_list = QListWidget()
        self.language_list.setAccessibleName(self.tr("言語ごとの訳の状態"))
        self.language_list.currentItemChanged.connect(self._show_current)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(self.tr("訳の件名"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setAccessibleName(self.tr("訳の本文"))
        self.body_edit.setTabChangesFocus(True)
        self.title_edit.textChanged.connect(self._edited)
        self.body_edit.textChanged.connect(self._edited)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.review_button = QPushButton(self.tr("この訳で確定（確認済みにする）"))
        self.review_button.setAutoDefault(False)
        self.review_button.clicked.connect(self.review_current)
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("本文"), self.body_edit)
        editor_layout.addLayout(form, 1)
        editor_layout.addWidget(self.state_label)
        review_row = QHBoxLayout()
        review_row.addStretch(1)
        review_row.addWidget(self.review_button)
        editor_layout.addLayout(review_row)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.language_list)
        splitter.addWidget(editor)
        splitter.setSizes([300, 680])

        note = QLabel(self.tr("確認済みの訳だけが配信されます。日本語を書き直すと、訳は確認し直しに"
                              "なります。"))
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.cancel_button = QPushButton(self.tr("キャンセル"))
        self.apply_button = QPushButton(self.tr("反映して閉じる"))
        for button in (self.cancel_button, self.apply_button):
            button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.apply_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(note, 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addLayout(tools)
        layout.addWidget(self.offline_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        for code in self.languages:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, code)
            self.language_list.addItem(item)
        self._refresh_list()
        if self.language_list.count():
            self.language_list.setCurrentRow(0)

    # -- state -----------------------------------------------------------------------------

    def state_of(self, code: str) -> str:
        """reviewed | unreviewed | stale | missing (for the list and for tests)."""
        found = self.working.get(code)
        if found is None or not (found.title.strip() or found.body.strip()):
            return "missing"
        if not found.matches(self.source_title, self.source_body):
            return "stale"
        return "reviewed" if found.reviewed else "unreviewed"

    def result_translations(self) -> dict[str, TextTranslation]:
        return dict(self.working)

    def _refresh_list(self) -> None:
        for i in range(self.language_list.count()):
            item = self.language_list.item(i)
            code = str(item.data(Qt.ItemDataRole.UserRole))
            state = self.state_of(code)
            name = language_label(code)
            origin = self.working.get(code)
            where = f"・{core_word(origin.origin.label)}" if origin is not None else ""
            text = {
                "reviewed": self.tr("✔ {lang}（確認済み{where}）"),
                "unreviewed": self.tr("⚠ {lang}（未確認{where}）"),
                "stale": self.tr("⚠ {lang}（日本語が変わりました）"),
                "missing": self.tr("✖ {lang}（訳なし）"),
            }[state].format(lang=name, where=where)
            item.setText(text)
            colour = {"reviewed": style.OK_FG, "missing": style.ERROR_FG}.get(state,
                                                                              style.WARN_FG)
            item.setForeground(QColor(colour))
        self.apply_button.setEnabled(not self.busy)

    def _show_current(self, current: QListWidgetItem | None, _previous: object = None) -> None:
        if current is None:
            return
        code = str(current.data(Qt.ItemDataRole.UserRole))
        self._current = code
        found = self.working.get(code)
        self._loading = True
        self.title_edit.setText(found.title if found else "")
        self.body_edit.setPlainText(found.body if found else "")
        self._loading = False
        self._show_state()

    def _show_state(self) -> None:
        code = self._current
        if code is None:
            return
        state = self.state_of(code)
        found = self.working.get(code)
        problem = self.problems.get(code)
        lines = []
        if found is not None:
            who = f"（{found.reviewed_by}）" if found.reviewed and found.reviewed_by else ""
            lines.append(self.tr("出どころ: {origin}").format(origin=core_word(found.origin.label))
                         + (f"（{PROVIDERS.get(found.provider, found.provider)}）"
                            if found.provider and found.origin is Origin.MACHINE else ""))
            if state == "reviewed":
                lines.append(self.tr("確認済み{who}").format(who=who))
        lines.append({
            "reviewed": self.tr("この訳で配信されます。"),
            "unreviewed": self.tr(
                "まだ確認されていません。読んで直してから「確定」を押してください。"),
            "stale": self.tr(
                "日本語の文面が変わりました。訳を直してから「確定」を押してください。"),
            "missing": self.tr("訳がありません。機械翻訳で下書きするか、手で入力してください。"),
        }[state])
        if problem:
            lines.append(problem)
        self.state_label.setText("\n".join(lines))
        colour = style.OK_FG if state == "reviewed" else style.WARN_FG
        self.state_label.setStyleSheet(f"color: {colour};")
        self.review_button.setEnabled(
            state != "reviewed" and bool(self.title_edit.text().strip())
            and bool(self.body_edit.toPlainText().strip())
        )

    def _edited(self) -> None:
        if self._loading or self._current is None:
            return
        code = self._current
        title, body = self.title_edit.text(), self.body_edit.toPlainText()
        found = self.working.get(code)
        if found is None:
            found = TextTranslation(code, title, body, self.source_title, self.source_body,
                                    Origin.MANUAL)
        elif (title, body) != (found.title, found.body):
            # An edited text is no longer what was reviewed: it needs a new approval.
            found = replace(found, title=title, body=body, reviewed=False, reviewed_by="")
        self.working[code] = found
        self._refresh_list()
        self._show_state()

    def review_current(self) -> None:
        code = self._current
        if code is None:
            return
        found = self.working.get(code)
        if found is None:
            return
        title, body = self.title_edit.text().strip(), self.body_edit.toPlainText().strip()
        if not title or not body:
            return
        current = replace(found, source_title=self.source_title, source_body=self.source_body)
        reviewed = current.reviewed_as(title, body, self.operator)
        self.working[code] = reviewed
        self.remember(reviewed)
        self._refresh_list()
        self._show_state()

    # -- suggestions -----------------------------------------------------------------------

    def request_suggestions(self) -> None:
        wanted = [c for c in self.languages if self.state_of(c) != "reviewed"]
        if not wanted or self.busy:
            return
        self.busy = True
        self.machine_button.setEnabled(False)
        self.busy_label.setText(self.tr("翻訳中…（{n}言語）").format(n=len(wanted)))
        self._refresh_list()
        self.suggest(self.source_title, self.source_body, wanted, on_done=self._suggested,
                     on_error=self._failed, owner=self)

    def _suggested(self, found: Suggestions) -> None:
        self.busy = False
        self.machine_button.setEnabled(True)
        self.busy_label.setText("")
        for code, suggestion in found.translations.items():
            if self.state_of(code) != "reviewed":
                self.working[code] = suggestion
        self.problems = dict(found.problems)
        self.offline_label.setVisible(found.offline)
        self.offline_label.setText(found.offline_message)
        self._refresh_list()
        current = self.language_list.currentItem()
        if current is not None:
            self._show_current(current)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.machine_button.setEnabled(True)
        self.busy_label.setText("")
        self.offline_label.setVisible(True)
        self.offline_label.setText(str(exc))
        self._refresh_list()

    def _edit_settings(self) -> None:
        if self.load_settings is None or self.save_settings is None:
            return
        try:
            settings = self.load_settings()
        except TranslationSettingsError as exc:
            self.offline_label.setVisible(True)
            self.offline_label.setText(str(exc))
            settings = TranslationSettings()
        dialog = TranslationSettingsDialog(settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        save = self.save_settings
        dialog.accepted.connect(lambda: save(dialog.result_settings()))
        self.settings_dialog = dialog
        dialog.open()  # not exec(): a nested loop would run the engine's tasks re-entrantly
