"""操作者と部署 (管理者 only): list the operators, add one (the initial password is typed twice
and never shown again), change role/department/display name, disable or enable, reset a
password; list the departments with what each may send (categories, media, areas), add one,
change its permissions.

Every change goes to the core (``app.accounts.admin``) on the bridge's write thread; the core
checks the administrator, validates, audits and refuses in Japanese (the last 管理者, a
mismatched password, an unknown department). Password fields are cleared the moment a
request leaves the screen, whatever the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.accounts import admin
from app.accounts.admin import DepartmentInfo, OperatorInfo
from app.accounts.operators import Role
from app.domain import CATEGORIES
from widgets import labels, style
from widgets.bridge import ConsoleBridge

Snapshot = tuple[list[OperatorInfo], list[DepartmentInfo]]


def _password_edit(placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    return edit


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("、", ",").split(",") if p.strip()]


class OperatorsAdmin(QDialog):
    changed = Signal()

    def __init__(self, bridge: ConsoleBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.operators: list[OperatorInfo] = []
        self.departments: list[DepartmentInfo] = []
        self.loaded = False
        self.setWindowTitle(self.tr("操作者と部署（管理者）"))
        self.resize(1000, 720)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._operators_tab(), self.tr("操作者"))
        self.tabs.addTab(self._departments_tab(), self.tr("部署"))
        layout.addWidget(self.tabs, 1)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        close = QPushButton(self.tr("閉じる"))
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.reload()

    # -- building --------------------------------------------------------------------------

    def _role_combo(self) -> QComboBox:
        combo = QComboBox()
        for role in Role:
            combo.addItem(self._role_text(role), role.value)
        return combo

    @staticmethod
    def _department_combo() -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def _role_text(self, role: Role) -> str:
        return {Role.ADMIN: self.tr("管理者"), Role.APPROVER: self.tr("承認者"),
                Role.SENDER: self.tr("配信者"), Role.VIEWER: self.tr("閲覧者")}[role]

    def _operators_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.operator_table = QTableWidget(0, 5)
        self.operator_table.setHorizontalHeaderLabels(
            [self.tr("ログイン名"), self.tr("表示名"), self.tr("役割"), self.tr("部署"),
             self.tr("状態")])
        for table in (self.operator_table,):
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.verticalHeader().setVisible(False)
        header = self.operator_table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.operator_table.itemSelectionChanged.connect(self._operator_selected)
        layout.addWidget(self.operator_table, 1)

        selected = QGroupBox(self.tr("選択した操作者"))
        grid = QGridLayout(selected)
        self.edit_name = QLineEdit()
        self.edit_role = self._role_combo()
        self.edit_department = self._department_combo()
        self.change_button = QPushButton(self.tr("変更を保存"))
        self.active_button = QPushButton(self.tr("無効にする"))
        grid.addWidget(QLabel(self.tr("表示名")), 0, 0)
        grid.addWidget(self.edit_name, 0, 1)
        grid.addWidget(QLabel(self.tr("役割")), 0, 2)
        grid.addWidget(self.edit_role, 0, 3)
        grid.addWidget(QLabel(self.tr("部署")), 0, 4)
        grid.addWidget(self.edit_department, 0, 5)
        grid.addWidget(self.change_button, 0, 6)
        grid.addWidget(self.active_button, 0, 7)
        self.reset_password = _password_edit(self.tr("新しいパスワード"))
        self.reset_password.setToolTip(self.tr("8文字以上"))
        self.reset_again = _password_edit(self.tr("もう一度"))
        self.reset_button = QPushButton(self.tr("パスワードを再設定"))
        grid.addWidget(QLabel(self.tr("パスワード")), 1, 0)
        grid.addWidget(self.reset_password, 1, 1)
        grid.addWidget(self.reset_again, 1, 3)
        grid.addWidget(self.reset_button, 1, 6, 1, 2)
        layout.addWidget(selected)
        self.selected_box = selected
        self.change_button.clicked.connect(self.change_operator)
        self.active_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_operator_password)

        add = QGroupBox(self.tr("操作者の追加"))
        form = QGridLayout(add)
        self.new_login = QLineEdit()
        self.new_login.setPlaceholderText(self.tr("例: bousai01"))
        self.new_name = QLineEdit()
        self.new_name.setPlaceholderText(self.tr("例: 防災 太郎"))
        self.new_role = self._role_combo()
        self.new_role.setCurrentIndex(self.new_role.findData(Role.SENDER.value))
        self.new_department = self._department_combo()
        self.new_password = _password_edit(self.tr("初期パスワード（8文字以上）"))
        self.new_again = _password_edit(self.tr("もう一度（表示されません）"))
        self.add_button = QPushButton(self.tr("追加"))
        form.addWidget(QLabel(self.tr("ログイン名")), 0, 0)
        form.addWidget(self.new_login, 0, 1)
        form.addWidget(QLabel(self.tr("表示名")), 0, 2)
        form.addWidget(self.new_name, 0, 3)
        form.addWidget(QLabel(self.tr("役割")), 0, 4)
        form.addWidget(self.new_role, 0, 5)
        form.addWidget(QLabel(self.tr("部署")), 1, 4)
        form.addWidget(self.new_department, 1, 5)
        form.addWidget(QLabel(self.tr("初期パスワード")), 1, 0)
        form.addWidget(self.new_password, 1, 1)
        form.addWidget(self.new_again, 1, 3)
        form.addWidget(self.add_button, 1, 6)
        layout.addWidget(add)
        self.add_button.clicked.connect(self.add_operator)
        for button in (self.change_button, self.active_button, self.reset_button,
                       self.add_button):
            button.setAutoDefault(False)
        return page

    def _departments_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.department_table = QTableWidget(0, 6)
        self.department_table.setHorizontalHeaderLabels(
            [self.tr("部署"), self.tr("差出人名"), self.tr("カテゴリ"), self.tr("媒体"),
             self.tr("地区"), self.tr("操作者")])
        table = self.department_table
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        for column in range(6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.itemSelectionChanged.connect(self._department_selected)
        layout.addWidget(table, 1)

        box = QGroupBox(self.tr("部署の内容（空欄・何も選ばない: 制限なし）"))
        form = QFormLayout(box)
        self.dep_name = QLineEdit()
        self.dep_sender = QLineEdit()
        self.dep_sender.setPlaceholderText(self.tr("例: ○○市 防災課（媒体が対応していれば表示）"))
        category_row = QHBoxLayout()
        self.dep_categories: dict[str, QCheckBox] = {}
        for code in CATEGORIES:
            check = QCheckBox(labels.category_label(code))
            self.dep_categories[code] = check
            category_row.addWidget(check)
        category_row.addStretch(1)
        media_grid = QGridLayout()
        self.dep_media: dict[str, QCheckBox] = {}
        for n, medium in enumerate(self.bridge.composable_media()):
            check = QCheckBox(labels.medium_label(medium))
            self.dep_media[medium.value] = check
            media_grid.addWidget(check, n // 7, n % 7)
        self.dep_areas = QLineEdit()
        self.dep_areas.setPlaceholderText(self.tr("例: 北地区、南地区（読点かカンマで区切る）"))
        form.addRow(self.tr("部署名"), self.dep_name)
        form.addRow(self.tr("差出人名"), self.dep_sender)
        form.addRow(self.tr("カテゴリ"), category_row)
        form.addRow(self.tr("媒体"), media_grid)
        form.addRow(self.tr("地区"), self.dep_areas)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.dep_add_button = QPushButton(self.tr("新しい部署として追加"))
        self.dep_change_button = QPushButton(self.tr("選択した部署を変更"))
        for button in (self.dep_add_button, self.dep_change_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        form.addRow(buttons)
        layout.addWidget(box)
        self.dep_add_button.clicked.connect(self.add_department)
        self.dep_change_button.clicked.connect(self.change_department)
        return page

    # -- loading ---------------------------------------------------------------------------

    def reload(self, then: Callable[[], None] | None = None) -> None:
        def work() -> Snapshot:
            with self.bridge.issei.sessions() as session:
                return admin.list_operators(session), admin.list_departments(session)

        def done(snapshot: Snapshot) -> None:
            self._loaded(snapshot)
            if then is not None:
                then()

        self.bridge.call(work, on_done=done, on_error=self._failed, owner=self)

    def _failed(self, exc: BaseException) -> None:
        self._say(self.tr("読めませんでした: {error}").format(error=exc), ok=False)

    def _loaded(self, snapshot: Snapshot) -> None:
        keep_operator = self.current_operator()
        keep_department = self.current_department()
        self.operators, self.departments = snapshot
        self.loaded = True
        names = [d.name for d in self.departments]
        for combo in (self.edit_department, self.new_department):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("部署なし"), "")
            for name in names:
                combo.addItem(name, name)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.blockSignals(False)
        table = self.operator_table
        table.setRowCount(len(self.operators))
        disabled = QBrush(QColor(style.MUTED))
        for row, person in enumerate(self.operators):
            values = (person.login, person.display_name, self._role_text(person.role),
                      person.department or self.tr("部署なし"),
                      self.tr("有効") if person.active else self.tr("無効"))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, person.login)
                if not person.active:
                    item.setForeground(disabled)
                table.setItem(row, column, item)
        any_ = self.tr("制限なし")
        table = self.department_table
        table.setRowCount(len(self.departments))
        for row, dep in enumerate(self.departments):
            values = (dep.name, dep.sender_name,
                      "・".join(labels.category_label(c) for c in dep.categories) or any_,
                      "・".join(labels.medium_label(m) for m in dep.media) or any_,
                      "・".join(dep.areas) or any_, str(dep.operators))
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        self.select_operator(keep_operator or (self.operators[0].login if self.operators
                                               else ""))
        self.select_department(keep_department or (self.departments[0].name
                                                   if self.departments else ""))
        self._operator_selected()
        self._department_selected()

    # -- selection -------------------------------------------------------------------------

    def current_operator(self) -> str:
        rows = self.operator_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.operators):
            return ""
        return self.operators[rows[0].row()].login

    def current_department(self) -> str:
        rows = self.department_table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.departments):
            return ""
        return self.departments[rows[0].row()].name

    def select_operator(self, login: str) -> None:
        for row, person in enumerate(self.operators):
            if person.login == login:
                self.operator_table.selectRow(row)

    def select_department(self, name: str) -> None:
        for row, dep in enumerate(self.departments):
            if dep.name == name:
                self.department_table.selectRow(row)

    def _operator(self, login: str) -> OperatorInfo | None:
        return next((p for p in self.operators if p.login == login), None)

    def _operator_selected(self) -> None:
        person = self._operator(self.current_operator())
        self.selected_box.setEnabled(person is not None)
        if person is None:
            return
        self.selected_box.setTitle(self.tr("選択した操作者: {login}").format(login=person.login))
        self.edit_name.setText(person.display_name)
        self.edit_role.setCurrentIndex(self.edit_role.findData(person.role.value))
        self.edit_department.setCurrentIndex(max(0, self.edit_department.findData(
            person.department)))
        self.active_button.setText(self.tr("無効にする") if person.active
                                   else self.tr("有効に戻す"))

    def _department_selected(self) -> None:
        name = self.current_department()
        dep = next((d for d in self.departments if d.name == name), None)
        self.dep_change_button.setEnabled(dep is not None)
        if dep is None:
            return
        self.dep_name.setText(dep.name)
        self.dep_sender.setText(dep.sender_name)
        for code, check in self.dep_categories.items():
            check.setChecked(code in dep.categories)
        for code, check in self.dep_media.items():
            check.setChecked(code in dep.media)
        self.dep_areas.setText("、".join(dep.areas))

    # -- changes ---------------------------------------------------------------------------

    def _submit(self, change: Callable[[Session], Any], success: str,
                select: Callable[[], None] | None = None) -> None:
        """Run ``change(session)`` in one transaction on the write thread, then re-read."""
        bridge = self.bridge

        def work() -> Any:
            with bridge.issei.sessions.begin() as session:
                return change(session)

        def done(_result: Any) -> None:
            self._say(success, ok=True)
            self.changed.emit()
            self.reload(select)

        def failed(exc: BaseException) -> None:
            self._say(self.tr("できませんでした: {error}").format(error=exc), ok=False)

        bridge.call(work, on_done=done, on_error=failed, owner=self, pool="write")

    def _who(self) -> dict[str, Any]:
        return {"fallback_actor": self.bridge.operator}

    def add_operator(self) -> None:
        login = self.new_login.text().strip()
        password, again = self.new_password.text(), self.new_again.text()
        self.new_password.clear()  # never on screen longer than the click
        self.new_again.clear()
        role = Role(str(self.new_role.currentData()))
        department = str(self.new_department.currentData() or "")
        name = self.new_name.text()
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.create_operator(session, bridge.signed_in, bridge.issei.console, login,
                                  password, role, department=department, display_name=name,
                                  password_again=again, **self._who())

        def select() -> None:
            self.select_operator(login)

        def added() -> None:
            self.new_login.clear()
            self.new_name.clear()
            select()

        self._submit(change, self.tr("操作者「{login}」を追加しました（パスワードは二度と表示"
                                     "しません）").format(login=login), added)

    def change_operator(self) -> None:
        login = self.current_operator()
        if not login:
            return
        role = Role(str(self.edit_role.currentData()))
        department = str(self.edit_department.currentData() or "")
        name = self.edit_name.text()
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.change_operator(session, bridge.signed_in, bridge.issei.console, login,
                                  role=role, department=department, display_name=name,
                                  **self._who())

        self._submit(change, self.tr("操作者「{login}」を変更しました").format(login=login),
                     lambda: self.select_operator(login))

    def toggle_active(self) -> None:
        person = self._operator(self.current_operator())
        if person is None:
            return
        active = not person.active
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.set_operator_active(session, bridge.signed_in, bridge.issei.console,
                                      person.login, active, **self._who())

        text = (self.tr("操作者「{login}」を有効に戻しました") if active
                else self.tr("操作者「{login}」を無効にしました（サインインできません）"))
        self._submit(change, text.format(login=person.login),
                     lambda: self.select_operator(person.login))

    def reset_operator_password(self) -> None:
        login = self.current_operator()
        password, again = self.reset_password.text(), self.reset_again.text()
        self.reset_password.clear()
        self.reset_again.clear()
        if not login:
            return
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.reset_password(session, bridge.signed_in, bridge.issei.console, login,
                                 password, password_again=again, **self._who())

        self._submit(change, self.tr("操作者「{login}」のパスワードを再設定しました")
                     .format(login=login), lambda: self.select_operator(login))

    def _department_form(self) -> tuple[str, str, list[str], list[str], list[str]]:
        return (self.dep_name.text().strip(), self.dep_sender.text(),
                [c for c, check in self.dep_categories.items() if check.isChecked()],
                [m for m, check in self.dep_media.items() if check.isChecked()],
                _split(self.dep_areas.text()))

    def add_department(self) -> None:
        name, sender, categories, media, areas = self._department_form()
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.create_department(session, bridge.signed_in, bridge.issei.console, name,
                                    sender_name=sender, categories=categories, media=media,
                                    areas=areas, **self._who())

        self._submit(change, self.tr("部署「{name}」を追加しました").format(name=name),
                     lambda: self.select_department(name))

    def change_department(self) -> None:
        name = self.current_department()
        if not name:
            return
        _typed, sender, categories, media, areas = self._department_form()
        bridge = self.bridge

        def change(session: Session) -> None:
            admin.change_department(session, bridge.signed_in, bridge.issei.console, name,
                                    sender_name=sender, categories=categories, media=media,
                                    areas=areas, **self._who())

        self._submit(change, self.tr("部署「{name}」を変更しました").format(name=name),
                     lambda: self.select_department(name))

    def _say(self, text: str, ok: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(
            f"color: {style.OK_FG};" if ok
            else style.chip_style(style.ERROR_FG, style.ERROR_BG))
