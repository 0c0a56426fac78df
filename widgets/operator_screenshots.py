"""Screenshots of the operator screens (issue 7), appended to ``issei gui --screenshots``.

Nothing here creates accounts or sends: the sign-in is a real wrong-password attempt (the
core answers; with no accounts every login is unknown), the audit viewer shows the tour's
real audit log, the database banner is the state the console shows when the database goes
away. The approval queue and the 操作者と部署 screen are shown with sample rows handed to their
display (a held send needs accounts, which a screenshot run must never create in a data
folder); the policy editor shows the real policy with an unsaved edit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.accounts.admin import DepartmentInfo, OperatorInfo
from app.accounts.approval import PendingRequest
from app.accounts.operators import Role
from widgets.main_window import MainWindow
from widgets.operator_controls import OperatorControls
from widgets.screenshots import save, settle, wait_until

NAMES = ["20-signin.png", "21-approvals.png", "22-audit.png", "23-secrets.png",
         "24-database-lost.png", "25-policy-editor.png", "26-operators.png",
         "27-departments.png"]


def sample_requests() -> list[PendingRequest]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return [
        PendingRequest(
            message_id="00000000-0000-4000-8000-000000000001", title="【避難指示】北地区・東地区",
            body="本日18時00分、北地区・東地区に避難指示を発令しました。直ちに避難してください。",
            urgency="emergency", category="disaster", areas=("北地区", "東地区"),
            media=("email", "line", "sms"), audience={"email": 12840, "line": 8433, "sms": 3120},
            training=False, created_by="bousai01", department="防災対策課",
            console="防災課 1番卓", created_at=now.isoformat()),
        PendingRequest(
            message_id="00000000-0000-4000-8000-000000000002", title="給水所の開設",
            body="市役所前広場に給水所を開設しました。", urgency="important",
            category="lifeline", areas=(), media=("email", "line"),
            audience={"email": 48211, "line": 30512}, training=True, created_by="koho02",
            department="広報課", console="広報課 卓", created_at=now.isoformat()),
    ]


def sample_accounts() -> tuple[list[OperatorInfo], list[DepartmentInfo]]:
    """Operators and departments for the 操作者と部署 screenshot (display only, like the
    approval queue: a screenshot run never creates accounts)."""
    operators = [
        OperatorInfo("bousai01", "防災 太郎", Role.SENDER, "防災対策課", True),
        OperatorInfo("bousai02", "防災 花子", Role.APPROVER, "防災対策課", True),
        OperatorInfo("kanri", "システム管理者", Role.ADMIN, "", True),
        OperatorInfo("koho02", "広報 次郎", Role.SENDER, "広報課", True),
        OperatorInfo("koho09", "広報 三郎（異動）", Role.SENDER, "広報課", False),
        OperatorInfo("mitsumori", "見守 一", Role.VIEWER, "防災対策課", True),
    ]
    departments = [
        DepartmentInfo("広報課", "○○市 広報課", ("event", "life"), ("email", "line", "x"),
                       ("北地区", "南地区"), 2),
        DepartmentInfo("防災対策課", "○○市 防災対策課", (), (), (), 3),
    ]
    return operators, departments


async def operator_screenshots(window: MainWindow, controls: OperatorControls,
                               folder: Path) -> list[Path]:
    paths: list[Path] = []
    dialog = controls.open_sign_in("bousai01")
    dialog.password_edit.setText("wrong-password")
    dialog.try_sign_in()
    await wait_until(lambda: dialog.message_label.isVisible(), timeout=30)
    await settle()
    paths.append(save(dialog, folder / NAMES[0]))
    dialog.reject()

    panel = controls.approvals
    window.tabs.setCurrentIndex(controls.approvals_tab)
    panel._loaded(sample_requests())  # display only (see the module docstring)
    panel.select(panel.requests[0].message_id)
    panel.reason_edit.setText("")
    await settle(0.3)
    paths.append(save(window, folder / NAMES[1]))
    panel.reload()  # back to the real queue

    viewer = controls.open_audit()
    await wait_until(lambda: viewer.view is not None, timeout=30)
    await settle(0.3)
    paths.append(save(viewer, folder / NAMES[2]))
    viewer.accept()

    secrets = controls.open_secrets()
    await wait_until(lambda: bool(secrets.states), timeout=30)
    await settle()
    paths.append(save(secrets, folder / NAMES[3]))
    secrets.accept()

    window.tabs.setCurrentIndex(0)
    controls._database_state(False)  # the state the console shows when the database is gone
    await settle(0.3)
    paths.append(save(window, folder / NAMES[4]))
    controls._database_state(True)
    await settle()

    editor = controls.open_policy_editor()
    await wait_until(lambda: editor.loaded, timeout=30)
    editor.add_rule()  # an unsaved edit: nothing is saved in a screenshot run
    editor.name_edit.setText("防災の通常連絡")
    editor.name_edit.textEdited.emit("防災の通常連絡")
    editor.urgency_checks["emergency"].setChecked(False)
    editor.urgency_checks["normal"].setChecked(True)
    editor.category_checks["disaster"].setChecked(True)
    editor.audience_combo.setCurrentIndex(2)
    editor.requirement_combo.setCurrentIndex(1)
    await settle(0.3)
    paths.append(save(editor, folder / NAMES[5]))
    editor.dirty = False
    editor.reject()

    screen = controls.open_operators_admin()
    await wait_until(lambda: screen.loaded, timeout=30)
    screen._loaded(sample_accounts())  # display only (see the module docstring)
    screen.select_operator("koho02")
    screen.new_login.setText("bousai03")
    screen.new_name.setText("防災 四郎")
    await settle(0.3)
    paths.append(save(screen, folder / NAMES[6]))
    screen.tabs.setCurrentIndex(1)
    screen.select_department("広報課")
    await settle(0.3)
    paths.append(save(screen, folder / NAMES[7]))
    screen.reject()
    return paths
