"""秘密情報の設定: channel tokens and passwords go into this PC's OS keyring.

A stored value is never shown again, not even masked: each row says only 設定済み or 未設定
(and whether an environment variable overrides it), with 入力・置き換え and 削除. The keyring is
used on a worker thread through the bridge (a desktop keyring may ask the user and block).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
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

from app import secrets
from widgets import style
from widgets.bridge import ConsoleBridge, SecretState

WHAT, KEY, STATE = range(3)


class SecretsDialog(QDialog):
    def __init__(self, bridge: ConsoleBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.states: dict[tuple[str, str], SecretState] = {}
        self.setWindowTitle(self.tr("秘密情報の設定（トークン・パスワード）"))
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        note = QLabel(self.tr(
            "このPCのキーリング（Windows 資格情報マネージャーなど）に保存します。"
            "保存した値は二度と表示しません。"))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(len(secrets.KNOWN), 3)
        self.table.setHorizontalHeaderLabels([self.tr("項目"), self.tr("名前"), self.tr("状態")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(WHAT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(KEY, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(STATE, QHeaderView.ResizeMode.ResizeToContents)
        for row, (medium, name, label) in enumerate(secrets.KNOWN):
            what = QTableWidgetItem(label)
            what.setData(Qt.ItemDataRole.UserRole, (medium, name))
            self.table.setItem(row, WHAT, what)
            self.table.setItem(row, KEY, QTableWidgetItem(f"{medium}.{name}"))
            self.table.setItem(row, STATE, QTableWidgetItem(self.tr("確認中…")))
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        row_layout = QHBoxLayout()
        self.value_edit = QLineEdit()
        self.value_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.value_edit.setPlaceholderText(self.tr("新しい値（入力しても表示されません）"))
        row_layout.addWidget(self.value_edit, 1)
        self.store_button = QPushButton(self.tr("保存"))
        self.forget_button = QPushButton(self.tr("削除"))
        close = QPushButton(self.tr("閉じる"))
        for button in (self.store_button, self.forget_button, close):
            button.setAutoDefault(False)
            row_layout.addWidget(button)
        layout.addLayout(row_layout)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        layout.addWidget(self.message_label)
        self.store_button.clicked.connect(self.store)
        self.forget_button.clicked.connect(self.forget)
        close.clicked.connect(self.accept)
        self.table.selectRow(0)
        self.reload()

    def reload(self) -> None:
        self.bridge.secret_states_async([(m, n) for m, n, _l in secrets.KNOWN], self._loaded,
                                        owner=self)

    def _loaded(self, states: list[SecretState]) -> None:
        self.states = {(s.medium, s.name): s for s in states}
        for row, (medium, name, _label) in enumerate(secrets.KNOWN):
            state = self.states.get((medium, name))
            if state is None:
                continue
            text = self.tr("設定済み") if state.stored else self.tr("未設定")
            if state.from_environment:
                text += self.tr("（環境変数が優先）")
            item = QTableWidgetItem(text)
            fg = style.OK_FG if state.stored or state.from_environment else style.MUTED
            item.setForeground(QBrush(QColor(fg)))
            self.table.setItem(row, STATE, item)
        self._selected()

    def current(self) -> tuple[str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = self.table.item(rows[0].row(), WHAT).data(Qt.ItemDataRole.UserRole)
        return (str(value[0]), str(value[1]))

    def select(self, medium: str, name: str) -> None:
        for row, (m, n, _l) in enumerate(secrets.KNOWN):
            if (m, n) == (medium, name):
                self.table.selectRow(row)

    def _selected(self) -> None:
        key = self.current()
        state = self.states.get(key) if key else None
        stored = bool(state and state.stored)
        self.store_button.setText(self.tr("置き換え") if stored else self.tr("保存"))
        self.forget_button.setEnabled(stored)

    def _say(self, text: str, ok: bool) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {style.OK_FG if ok else style.ERROR_FG};")

    def store(self) -> None:
        key = self.current()
        value = self.value_edit.text()
        if key is None:
            return
        if not value:
            self._say(self.tr("値を入力してください"), False)
            return
        self.value_edit.clear()  # the value leaves the screen at once, whatever happens next
        medium, name = key

        def done(_r: None) -> None:
            self._say(self.tr("{key} を保存しました（この値は二度と表示しません）")
                      .format(key=f"{medium}.{name}"), True)
            self.reload()

        def failed(exc: BaseException) -> None:
            self._say(self.tr("保存できませんでした: {error}").format(error=exc), False)

        self.bridge.store_secret_async(medium, name, value, done, failed)

    def forget(self) -> None:
        key = self.current()
        if key is None:
            return
        medium, name = key

        def done(gone: bool) -> None:
            self._say(self.tr("{key} を削除しました").format(key=f"{medium}.{name}") if gone
                      else self.tr("{key} は保存されていません").format(key=f"{medium}.{name}"),
                      gone)
            self.reload()

        def failed(exc: BaseException) -> None:
            self._say(self.tr("削除できませんでした: {error}").format(error=exc), False)

        self.bridge.forget_secret_async(medium, name, done, failed)
