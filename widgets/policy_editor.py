"""承認ポリシー: the administrator edits the table of rules that decides, by severity, whether
a send needs a second operator (承認者が必要) or the sender alone with hold-to-send (本人のみ).

The first matching rule applies, so order matters: rows move up and down. The selected row is
edited in the form below the table. 保存 hands the whole list to the core
(``app.accounts.admin.set_policy``) on the bridge's write thread; the core validates it
(a catch-all last rule, known urgencies and categories, a name per rule), saves it and audits
before/after. A refusal is shown in Japanese and the edited table stays as it was typed.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.accounts import admin, approval
from app.accounts.approval import HOLD, SECOND, Rule
from app.domain import CATEGORIES, Urgency
from widgets import labels, style
from widgets.bridge import ConsoleBridge

NAME, REQUIREMENT, URGENCIES, CATEGORY, AUDIENCE = range(5)
COLUMNS = 5
AUDIENCES = (None, True, False)  # どちらでも, 全住民あて, 一部の地区あて


class PolicyEditor(QDialog):
    saved = Signal()

    def __init__(self, bridge: ConsoleBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.rules: list[Rule] = []
        self.loaded = False
        self.dirty = False
        self._filling = False
        self.setWindowTitle(self.tr("承認ポリシー（管理者）"))
        self.resize(980, 640)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr(
            "配信ごとに上から順に調べ、最初に当てはまった規則で承認の要否が決まります。"
            "最後の規則は、すべての配信に当てはまるもの（条件なし）にしてください。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.table = QTableWidget(0, COLUMNS)
        self.table.setHorizontalHeaderLabels([self.tr("名前"), self.tr("要件"), self.tr("緊急度"),
                                              self.tr("カテゴリ"), self.tr("宛先")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        for column in range(COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)

        rows = QHBoxLayout()
        self.add_button = QPushButton(self.tr("規則を追加"))
        self.remove_button = QPushButton(self.tr("削除"))
        self.up_button = QPushButton(self.tr("上へ"))
        self.down_button = QPushButton(self.tr("下へ"))
        self.default_button = QPushButton(self.tr("既定に戻す"))
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            button.setAutoDefault(False)
            rows.addWidget(button)
        rows.addStretch(1)
        self.default_button.setAutoDefault(False)
        rows.addWidget(self.default_button)
        layout.addLayout(rows)
        self.add_button.clicked.connect(self.add_rule)
        self.remove_button.clicked.connect(self.remove_rule)
        self.up_button.clicked.connect(lambda: self.move_rule(-1))
        self.down_button.clicked.connect(lambda: self.move_rule(1))
        self.default_button.clicked.connect(self.reset_to_default)

        self.form_box = QGroupBox(self.tr("選択した規則"))
        form = QFormLayout(self.form_box)
        self.name_edit = QLineEdit()
        self.requirement_combo = QComboBox()
        self.requirement_combo.addItem(self.tr("承認者が必要"), SECOND)
        self.requirement_combo.addItem(self.tr("本人のみ（押し続けて送信）"), HOLD)
        urgency_row = QHBoxLayout()
        self.urgency_checks: dict[str, QCheckBox] = {}
        for urgency in Urgency:
            check = QCheckBox(labels.urgency_label(urgency))
            self.urgency_checks[urgency.value] = check
            urgency_row.addWidget(check)
        urgency_row.addWidget(QLabel(self.tr("（どれも選ばない: すべて）")))
        urgency_row.addStretch(1)
        category_row = QHBoxLayout()
        self.category_checks: dict[str, QCheckBox] = {}
        for code in CATEGORIES:
            check = QCheckBox(labels.category_label(code))
            self.category_checks[code] = check
            category_row.addWidget(check)
        category_row.addWidget(QLabel(self.tr("（どれも選ばない: すべて）")))
        category_row.addStretch(1)
        self.audience_combo = QComboBox()
        for text in (self.tr("どちらでも"), self.tr("全住民あて"), self.tr("一部の地区あて")):
            self.audience_combo.addItem(text)
        form.addRow(self.tr("名前"), self.name_edit)
        form.addRow(self.tr("要件"), self.requirement_combo)
        form.addRow(self.tr("緊急度"), urgency_row)
        form.addRow(self.tr("カテゴリ"), category_row)
        form.addRow(self.tr("宛先"), self.audience_combo)
        layout.addWidget(self.form_box)
        self.name_edit.textEdited.connect(self._form_changed)
        self.requirement_combo.currentIndexChanged.connect(self._form_changed)
        self.audience_combo.currentIndexChanged.connect(self._form_changed)
        for check in (*self.urgency_checks.values(), *self.category_checks.values()):
            check.toggled.connect(self._form_changed)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.save_button = QPushButton(self.tr("保存"))
        self.reload_button = QPushButton(self.tr("読み直す（編集を捨てる）"))
        close = QPushButton(self.tr("閉じる"))
        for button in (self.reload_button, self.save_button, close):
            button.setAutoDefault(False)
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.save_button.clicked.connect(self.save)
        self.reload_button.clicked.connect(self.reload)
        close.clicked.connect(self.accept)
        self.reload()

    # -- loading and showing ---------------------------------------------------------------

    def reload(self) -> None:
        def work() -> list[Rule]:
            with self.bridge.issei.sessions() as session:
                return list(approval.load_policy(session))

        self.save_button.setEnabled(False)
        self.bridge.call(work, on_done=self._loaded, on_error=self._failed, owner=self)

    def _loaded(self, rules: list[Rule]) -> None:
        self.rules = list(rules)
        self.loaded = True
        self.dirty = False
        self._show_rules(0)
        self._say("", ok=True)

    def _failed(self, exc: BaseException) -> None:
        self._say(self.tr("承認ポリシーを読めませんでした: {error}").format(error=exc), ok=False)

    def _show_rules(self, select: int | None = None) -> None:
        self.table.setRowCount(len(self.rules))
        for row, rule in enumerate(self.rules):
            self._show_row(row, rule)
        self.save_button.setEnabled(self.loaded)
        if select is not None and self.rules:
            self.table.selectRow(max(0, min(select, len(self.rules) - 1)))
        self._selected()

    def _show_row(self, row: int, rule: Rule) -> None:
        any_ = self.tr("すべて")
        values = (
            rule.name,
            self.requirement_combo.itemText(max(0, self.requirement_combo.findData(
                rule.requirement))),
            "・".join(labels.urgency_label(u) for u in rule.urgencies) or any_,
            "・".join(labels.category_label(c) for c in rule.categories) or any_,
            self.audience_combo.itemText(AUDIENCES.index(rule.all_residents)),
        )
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            if column == REQUIREMENT:
                fg = style.ERROR_FG if rule.requirement == SECOND else style.OK_FG
                item.setForeground(QBrush(QColor(fg)))
            self.table.setItem(row, column, item)

    def current_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _selected(self) -> None:
        row = self.current_row()
        has = row is not None and row < len(self.rules)
        self.form_box.setEnabled(has)
        self.remove_button.setEnabled(has and len(self.rules) > 1)
        self.up_button.setEnabled(has and row is not None and row > 0)
        self.down_button.setEnabled(has and row is not None and row < len(self.rules) - 1)
        if not has or row is None:
            return
        rule = self.rules[row]
        self._filling = True
        try:
            self.name_edit.setText(rule.name)
            self.requirement_combo.setCurrentIndex(self.requirement_combo.findData(
                rule.requirement))
            for code, check in self.urgency_checks.items():
                check.setChecked(code in rule.urgencies)
            for code, check in self.category_checks.items():
                check.setChecked(code in rule.categories)
            self.audience_combo.setCurrentIndex(AUDIENCES.index(rule.all_residents))
        finally:
            self._filling = False

    # -- editing ---------------------------------------------------------------------------

    def _form_changed(self, *_args: object) -> None:
        row = self.current_row()
        if self._filling or row is None or row >= len(self.rules):
            return
        rule = Rule(
            name=self.name_edit.text(),
            requirement=str(self.requirement_combo.currentData()),
            urgencies=tuple(c for c, check in self.urgency_checks.items() if check.isChecked()),
            categories=tuple(c for c, check in self.category_checks.items()
                             if check.isChecked()),
            all_residents=AUDIENCES[self.audience_combo.currentIndex()],
        )
        if rule != self.rules[row]:
            self.rules[row] = rule
            self._show_row(row, rule)
            self._edited()

    def _edited(self) -> None:
        self.dirty = True
        self._say(self.tr("編集中です（まだ保存していません）"), ok=None)

    def add_rule(self) -> None:
        """A new rule goes just above the last (catch-all) one, as a condition to fill in."""
        at = max(0, len(self.rules) - 1)
        self.rules.insert(at, Rule(self.tr("新しい規則"), SECOND,
                                   urgencies=(Urgency.EMERGENCY.value,)))
        self._show_rules(at)
        self._edited()
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_rule(self) -> None:
        row = self.current_row()
        if row is None or len(self.rules) <= 1:
            return
        del self.rules[row]
        self._show_rules(row)
        self._edited()

    def move_rule(self, step: int) -> None:
        row = self.current_row()
        if row is None or not 0 <= row + step < len(self.rules):
            return
        self.rules[row], self.rules[row + step] = self.rules[row + step], self.rules[row]
        self._show_rules(row + step)
        self._edited()

    def reset_to_default(self) -> None:
        self.rules = list(approval.DEFAULT_POLICY)
        self._show_rules(0)
        self._edited()

    # -- saving ----------------------------------------------------------------------------

    def save(self) -> None:
        rules = [dataclasses.replace(r, name=r.name.strip()) for r in self.rules]
        bridge = self.bridge

        def work() -> None:
            with bridge.issei.sessions.begin() as session:
                admin.set_policy(session, bridge.signed_in, bridge.issei.console, rules,
                                 fallback_actor=bridge.operator)

        def done(_r: None) -> None:
            self.save_button.setEnabled(True)
            self.dirty = False
            self._say(self.tr("保存しました（{n} 件の規則。監査ログに記録しました）")
                      .format(n=len(rules)), ok=True)
            self.saved.emit()

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            self._say(self.tr("保存できませんでした: {error}").format(error=exc), ok=False)

        self.save_button.setEnabled(False)
        self.bridge.call(work, on_done=done, on_error=failed, owner=self, pool="write")

    def _say(self, text: str, ok: bool | None) -> None:
        self.message_label.setText(text)
        if ok is None:
            self.message_label.setStyleSheet(f"color: {style.MUTED};")
        elif ok:
            self.message_label.setStyleSheet(f"color: {style.OK_FG};")
        else:
            self.message_label.setStyleSheet(
                style.chip_style(style.ERROR_FG, style.ERROR_BG))
