"""The main window: mode banner; the 配信 tab (composer left, previews right, live monitor
below) and the 履歴・台帳 tab; dialogs for templates, translation and delivery details.

It wires panels to the bridge and routes events; decisions stay in the core. Every database
or network call goes through the bridge to a worker thread; the window only reacts to answers.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenuBar,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain import Draft, Medium, Urgency
from app.events import (
    DeliveryProgress,
    Event,
    MediumCounts,
    MessageFinished,
    MessageHalted,
    MessageQueued,
    SharedChannel,
)
from app.ledger import MessageSummary
from app.service import Prepared, SendRefusedError
from app.template_store import Library
from app.voice.alarm import JAlertAlarm, JAlertEvent
from app.voice.recordings import store_file as store_recording
from app.voice.session import ConsoleVoice
from app.voice.session import acknowledge as acknowledge_alarm
from widgets import style
from widgets.alarm_banner import AlarmBanner, SimulatorBadge
from widgets.banner import ModeBanner
from widgets.bridge import ConsoleBridge, FilledTemplate
from widgets.composer import ComposerPanel
from widgets.confirm_dialog import ConfirmDialog
from widgets.correction_dialog import CorrectionDialog
from widgets.deliveries import DeliveriesDialog
from widgets.errors import ErrorReporter
from widgets.history import HistoryPanel
from widgets.monitor import MonitorPanel
from widgets.previews import PreviewsPanel
from widgets.template_dialogs import TemplateEditorDialog, TemplateFillDialog
from widgets.translation_dialog import TranslationDialog
from widgets.triggers_panel import TriggersPanel
from widgets.voice_panel import VoicePanel

APP_TITLE = QT_TRANSLATE_NOOP("MainWindow", "Issei 一斉配信コンソール")
LANGUAGE_SETTING = "ui/language"
COMPOSE_TAB, HISTORY_TAB, TRIGGERS_TAB = 0, 1, 2

log = logging.getLogger("issei.console")


def _counts_json(counts: dict[str, MediumCounts]) -> str:
    return json.dumps({m: c.as_dict() for m, c in counts.items()}, ensure_ascii=False)


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
        self.template_dialog: TemplateFillDialog | None = None
        self.template_editor: TemplateEditorDialog | None = None
        self.translation_dialog: TranslationDialog | None = None
        self.deliveries_dialogs: list[DeliveriesDialog] = []
        self.correction_dialog: CorrectionDialog | None = None
        self.sent_titles: dict[str, str] = {}
        self._send_started: dict[str, float] = {}
        self._pending_send: tuple[str, float] | None = None  # title, start: queued, not back
        self._confirming = False
        self._sending = False
        self._allow_close = False
        self.library = Library()

        title = self.tr(APP_TITLE)
        self.setWindowTitle(self.tr("【訓練】") + title if training else title + self.tr(" — 本番"))
        self.resize(1360, 900)

        self.banner = ModeBanner(
            training=training,
            drill_note=self.tr("訓練用の受け口に記録します: {path}").format(
                path=bridge.issei.drill_folder
            ),
        )
        # J-Alert: a red strip above everything; voice (recording, reading) for radio/phone.
        self.alarm_banner = AlarmBanner()
        self.alarm_banner.acknowledge_requested.connect(self.acknowledge_alarm)
        self.voice_panel: VoicePanel | None = None
        self.voice: ConsoleVoice | None = None
        self.voice_problem = ""
        try:
            self.voice = ConsoleVoice.from_config(bridge.issei.config)
        except ValueError as exc:  # ConfigError: [voice]/[radio]/[jalert] written wrongly
            self.voice_problem = str(exc)
        self.simulator_badge = SimulatorBadge()
        media = bridge.composable_media()
        self.composer = ComposerPanel(training_forced=training, media=media)
        self.previews = PreviewsPanel(media)
        self.monitor = MonitorPanel()
        self.history = HistoryPanel(bridge, bridge.renditions_async, bridge.failures_async)
        self.triggers = TriggersPanel(bridge, settings)

        self.top_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.top_splitter.addWidget(self.composer)
        self.top_splitter.addWidget(self.previews)
        self.top_splitter.setStretchFactor(0, 2)
        self.top_splitter.setStretchFactor(1, 3)
        self.top_splitter.setSizes([540, 800])
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.addWidget(self.top_splitter)
        self.main_splitter.addWidget(self.monitor)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([640, 200])
        self.main_splitter.setChildrenCollapsible(False)
        self.top_splitter.setChildrenCollapsible(False)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.main_splitter, self.tr("配信（Ctrl+1）"))
        self.tabs.addTab(self.history, self.tr("履歴・台帳（Ctrl+2）"))
        self.tabs.addTab(self.triggers, self.tr("自動配信（Ctrl+3）"))

        # The mode banner sits above everything, the menu bar included: 訓練 or 本番 is the
        # first thing on the screen whatever else is open.
        self.menu_bar = QMenuBar()
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.alarm_banner)
        top_layout.addWidget(self.banner)
        top_layout.addWidget(self.menu_bar)
        self.setMenuWidget(top)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 4, 8, 4)
        body_layout.addWidget(self.tabs)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self.engine_label = QLabel()
        self.statusBar().addPermanentWidget(self.engine_label)
        self.shared_label = QLabel()
        self.shared_label.setVisible(False)
        self.statusBar().addPermanentWidget(self.shared_label)
        console = QLabel(self.tr("端末: {name}").format(name=bridge.issei.console))
        console.setObjectName("muted")
        self.statusBar().addPermanentWidget(console)
        self._show_engine(False)
        self._build_menus()
        self.menu_bar.setCornerWidget(self.simulator_badge, Qt.Corner.TopRightCorner)
        self._start_voice()

        self.composer.draft_changed.connect(self._draft_changed)
        self.composer.text_edited.connect(self._text_edited)
        self.composer.send_requested.connect(self.open_confirmation)
        self.composer.template_chosen.connect(self.open_template)
        self.composer.edit_templates_requested.connect(self.open_template_editor)
        self.composer.translate_requested.connect(self.open_translation)
        self.composer.voice_requested.connect(self.open_voice_panel)
        self.monitor.retry_requested.connect(self._retry)
        self.monitor.halt_requested.connect(self._ask_halt)
        self.monitor.deliveries_requested.connect(self._monitor_deliveries)
        self.history.retry_requested.connect(self._retry)
        self.history.deliveries_requested.connect(self.open_deliveries)
        self.history.reuse_requested.connect(self.reuse_message)
        self.history.follow_up_requested.connect(self.open_follow_up)
        bridge.prepared.connect(self._prepared)
        bridge.event_received.connect(self._on_event)
        bridge.engine_state.connect(self._show_engine)
        self._restore_state()
        self.reload_templates()
        self.history.model.reload()
        self.composer.emit_now()

    def _build_menus(self) -> None:
        bar = self.menu_bar
        templates = bar.addMenu(self.tr("定型文(&T)"))
        use = templates.addAction(self.tr("定型文を使う…"))
        use.setShortcut(QKeySequence("Ctrl+T"))
        use.triggered.connect(self._use_template)
        edit = templates.addAction(self.tr("定型文の編集…"))
        edit.triggered.connect(self.open_template_editor)

        translation = bar.addMenu(self.tr("翻訳(&L)"))
        review = translation.addAction(self.tr("翻訳の確認…"))
        review.setShortcut(QKeySequence("Ctrl+Shift+L"))
        review.triggered.connect(self.open_translation)

        view = bar.addMenu(self.tr("表示(&V)"))
        for text, keys, tab in ((self.tr("配信"), ("Ctrl+1",), COMPOSE_TAB),
                                (self.tr("履歴・台帳"), ("Ctrl+2", "Ctrl+H"), HISTORY_TAB),
                                (self.tr("自動配信"), ("Ctrl+3",), TRIGGERS_TAB)):
            action = view.addAction(text)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(lambda _c=False, t=tab: self.tabs.setCurrentIndex(t))
        refresh = view.addAction(self.tr("履歴を読み直す"))
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(self.history.model.reload)
        details = view.addAction(self.tr("配信明細…"))
        details.setShortcut(QKeySequence("Ctrl+D"))
        details.triggered.connect(
            lambda: self._monitor_deliveries(self.monitor.message_id)
            if self.monitor.message_id else None)

        voice = bar.addMenu(self.tr("音声(&A)"))
        voice_panel = voice.addAction(self.tr("録音・読み上げの確認…"))
        voice_panel.triggered.connect(self.open_voice_panel)
        self.jalert_drill_action = voice.addAction(self.tr("Jアラート受信の試験（シミュレータ）"))
        self.jalert_drill_action.triggered.connect(self.simulate_jalert)

        language = bar.addMenu(self.tr("言語 / Language"))
        group = QActionGroup(self)
        current = str(self.settings.value(LANGUAGE_SETTING, "ja")) if self.settings else "ja"
        self.language_actions: dict[str, QAction] = {}
        for code, name in (("ja", "日本語"), ("en", "English")):
            action = language.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == current)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, c=code: self._choose_language(c))
            self.language_actions[code] = action

    # -- composing -------------------------------------------------------------------------

    def _draft_changed(self, draft: Draft) -> None:
        self.bridge.request_prepare(draft)

    def _text_edited(self, draft: Draft) -> None:
        """Every keystroke: render now (pure, microseconds) and show it; counts come later."""
        try:
            renditions = self.bridge.render(draft)
        except Exception as exc:  # noqa: BLE001 - a renderer bug must not stop typing
            self.reporter.report_exception(self.tr("文面を組み立てられませんでした。"), exc)
            return
        self.previews.set_languages(draft.languages)
        self.previews.show_renditions(renditions, self.bridge.extra_findings_for(draft),
                                      pristine=self.composer.pristine)
        self.composer.show_translation_state(renditions)

    def _current(self, prepared: Prepared) -> bool:
        draft = self.composer.draft()
        # training and the sender's name are the core's to decide, not the composer's
        return replace(draft, training=prepared.draft.training,
                       sender_name=prepared.draft.sender_name) == prepared.draft

    def _prepared(self, prepared: Prepared) -> None:
        self.last_prepared = prepared
        self.composer.set_prepared(
            prepared, self.bridge.broadcast_media(prepared.draft.training)
        )
        if self._current(prepared):  # typing went on meanwhile: keep the newer previews
            self.previews.set_prepared(prepared, pristine=self.composer.pristine)
        if self._confirming or self._sending:
            self.composer.set_busy(self.composer.send_button.text())

    def open_confirmation(self) -> None:
        if self.confirm_dialog is not None and self.confirm_dialog.isVisible():
            self.confirm_dialog.raise_()
            return
        if self._confirming or self._sending:
            return
        self._confirming = True
        self.composer.set_busy(self.tr("確認しています…"))
        self.bridge.prepare_async(self.composer.draft(), self._show_confirmation,
                                  self._confirmation_failed)

    def _confirmation_failed(self, exc: BaseException) -> None:
        self._confirming = False
        self.composer.set_busy(None)
        self.reporter.report_exception(self.tr("配信内容を確認できませんでした。"), exc)

    def _show_confirmation(self, prepared: Prepared) -> None:
        self._confirming = False
        self.composer.set_busy(None)
        self._prepared(prepared)
        if self.confirm_dialog is not None:
            self.confirm_dialog.deleteLater()
        dialog = ConfirmDialog(
            prepared, self, broadcast=self.bridge.broadcast_media(prepared.draft.training)
        )
        dialog.accepted.connect(lambda: self._send(prepared.draft))
        # Focus goes back to the composer (some platforms leave no window active after a
        # modal dialog, and Ctrl+Enter would then do nothing).
        dialog.finished.connect(lambda _r: self.activateWindow())
        self.confirm_dialog = dialog
        dialog.open()

    def _send(self, draft: Draft) -> None:
        self._sending = True
        self._pending_send = (draft.title.strip(), time.monotonic())
        self.composer.set_busy(self.tr("配信を登録しています…"))
        self.bridge.send_async(draft, self._sent, self._send_failed)

    def _sent(self, message_id: str) -> None:
        self._sending = False
        self.composer.set_busy(None)
        if self._pending_send is not None:
            title, started = self._pending_send
            self.sent_titles[message_id] = title
            if self.monitor.message_id != message_id:  # the queued event is still on its way
                self._send_started[message_id] = started
        self._pending_send = None
        self.statusBar().showMessage(
            self.tr("配信を登録しました（配信ID {id}）").format(id=message_id), 15000
        )

    def _send_failed(self, exc: BaseException) -> None:
        self._sending = False
        self._pending_send = None
        self.composer.set_busy(None)
        if isinstance(exc, SendRefusedError):
            self.reporter.report(
                self.tr("配信できませんでした。次の点を直してください。"), str(exc)
            )
        else:
            self.reporter.report_exception(
                self.tr("配信の登録中にエラーが起きました。配信状況を確かめてください。"), exc
            )

    # -- templates and translation ---------------------------------------------------------

    def reload_templates(self) -> None:
        try:
            self.library = self.bridge.load_templates()
        except OSError as exc:
            self.reporter.report_exception(self.tr("定型文を読めませんでした。"), exc)
            return
        self.composer.set_templates(self.library)
        if self.library.problems:
            self.statusBar().showMessage(
                self.tr("読めない定型文があります: ") + "／".join(self.library.problems), 30000)

    def _use_template(self) -> None:
        self.tabs.setCurrentIndex(COMPOSE_TAB)
        self.composer.open_template_picker()

    def open_template(self, name: str) -> None:
        template = self.library.templates.get(name)
        if template is None:
            return
        dialog = TemplateFillDialog(template, self.bridge.fill_template, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_template(dialog.filled))
        self.template_dialog = dialog
        dialog.open()

    def apply_template(self, filled: FilledTemplate | None) -> None:
        if filled is None:
            return
        composer = self.composer
        languages = [*composer.selected_languages(),
                     *(c for c in filled.translations if c not in composer.selected_languages())]
        composer.fill(
            title=filled.title, body=filled.body, category=filled.category,
            urgency=filled.urgency, areas=composer.area_edit.text(),
            media=composer.selected_media(), languages=languages,
            translations={**composer.translations, **filled.translations},
        )
        composer.template_name = filled.name
        self.statusBar().showMessage(
            self.tr("定型文「{name}」を差し込みました").format(name=filled.name), 10000)
        composer.title_edit.setFocus()

    def open_template_editor(self) -> None:
        if self.template_editor is not None and self.template_editor.isVisible():
            self.template_editor.raise_()
            return
        dialog = TemplateEditorDialog(self.bridge.load_templates, self.bridge.save_template,
                                      self.bridge.delete_template, self)
        dialog.library_changed.connect(self.reload_templates)
        self.template_editor = dialog
        dialog.open()

    def open_translation(self) -> None:
        languages = self.composer.selected_languages()
        if not languages:
            self.statusBar().showMessage(
                self.tr("先に「言語」で訳す言語を選んでください"), 10000)
            self.composer.languages_button.showMenu()
            return
        draft = self.composer.draft()
        dialog = TranslationDialog(
            title=draft.title, body=draft.body, languages=languages,
            translations=self.composer.translations, operator=self.bridge.operator,
            suggest=self.bridge.suggest_translations, remember=self.bridge.remember_translation,
            load_settings=self.bridge.translation_settings,
            save_settings=self.bridge.save_translation_settings, parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.composer.set_translations(
            {**self.composer.translations, **dialog.result_translations()}))
        self.translation_dialog = dialog
        dialog.open()

    # -- voice and J-Alert -----------------------------------------------------------------

    def _start_voice(self) -> None:
        """The J-Alert watch (contact / mail inputs) and the simulator badge."""
        if self.voice is None:
            self.jalert_drill_action.setEnabled(False)
            self.simulator_badge.set_devices([])
            self.statusBar().showMessage(
                self.tr("音声・防災無線の設定に誤りがあります: {error}").format(
                    error=self.voice_problem), 60000)
            return
        simulated = self.voice.simulated()
        self.simulator_badge.set_devices(simulated)
        self.jalert_drill_action.setEnabled("Jアラート" in simulated)
        issei = self.bridge.issei
        watch = self.voice.start_watch(issei.events, issei.sessions, issei.console)
        # The one-click send's radio (real and drill): a J-Alert stops it and holds it.
        for driver_set in (issei.drivers, issei.training_drivers):
            station = getattr(driver_set.drivers.get(Medium.RADIO), "station", None)
            if station is not None and hasattr(station, "preempt"):
                watch.gate.register(station)
        for error in watch.errors:
            self.reporter.report(self.tr("Jアラートの受信を開始できませんでした。"), error)

    def open_voice_panel(self) -> VoicePanel | None:
        if self.voice is None:
            self.reporter.report(self.tr("音声の設定に誤りがあります。"), self.voice_problem)
            return None
        if self.voice_panel is not None and _alive(self.voice_panel) \
                and self.voice_panel.isVisible():
            self.voice_panel.raise_()
            return self.voice_panel
        watch = self.voice.watch
        panel = VoicePanel(self.voice, self.bridge.call,
                           text=self.composer.body_edit.toPlainText(),
                           source=self.composer.voice_source(),
                           gate=watch.gate if watch is not None else None, parent=self)
        panel.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        panel.recording_chosen.connect(self.use_recording)
        self.voice_panel = panel
        panel.open()
        return panel

    def use_recording(self, path: Path) -> None:
        """The take goes into the database's recording store (a worker on another PC plays
        it from there); the draft then carries its digest."""
        issei = self.bridge.issei
        operator = self.bridge.operator

        def done(digest: str) -> None:
            self.composer.set_recording(path, digest)
            self.statusBar().showMessage(
                self.tr("録音を配信に使います: {name}").format(name=path.name), 15000)

        def failed(exc: BaseException) -> None:
            self.reporter.report(self.tr("録音を配信に使えませんでした。"), str(exc))

        self.bridge.call(lambda: store_recording(issei.sessions, path, operator=operator),
                         on_done=done, on_error=failed, pool="write")

    def simulate_jalert(self) -> None:
        """Training: the J-Alert simulator raises the alarm the way the receiver would."""
        watch = self.voice.watch if self.voice is not None else None
        if watch is None:
            return
        watch.submit(JAlertEvent("simulator", self.tr("Jアラート（シミュレータ）"),
                                 self.tr("シミュレータによる受信です。実際の警報ではありません。")))

    def show_alarm(self, alarm: JAlertAlarm) -> None:
        log.warning("J-Alert alarm shown title=%s preempted=%s", alarm.event.title,
                    alarm.preempted, extra={"event": "jalert_alarm"})
        self.alarm_banner.show_alarm(alarm)
        if self.voice_panel is not None and _alive(self.voice_panel):
            self.voice_panel.show_preemption()
        if QApplication.platformName() != "offscreen":  # no stacking offscreen (tests)
            self.raise_()
        self.activateWindow()
        QApplication.alert(self)  # the taskbar flashes when the window is minimised

    def acknowledge_alarm(self, event: JAlertEvent) -> None:
        issei = self.bridge.issei

        def done(_result: object) -> None:
            watch = self.voice.watch if self.voice is not None else None
            if watch is not None:
                watch.gate.release()
            self.alarm_banner.acknowledged()
            if self.voice_panel is not None and _alive(self.voice_panel):
                self.voice_panel.show_preemption()
            self.statusBar().showMessage(
                self.tr("Jアラートの警報を確認しました（記録済み）"), 15000)

        def failed(exc: BaseException) -> None:
            self.alarm_banner.acknowledge_failed()
            self.reporter.report_exception(self.tr("警報の確認を記録できませんでした。"), exc)

        operator = self.bridge.operator
        self.bridge.call(lambda: acknowledge_alarm(issei.sessions, event, operator=operator,
                                                   console=issei.console),
                         on_done=done, on_error=failed, pool="write")

    # -- history ---------------------------------------------------------------------------

    def reuse_message(self, summary: MessageSummary) -> None:
        """A past message's Japanese text as a new draft (translations are reviewed anew)."""
        self.composer.fill(
            title=summary.title, body=summary.body, category=summary.category,
            urgency=Urgency(summary.urgency), areas="、".join(summary.areas),
            media=tuple(m for m in self.composer.composable if m.value in summary.media),
            languages=[c for c in summary.languages if c != "ja"],
        )
        self.tabs.setCurrentIndex(COMPOSE_TAB)
        self.composer.title_edit.setFocus()

    def open_follow_up(self, summary: MessageSummary, kind: str) -> CorrectionDialog:
        """訂正・取消 of a past message: the dialog shows before/after; once sent, the
        monitor (配信 tab) follows the new message like any send."""
        if self.correction_dialog is not None:
            self.correction_dialog.deleteLater()
        dialog = CorrectionDialog(self.bridge, summary, kind, self)

        def sent(message_id: str, title: str) -> None:
            self.sent_titles[message_id] = title
            if self.monitor.message_id == message_id:  # the queued event came first
                self.monitor.title_label.setText(
                    (self.tr("【訓練】") if summary.training else self.tr("【本番】")) + title)
            self.tabs.setCurrentIndex(COMPOSE_TAB)
            self.statusBar().showMessage(
                self.tr("訂正・取消を登録しました（配信ID {id}）").format(id=message_id), 15000)

        dialog.sent.connect(sent)
        dialog.finished.connect(lambda _r: self.activateWindow())
        self.correction_dialog = dialog
        dialog.open()
        return dialog

    def _monitor_deliveries(self, message_id: str | None) -> None:
        if message_id is None:
            return
        counts = self.monitor.progress_model.counts()
        self.open_deliveries(message_id, self.sent_titles.get(message_id, ""), list(counts))

    def open_deliveries(self, message_id: str, title: str, media: object) -> DeliveriesDialog:
        for open_dialog in self.deliveries_dialogs:
            if open_dialog.message_id == message_id:
                open_dialog.raise_()
                return open_dialog
        dialog = DeliveriesDialog(self.bridge, message_id, title=title,
                                  media=list(media) if isinstance(media, list | tuple) else [],
                                  parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r, d=dialog: self._forget_deliveries(d))
        self.deliveries_dialogs.append(dialog)
        dialog.show()
        return dialog

    def _forget_deliveries(self, dialog: DeliveriesDialog) -> None:
        if dialog in self.deliveries_dialogs:
            self.deliveries_dialogs.remove(dialog)

    # -- watching --------------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if isinstance(event, JAlertAlarm):
            self.show_alarm(event)
            return
        if isinstance(event, SharedChannel):
            self.shared_label.setVisible(True)
            if event.up:
                self.shared_label.setText(self.tr("● 他の端末と連携中"))
                self.shared_label.setStyleSheet(f"color: {style.OK_FG};")
            else:
                self.shared_label.setText(self.tr("● 他の端末との連携が切れています"))
                self.shared_label.setStyleSheet(f"color: {style.ERROR_FG}; font-weight: bold;")
            return
        self.history.apply_event(event)
        for dialog in self.deliveries_dialogs:
            dialog.on_event(event)
        if isinstance(event, MessageQueued):
            log.info("message queued id=%s training=%s counts=%s", event.message_id,
                     event.training, _counts_json(event.counts),
                     extra={"event": "message_queued"})
            title = self.sent_titles.get(event.message_id, "")
            started = self._send_started.pop(event.message_id, None)
            if not title and self._pending_send is not None:
                title, started = self._pending_send
            self.monitor.track(
                event.message_id,
                training=event.training,
                counts=event.counts,
                title=title,
                started=started,
            )
            return
        if isinstance(event, MessageFinished):
            log.info("message finished id=%s counts=%s", event.message_id,
                     _counts_json(event.counts), extra={"event": "message_finished"})
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
        def show(counts: dict[str, MediumCounts]) -> None:
            if self.monitor.message_id == message_id:
                self.monitor.update_all(counts)

        self.bridge.counts_async(message_id, show)

    def _refresh_failures(self, message_id: str) -> None:
        def show(rows: list[tuple[str, str, str]]) -> None:
            if self.monitor.message_id == message_id:
                self.monitor.set_failures(rows)

        self.bridge.failures_async(message_id, show)

    def _retry(self, message_id: str) -> None:
        def done(n: int) -> None:
            self.statusBar().showMessage(self.tr("{n} 件を再送に回しました").format(n=n), 15000)
            self.history.model.forget_counts(message_id)
            self._refresh_counts(message_id)
            self._refresh_failures(message_id)

        def failed(exc: BaseException) -> None:
            self.reporter.report_exception(self.tr("再送を登録できませんでした。"), exc)

        self.bridge.retry_failed_async(message_id, done, failed)

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
        def done(n: int) -> None:
            self.statusBar().showMessage(
                self.tr("未送信の {n} 件を取りやめました").format(n=n), 15000)

        def failed(exc: BaseException) -> None:
            self.reporter.report_exception(self.tr("配信を中止できませんでした。"), exc)

        self.bridge.halt_async(message_id, done, failed)

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

    def _choose_language(self, code: str) -> None:
        if self.settings is not None:
            self.settings.setValue(LANGUAGE_SETTING, code)
        self.statusBar().showMessage(
            self.tr("表示言語は次に起動したときに切り替わります（Takes effect after restart）"),
            15000)

    # -- closing ---------------------------------------------------------------------------

    def force_close(self) -> None:
        self._allow_close = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        sending = self.monitor.message_id is not None and not self.monitor.done
        if (sending or self._sending) and not self._allow_close:
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
        if self.voice is not None:
            self.voice.stop_watch()
        for other in (self.template_dialog, self.template_editor, self.translation_dialog,
                      self.confirm_dialog, self.voice_panel, *self.deliveries_dialogs):
            if other is not None and _alive(other):
                other.close()
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


def _alive(widget: QWidget) -> bool:
    import shiboken6

    return shiboken6.isValid(widget)
