"""定型文 dialogs: fill a template's placeholders, and edit the municipality's own templates.

Filling and saving are the core's (``app.templates``, ``app.template_store`` through the
bridge); these dialogs collect what the operator types and show what the core answered.
Bare Enter never accepts here either: in a field it moves to the next one, since it also
confirms IME input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import CATEGORIES, Urgency
from app.template_store import Library
from app.templates import TemplateDef, TemplateError, Translation
from app.translation.languages import LANGUAGES
from widgets import style
from widgets.bridge import FilledTemplate
from widgets.labels import category_label, language_label, urgency_label

Filler = Callable[[TemplateDef, Mapping[str, str]], FilledTemplate]


def _no_default(*buttons: QPushButton) -> None:
    for button in buttons:
        button.setAutoDefault(False)
        button.setDefault(False)


class TemplateFillDialog(QDialog):
    """The placeholders of one template as a small form; 差し込む only when all are filled."""

    def __init__(
        self, template: TemplateDef, filler: Filler, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.template = template
        self.filler = filler
        self.filled: FilledTemplate | None = None
        self.setWindowTitle(self.tr("定型文「{name}」").format(name=template.name))
        self.setMinimumWidth(620)

        layout = QVBoxLayout(self)
        about = QLabel(self.tr("{category}・緊急度 {urgency}").format(
            category=category_label(template.category), urgency=urgency_label(template.urgency)))
        about.setObjectName("muted")
        layout.addWidget(about)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.fields: dict[str, QLineEdit] = {}
        edits: list[QLineEdit] = []
        for name in template.placeholders:
            edit = QLineEdit()
            edit.setPlaceholderText(str(template.placeholder_hints.get(name, "")))
            edit.setAccessibleName(name)
            edit.textChanged.connect(self._update)
            form.addRow(name, edit)
            self.fields[name] = edit
            edits.append(edit)
        for current, following in zip(edits, [*edits[1:], None], strict=True):
            # Enter moves on (it also ends IME conversion); it never inserts the template.
            current.returnPressed.connect(
                (lambda nxt=following: nxt.setFocus()) if following is not None
                else (lambda: self.insert_button.setFocus())
            )
        if not edits:
            form.addRow(QLabel(self.tr("この定型文には入力する項目がありません")))
        layout.addLayout(form)

        preview = QGroupBox(self.tr("差し込まれる文面"))
        preview_layout = QVBoxLayout(preview)
        self.title_preview = QLabel()
        self.title_preview.setWordWrap(True)
        self.title_preview.setStyleSheet("font-weight: bold;")
        self.body_preview = QPlainTextEdit()
        self.body_preview.setReadOnly(True)
        self.body_preview.setMinimumHeight(150)
        preview_layout.addWidget(self.title_preview)
        preview_layout.addWidget(self.body_preview)
        layout.addWidget(preview, 1)

        self.translation_checks: dict[str, QCheckBox] = {}
        reviewed = [c for c, t in template.translations.items() if t.reviewed]
        if reviewed:
            box = QGroupBox(self.tr("確認済みの訳も入れる"))
            row = QHBoxLayout(box)
            for code in reviewed:
                check = QCheckBox(language_label(code))
                check.setChecked(True)
                row.addWidget(check)
                self.translation_checks[code] = check
            row.addStretch(1)
            layout.addWidget(box)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        note = QLabel(self.tr("差し込むと、件名・本文・カテゴリ・緊急度を置き換えます。"))
        note.setObjectName("muted")
        layout.addWidget(note)

        self.cancel_button = QPushButton(self.tr("キャンセル"))
        self.insert_button = QPushButton(self.tr("差し込む"))
        _no_default(self.cancel_button, self.insert_button)
        self.cancel_button.clicked.connect(self.reject)
        self.insert_button.clicked.connect(self._insert)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.insert_button)
        layout.addLayout(buttons)
        self._update()
        if edits:
            edits[0].setFocus()

    def values(self) -> dict[str, str]:
        return {name: edit.text() for name, edit in self.fields.items()}

    def missing(self) -> list[str]:
        return [name for name, edit in self.fields.items() if not edit.text().strip()]

    def chosen_languages(self) -> list[str]:
        return [code for code, check in self.translation_checks.items() if check.isChecked()]

    def _update(self) -> None:
        title, body = self.template.title, self.template.body
        for name, value in self.values().items():
            shown = value.strip() or f"［{name}］"  # visibly empty, never a literal {名前}
            title = title.replace(f"{{{name}}}", shown)
            body = body.replace(f"{{{name}}}", shown)
        self.title_preview.setText(title)
        self.body_preview.setPlainText(body)
        missing = self.missing()
        self.insert_button.setEnabled(not missing)
        if missing:
            self.status_label.setText(self.tr("未入力: {names}").format(names="、".join(missing)))
            self.status_label.setStyleSheet(f"color: {style.WARN_FG};")
        else:
            self.status_label.setText(self.tr("すべての項目が入力されました"))
            self.status_label.setStyleSheet(f"color: {style.OK_FG};")

    def _insert(self) -> None:
        try:
            filled = self.filler(self.template, self.values())
        except TemplateError as exc:  # the core's refusal, worded for the operator
            self.status_label.setText(str(exc))
            self.status_label.setStyleSheet(f"color: {style.ERROR_FG};")
            return
        wanted = set(self.chosen_languages())
        self.filled = FilledTemplate(
            filled.name, filled.title, filled.body, filled.category, filled.urgency,
            {c: t for c, t in filled.translations.items() if c in wanted},
        )
        self.accept()


class TranslationTab(QWidget):
    def __init__(self, translation: Translation | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_edit = QLineEdit(translation.title if translation else "")
        self.body_edit = QPlainTextEdit(translation.body if translation else "")
        self.body_edit.setTabChangesFocus(True)
        self.reviewed_check = QCheckBox(self.tr("この訳は確認済み（住民に送ってよい）"))
        self.reviewed_check.setChecked(bool(translation and translation.reviewed))
        form = QFormLayout(self)
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("本文"), self.body_edit)
        form.addRow("", self.reviewed_check)

    def translation(self) -> Translation:
        return Translation(self.title_edit.text(), self.body_edit.toPlainText(),
                           self.reviewed_check.isChecked())

    def set_read_only(self, read_only: bool) -> None:
        self.title_edit.setReadOnly(read_only)
        self.body_edit.setReadOnly(read_only)
        self.reviewed_check.setEnabled(not read_only)


class TemplateEditorDialog(QDialog):
    """The library: shipped templates (read-only) and the municipality's own (editable)."""

    library_changed = Signal()

    def __init__(
        self,
        load: Callable[[], Library],
        save: Callable[[TemplateDef, Library, str | None], None],
        delete: Callable[[Library, str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.load = load
        self.save_template = save
        self.delete_template = delete
        self.library = Library()
        self.editing: str | None = None  # the saved name of the template in the form
        self.setWindowTitle(self.tr("定型文の編集"))
        self.resize(1040, 720)

        self.list = QListWidget()
        self.list.setAccessibleName(self.tr("定型文の一覧"))
        self.list.currentItemChanged.connect(self._selected)
        self.new_button = QPushButton(self.tr("新規"))
        self.copy_button = QPushButton(self.tr("複製"))
        self.delete_button = QPushButton(self.tr("削除"))
        _no_default(self.new_button, self.copy_button, self.delete_button)
        self.new_button.clicked.connect(self._new)
        self.copy_button.clicked.connect(self._copy)
        self.delete_button.clicked.connect(self._delete)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        for button in (self.new_button, self.copy_button, self.delete_button):
            row.addWidget(button)
        left_layout.addLayout(row)
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(f"color: {style.WARN_FG};")
        left_layout.addWidget(self.problems_label)

        self.name_edit = QLineEdit()
        self.category_combo = QComboBox()
        for code in CATEGORIES:
            self.category_combo.addItem(category_label(code), code)
        self.urgency_combo = QComboBox()
        for urgency in (Urgency.EMERGENCY, Urgency.IMPORTANT, Urgency.NORMAL):
            self.urgency_combo.addItem(urgency_label(urgency), urgency.value)
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(self.tr("例: 【警戒レベル4】{地区}に避難指示"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setPlaceholderText(self.tr("差し込む項目は {地区} のように書きます"))
        self.placeholders_table = QTableWidget(0, 2)
        self.placeholders_table.setHorizontalHeaderLabels([self.tr("項目"), self.tr("入力例")])
        self.placeholders_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.placeholders_table.verticalHeader().setVisible(False)
        self.placeholders_table.setMaximumHeight(130)
        self.title_edit.textChanged.connect(self._sync_placeholders)
        self.body_edit.textChanged.connect(self._sync_placeholders)

        self.translation_tabs = QTabWidget()
        self.translation_tabs.setTabsClosable(True)
        self.translation_tabs.tabCloseRequested.connect(self._remove_translation)
        self.add_language_combo = QComboBox()
        self.add_language_combo.setAccessibleName(self.tr("訳を追加する言語"))
        for lang in LANGUAGES:
            self.add_language_combo.addItem(language_label(lang.code), lang.code)
        self.add_translation_button = QPushButton(self.tr("訳を追加"))
        _no_default(self.add_translation_button)
        self.add_translation_button.clicked.connect(self._add_translation)
        self.tabs_by_code: dict[str, TranslationTab] = {}
        self._hints: dict[str, str] = {}

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow(self.tr("名前"), self.name_edit)
        meta = QHBoxLayout()
        meta.addWidget(self.category_combo, 1)
        meta.addWidget(QLabel(self.tr("緊急度")))
        meta.addWidget(self.urgency_combo, 1)
        form.addRow(self.tr("カテゴリ"), meta)
        form.addRow(self.tr("件名"), self.title_edit)
        form.addRow(self.tr("本文"), self.body_edit)
        form.addRow(self.tr("差し込む項目"), self.placeholders_table)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_language_combo)
        add_row.addWidget(self.add_translation_button)
        add_row.addStretch(1)
        translations = QGroupBox(self.tr("訳（確認済みの訳だけが配信に使われます）"))
        translations_layout = QVBoxLayout(translations)
        translations_layout.addLayout(add_row)
        translations_layout.addWidget(self.translation_tabs, 1)

        self.read_only_label = QLabel(
            self.tr("同梱の定型文は変更できません。「複製」で自治体の定型文にできます。"))
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet(f"color: {style.MUTED};")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"))
        self.close_button = QPushButton(self.tr("閉じる"))
        _no_default(self.save_button, self.close_button)
        self.save_button.clicked.connect(self._save)
        self.close_button.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.read_only_label)
        right_layout.addLayout(form)
        right_layout.addWidget(translations, 1)
        right_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([300, 740])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.reload()

    # -- the list --------------------------------------------------------------------------

    def reload(self, select: str | None = None) -> None:
        self.library = self.load()
        self.list.blockSignals(True)
        self.list.clear()
        for name in self.library.templates:
            user = self.library.is_user(name)
            item = QListWidgetItem(f"★ {name}" if user else self.tr("{name}（同梱）").format(
                name=name))
            item.setData(Qt.ItemDataRole.UserRole, name)
            if not user:
                item.setForeground(Qt.GlobalColor.darkGray)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.problems_label.setText("\n".join(self.library.problems))
        target = select or self.editing
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == target:
                self.list.setCurrentRow(i)
                return
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._new()

    def _selected(self, current: QListWidgetItem | None, _previous: object = None) -> None:
        if current is None:
            return
        name = current.data(Qt.ItemDataRole.UserRole)
        template = self.library.templates.get(name)
        if template is not None:
            self.show_template(template, editable=self.library.is_user(name), saved_name=name)

    def show_template(self, template: TemplateDef, *, editable: bool,
                      saved_name: str | None) -> None:
        self.editing = saved_name
        self.name_edit.setText(template.name)
        self.category_combo.setCurrentIndex(max(0, self.category_combo.findData(
            template.category)))
        self.urgency_combo.setCurrentIndex(max(0, self.urgency_combo.findData(
            template.urgency.value)))
        for edit in (self.title_edit, self.body_edit):
            edit.blockSignals(True)
        self.title_edit.setText(template.title)
        self.body_edit.setPlainText(template.body)
        for edit in (self.title_edit, self.body_edit):
            edit.blockSignals(False)
        self.placeholders_table.setRowCount(0)  # hints of the previous template must not leak
        self._hints = {k: str(v) for k, v in template.placeholder_hints.items()}
        self._sync_placeholders()
        self.translation_tabs.clear()
        self.tabs_by_code.clear()
        for code, translation in template.translations.items():
            self._add_tab(code, translation)
        self._set_editable(editable)
        self.status_label.setText("")

    def _set_editable(self, editable: bool) -> None:
        self.read_only_label.setVisible(not editable)
        for edit in (self.name_edit, self.title_edit):
            edit.setReadOnly(not editable)
        self.body_edit.setReadOnly(not editable)
        for widget in (self.category_combo, self.urgency_combo, self.add_language_combo,
                       self.add_translation_button, self.save_button):
            widget.setEnabled(editable)
        self.placeholders_table.setEnabled(editable)
        self.translation_tabs.setTabsClosable(editable)
        for tab in self.tabs_by_code.values():
            tab.set_read_only(not editable)
        self.delete_button.setEnabled(editable and self.editing is not None)

    # -- editing ---------------------------------------------------------------------------

    def _placeholder_names(self) -> list[str] | None:
        probe = TemplateDef(name="-", category="disaster", urgency=Urgency.NORMAL,
                            title=self.title_edit.text(), body=self.body_edit.toPlainText())
        try:
            return probe.placeholders
        except ValueError:
            return None

    def _sync_placeholders(self) -> None:
        hints = self._hints
        for row in range(self.placeholders_table.rowCount()):  # keep what was typed
            name_item = self.placeholders_table.item(row, 0)
            hint_item = self.placeholders_table.item(row, 1)
            if name_item is not None and hint_item is not None:
                hints[name_item.text()] = hint_item.text()
        self._hints = hints
        names = self._placeholder_names()
        if names is None:
            self.status_label.setText(self.tr("{ と } の対応が取れていません"))
            self.status_label.setStyleSheet(f"color: {style.ERROR_FG};")
            return
        self.status_label.setText("")
        self.placeholders_table.setRowCount(len(names))
        for row, name in enumerate(names):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.placeholders_table.setItem(row, 0, item)
            self.placeholders_table.setItem(row, 1, QTableWidgetItem(str(hints.get(name, ""))))

    def _add_tab(self, code: str, translation: Translation | None) -> TranslationTab:
        tab = TranslationTab(translation)
        self.tabs_by_code[code] = tab
        index = self.translation_tabs.addTab(tab, language_label(code))
        bar = self.translation_tabs.tabBar()
        for side in (bar.ButtonPosition.RightSide, bar.ButtonPosition.LeftSide):
            close = bar.tabButton(index, side)
            if close is not None:  # Qt's ✕ has a tooltip but no name for screen readers
                close.setAccessibleName(self.tr("{lang}の訳を外す").format(
                    lang=language_label(code)))
        return tab

    def _add_translation(self) -> None:
        code = str(self.add_language_combo.currentData())
        if code in self.tabs_by_code:
            self.translation_tabs.setCurrentWidget(self.tabs_by_code[code])
            return
        tab = self._add_tab(code, None)
        self.translation_tabs.setCurrentWidget(tab)
        tab.title_edit.setFocus()

    def _remove_translation(self, index: int) -> None:
        widget = self.translation_tabs.widget(index)
        for code, tab in list(self.tabs_by_code.items()):
            if tab is widget:
                del self.tabs_by_code[code]
        self.translation_tabs.removeTab(index)

    def current_template(self) -> TemplateDef:
        self._sync_placeholders()
        names = self._placeholder_names() or []
        return TemplateDef(
            name=self.name_edit.text().strip(),
            category=str(self.category_combo.currentData()),
            urgency=Urgency(str(self.urgency_combo.currentData())),
            title=self.title_edit.text(),
            body=self.body_edit.toPlainText(),
            placeholder_hints={n: self._hints.get(n, "") for n in names},
            translations={code: tab.translation() for code, tab in self.tabs_by_code.items()},
        )

    def _new(self) -> None:
        blank = TemplateDef(name="", category="disaster", urgency=Urgency.NORMAL, title="",
                            body="")
        self.list.clearSelection()
        self.show_template(blank, editable=True, saved_name=None)
        self.name_edit.setFocus()

    def _copy(self) -> None:
        source = self.library.templates.get(self.editing or "") if self.editing else None
        template = source or self.current_template()
        copy = TemplateDef(
            name=self.tr("{name}（複製）").format(name=template.name), category=template.category,
            urgency=template.urgency, title=template.title, body=template.body,
            placeholder_hints=dict(template.placeholder_hints),
            translations=dict(template.translations),
        )
        self.list.clearSelection()
        self.show_template(copy, editable=True, saved_name=None)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _save(self) -> bool:
        template = self.current_template()
        problems = []
        if not template.name:
            problems.append(self.tr("名前を入力してください"))
        if not template.title.strip() or not template.body.strip():
            problems.append(self.tr("件名と本文を入力してください"))
        if self._placeholder_names() is None:
            problems.append(self.tr("{ と } の対応が取れていません"))
        for code, translation in template.translations.items():
            if not translation.title.strip() or not translation.body.strip():
                problems.append(self.tr("{lang}の訳の件名と本文を入力してください").format(
                    lang=language_label(code)))
        if problems:
            self._status("／".join(problems), style.ERROR_FG)
            return False
        try:
            self.save_template(template, self.library, self.editing)
        except (TemplateError, OSError) as exc:
            self._status(str(exc), style.ERROR_FG)
            return False
        self.editing = template.name
        self.reload(select=template.name)
        self._status(self.tr("保存しました"), style.OK_FG)
        self.library_changed.emit()
        return True

    def _delete(self) -> None:
        if self.editing is None or not self.library.is_user(self.editing):
            return
        try:
            self.delete_template(self.library, self.editing)
        except (TemplateError, OSError) as exc:
            self._status(str(exc), style.ERROR_FG)
            return
        self.editing = None
        self.reload()
        self._status(self.tr("削除しました"), style.OK_FG)
        self.library_changed.emit()

    def _status(self, text: str, colour: str) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(f"color: {colour};")
