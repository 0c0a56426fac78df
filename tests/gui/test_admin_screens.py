"""Issue 7, administration at the console: the approval policy editor and the operators and
departments screen — a 管理者 sees and uses them (changes saved in the database, audited,
refusals shown in Japanese with nothing lost); a 配信者 does not even see them."""

from __future__ import annotations

import shiboken6
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app import audit
from app.accounts import approval
from app.accounts.approval import HOLD, SECOND
from app.accounts.operators import AccountError, Role, sign_in
from app.db.models import AuditEntry
from tests.gui.test_operators import PASSWORD, MakeConsole, _sign_in, make_console
from tests.tamper import drop_audit_guards

__all__ = ["make_console"]  # the fixture, shared with test_operators


def _actions(console) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with console.bridge.issei.sessions() as session:
        return [(e.action, e.operator) for e in
                session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_a_sender_does_not_see_the_admin_screens(qtbot: QtBot, make_console: MakeConsole
                                                  ) -> None:
    console = make_console()
    controls = console.controls
    _sign_in(qtbot, console, "bousai")
    assert not controls.policy_action.isVisible() and not controls.policy_action.isEnabled()
    assert not controls.operators_action.isVisible()
    _sign_in(qtbot, console, "shonin")  # 承認者: approves, does not administer
    assert not controls.policy_action.isVisible()
    _sign_in(qtbot, console, "kanri")
    assert controls.policy_action.isVisible() and controls.operators_action.isVisible()
    editor = controls.open_policy_editor()
    screen = controls.open_operators_admin()
    qtbot.waitUntil(lambda: editor.loaded and screen.loaded, timeout=10000)
    _sign_in(qtbot, console, "bousai")  # switching operator closes them
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(w) and w.isVisible()
                                    for w in (editor, screen)), timeout=5000)
    assert not controls.policy_action.isVisible()


def test_policy_editor_adds_reorders_validates_and_saves(qtbot: QtBot,
                                                         make_console: MakeConsole) -> None:
    console = make_console()
    _sign_in(qtbot, console, "kanri")
    editor = console.controls.open_policy_editor()
    qtbot.waitUntil(lambda: editor.loaded, timeout=10000)
    assert editor.table.rowCount() == 3
    assert editor.table.item(0, 1).text() == "承認者が必要"
    assert editor.table.item(2, 1).text() == "本人のみ（押し続けて送信）"

    # A new rule lands above the catch-all; make it "防災 → 本人のみ" and move it to the top.
    editor.add_rule()
    assert editor.current_row() == 2 and editor.table.rowCount() == 4
    editor.name_edit.setText("防災の通常連絡")
    editor.name_edit.textEdited.emit("防災の通常連絡")
    editor.urgency_checks["emergency"].setChecked(False)
    editor.category_checks["disaster"].setChecked(True)
    editor.requirement_combo.setCurrentIndex(editor.requirement_combo.findData(HOLD))
    editor.move_rule(-1)
    editor.move_rule(-1)
    assert editor.current_row() == 0
    assert editor.table.item(0, 0).text() == "防災の通常連絡"
    assert editor.table.item(0, 3).text() == "防災"
    assert "まだ保存していません" in editor.message_label.text()

    # A catch-all that is not last: the core refuses, the table keeps what was typed.
    editor.table.selectRow(3)
    editor.audience_combo.setCurrentIndex(1)  # 全住民あて
    editor.save()
    qtbot.waitUntil(lambda: "保存できませんでした" in editor.message_label.text(), timeout=10000)
    assert "最後の規則は、すべての配信に当てはまるもの" in editor.message_label.text()
    assert editor.table.rowCount() == 4 and editor.dirty
    with console.bridge.issei.sessions() as session:
        assert approval.load_policy(session) == approval.DEFAULT_POLICY

    editor.audience_combo.setCurrentIndex(0)  # どちらでも: a catch-all again
    editor.save()
    qtbot.waitUntil(lambda: editor.message_label.text().startswith("保存しました"),
                    timeout=10000)
    with console.bridge.issei.sessions() as session:
        rules = approval.load_policy(session)
        assert audit.verify(session) == []
    assert [(r.name, r.requirement, r.categories) for r in rules] == [
        ("防災の通常連絡", HOLD, ("disaster",)), ("緊急（避難指示など）", SECOND, ()),
        ("全住民あて", SECOND, ()), ("通常のお知らせ", HOLD, ())]
    assert _actions(console)[-1] == ("policy_set", "kanri")


def test_operators_screen_adds_changes_disables_and_resets(qtbot: QtBot,
                                                          make_console: MakeConsole) -> None:
    console = make_console()
    _sign_in(qtbot, console, "kanri")
    screen = console.controls.open_operators_admin()
    qtbot.waitUntil(lambda: screen.loaded, timeout=10000)
    logins = [screen.operator_table.item(r, 0).text()
              for r in range(screen.operator_table.rowCount())]
    assert set(logins) == {"koho", "bousai", "shonin", "kanri", "miru"}

    # Add: the two passwords differ → refused, fields cleared, nobody created.
    screen.new_login.setText("tanaka")
    screen.new_name.setText("田中 一郎")
    screen.new_department.setCurrentIndex(screen.new_department.findData("防災"))
    screen.new_password.setText("tanaka-pass-1")
    screen.new_again.setText("tanaka-pass-2")
    screen.add_button.click()
    assert screen.new_password.text() == "" and screen.new_again.text() == ""
    qtbot.waitUntil(lambda: "一致しません" in screen.message_label.text(), timeout=10000)
    assert screen.new_login.text() == "tanaka"  # what was typed stays (but no password)
    screen.new_password.setText("tanaka-pass-1")
    screen.new_again.setText("tanaka-pass-1")
    screen.add_button.click()
    qtbot.waitUntil(lambda: "tanaka" in [p.login for p in screen.operators], timeout=10000)
    assert screen.current_operator() == "tanaka"
    who = sign_in(console.bridge.issei.sessions, "tanaka", "tanaka-pass-1")
    assert (who.role, who.department, who.display_name) == (Role.SENDER, "防災", "田中 一郎")

    # Change role and department.
    screen.edit_role.setCurrentIndex(screen.edit_role.findData(Role.APPROVER.value))
    screen.edit_department.setCurrentIndex(screen.edit_department.findData("広報"))
    screen.change_button.click()
    qtbot.waitUntil(lambda: "変更しました" in screen.message_label.text(), timeout=10000)
    who = sign_in(console.bridge.issei.sessions, "tanaka", "tanaka-pass-1")
    assert (who.role, who.department) == (Role.APPROVER, "広報")

    # Reset the password, then disable.
    screen.reset_password.setText("tanaka-new-22")
    screen.reset_again.setText("tanaka-new-22")
    screen.reset_button.click()
    assert screen.reset_password.text() == ""
    qtbot.waitUntil(lambda: "再設定しました" in screen.message_label.text(), timeout=10000)
    assert sign_in(console.bridge.issei.sessions, "tanaka", "tanaka-new-22").login == "tanaka"
    screen.active_button.click()
    qtbot.waitUntil(lambda: not next(p for p in screen.operators if p.login == "tanaka").active,
                    timeout=10000)
    assert screen.operator_table.item(screen.operator_table.currentRow(), 4).text() == "無効"
    assert screen.active_button.text() == "有効に戻す"
    try:
        sign_in(console.bridge.issei.sessions, "tanaka", "tanaka-new-22")
        raise AssertionError("a disabled operator signed in")
    except AccountError:
        pass

    # The last 管理者 cannot demote themselves.
    screen.select_operator("kanri")
    screen.edit_role.setCurrentIndex(screen.edit_role.findData(Role.SENDER.value))
    screen.change_button.click()
    qtbot.waitUntil(lambda: "管理者が一人もいなくなる" in screen.message_label.text(),
                    timeout=10000)

    actions = _actions(console)
    for action in ("operator_add", "operator_change", "password_reset", "operator_disable"):
        assert (action, "kanri") in actions


def test_departments_tab_adds_and_changes_permissions(qtbot: QtBot,
                                                      make_console: MakeConsole) -> None:
    console = make_console()
    _sign_in(qtbot, console, "kanri")
    screen = console.controls.open_operators_admin()
    qtbot.waitUntil(lambda: screen.loaded, timeout=10000)
    screen.tabs.setCurrentIndex(1)
    screen.select_department("広報")
    assert screen.dep_media["email"].isChecked() and not screen.dep_media["line"].isChecked()
    assert screen.dep_areas.text() == "北地区"
    screen.dep_media["line"].setChecked(True)
    screen.dep_categories["event"].setChecked(True)
    screen.dep_areas.setText("北地区、南地区")
    screen.dep_change_button.click()
    qtbot.waitUntil(lambda: "部署「広報」を変更しました" in screen.message_label.text(),
                    timeout=10000)
    koho = sign_in(console.bridge.issei.sessions, "koho", PASSWORD)
    assert koho.allowed_media == ("email", "line")
    assert koho.allowed_areas == ("北地区", "南地区") and koho.allowed_categories == ("event",)

    screen.dep_name.setText("防災")  # exists already: refused in Japanese
    screen.dep_add_button.click()
    qtbot.waitUntil(lambda: "すでにあります" in screen.message_label.text(), timeout=10000)
    screen.dep_name.setText("水道")
    screen.dep_sender.setText("○○市 水道局")
    screen.dep_add_button.click()
    qtbot.waitUntil(lambda: "水道" in [d.name for d in screen.departments], timeout=10000)
    assert screen.new_department.findData("水道") >= 0  # offered for new operators at once
    assert ("department_change", "kanri") in _actions(console)
    assert ("department_add", "kanri") in _actions(console)


def test_audit_viewer_reports_a_cut_off_tail(qtbot: QtBot, make_console: MakeConsole) -> None:
    """The newest audit row deleted (guards dropped first, as only someone with DDL rights
    can): the chain left is perfect, the viewer still says 改ざん検出 from the anchor."""
    console = make_console()
    _sign_in(qtbot, console, "kanri")
    viewer = console.controls.open_audit()
    qtbot.waitUntil(lambda: viewer.view is not None, timeout=10000)
    assert viewer.verdict.text().startswith("改ざんなし")
    with console.bridge.issei.sessions.begin() as session:
        drop_audit_guards(session)
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert newest is not None
        session.delete(newest)
    with console.bridge.issei.sessions() as session:
        assert not [p for p in audit.verify(session) if "つながっていません" in p]
    viewer.reload()
    qtbot.waitUntil(lambda: viewer.verdict.text().startswith("改ざん検出"), timeout=10000)
    assert "記録が 1 件足りません" in viewer.problems_label.text()
    assert f"#{newest.id}: 最新の記録がありません" in viewer.problems_label.text()
