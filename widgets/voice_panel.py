"""The voice panel: the operator's recording, or the text-to-speech reading (読み) with its
corrections, for the radio and phone media.

Opened from the composer's 音声 button. Everything that touches a sound card, the speech
engine or a file runs on the bridge's ``voice`` workers; the level meter polls the take's
latest reading (written by PortAudio's callback thread) on a timer, so no audio thread ever
touches a widget. Decisions (trim, loudness, what a valid reading is, the dictionary) are
the core's (``app.voice.session``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.voice.audio import Audio
from app.voice.session import (
    MAX_RECORD_S,
    ConsoleVoice,
    ManualRadioGate,
    ReadingPreview,
    Recording,
    Take,
    finish_take,
    save_recording,
)
from app.voice.tts import Speech
from widgets import style

Call = Callable[..., Any]  # ConsoleBridge.call
RECORD_TAB, TTS_TAB = 0, 1
METER_MIN_DB = -60.0
METER_MS = 50


def meter_value(rms_dbfs: float) -> int:
    """The meter's bar (0–600) for a level in dBFS: -60 dBFS and below is empty."""
    return max(0, min(600, round((rms_dbfs - METER_MIN_DB) * 10)))


class VoicePanel(QDialog):
    recording_chosen = Signal(object)  # Path of the WAV handed to the draft

    def __init__(self, voice: ConsoleVoice, call: Call, *, text: str = "",
                 source: str = "tts", gate: ManualRadioGate | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self._call = call
        self.gate = gate
        self.setWindowTitle(self.tr("音声（防災無線・電話）"))
        self.resize(720, 640)
        self.recording: Recording | None = None
        self.raw: Audio | None = None
        self.take: Take | None = None
        self.chosen_path: Path | None = None
        self.preview: ReadingPreview | None = None
        self.speech: Speech | None = None
        self._playing: threading.Event | None = None
        self._busy_recording = False

        self.preempt_label = QLabel()
        self.preempt_label.setWordWrap(True)
        self.preempt_label.setStyleSheet(style.chip_style(style.ERROR_FG, style.ERROR_BG))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._record_tab(), self.tr("録音"))
        self.tabs.addTab(self._tts_tab(), self.tr("読み上げ（音声合成）"))
        self.tabs.setCurrentIndex(RECORD_TAB if source == "recording" else TTS_TAB)
        close = QPushButton(self.tr("閉じる"))
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preempt_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.text_edit.setPlainText(text)
        self.show_preemption()

        self._meter_timer = QTimer(self)
        self._meter_timer.setInterval(METER_MS)
        self._meter_timer.timeout.connect(self._poll_meter)
        self._run(self.voice.audio_io.input_devices, self._show_devices, self._devices_failed)

    def _run(self, fn: Callable[..., Any], on_done: Callable[[Any], None] | None,
             on_error: Callable[[BaseException], None] | None, *args: Any) -> None:
        self._call(fn, *args, on_done=on_done, on_error=on_error, owner=self, pool="voice")

    # -- the recording tab ------------------------------------------------------------------

    def _record_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout()
        self.device_combo = QComboBox()
        self.device_combo.setAccessibleName(self.tr("録音に使うマイク"))
        self.device_combo.addItem(self.tr("既定の入力装置"), "")
        form.addRow(self.tr("マイク"), self.device_combo)
        self.meter = QProgressBar()
        self.meter.setRange(0, 600)
        self.meter.setValue(0)
        self.meter.setTextVisible(True)
        self.meter.setFormat(self.tr("音量"))
        self.meter.setAccessibleName(self.tr("録音の音量"))
        form.addRow(self.tr("音量"), self.meter)
        self.clip_label = QLabel(
            self.tr("音割れしています。マイクから少し離れるか、声を小さくして録り直してください"))
        self.clip_label.setWordWrap(True)
        self.clip_label.setStyleSheet(style.chip_style(style.ERROR_FG, style.ERROR_BG))
        self.clip_label.setVisible(False)
        self.record_button = QPushButton(self.tr("● 録音開始"))
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.toggle_recording)
        self.elapsed_label = QLabel(self.tr("0.0 秒"))
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addWidget(self.elapsed_label, 1)
        self.take_label = QLabel()
        self.take_label.setWordWrap(True)
        self.record_status = QLabel()
        self.record_status.setWordWrap(True)
        self.record_status.setTextFormat(Qt.TextFormat.PlainText)
        self.play_button = QPushButton(self.tr("▶ 再生して確かめる"))
        self.play_button.setAutoDefault(False)
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self.toggle_take_playback)
        self.use_button = QPushButton(self.tr("この録音を使う"))
        self.use_button.setObjectName("primary")
        self.use_button.setAutoDefault(False)
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use_take)
        actions = QHBoxLayout()
        actions.addWidget(self.play_button)
        actions.addStretch(1)
        actions.addWidget(self.use_button)
        layout = QVBoxLayout(tab)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.clip_label)
        layout.addWidget(self.take_label)
        layout.addWidget(self.record_status)
        layout.addStretch(1)
        layout.addLayout(actions)
        return tab

    def _show_devices(self, names: list[str]) -> None:
        wanted = self.voice.input_device.lower()
        for name in names:
            self.device_combo.addItem(name, name)
            if wanted and wanted in name.lower() and self.device_combo.currentIndex() == 0:
                self.device_combo.setCurrentIndex(self.device_combo.count() - 1)

    def _devices_failed(self, exc: BaseException) -> None:
        self._status(self.record_status,
                     self.tr("マイクの一覧を取得できません: {error}").format(error=exc), error=True)

    @property
    def device(self) -> str:
        return str(self.device_combo.currentData() or "")

    def toggle_recording(self) -> None:
        if self._busy_recording:
            return
        if self.recording is None:
            self.start_recording()
        else:
            self.stop_recording()

    def start_recording(self) -> None:
        self._stop_playback()
        try:
            recording = self.voice.new_recording(self.device)
        except Exception as exc:  # noqa: BLE001 - a missing audio library, told plainly
            self._status(self.record_status, str(exc), error=True)
            return
        self.recording = recording
        self._busy_recording = True
        self.record_button.setEnabled(False)
        self.clip_label.setVisible(False)
        self._status(self.record_status, self.tr("録音を準備しています…"))
        self._run(recording.start, self._recording_started, self._recording_failed)

    def _recording_started(self, _result: object) -> None:
        self._busy_recording = False
        self.record_button.setEnabled(True)
        self.record_button.setText(self.tr("■ 録音停止"))
        self.device_combo.setEnabled(False)
        self.play_button.setEnabled(False)
        self.use_button.setEnabled(False)
        self._status(self.record_status,
                     self.tr("録音中です。話し終えたら「録音停止」を押してください"))
        self._meter_timer.start()

    def _recording_failed(self, exc: BaseException) -> None:
        self.recording = None
        self._busy_recording = False
        self._meter_timer.stop()
        self.record_button.setEnabled(True)
        self.record_button.setText(self.tr("● 録音開始"))
        self.device_combo.setEnabled(True)
        self._status(self.record_status, str(exc), error=True)

    def _poll_meter(self) -> None:
        recording = self.recording
        if recording is None:
            return
        reading = recording.latest
        seconds = recording.seconds
        self.show_level(reading.rms_dbfs if reading is not None else None, seconds,
                        recording.clipped > 0)
        if seconds >= MAX_RECORD_S:
            self.stop_recording()

    def show_level(self, rms_dbfs: float | None, seconds: float, clipping: bool) -> None:
        """The live meter, the elapsed time and the clipping warning (once shown, the warning
        stays for the rest of the take)."""
        if rms_dbfs is not None:
            self.meter.setValue(meter_value(rms_dbfs))
            self.meter.setFormat(f"{rms_dbfs:.1f} dBFS")
        if clipping and not self.clip_label.isVisibleTo(self):
            self.clip_label.setVisible(True)
        self.elapsed_label.setText(self.tr("{s:.1f} 秒").format(s=seconds))

    def stop_recording(self) -> None:
        recording = self.recording
        if recording is None or self._busy_recording:
            return
        self._busy_recording = True
        self._meter_timer.stop()
        self.record_button.setEnabled(False)
        self._status(self.record_status, self.tr("無音を除き、音量をそろえています…"))
        self._run(recording.stop, self._stopped, self._recording_failed)

    def _stopped(self, raw: Audio) -> None:
        recording = self.recording
        clipped = recording.clipped if recording is not None else 0
        self.raw = raw
        self.recording = None
        self._run(finish_take, self._take_ready, self._take_failed, raw, clipped)

    def _take_ready(self, take: Take) -> None:
        self._busy_recording = False
        self.take = take
        self._reset_record_button()
        self.meter.setValue(meter_value(take.rms_dbfs))
        self.meter.setFormat(f"{take.rms_dbfs:.1f} dBFS")
        self.take_label.setText(
            self.tr("{s:.1f} 秒（録音 {raw:.1f} 秒から前後の無音を除き、音量をそろえました）")
            .format(s=take.audio.seconds, raw=take.recorded_seconds))
        self.clip_label.setVisible(take.clipping)
        self._status(self.record_status,
                     self.tr("再生して確かめてから「この録音を使う」を押してください"))
        self.play_button.setEnabled(True)
        self.use_button.setEnabled(True)

    def _take_failed(self, exc: BaseException) -> None:
        """Nothing usable (silence): the raw take is kept and can still be played back."""
        self._busy_recording = False
        self.take = None
        self._reset_record_button()
        self._status(self.record_status, str(exc), error=True)
        self.play_button.setEnabled(self.raw is not None and len(self.raw.samples) > 0)
        self.use_button.setEnabled(False)

    def _reset_record_button(self) -> None:
        self.record_button.setEnabled(True)
        self.record_button.setText(self.tr("● 録り直す") if self.raw is not None
                                   else self.tr("● 録音開始"))
        self.device_combo.setEnabled(True)

    def toggle_take_playback(self) -> None:
        if self._playing is not None:
            self._stop_playback()
            return
        audio = self.take.audio if self.take is not None else self.raw
        if audio is None:
            return
        self._play(audio, self.play_button, self.tr("▶ 再生して確かめる"), self.record_status)

    def use_take(self) -> None:
        take = self.take
        if take is None:
            return
        self.use_button.setEnabled(False)
        self._run(save_recording, self._saved, self._save_failed, take,
                  self.voice.recordings_folder)

    def _saved(self, path: Path) -> None:
        self.chosen_path = path
        self._status(self.record_status,
                     self.tr("この録音を使います: {name}").format(name=path.name))
        self.recording_chosen.emit(path)
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self.use_button.setEnabled(True)
        self._status(self.record_status, str(exc), error=True)

    # -- the text-to-speech tab -------------------------------------------------------------

    def _tts_tab(self) -> QWidget:
        tab = QWidget()
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(self.tr("読み上げる文"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(90)
        self.preview_button = QPushButton(self.tr("読みを確認"))
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.request_preview)
        self.speak_button = QPushButton(self.tr("▶ 合成して再生"))
        self.speak_button.setAutoDefault(False)
        self.speak_button.clicked.connect(self.toggle_speech)
        self.reading_view = QPlainTextEdit()
        self.reading_view.setReadOnly(True)
        self.reading_view.setMaximumHeight(80)
        self.reading_view.setAccessibleName(self.tr("読み（カタカナ）"))
        self.words_table = QTableWidget(0, 2)
        self.words_table.setHorizontalHeaderLabels([self.tr("語"), self.tr("読み")])
        self.words_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.words_table.verticalHeader().setVisible(False)
        self.words_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.words_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.words_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.words_table.itemSelectionChanged.connect(self._word_selected)
        self.surface_edit = QLineEdit()
        self.surface_edit.setPlaceholderText(self.tr("語（例: 土佐市）"))
        self.surface_edit.setAccessibleName(self.tr("読みを直す語"))
        self.correct_edit = QLineEdit()
        self.correct_edit.setPlaceholderText(self.tr("正しい読み（カタカナ、例: トサシ）"))
        self.correct_edit.setAccessibleName(self.tr("正しい読み"))
        self.save_word_button = QPushButton(self.tr("読み辞書に登録"))
        self.save_word_button.setAutoDefault(False)
        self.save_word_button.clicked.connect(self.save_word)
        self.tts_status = QLabel()
        self.tts_status.setWordWrap(True)
        self.tts_status.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.addWidget(self.preview_button)
        top.addWidget(self.speak_button)
        top.addStretch(1)
        correction = QHBoxLayout()
        correction.addWidget(self.surface_edit, 1)
        correction.addWidget(QLabel("→"))
        correction.addWidget(self.correct_edit, 1)
        correction.addWidget(self.save_word_button)
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("読み上げる文")))
        layout.addWidget(self.text_edit)
        layout.addLayout(top)
        layout.addWidget(QLabel(self.tr("読み（この通りに読み上げます）")))
        layout.addWidget(self.reading_view)
        layout.addWidget(QLabel(self.tr("語ごとの読み（違っていれば、選んで直してください）")))
        layout.addWidget(self.words_table, 1)
        layout.addLayout(correction)
        layout.addWidget(self.tts_status)
        return tab

    def text(self) -> str:
        return self.text_edit.toPlainText()

    def request_preview(self) -> None:
        text = self.text()
        self.preview_button.setEnabled(False)
        self._status(self.tts_status, self.tr("読みを調べています…"))
        self._run(lambda: self.voice.desk().preview(text), self._show_preview,
                  self._tts_failed)

    def _show_preview(self, preview: ReadingPreview) -> None:
        self.preview_button.setEnabled(True)
        if preview.text != self.text():  # the text changed meanwhile: ask again
            self.request_preview()
            return
        self.preview = preview
        self.reading_view.setPlainText(preview.reading)
        self.words_table.setRowCount(0)
        for word in preview.words:
            row = self.words_table.rowCount()
            self.words_table.insertRow(row)
            self.words_table.setItem(row, 0, QTableWidgetItem(word.surface))
            self.words_table.setItem(row, 1, QTableWidgetItem(word.reading))
        self._status(self.tts_status, "")

    def _word_selected(self) -> None:
        rows = self.words_table.selectionModel().selectedRows()
        if not rows:
            return
        row = rows[0].row()
        surface = self.words_table.item(row, 0)
        reading = self.words_table.item(row, 1)
        if surface is not None and reading is not None:
            self.surface_edit.setText(surface.text())
            self.correct_edit.setText(reading.text())
            self.correct_edit.setFocus()
            self.correct_edit.selectAll()

    def save_word(self) -> None:
        surface, reading = self.surface_edit.text(), self.correct_edit.text()
        self.save_word_button.setEnabled(False)
        self._run(lambda: self.voice.desk().save_word(surface, reading),
                  lambda _d: self._word_saved(surface), self._word_failed)

    def _word_saved(self, surface: str) -> None:
        self.save_word_button.setEnabled(True)
        self._status(self.tts_status,
                     self.tr("「{word}」の読みを読み辞書に登録しました").format(word=surface.strip()),
                     ok=True)
        self.speech = None
        if self.text().strip():
            self._run(lambda: self.voice.desk().preview(self.text()), self._preview_after_save,
                      self._tts_failed)

    def _preview_after_save(self, preview: ReadingPreview) -> None:
        message = self.tts_status.text()
        self._show_preview(preview)
        self._status(self.tts_status, message, ok=True)

    def _word_failed(self, exc: BaseException) -> None:
        self.save_word_button.setEnabled(True)
        self._status(self.tts_status, str(exc), error=True)  # the fields keep what was typed

    def toggle_speech(self) -> None:
        if self._playing is not None:
            self._stop_playback()
            return
        text = self.text()
        self.speak_button.setEnabled(False)
        self._status(self.tts_status, self.tr("音声を合成しています…"))
        self._run(lambda: self.voice.desk().speak(text), self._speech_ready, self._tts_failed)

    def _speech_ready(self, speech: Speech) -> None:
        self.speak_button.setEnabled(True)
        self.speech = speech
        cached = self.tr("（保存済みの音声）") if speech.cached else ""
        self._status(self.tts_status, self.tr("{s:.1f} 秒{cached}　読み: {reading}").format(
            s=speech.audio.seconds, cached=cached, reading=speech.reading))
        self._play(speech.audio, self.speak_button, self.tr("▶ 合成して再生"), None)

    def _tts_failed(self, exc: BaseException) -> None:
        self.preview_button.setEnabled(True)
        self.speak_button.setEnabled(True)
        self._status(self.tts_status, str(exc), error=True)

    # -- playback, state, closing -----------------------------------------------------------

    def _play(self, audio: Audio, button: QPushButton, idle_text: str,
              status: QLabel | None) -> None:
        stop = threading.Event()
        self._playing = stop
        button.setText(self.tr("■ 再生停止"))

        def done(_result: object) -> None:
            if self._playing is stop:
                self._playing = None
            button.setText(idle_text)
            button.setEnabled(True)

        def failed(exc: BaseException) -> None:
            done(None)
            self._status(status or self.tts_status, str(exc), error=True)

        self._run(self.voice.play, done, failed, audio, stop)

    def _stop_playback(self) -> None:
        if self._playing is not None:
            self._playing.set()
            self._playing = None

    def show_preemption(self) -> None:
        held = self.gate.held if self.gate is not None else None
        if held:
            self.preempt_label.setText(
                self.tr("Jアラート受信中（{title}）: 防災無線の手動放送は中断・停止されています")
                .format(title=held))
        self.preempt_label.setVisible(bool(held))

    def _status(self, label: QLabel, text: str, *, error: bool = False, ok: bool = False) -> None:
        label.setText(text)
        colour = style.ERROR_FG if error else (style.OK_FG if ok else style.MUTED)
        label.setStyleSheet(f"color: {colour};" + (" font-weight: bold;" if error else ""))

    def done(self, result: int) -> None:
        """Closing never leaves a microphone open or a sound playing."""
        self._stop_playback()
        self._meter_timer.stop()
        recording, self.recording = self.recording, None
        if recording is not None:
            self._run(recording.stop, None, lambda _e: None)
        super().done(result)
