"""The 承認 tab: sends waiting for a second operator, live on every console, and the
automatic sends of ``mode = "confirm"`` trigger rules waiting for an operator (the same rows
as the 自動配信 tab's queue; decided here or there).

A held send appears here on every console within a second (on PostgreSQL the outbox's
``NOTIFY`` reaches every console's engine, which publishes progress for the message; on SQLite
the one console publishes it itself). Each row says what the message says, which media and
how many recipients, who asked from which department and console. 承認 and 却下 (a reason is
required) are for a 承認者 or 管理者 other than the sender; 緊急時の承認省略 names the
operator, asks for a reason and is audited. The core decides all of it; this panel asks the
bridge and shows answers. The sender's console is told the decision.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.accounts.approval import Decision, PendingRequest
from app.accounts.operators import SignedIn
from app.audit import JST
from app.domain import Medium
from app.events import DeliveryProgress, Event, MessageFinished, MessageHalted, MessageQueued
from widgets import style
from widgets.bridge import ConsoleBridge
from widgets.labels import audience_text, medium_label, urgency_label

log = logging.getLogger("issei.console")

STATES = {
    "approved": QT_TRANSLATE_NOOP("ApprovalsPanel", "承認されました"),
    "rejected": QT_TRANSLATE_NOOP("ApprovalsPanel", "却下されました"),
    "overridden": QT_TRANSLATE_NOOP("ApprovalsPanel", "承認を省略して配信されました"),
}
TIME, TITLE, URGENCY, MEDIA, REQUESTER, MODE = range(6)


def _media_text(request: PendingRequest, broadcast: frozenset[Medium]) -> str:
    parts = []
    for code in request.media:
        try:
            is_broadcast = Medium(code) in broadcast
        except ValueError:
            is_broadcast = False
        count = request.audience.get(code, 0)
        parts.append(f"{medium_label(code)} {audience_text(count, broadcast=is_broadcast)}")
    return "、".join(parts)


def _local_time(iso: str) -> str:
    """The request's time on the disaster room's clock (JST), e.g. 18:02:11."""
    try:
        at = dt.datetime.fromisoformat(iso)
    except ValueError:
        return ""
    if at.tzinfo is None:  # SQLite keeps naive UTC
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(JST).strftime("%H:%M:%S")


class ApprovalsPanel(QWidget):
    count_changed = Signal(int)
    notice = Signal(str)  # a decision on one of this console's own requests

    def __init__(self, bridge: ConsoleBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.requests: list[PendingRequest] = []
        self.mine: dict[str, str] = {}  # message id -> title, held sends of this console
        self._seen: set[str] = set()
        self._last_ids: list[str] | None = None
        self._loading = False
        self._again = False
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(30)  # coalesce a burst of events into one read
        self._refresh_timer.timeout.connect(self.reload)
        self._mine_timer = QTimer(self)
        self._mine_timer.setSingleShot(True)
        self._mine_timer.setInterval(30)
        self._mine_timer.timeout.connect(self._check_mine)
        # Confirm-mode automatic sends are queued by the trigger watcher without a NOTIFY:
        # the queue is re-read on this interval too (started by the window's controls).
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(3000)
        self.poll_timer.timeout.connect(self.reload)

        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.decision_label = QLabel()
        self.decision_label.setWordWrap(True)
        self.decision_label.setVisible(False)
        layout.addWidget(self.decision_label)

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([
            self.tr("受付"), self.tr("件名"), self.tr("緊急度"), self.tr("媒体・宛先数"),
            self.tr("依頼者（部署・端末）"), self.tr("区分")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (TIME, URGENCY, MEDIA, REQUESTER, MODE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selected)

        self.body_view = QPlainTextEdit()
        self.body_view.setReadOnly(True)
        self.body_view.setPlaceholderText(self.tr("承認待ちの配信を選ぶと本文を表示します"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.body_view)
        splitter.setSizes([300, 200])
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("理由（却下・緊急時の承認省略には必須。監査ログに残ります）"))
        row.addWidget(self.reason_edit, 1)
        self.approve_button = QPushButton(self.tr("承認して配信"))
        self.reject_button = QPushButton(self.tr("却下"))
        self.override_button = QPushButton(self.tr("緊急時の承認省略…"))
        self.override_button.setStyleSheet(
            f"QPushButton:enabled {{ color: {style.PRODUCTION_RED}; }}")
        for button in (self.approve_button, self.reject_button, self.override_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.why_label = QLabel()
        self.why_label.setObjectName("muted")
        self.why_label.setWordWrap(True)
        layout.addWidget(self.why_label)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        self.override_button.clicked.connect(self.override)
        bridge.signed_in_changed.connect(lambda _who: self._update_buttons())
        self._show_header()
        self._update_buttons()

    # -- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        self.bridge.pending_approvals_async(self._loaded, owner=self, on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        log.warning("approval queue not read: %s", exc)
        self.header.setText(self.tr("承認待ちを読めませんでした（{error}）").format(error=exc))

    def _loaded(self, requests: list[PendingRequest]) -> None:
        self._loading = False
        if self._again:
            self._again = False
            self.reload()
        selected = self.selected()
        self.requests = requests
        self._seen.update(r.message_id for r in requests)
        self.table.setRowCount(len(requests))
        for row, request in enumerate(requests):
            requester = request.created_by
            if request.department:
                requester += f"（{request.department}）"
            if request.console:
                requester += f" @ {request.console}"
            values = {
                TIME: _local_time(request.created_at),
                TITLE: request.title, URGENCY: urgency_label(request.urgency),
                MEDIA: _media_text(request, self.bridge.broadcast_media(request.training)),
                REQUESTER: requester,
                MODE: self.tr("訓練") if request.training else self.tr("本番"),
            }
            for column, value in values.items():
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, request.message_id)
                self.table.setItem(row, column, item)
        if selected is not None:
            for row, request in enumerate(requests):
                if request.message_id == selected.message_id:
                    self.table.selectRow(row)
        if self.selected() is None:
            self.body_view.clear()
        self._show_header()
        self._update_buttons()
        ids = [r.message_id for r in requests]
        if ids != self._last_ids:  # the 3 s poll logs nothing when nothing changed
            self._last_ids = ids
            self.count_changed.emit(len(requests))
            log.info("approvals pending=%d", len(requests),
                     extra={"event": "approvals_loaded"})

    def _show_header(self) -> None:
        n = len(self.requests)
        if n:
            self.header.setText(self.tr("承認待ちの配信が {n} 件あります").format(n=n))
            self.header.setStyleSheet(style.chip_style(style.WARN_FG, style.WARN_BG))
        else:
            self.header.setText(self.tr("承認待ちの配信はありません"))
            self.header.setStyleSheet("")

    def apply_event(self, event: Event) -> None:
        """Re-read when a message we have not seen appears (it may be held) or one in the
        queue changes (another console decided it)."""
        if not isinstance(event, MessageQueued | DeliveryProgress | MessageFinished
                          | MessageHalted):
            return
        message_id = event.message_id
        pending = any(r.message_id == message_id for r in self.requests)
        if pending or message_id not in self._seen:
            self._seen.add(message_id)
            self._refresh_timer.start()
        if message_id in self.mine:
            self._mine_timer.start()

    # -- the sender's side: decisions on this console's own requests -------------------------

    def watch(self, message_id: str, title: str) -> None:
        """A send from this console: if it waits for approval, tell the sender the decision."""
        self.mine[message_id] = title
        self._seen.add(message_id)
        self._check_mine()
        self._refresh_timer.start()

    def _check_mine(self) -> None:
        if self.mine:
            self.bridge.decisions_async(list(self.mine), self._decided, owner=self,
                                        on_error=lambda exc: log.warning("%s", exc))

    def _decided(self, decisions: list[Decision]) -> None:
        for decision in decisions:
            if decision.state == "pending" or decision.message_id not in self.mine:
                continue
            del self.mine[decision.message_id]
            if decision.state not in STATES:  # never held (the sender alone could send)
                continue
            text = self.tr("「{title}」は{state}（{by}）").format(
                title=decision.title, state=self.tr(STATES[decision.state]), by=decision.by)
            if decision.note:
                text += self.tr(" 理由: {note}").format(note=decision.note)
            ok = decision.state != "rejected"
            self.decision_label.setText(text)
            self.decision_label.setStyleSheet(style.chip_style(
                style.OK_FG if ok else style.ERROR_FG, style.OK_BG if ok else style.ERROR_BG))
            self.decision_label.setVisible(True)
            log.info("approval decided id=%s state=%s by=%s", decision.message_id,
                     decision.state, decision.by, extra={"event": "approval_decided"})
            self.notice.emit(text)

    # -- deciding --------------------------------------------------------------------------

    def selected(self) -> PendingRequest | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        message_id = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        return next((r for r in self.requests if r.message_id == message_id), None)

    def select(self, message_id: str) -> bool:
        for row, request in enumerate(self.requests):
            if request.message_id == message_id:
                self.table.selectRow(row)
                return True
        return False

    def _selected(self) -> None:
        request = self.selected()
        self.body_view.setPlainText("" if request is None else
                                    f"{request.title}\n\n{request.body}")
        self._update_buttons()

    def _update_buttons(self) -> None:
        who: SignedIn | None = self.bridge.signed_in
        request = self.selected()
        why = ""
        may_approve = False
        if request is not None and request.trigger_decision is not None:
            # A confirm-mode automatic send: any operator who may send confirms it (as in
            # the 自動配信 tab); without accounts, anyone at the console.
            enabled = self.bridge.accounts_enabled
            may_confirm = not enabled or (who is not None and who.role.may_send)
            self.approve_button.setEnabled(may_confirm)
            self.reject_button.setEnabled(may_confirm)
            self.override_button.setEnabled(False)
            self.why_label.setText(
                self.tr("自動配信の確認待ち（規則: {rule}）: {reason}").format(
                    rule=request.created_by.removeprefix("自動配信: "), reason=request.reason)
                if may_confirm else self.tr("確認にはサインインが必要です"))
            return
        if who is None:
            why = self.tr("承認・却下にはサインインが必要です")
        elif not who.role.may_approve:
            why = self.tr("{role}は承認できません（承認者・管理者のみ）").format(
                role=who.role.label)
        elif request is not None and request.created_by == who.login:
            why = self.tr("自分の配信は承認できません。別の承認者が承認してください")
        else:
            may_approve = True
        self.approve_button.setEnabled(request is not None and may_approve)
        self.reject_button.setEnabled(request is not None and may_approve)
        self.override_button.setEnabled(
            request is not None and who is not None and who.role.may_send)
        self.why_label.setText(why)

    def _act(self, run: Callable[[str, Callable[[int], None],
                                  Callable[[BaseException], None]], None],
             done_text: str) -> None:
        request = self.selected()
        if request is None:
            return
        for button in (self.approve_button, self.reject_button, self.override_button):
            button.setEnabled(False)

        def done(_n: int) -> None:
            self.reason_edit.clear()
            self.why_label.setText(done_text)
            self.reload()
            self._check_mine()

        def failed(exc: BaseException) -> None:
            self._update_buttons()
            self.why_label.setText(str(exc))
            self.why_label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")
            self.reload()

        self.why_label.setStyleSheet("")
        run(request.message_id, done, failed)

    def approve(self) -> None:
        request = self.selected()
        if request is not None and request.trigger_decision is not None:
            decision = request.trigger_decision
            self._act(lambda _m, d, f: self.bridge.approve_trigger_async(
                decision, lambda _mid: d(1), f, owner=self),
                self.tr("確認しました。自動配信を送ります"))
            return
        self._act(self.bridge.approve_async, self.tr("承認しました。配信を始めます"))

    def _reason(self, what: str) -> str | None:
        reason = self.reason_edit.text().strip()
        if not reason:
            self.why_label.setText(self.tr("{what}には理由を入力してください").format(what=what))
            self.why_label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")
            self.reason_edit.setFocus()
            return None
        return reason

    def reject(self) -> None:
        reason = self._reason(self.tr("却下"))
        request = self.selected()
        if reason is not None and request is not None and request.trigger_decision is not None:
            decision = request.trigger_decision
            self._act(lambda _m, d, f: self.bridge.reject_trigger_async(
                decision, reason, lambda _r: d(0), f, owner=self),
                self.tr("自動配信を見送りました。送られません"))
            return
        if reason is not None:
            self._act(lambda m, d, f: self.bridge.reject_async(m, reason, d, f),
                      self.tr("却下しました。この配信は送られません"))

    def override(self) -> None:
        reason = self._reason(self.tr("緊急時の承認省略"))
        if reason is not None:
            self._act(lambda m, d, f: self.bridge.override_async(m, reason, d, f),
                      self.tr("承認を省略して配信を始めます（監査ログに記録しました）"))
