"""Screenshots of the operator screens (issue 7), appended to ``issei gui --screenshots``.

Nothing here creates accounts or sends: the sign-in is a real wrong-password attempt (the
core answers; with no accounts every login is unknown), the audit viewer shows the tour's
real audit log, the database banner is the state the console shows when the database goes
away. The approval queue is shown with two sample requests handed to the panel's display
(a held send needs accounts, which a screenshot run must never create in a data folder).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.accounts.approval import PendingRequest
from widgets.main_window import MainWindow
from widgets.operator_controls import OperatorControls
from widgets.screenshots import save, settle, wait_until

NAMES = ["20-signin.png", "21-approvals.png", "22-audit.png", "23-secrets.png",
         "24-database-lost.png"]


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
    return paths
