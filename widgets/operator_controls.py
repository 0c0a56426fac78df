"""The operator's side of the main window (issue 7): sign-in at start, who is signed in and
their department in the status bar, sign-out and switching operator, the 承認 tab, the audit
viewer, the secrets dialog, the 管理者-only 承認ポリシー and 操作者と部署 screens (hidden for
every other role, closed when the operator switches), and the database banner with catching
up on reconnect.

Attached to a ``MainWindow`` by the console runtime (``widgets.app``); it adds its widgets and
menu to the window and holds no business logic: the bridge asks the core.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.accounts.operators import Role, SignedIn
from app.events import Event, SharedChannel
from widgets import style
from widgets.approvals_panel import ApprovalsPanel
from widgets.audit_viewer import AuditViewer
from widgets.banner import DatabaseBanner
from widgets.main_window import MainWindow
from widgets.operators_admin import OperatorsAdmin
from widgets.policy_editor import PolicyEditor
from widgets.secrets_dialog import SecretsDialog
from widgets.signin_dialog import SignInDialog

log = logging.getLogger("issei.console")


def _open(widget: QWidget | None) -> bool:
    return widget is not None and shiboken6.isValid(widget) and widget.isVisible()
HEALTH_INTERVAL_MS = 2000  # how often the console asks the database whether it is there


class OperatorControls(QObject):
    def __init__(self, window: MainWindow, *, health_interval_ms: int = HEALTH_INTERVAL_MS
                 ) -> None:
        super().__init__(window)
        self.window = window
        bridge = self.bridge = window.bridge
        self.sign_in_dialog: SignInDialog | None = None
        self.audit_viewer: AuditViewer | None = None
        self.secrets_dialog: SecretsDialog | None = None
        self.policy_editor: PolicyEditor | None = None
        self.operators_admin: OperatorsAdmin | None = None
        self._last_login = ""

        self.operator_label = QLabel()
        window.statusBar().insertPermanentWidget(0, self.operator_label)
        self.database_banner = DatabaseBanner()
        top = window.menuWidget()
        layout = top.layout() if top is not None else None
        if isinstance(layout, QVBoxLayout):  # under 訓練/本番, above the menus
            at = layout.indexOf(window.banner)
            layout.insertWidget(at + 1 if at >= 0 else 0, self.database_banner)
        self.approvals = ApprovalsPanel(bridge)
        self.approvals_tab = window.tabs.addTab(self.approvals, self._tab_text(0))
        self._build_menu()

        bridge.signed_in_changed.connect(self._show_operator)
        bridge.database_state.connect(self._database_state)
        bridge.event_received.connect(self._on_event)
        bridge.sent.connect(self.approvals.watch)
        self.approvals.count_changed.connect(
            lambda n: window.tabs.setTabText(self.approvals_tab, self._tab_text(n)))
        self.approvals.notice.connect(lambda text: window.statusBar().showMessage(text, 60000))
        self.health = QTimer(self)
        self.health.setInterval(health_interval_ms)
        self.health.timeout.connect(bridge.check_database)
        self._show_operator(bridge.signed_in)

    def _tab_text(self, n: int) -> str:
        if n:
            return self.tr("承認待ち {n} 件（Ctrl+4）").format(n=n)
        return self.tr("承認（Ctrl+4）")

    def _build_menu(self) -> None:
        menu = self.window.menu_bar.addMenu(self.tr("操作者(&O)"))
        self.sign_in_action = QAction(self.tr("サインイン／操作者の切り替え…"), self)
        self.sign_in_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.sign_in_action.triggered.connect(lambda: self.open_sign_in())
        self.sign_out_action = QAction(self.tr("サインアウト"), self)
        self.sign_out_action.triggered.connect(self.sign_out)
        approvals = QAction(self.tr("承認待ち"), self)
        approvals.setShortcut(QKeySequence("Ctrl+4"))
        approvals.triggered.connect(lambda: self.window.tabs.setCurrentIndex(self.approvals_tab))
        self.audit_action = QAction(self.tr("監査ログ…"), self)
        self.audit_action.triggered.connect(self.open_audit)
        self.secrets_action = QAction(self.tr("秘密情報の設定…"), self)
        self.secrets_action.triggered.connect(self.open_secrets)
        for action in (self.sign_in_action, self.sign_out_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (approvals, self.audit_action, self.secrets_action):
            menu.addAction(action)
        # 管理者 only: hidden (not just greyed) for everyone else.
        self.admin_separator = menu.addSeparator()
        self.policy_action = QAction(self.tr("承認ポリシー…"), self)
        self.policy_action.triggered.connect(self.open_policy_editor)
        self.operators_action = QAction(self.tr("操作者と部署…"), self)
        self.operators_action.triggered.connect(self.open_operators_admin)
        for action in (self.policy_action, self.operators_action):
            menu.addAction(action)

    # -- start -----------------------------------------------------------------------------

    def start(self, *, ask_sign_in: bool = True) -> None:
        """Ask whether accounts exist; if so, open the sign-in dialog over the window."""
        self.health.start()
        self.approvals.poll_timer.start()
        self.approvals.reload()

        def known(enabled: bool) -> None:
            self._show_operator(self.bridge.signed_in)
            if enabled and ask_sign_in and self.bridge.signed_in is None:
                self.open_sign_in()

        def failed(exc: BaseException) -> None:
            log.warning("cannot tell whether accounts exist: %s", exc)
            self.bridge.check_database()

        self.bridge.accounts_enabled_async(known, failed)

    # -- who is signed in ----------------------------------------------------------------------

    def open_sign_in(self, login: str = "") -> SignInDialog:
        if _open(self.sign_in_dialog):  # window-modal: already in front
            assert self.sign_in_dialog is not None
            return self.sign_in_dialog
        dialog = SignInDialog(self.bridge.sign_in_async, console=self.bridge.issei.console,
                              login=login or self._last_login, parent=self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sign_in_dialog = dialog
        dialog.open()
        return dialog

    def sign_out(self) -> None:
        self.bridge.sign_out()
        self.window.statusBar().showMessage(self.tr("サインアウトしました"), 10000)

    def _show_operator(self, who: SignedIn | None) -> None:
        enabled = self.bridge.accounts_enabled
        if who is not None:
            self._last_login = who.login
            department = who.department or self.tr("部署なし")
            self.operator_label.setText(self.tr("操作者: {name}（{role}・{department}）").format(
                name=who.display_name or who.login, role=who.role.label, department=department))
            self.operator_label.setStyleSheet(f"color: {style.OK_FG}; font-weight: bold;")
        elif enabled:
            self.operator_label.setText(self.tr("未サインイン（配信・承認はできません）"))
            self.operator_label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")
        elif enabled is False:
            self.operator_label.setText(
                self.tr("操作者アカウント未設定（サインインなしで配信できます）"))
            self.operator_label.setStyleSheet(f"color: {style.MUTED};")
        else:
            self.operator_label.setText("")
        self.sign_out_action.setEnabled(who is not None)
        privileged = not enabled or (who is not None and who.role.may_approve)
        self.audit_action.setEnabled(bool(privileged))
        self.secrets_action.setEnabled(not enabled or (who is not None
                                                       and who.role is Role.ADMIN))
        administrator = enabled is False or (who is not None and who.role is Role.ADMIN)
        for action in (self.admin_separator, self.policy_action, self.operators_action):
            action.setVisible(administrator)
            action.setEnabled(administrator)
        if enabled and not administrator and (who is not None or self._last_login):
            # signed out or switched to a non-管理者: the admin screens go with them
            for dialog in (self.policy_editor, self.operators_admin):
                if _open(dialog):
                    assert dialog is not None
                    dialog.reject()
        self.window.composer.emit_now()  # the composer shows what this operator may send

    # -- dialogs ---------------------------------------------------------------------------

    def open_audit(self) -> AuditViewer:
        if _open(self.audit_viewer):
            self.audit_viewer.raise_()
            self.audit_viewer.reload()
            return self.audit_viewer
        viewer = AuditViewer(self.bridge, self.window)
        viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.audit_viewer = viewer
        viewer.show()
        return viewer

    def open_policy_editor(self) -> PolicyEditor:
        if _open(self.policy_editor):
            assert self.policy_editor is not None
            self.policy_editor.raise_()
            return self.policy_editor
        editor = PolicyEditor(self.bridge, self.window)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.policy_editor = editor
        editor.show()
        return editor

    def open_operators_admin(self) -> OperatorsAdmin:
        if _open(self.operators_admin):
            assert self.operators_admin is not None
            self.operators_admin.raise_()
            return self.operators_admin
        screen = OperatorsAdmin(self.bridge, self.window)
        screen.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen.changed.connect(self._accounts_changed)
        self.operators_admin = screen
        screen.show()
        return screen

    def _accounts_changed(self) -> None:
        """The first operator may just have been created: accounts are now enforced."""
        def known(enabled: bool) -> None:
            self._show_operator(self.bridge.signed_in)

        self.bridge.accounts_enabled_async(known, lambda exc: log.warning("%s", exc))

    def open_secrets(self) -> SecretsDialog:
        if _open(self.secrets_dialog):
            self.secrets_dialog.raise_()
            return self.secrets_dialog
        dialog = SecretsDialog(self.bridge, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.secrets_dialog = dialog
        dialog.show()
        return dialog

    # -- the database's health and catching up ---------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, SharedChannel):
            if not event.up:
                self.bridge.check_database()
            else:
                self._catch_up()
            return
        self.approvals.apply_event(event)

    def _database_state(self, up: bool) -> None:
        window = self.window
        self.database_banner.setVisible(not up)
        if not up:
            window.composer.set_busy(self.tr("データベースに接続できません（配信できません）"))
            window.composer.send_button.setToolTip(
                self.tr("データベースに接続できないため、配信を登録できません。"
                        "文面はそのまま残ります"))
            return
        window.composer.send_button.setToolTip(self.tr("確認画面を開きます（Ctrl+Enter）"))
        if not (window._confirming or window._sending):
            window.composer.set_busy(None)
        self._catch_up()

    def _catch_up(self) -> None:
        """After a gap: re-read what the console shows (notifications in between are lost)."""
        window = self.window
        log.info("catching up after a database gap", extra={"event": "catch_up"})
        window.composer.emit_now()
        window.history.model.reload()
        self.approvals.reload()
        message_id = window.monitor.message_id
        if message_id is not None:
            window._refresh_counts(message_id)
            window._refresh_failures(message_id)
