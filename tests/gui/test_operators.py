"""Issue 7 at the console: sign-in (wrong password, rate limit, no accounts), the operator in
the window, department permissions shown in the composer, 閲覧者, the 承認 tab (a held send,
approve/reject by another operator, the sender told), the audit viewer (改ざんなし/改ざん検出,
CP932 export) and the secrets dialog (never shows a value)."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
import shiboken6
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from app import audit
from app.accounts.operators import Role, add_department, add_operator
from app.accounts.throttle import SignInThrottle
from app.config import Config
from app.db.models import AuditEntry, Delivery, Message
from app.domain import Draft, Medium, Urgency
from app.events import DeliveryProgress, MediumCounts
from app.main import build
from app.service import Issei
from drivers.drill import DrillSink
from tests.gui.helpers import add_test_residents
from tests.peers.tcp_proxy import TcpProxy
from tests.tamper import drop_audit_guards
from tests.unit.test_secrets import MemoryKeyring
from widgets.bridge import ConsoleBridge
from widgets.errors import ErrorReporter
from widgets.main_window import MainWindow
from widgets.operator_controls import OperatorControls

PASSWORD = "correct-horse-1"


def _accounts(issei: Issei) -> None:
    with issei.sessions.begin() as session:
        add_department(session, "広報", sender_name="広報課", media=["email"], areas=["北地区"])
        add_department(session, "防災", sender_name="防災課")
        add_operator(session, "koho", PASSWORD, Role.SENDER, department="広報",
                     display_name="広報 花子")
        add_operator(session, "bousai", PASSWORD, Role.SENDER, department="防災")
        add_operator(session, "shonin", PASSWORD, Role.APPROVER, department="防災")
        add_operator(session, "kanri", PASSWORD, Role.ADMIN)
        add_operator(session, "miru", PASSWORD, Role.VIEWER, department="防災")


class Console:
    def __init__(self, window: MainWindow, controls: OperatorControls) -> None:
        self.window = window
        self.controls = controls
        self.bridge = window.bridge


MakeConsole = Callable[..., Console]


@pytest.fixture
def make_console(qtbot: QtBot, config: Config, styled_app: QApplication
                 ) -> Iterator[MakeConsole]:
    opened: list[tuple[MainWindow, ConsoleBridge, Issei, DrillSink, ErrorReporter]] = []

    def make(*, accounts: bool = True, config_: Config | None = None,
             health_ms: int = 60000) -> Console:
        issei, sink = build(config_ or config)
        add_test_residents(issei)
        if accounts:
            _accounts(issei)
        reporter = ErrorReporter()
        bridge = ConsoleBridge(issei, reporter)
        window = MainWindow(bridge, reporter)
        controls = OperatorControls(window, health_interval_ms=health_ms)
        window.show()
        qtbot.waitExposed(window)
        opened.append((window, bridge, issei, sink, reporter))
        controls.start()
        return Console(window, controls)

    yield make
    for window, bridge, issei, sink, reporter in opened:
        window.force_close()
        bridge.close_sync()
        asyncio.run(issei.aclose())
        sink.stop()
        window.deleteLater()
        assert reporter.count == 0, "the console reported an error"


def _sign_in(qtbot: QtBot, console: Console, login: str) -> None:
    dialog = console.controls.open_sign_in()
    dialog.login_edit.setText(login)
    dialog.password_edit.setText(PASSWORD)
    dialog.sign_in_button.click()
    qtbot.waitUntil(lambda: console.bridge.signed_in is not None
                    and console.bridge.signed_in.login == login, timeout=10000)


def _draft_errors(console: Console) -> list[str]:
    prepared = console.window.last_prepared
    assert prepared is not None
    return [f.message for _m, f in prepared.errors]


def test_no_accounts_no_dialog_and_the_window_says_so(
    qtbot: QtBot, make_console: MakeConsole
) -> None:
    console = make_console(accounts=False)
    label = console.controls.operator_label
    qtbot.waitUntil(lambda: "未設定" in label.text())
    assert console.controls.sign_in_dialog is None
    console.window.composer.fill(title="お知らせ", body="本文", media=(Medium.EMAIL,))
    qtbot.waitUntil(lambda: console.window.composer.send_button.isEnabled())


def test_sign_in_wrong_password_rate_limit_then_department_limits(
    qtbot: QtBot, make_console
) -> None:
    console = make_console()
    qtbot.waitUntil(lambda: console.controls.sign_in_dialog is not None)
    # Before anyone signs in, the composer says why it cannot send.
    qtbot.waitUntil(lambda: console.window.last_prepared is not None
                    and "配信するにはサインインしてください" in _draft_errors(console))
    assert not console.window.composer.send_button.isEnabled()
    assert "未サインイン" in console.controls.operator_label.text()

    now = [1000.0]
    console.bridge.throttle = SignInThrottle(clock=lambda: now[0])
    dialog = console.controls.sign_in_dialog
    assert dialog is not None
    dialog.login_edit.setText("koho")
    for attempt in range(4):
        dialog.password_edit.setText(f"wrong-{attempt}")
        dialog.sign_in_button.click()
        qtbot.waitUntil(lambda: dialog.sign_in_button.isEnabled())
        assert "ログイン名かパスワードが違います" in dialog.message_label.text()
        assert dialog.password_edit.text() == ""  # the wrong password does not linger
    assert "秒待って" in dialog.message_label.text()  # the 4th failure imposes a wait
    dialog.password_edit.setText(PASSWORD)
    dialog.sign_in_button.click()  # even the right password waits
    assert "秒後にもう一度" in dialog.message_label.text()
    assert console.bridge.signed_in is None
    now[0] += 6
    _sign_in(qtbot, console, "koho")
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()
    assert console.controls.operator_label.text() == "操作者: 広報 花子（配信者・広報）"

    # 広報 may send e-mail to 北地区 only: LINE and all-town are refused, with the reason.
    composer = console.window.composer
    composer.fill(title="お知らせ", body="本文", media=(Medium.EMAIL, Medium.LINE), areas="")
    qtbot.waitUntil(lambda: console.window.last_prepared is not None
                    and console.window.last_prepared.draft.media == (Medium.EMAIL, Medium.LINE)
                    and "広報はLINEで配信できません" in _draft_errors(console))
    assert any("全地区あて" in m for m in _draft_errors(console))
    assert not composer.send_button.isEnabled()
    composer.fill(title="お知らせ", body="本文", media=(Medium.EMAIL,), areas="北地区")
    qtbot.waitUntil(lambda: composer.send_button.isEnabled())

    with console.bridge.issei.sessions() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry))]
    assert actions.count("sign_in_failed") == 4 and "sign_in" in actions

    console.controls.sign_out()
    qtbot.waitUntil(lambda: "未サインイン" in console.controls.operator_label.text())
    qtbot.waitUntil(lambda: not composer.send_button.isEnabled())


def test_viewer_cannot_send(qtbot: QtBot, make_console: MakeConsole) -> None:
    console = make_console()
    _sign_in(qtbot, console, "miru")
    qtbot.waitUntil(lambda: console.window.last_prepared is not None and any(
        "閲覧者" in m and "配信できません" in m for m in _draft_errors(console)))
    assert not console.window.composer.send_button.isEnabled()


def test_held_send_approved_by_another_operator_sender_is_told(
    qtbot: QtBot, make_console
) -> None:
    console = make_console()
    window, panel = console.window, console.controls.approvals
    _sign_in(qtbot, console, "bousai")
    window.composer.fill(title="避難指示", body="直ちに避難してください。",
                         urgency=Urgency.EMERGENCY, media=(Medium.EMAIL,), areas="")
    qtbot.waitUntil(lambda: window.composer.send_button.isEnabled())
    window._send(window.composer.draft())
    qtbot.waitUntil(lambda: len(panel.requests) == 1, timeout=10000)
    request = panel.requests[0]
    assert request.created_by == "bousai" and request.department == "防災"
    with window.bridge.issei.sessions() as session:
        written = len(session.scalars(select(Delivery.id).where(
            Delivery.message_id == request.message_id)).all())
    assert request.audience == {"email": written} and written >= 2
    assert window.tabs.tabText(console.controls.approvals_tab) == "承認待ち 1 件（Ctrl+4）"
    assert panel.select(request.message_id)
    assert "直ちに避難" in panel.body_view.toPlainText()
    # A 配信者 may not approve.
    assert not panel.approve_button.isEnabled()
    assert panel.why_label.text() == "配信者は承認できません（承認者・管理者のみ）"

    # Reject needs a reason.
    _sign_in(qtbot, console, "shonin")
    panel.select(request.message_id)
    assert panel.approve_button.isEnabled()
    panel.reject()
    assert "理由を入力してください" in panel.why_label.text()
    panel.approve()
    qtbot.waitUntil(lambda: not panel.requests, timeout=10000)
    # The sender's console (this one) is told the decision.
    qtbot.waitUntil(lambda: "承認されました" in panel.decision_label.text(), timeout=10000)
    assert "shonin" in panel.decision_label.text()
    with window.bridge.issei.sessions() as session:
        message = session.get(Message, request.message_id)
        assert message is not None and message.approval == "approved"
        assert message.approval_by == "shonin"


def test_rejected_with_reason_and_emergency_override_is_audited(
    qtbot: QtBot, make_console
) -> None:
    console = make_console()
    issei = console.bridge.issei
    panel = console.controls.approvals
    _sign_in(qtbot, console, "bousai")
    ids = []
    for title in ("全住民あて1", "全住民あて2"):
        console.window._send(Draft(title=title, body="本文", media=(Medium.EMAIL,),
                                   urgency=Urgency.EMERGENCY))
        wanted = len(ids) + 1
        qtbot.waitUntil(lambda n=wanted: len(panel.requests) == n, timeout=10000)
        ids.append(panel.requests[-1].message_id)
    # Emergency override by the sender, with a reason: released, and audited by name.
    panel.select(ids[0])
    panel.reason_edit.setText("承認者不在・津波到達まで5分")
    panel.override()
    qtbot.waitUntil(lambda: len(panel.requests) == 1, timeout=10000)
    qtbot.waitUntil(lambda: "承認を省略" in panel.decision_label.text(), timeout=10000)
    _sign_in(qtbot, console, "shonin")
    panel.select(ids[1])
    assert panel.approve_button.isEnabled()
    # An approver's own send needs another approver.
    console.window._send(Draft(title="承認者自身の配信", body="本文", media=(Medium.EMAIL,),
                               urgency=Urgency.EMERGENCY))
    qtbot.waitUntil(lambda: len(panel.requests) == 2, timeout=10000)
    panel.select(panel.requests[-1].message_id)
    assert not panel.approve_button.isEnabled()
    assert "自分の配信は承認できません" in panel.why_label.text()
    panel.select(ids[1])
    panel.reason_edit.setText("地区の指定が誤り")
    panel.reject()
    qtbot.waitUntil(lambda: len(panel.requests) == 1, timeout=10000)
    with issei.sessions() as session:
        rows = {e.action: e for e in session.scalars(select(AuditEntry))}
        assert rows["override"].operator == "bousai"
        assert rows["override"].detail["reason"] == "承認者不在・津波到達まで5分"
        assert rows["reject"].operator == "shonin"
        states = dict(session.execute(
            select(Delivery.message_id, Delivery.state).where(Delivery.message_id == ids[1])
        ).all())
        assert states[ids[1]] == "cancelled"


def test_panel_rereads_when_another_console_changes_a_message(
    qtbot: QtBot, make_console
) -> None:
    """Another console's held send reaches this one as an event for an unknown message
    (PostgreSQL NOTIFY → progress); the panel re-reads the queue on it."""
    console = make_console()
    panel = console.controls.approvals
    qtbot.waitUntil(lambda: console.controls.sign_in_dialog is not None)
    other, _sink = build(dataclasses.replace(console.bridge.issei.config))
    try:
        from app.accounts.operators import sign_in

        who = sign_in(other.sessions, "bousai", PASSWORD)
        message_id = other.send(Draft(title="別の端末から", body="本文", media=(Medium.EMAIL,),
                                      urgency=Urgency.EMERGENCY), signed_in=who)
    finally:
        asyncio.run(other.aclose())
        _sink.stop()
    assert not panel.requests
    console.bridge.event_received.emit(
        DeliveryProgress(message_id, "email", MediumCounts(total=2, pending=2)))
    qtbot.waitUntil(lambda: [r.message_id for r in panel.requests] == [message_id], timeout=5000)


def test_audit_viewer_verifies_tamper_and_exports_cp932(
    qtbot: QtBot, make_console: MakeConsole, tmp_path: Path
) -> None:
    console = make_console()
    _sign_in(qtbot, console, "kanri")
    assert console.controls.audit_action.isEnabled()
    viewer = console.controls.open_audit()
    qtbot.waitUntil(lambda: viewer.view is not None, timeout=10000)
    assert viewer.verdict.text().startswith("改ざんなし")
    assert viewer.table.rowCount() == viewer.view.total >= 1

    out = tmp_path / "audit.csv"
    viewer.export(out)
    qtbot.waitUntil(lambda: "書き出しました" in viewer.count_label.text(), timeout=10000)
    with out.open(encoding="cp932", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == audit.AUDIT_CSV_HEADERS
    assert any(r[1] == "kanri" and r[3] == "サインイン" for r in rows[1:])

    with console.bridge.issei.sessions.begin() as session:
        first = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).first()
        assert first is not None
        drop_audit_guards(session)  # the database itself refuses edits (migration 0009)
        session.execute(text("UPDATE audit_log SET operator = 'someone' WHERE id = :id"),
                        {"id": first.id})
    viewer.reload()
    qtbot.waitUntil(lambda: viewer.verdict.text().startswith("改ざん検出"), timeout=10000)
    assert f"#{first.id}" in viewer.verdict.text()
    assert viewer.bad_rows == {first.id}


def test_audit_and_secrets_need_the_right_role(qtbot: QtBot, make_console: MakeConsole) -> None:
    console = make_console()
    _sign_in(qtbot, console, "bousai")
    assert not console.controls.audit_action.isEnabled()
    assert not console.controls.secrets_action.isEnabled()
    _sign_in(qtbot, console, "shonin")
    assert console.controls.audit_action.isEnabled()
    assert not console.controls.secrets_action.isEnabled()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def test_secrets_dialog_stores_replaces_deletes_and_never_shows(
    qtbot: QtBot, make_console: MakeConsole, memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ISSEI_LINE_ACCESS_TOKEN", raising=False)
    console = make_console(accounts=False)
    dialog = console.controls.open_secrets()
    qtbot.waitUntil(lambda: bool(dialog.states), timeout=10000)
    dialog.select("line", "access_token")
    row = dialog.table.selectionModel().selectedRows()[0].row()
    assert dialog.table.item(row, 2).text() == "未設定"
    assert not dialog.forget_button.isEnabled()
    dialog.store()
    assert dialog.message_label.text() == "値を入力してください"
    dialog.value_edit.setText("secret-token-XYZ")
    assert dialog.value_edit.echoMode() == QLineEdit.EchoMode.Password
    dialog.store()
    assert dialog.value_edit.text() == ""
    qtbot.waitUntil(lambda: dialog.table.item(row, 2).text() == "設定済み", timeout=10000)
    assert memory_keyring.values[("issei", "line.access_token")] == "secret-token-XYZ"
    assert dialog.store_button.text() == "置き換え" and dialog.forget_button.isEnabled()
    shown = [w.text() for w in dialog.findChildren(QLabel)] + [
        dialog.table.item(r, c).text() for r in range(dialog.table.rowCount())
        for c in range(3)]
    assert not any("secret-token-XYZ" in s for s in shown)
    dialog.value_edit.setText("second-token")
    dialog.store()
    qtbot.waitUntil(lambda: memory_keyring.values.get(("issei", "line.access_token"))
                    == "second-token", timeout=10000)
    dialog.forget()
    qtbot.waitUntil(lambda: dialog.table.item(row, 2).text() == "未設定", timeout=10000)
    assert ("issei", "line.access_token") not in memory_keyring.values
    monkeypatch.setenv("ISSEI_LINE_ACCESS_TOKEN", "env")
    dialog.reload()
    qtbot.waitUntil(lambda: "環境変数" in dialog.table.item(row, 2).text(), timeout=10000)
    assert isinstance(dialog.table, QTableWidget)


@pytest.fixture
def pg_proxy(pg_url: str) -> Iterator[tuple[TcpProxy, str]]:
    """PostgreSQL behind a proxy the test can cut (torn down after the console closes)."""
    host_port, name = pg_url.rsplit("/", 1)
    user_host, port = host_port.rsplit(":", 1)
    with TcpProxy("127.0.0.1", int(port)) as proxy:
        yield proxy, f"{user_host}:{proxy.port}/{name}"


def test_database_lost_keeps_composing_refuses_send_and_catches_up(
    qtbot: QtBot, pg_proxy: tuple[TcpProxy, str], make_console: MakeConsole, tmp_path: Path
) -> None:
    """PostgreSQL becomes unreachable to this console (a proxy in between is cut; the real
    server keeps running): a plain banner, send disabled with the reason, a send attempt is
    refused without losing the draft; on reconnect the banner goes and the console re-reads."""
    from app.config import load_config
    from widgets.bridge import DatabaseDownError

    proxy, url = pg_proxy
    config_file = tmp_path / "issei.toml"
    config_file.write_text(
        f'[app]\ntraining = true\n[database]\nurl = "{url}"\n',
        encoding="utf-8")
    console = make_console(accounts=False, config_=load_config(config_file, tmp_path / "d"),
                           health_ms=200)
    window, controls = console.window, console.controls
    composer = window.composer
    composer.fill(title="停電のお知らせ", body="北地区で停電しています。", media=(Medium.EMAIL,))
    qtbot.waitUntil(lambda: composer.send_button.isEnabled(), timeout=10000)
    assert not controls.database_banner.isVisible()

    proxy.cut()
    qtbot.waitUntil(lambda: controls.database_banner.isVisible(), timeout=5000)
    assert "データベースに接続できません" in controls.database_banner.label.text()
    assert not composer.send_button.isEnabled()
    assert "データベースに接続できません" in composer.send_button.text()
    # Composing goes on: the text stays and the previews follow typing (local render).
    composer.fill(title="停電のお知らせ（続報）", body="復旧の見込みは未定です。",
                  media=(Medium.EMAIL,))
    assert composer.draft().title == "停電のお知らせ（続報）"
    refused: list[BaseException] = []
    console.bridge.send_async(composer.draft(), lambda _m: None, refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=5000)
    assert isinstance(refused[0], DatabaseDownError)
    assert "文面はそのまま残っています" in str(refused[0])

    reloads: list[int] = []
    window.history.model.modelReset.connect(lambda: reloads.append(1))
    proxy.restore()
    qtbot.waitUntil(lambda: not controls.database_banner.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: composer.send_button.isEnabled(), timeout=10000)
    assert composer.send_button.text() == "一斉配信"
    assert composer.draft().title == "停電のお知らせ（続報）"
    qtbot.waitUntil(lambda: bool(reloads), timeout=10000)  # the history was re-read
    sent: list[str] = []
    console.bridge.send_async(composer.draft(), sent.append, refused.append)
    qtbot.waitUntil(lambda: bool(sent), timeout=10000)
    assert len(refused) == 1


def test_confirm_mode_automatic_sends_wait_in_the_same_queue(
    qtbot: QtBot, make_console
) -> None:
    """A confirm-mode trigger decision appears in the 承認 tab (no rules file needed there),
    with the audience it would reach; a 配信者 confirms it and it is sent."""
    from app.triggers.rules import parse_rules
    from app.triggers.service import Triggers
    from tests.gui.test_triggers_panel import CONFIRM_RULES, QUAKE

    console = make_console()
    issei = console.bridge.issei
    panel = console.controls.approvals
    triggers = Triggers(issei, parse_rules(CONFIRM_RULES))
    assert triggers.process(QUAKE.read_bytes(), str(QUAKE)).decision == "confirm"
    panel.reload()
    qtbot.waitUntil(lambda: len(panel.requests) == 1, timeout=10000)
    request = panel.requests[0]
    assert request.trigger_decision is not None
    assert request.created_by == "自動配信: 震度5弱以上"
    assert "金ケ崎町で震度５弱以上の可能性" in request.title
    assert request.audience["email"] > 0
    panel.select(request.message_id)
    assert not panel.approve_button.isEnabled()  # accounts exist: sign in first
    assert panel.why_label.text() == "確認にはサインインが必要です"
    _sign_in(qtbot, console, "bousai")
    panel.select(request.message_id)
    assert panel.approve_button.isEnabled() and not panel.override_button.isEnabled()
    panel.approve()
    qtbot.waitUntil(lambda: not panel.requests, timeout=10000)
    assert triggers.pending() == []
    with issei.sessions() as session:
        sent = session.scalars(select(Message)).one()
        assert sent.created_by == "bousai（承認）"
        rows = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "trigger_approve")).all()
        assert [r.operator for r in rows] == ["bousai"]


def test_real_console_loses_the_database_engine_stops_quietly_and_resumes(
    qapp: QApplication, pg_proxy: tuple[TcpProxy, str], pg_url: str, tmp_path: Path
) -> None:
    """The real console life (engine on the qasync loop): the database goes away under the
    running engine; no error dialog, the banner; when it is back the engine starts again and
    a send made after the gap is delivered."""
    from sqlalchemy import insert

    from app.config import load_config
    from app.db.models import Recipient
    from app.db.session import make_engine, upgrade
    from tests.gui.helpers import eventually, run_console_script
    from widgets.app import ConsoleRuntime

    proxy, url = pg_proxy
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Recipient), [{"name": f"住民{i}", "email": f"r{i}@example.jp"}
                                         for i in range(5)])
    engine.dispose()
    config_file = tmp_path / "issei.toml"
    config_file.write_text(f'[app]\ntraining = true\n[database]\nurl = "{url}"\n',
                           encoding="utf-8")
    seen: dict[str, object] = {}

    async def script(runtime: ConsoleRuntime, window: MainWindow) -> int:
        controls, bridge = runtime.controls, window.bridge
        assert controls is not None and runtime.reporter is not None
        controls.health.setInterval(200)
        await eventually(lambda: window.last_prepared is not None and bridge.engine_running)
        proxy.cut()
        await eventually(controls.database_banner.isVisible, 10)
        await eventually(lambda: not bridge.engine_running, 15)
        seen["stopped_quietly"] = runtime.reporter.count == 0
        proxy.restore()
        await eventually(lambda: not controls.database_banner.isVisible(), 15)
        await eventually(lambda: bridge.engine_running, 15)
        window.composer.fill(title="断水のお知らせ", body="復旧しました。", media=(Medium.EMAIL,))
        await eventually(lambda: window.composer.send_button.isEnabled(), 15)
        window._send(window.composer.draft())
        await eventually(lambda: window.monitor.message_id is not None and window.monitor.done,
                         30)
        seen["counts"] = window.monitor.progress_model.counts()
        seen["errors"] = runtime.reporter.count
        return 0

    run_console_script(qapp, load_config(config_file, tmp_path / "data"), script)
    assert seen["stopped_quietly"] is True and seen["errors"] == 0
    counts = seen["counts"]
    assert isinstance(counts, dict) and counts["email"].sent == 5
