"""The main window: mode banner, composer (left), previews (right), live monitor (bottom).

It wires panels to the bridge and routes events; decisions stay in the core.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain import Draft
from app.events import DeliveryProgress, Event, MessageFinished, MessageHalted, MessageQueued
from app.service import Prepared, SendRefusedError
from widgets import style
from widgets.banner import ModeBanner
from widgets.bridge import ConsoleBridge
from widgets.composer import ComposerPanel
from widgets.confirm_dialog import ConfirmDialog
from widgets.errors import ErrorReporter
from widgets.monitor import MonitorPanel
from widgets.previews import PreviewsPanel

APP_TITLE = "Issei 一斉配信コンソール"


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(
        self,
        bridge: ConsoleBridge,
        reporter: ErrorReporter,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.reporter = reporter
        self.settings = settings
        reporter.parent_widget = self
        training = bridge.training
        self.last_prepared: Prepared | None = None
        self.confirm_dialog: ConfirmDialog | None = None
        self.question_box: QMessageBox | None = None
        self.sent_titles: dict[str, str] = {}
        self._send_started: dict[str, float] = {}
        self._allow_close = False

        title = self.tr(APP_TITLE)
        self.setWindowTitle(self.tr("【訓練】") + title if training else title + self.tr(" — 本番"))
        self.resize(1360, 880)

        self.banner = ModeBanner(
            training=training,
            drill_note=self.tr("訓練用の受け口に記録します: {path}").format(
                path=bridge.issei.drill_folder
            ),
        )
        self.composer = ComposerPanel(training_forced=training)
        self.previews = PreviewsPanel()
        self.monitor = MonitorPanel()

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(self.composer)
        self.top_splitter.addWidget(self.previews)
        self.top_splitter.setStretchFactor(0, 2)
        self.top_splitter.setStretchFactor(1, 3)
        self.top_splitter.setSizes([520, 820])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(self.monitor)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([640, 220])
        self.main_splitter.setChildrenCollapsible(False)
        self.top_splitter.setChildrenCollapsible(False)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 4, 8, 4)
        body_layout.addWidget(self.main_splitter)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self.engine_label = QLabel()
        self.statusBar().addPermanentWidget(self.engine_label)
        console = QLabel(self.tr("端末: {name}").format(name=bridge.issei.console))
        console.setObjectName("muted")
        self.statusBar().addPermanentWidget(console)
        self._show_engine(False)

        self.composer.draft_changed.connect(self._draft_changed)
        self.composer.send_requested.connect(self.open_confirmation)
        self.monitor.retry_requested.connect(self._retry)
        self.monitor.halt_requested.connect(self._ask_halt)
        bridge.prepared.connect(self._prepared)
        bridge.event_received.connect(self._on_event)
        bridge.engine_state.connect(self._show_engine)
        self._restore_state()
        self.composer.emit_now()

    # -- composing -------------------------------------------------------------------------

    def _draft_changed(self, draft: Draft) -> None:
        self.bridge.request_prepare(draft)

    def _prepared(self, prepared: Prepared) -> None:
        self.last_prepared = prepared
        self.composer.set_prepared(
            prepared, self.bridge.broadcast_media(prepared.draft.training)
        )
        self.previews.set_prepared(prepared, pristine=self.composer.pristine)

    def open_confirmation(self) -> None:
        if self.confirm_dialog is not None and self.confirm_dialog.isVisible():
            self.confirm_dialog.raise_()
            return
        try:
            prepared = self.bridge.prepare_now(self.composer.draft())
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(self.tr("配信内容を確認できませんでした。"), exc)
            return
        self._prepared(prepared)
        if self.confirm_dialog is not None:
            self.confirm_dialog.deleteLater()
        dialog = ConfirmDialog(
            prepared, self, broadcast=self.bridge.broadcast_media(prepared.draft.training)
        )
        dialog.accepted.connect(lambda: self._send(prepared.draft))
        self.confirm_dialog = dialog
        dialog.open()

    def _send(self, draft: Draft) -> None:
        started = time.monotonic()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            message_id = self.bridge.send(draft)
        except SendRefusedError as exc:
            self.reporter.report(
                self.tr("配信できませんでした。次の点を直してください。"), str(exc)
            )
            return
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(
                self.tr("配信の登録中にエラーが起きました。配信状況を確かめてください。"), exc
            )
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.sent_titles[message_id] = draft.title.strip()
        self._send_started[message_id] = started
        self.statusBar().showMessage(
            self.tr("配信を登録しました（配信ID {id}）").format(id=message_id), 15000
        )

    # -- watching --------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, MessageQueued):
            self.monitor.track(
                event.message_id,
                training=event.training,
                counts=event.counts,
                title=self.sent_titles.get(event.message_id, ""),
                started=self._send_started.pop(event.message_id, None),
            )
            return
        if event.message_id != self.monitor.message_id:
            return
        if isinstance(event, DeliveryProgress):
            self.monitor.update_medium(event.medium, event.counts)
            if event.counts.failed or event.errors:
                self._refresh_failures(event.message_id)
        elif isinstance(event, MessageFinished):
            self.monitor.update_all(event.counts)
            if any(c.failed for c in event.counts.values()):
                self._refresh_failures(event.message_id)
        elif isinstance(event, MessageHalted):
            self.monitor.mark_halted()
            self._refresh_counts(event.message_id)

    def _refresh_counts(self, message_id: str) -> None:
        try:
            self.monitor.update_all(self.bridge.counts(message_id))
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(self.tr("配信状況を読めませんでした。"), exc)

    def _refresh_failures(self, message_id: str) -> None:
        try:
            self.monitor.set_failures(self.bridge.failures(message_id))
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(self.tr("失敗した宛先を読めませんでした。"), exc)

    def _retry(self, message_id: str) -> None:
        try:
            n = self.bridge.retry_failed(message_id)
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(self.tr("再送を登録できませんでした。"), exc)
            return
        self.statusBar().showMessage(self.tr("{n} 件を再送に回しました").format(n=n), 15000)
        self._refresh_counts(message_id)
        self._refresh_failures(message_id)

    def _ask_halt(self, message_id: str) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("配信中止"))
        box.setText(self.tr("まだ送っていない配信を取りやめます。送信中のものは止まりません。"))
        stop = box.addButton(self.tr("中止する"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("続ける"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        stop.setAutoDefault(False)

        def clicked(button: QPushButton) -> None:
            if button is stop:
                self.halt(message_id)

        box.buttonClicked.connect(clicked)
        self._show_question(box)

    def halt(self, message_id: str) -> None:
        try:
            n = self.bridge.halt(message_id)
        except Exception as exc:  # noqa: BLE001 - shown to the operator
            self.reporter.report_exception(self.tr("配信を中止できませんでした。"), exc)
            return
        self.statusBar().showMessage(self.tr("未送信の {n} 件を取りやめました").format(n=n), 15000)

    def _show_engine(self, running: bool) -> None:
        if running:
            self.engine_label.setText(self.tr("● 配信エンジン稼働中"))
            self.engine_label.setStyleSheet(f"color: {style.OK_FG};")
        else:
            self.engine_label.setText(self.tr("● 配信エンジン停止"))
            self.engine_label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")

    def _show_question(self, box: QMessageBox) -> None:
        if self.question_box is not None:
            self.question_box.deleteLater()
        self.question_box = box
        box.open()

    # -- closing ---------------------------------------------------------------------------

    def force_close(self) -> None:
        self._allow_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        sending = self.monitor.message_id is not None and not self.monitor.done
        if sending and not self._allow_close:
            event.ignore()
            box = QMessageBox(self)
            box.setIcon(QMessageBox.Icon.Question)
            box.setWindowTitle(self.tr("配信中です"))
            box.setText(
                self.tr("配信中です。閉じると送信が止まり、残りは次に起動したときに再開します。"
                        "閉じますか？")
            )
            close = box.addButton(self.tr("閉じる"), QMessageBox.ButtonRole.DestructiveRole)
            keep = box.addButton(self.tr("配信を続ける"), QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(keep)
            box.setEscapeButton(keep)
            box.buttonClicked.connect(
                lambda button: self.force_close() if button is close else None
            )
            self._show_question(box)
            return
        self._save_state()
        for dialog in list(self.reporter.dialogs):
            dialog.close()
        event.accept()
        self.closed.emit()

    def _restore_state(self) -> None:
        if self.settings is None:
            return
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/main_splitter", self.main_splitter.restoreState),
            ("window/top_splitter", self.top_splitter.restoreState),
        ):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)

    def _save_state(self) -> None:
        if self.settings is None:
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/main_splitter", self.main_splitter.saveState())
        self.settings.setValue("window/top_splitter", self.top_splitter.saveState())
