"""サインイン: operator id and password, checked by the core on a worker thread.

A wrong password says so plainly (the same words for an unknown id: no account probing) and
keeps the id typed; after a few wrong tries the core's throttle makes the next one wait.
The dialog holds no logic of its own: ``sign_in`` is the bridge's ``sign_in_async``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.accounts.operators import SignedIn
from widgets import style

SignInFn = Callable[[str, str, Callable[[SignedIn], None], Callable[[BaseException], None]],
                    None]


class SignInDialog(QDialog):
    def __init__(self, sign_in: SignInFn, *, console: str, login: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sign_in = sign_in
        self.signed_in: SignedIn | None = None
        self.setWindowTitle(self.tr("サインイン"))
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("配信・承認には操作者のサインインが必要です。\n端末: {console}")
                       .format(console=console))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.login_edit = QLineEdit(login)
        self.login_edit.setObjectName("login")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("操作者ID"), self.login_edit)
        form.addRow(self.tr("パスワード"), self.password_edit)
        layout.addLayout(form)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setVisible(False)
        self.message_label.setStyleSheet(style.chip_style(style.ERROR_FG, style.ERROR_BG))
        layout.addWidget(self.message_label)
        buttons = QDialogButtonBox()
        self.sign_in_button = QPushButton(self.tr("サインイン"))
        self.sign_in_button.setDefault(True)
        self.view_only_button = QPushButton(self.tr("サインインせずに見るだけ"))
        self.view_only_button.setToolTip(
            self.tr("配信状況と履歴を見られます。配信・承認はできません"))
        buttons.addButton(self.sign_in_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.view_only_button, QDialogButtonBox.ButtonRole.RejectRole)
        layout.addWidget(buttons)
        self.sign_in_button.clicked.connect(self.try_sign_in)
        self.view_only_button.clicked.connect(self.reject)
        (self.password_edit if login else self.login_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def try_sign_in(self) -> None:
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        if not login or not password:
            self.show_message(self.tr("操作者IDとパスワードを入力してください"))
            return
        self.sign_in_button.setEnabled(False)
        self.sign_in_button.setText(self.tr("確認しています…"))
        self._sign_in(login, password, self._done, self._failed)

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(True)

    def _restore(self) -> None:
        self.sign_in_button.setEnabled(True)
        self.sign_in_button.setText(self.tr("サインイン"))

    def _done(self, who: SignedIn) -> None:
        self.signed_in = who
        self.password_edit.clear()
        self._restore()
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._restore()
        self.password_edit.clear()
        self.password_edit.setFocus()
        if isinstance(exc, ValueError | PermissionError):  # AccountError and friends
            self.show_message(str(exc))
        else:
            self.show_message(self.tr("サインインできませんでした（{error}）。"
                                      "データベースへの接続を確かめてください").format(error=exc))
