"""The console's voice and J-Alert screens without a sound card: the composer's voice source,
the reading (読み) preview corrected into the place-name dictionary, the J-Alert alarm banner
raised by a real SMTP session to the receiver's mail input, its audited acknowledgement, and
the simulator badge."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.header import Header
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.config import Config, load_config
from app.db.models import AuditEntry
from app.domain import Medium
from app.main import build
from app.voice.config import hardware_config
from app.voice.session import device_backends
from tests.gui.helpers import add_test_residents
from tests.peers.smtp_peer import free_port
from widgets.bridge import ConsoleBridge
from widgets.composer import ComposerPanel
from widgets.errors import ErrorReporter
from widgets.main_window import MainWindow
from widgets.voice_panel import TTS_TAB, VoicePanel


def open_window(qtbot: QtBot, config: Config) -> tuple[MainWindow, ErrorReporter]:
    issei, sink = build(config)
    add_test_residents(issei)
    reporter = ErrorReporter()
    bridge = ConsoleBridge(issei, reporter)
    main = MainWindow(bridge, reporter)
    main._test_parts = (issei, sink, bridge)  # type: ignore[attr-defined]
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.last_prepared is not None)
    return main, reporter


def close_window(main: MainWindow) -> None:
    import asyncio

    issei, sink, bridge = main._test_parts  # type: ignore[attr-defined]
    main.force_close()
    bridge.close_sync()
    asyncio.run(issei.aclose())
    sink.stop()
    main.deleteLater()


@pytest.fixture
def jalert_window(qtbot: QtBot, tmp_path: Path, styled_app: QApplication
                  ) -> Iterator[tuple[MainWindow, int]]:
    """A training console whose J-Alert receiver mails to a local port."""
    port = free_port()
    config_file = tmp_path / "issei.toml"
    config_file.write_text(
        f'[app]\ntraining = true\n[jalert]\nsmtp_port = {port}\n'
        'allowed_senders = ["jalert@town.example.lg.jp"]\n', encoding="utf-8")
    main, reporter = open_window(qtbot, load_config(config_file, tmp_path / "data"))
    try:
        yield main, port
    finally:
        close_window(main)
        assert reporter.count == 0, "the console reported an error"


def send_receiver_mail(port: int, subject: str, body: str) -> None:
    message = MIMEText(body, "plain", "utf-8")
    message["Subject"] = Header(subject, "utf-8")
    message["From"] = "jalert@town.example.lg.jp"
    message["To"] = "console@town.example.lg.jp"
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("jalert@town.example.lg.jp", ["console@town.example.lg.jp"],
                        message.as_bytes())


def audit_actions(main: MainWindow) -> list[tuple[str, dict[str, object]]]:
    with main.bridge.issei.sessions() as session:
        return [(e.action, dict(e.detail)) for e in
                session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


# -- the composer's voice source --------------------------------------------------------------


def test_voice_source_row_appears_with_radio_or_phone(qtbot: QtBot, tmp_path: Path) -> None:
    composer = ComposerPanel(training_forced=True,
                             media=(Medium.EMAIL, Medium.LINE, Medium.RADIO, Medium.PHONE))
    qtbot.addWidget(composer)
    composer.show()
    assert not composer.voice_box.isVisibleTo(composer)  # e-mail and LINE only
    composer.media_checks[Medium.PHONE].setChecked(True)
    assert composer.voice_box.isVisibleTo(composer)
    assert composer.voice_source() == "tts" and "読み上げ" in composer.voice_label.text()
    composer.set_voice_source("recording")
    assert composer.voice_label.text() == "録音がまだありません"
    wav = tmp_path / "rec-1.wav"
    with qtbot.waitSignal(composer.text_edited):
        composer.set_recording(wav)
    assert composer.recording_path == wav and composer.voice_label.text() == "録音: rec-1.wav"
    composer.media_checks[Medium.PHONE].setChecked(False)
    assert not composer.voice_box.isVisibleTo(composer)
    with qtbot.waitSignal(composer.voice_requested):
        composer.voice_button.click()


# -- reading (読み) --------------------------------------------------------------------------


def open_reading(window: MainWindow, text: str) -> VoicePanel:
    window.composer.body_edit.setPlainText(text)
    window.composer.set_voice_source("tts")
    panel = window.open_voice_panel()
    assert panel is not None and panel.tabs.currentIndex() == TTS_TAB
    assert panel.text() == text
    return panel


def rows(panel: VoicePanel) -> list[tuple[str, str]]:
    table = panel.words_table
    return [(table.item(r, 0).text(), table.item(r, 1).text())  # type: ignore[union-attr]
            for r in range(table.rowCount())]


def test_reading_preview_corrected_into_the_dictionary(qtbot: QtBot, window: MainWindow
                                                       ) -> None:
    panel = open_reading(window, "月見里地区に避難指示を発令しました")
    panel.preview_button.click()
    qtbot.waitUntil(lambda: panel.preview is not None, timeout=30000)
    assert panel.reading_view.toPlainText().startswith("ツキミサト")  # the engine's guess
    assert ("月見", "ツキミ") in rows(panel)
    desk = window.voice.desk()  # type: ignore[union-attr]
    assert desk.computed == 1

    # Asking again for the same text comes from the cache.
    panel.preview = None
    panel.preview_button.click()
    qtbot.waitUntil(lambda: panel.preview is not None)
    assert desk.computed == 1

    # Choosing a word puts it in the correction fields; the operator writes the place name.
    panel.words_table.selectRow(0)
    assert panel.surface_edit.text() == "月見" and panel.correct_edit.text() == "ツキミ"
    panel.surface_edit.setText("月見里")
    panel.correct_edit.setText("やまなし")  # hiragana is accepted and becomes katakana
    panel.save_word_button.click()
    qtbot.waitUntil(lambda: panel.reading_view.toPlainText().startswith("ヤマナシ"),
                    timeout=30000)
    assert ("月見里", "ヤマナシ") in rows(panel)
    assert "登録しました" in panel.tts_status.text()
    dictionary = window.voice.dictionary_path  # type: ignore[union-attr]
    assert dictionary is not None and '"月見里" = "ヤマナシ"' in dictionary.read_text("utf-8")
    assert desk.computed == 2  # the dictionary changed: the cached preview was not reused


def test_a_wrong_reading_is_refused_and_nothing_is_lost(qtbot: QtBot, window: MainWindow
                                                       ) -> None:
    panel = open_reading(window, "土佐市に避難指示")
    panel.surface_edit.setText("土佐市")
    panel.correct_edit.setText("tosa shi")
    panel.save_word_button.click()
    qtbot.waitUntil(lambda: "カタカナ" in panel.tts_status.text())
    assert panel.surface_edit.text() == "土佐市" and panel.correct_edit.text() == "tosa shi"
    dictionary = window.voice.dictionary_path  # type: ignore[union-attr]
    assert dictionary is not None and not dictionary.exists()
    panel.text_edit.setPlainText("   ")
    panel.preview_button.click()
    qtbot.waitUntil(lambda: panel.tts_status.text() == "読み上げる文を入力してください")


# -- J-Alert --------------------------------------------------------------------------------


def test_receiver_mail_raises_the_alarm_and_acknowledge_is_audited(
        qtbot: QtBot, jalert_window: tuple[MainWindow, int]) -> None:
    window, port = jalert_window
    banner = window.alarm_banner
    assert not banner.isVisible()
    assert "Jアラート" not in window.simulator_badge.text()  # a real receiver input
    panel = window.open_voice_panel()
    assert panel is not None and not panel.preempt_label.isVisibleTo(panel)

    send_receiver_mail(port, "【Jアラート】弾道ミサイル情報",
                       "ミサイル発射。建物の中に避難してください。")
    qtbot.waitUntil(banner.isVisible, timeout=10000)
    assert "Jアラート受信" in banner.title_label.text()
    assert "弾道ミサイル情報" in banner.title_label.text()
    assert banner.event is not None
    assert banner.event.received_at.astimezone().strftime("%H:%M:%S") in banner.title_label.text()
    assert "受信機のメール" in banner.detail_label.text()
    assert "手動放送は停止中" in banner.radio_label.text()
    watch = window.voice.watch  # type: ignore[union-attr]
    assert watch is not None and watch.gate.held == "【Jアラート】弾道ミサイル情報"
    # The one-click send's radio (drill set in training) is held: manual use refused.
    station = window.bridge.issei.training_drivers.drivers[Medium.RADIO].station
    assert station in watch.gate.stations and station.alarm == "【Jアラート】弾道ミサイル情報"
    assert panel.preempt_label.isVisibleTo(panel)  # the voice panel shows it too
    assert "手動放送は中断・停止" in panel.preempt_label.text()

    banner.ack_button.click()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=10000)
    assert watch.gate.held is None and not panel.preempt_label.isVisibleTo(panel)
    assert station.alarm is None  # released by the acknowledgement
    actions = audit_actions(window)
    names = [a for a, _ in actions]
    assert "jalert_alarm" in names and "jalert_ack" in names
    assert names.index("jalert_alarm") < names.index("jalert_ack")
    ack = dict(actions)["jalert_ack"]
    assert ack["title"] == "【Jアラート】弾道ミサイル情報" and ack["source"] == "mail"


def test_receiver_test_mail_does_not_preempt(qtbot: QtBot,
                                             jalert_window: tuple[MainWindow, int]) -> None:
    window, port = jalert_window
    send_receiver_mail(port, "Jアラート 試験放送", "これは、Jアラートのテストです。")
    qtbot.waitUntil(window.alarm_banner.isVisible, timeout=10000)
    assert "受信機のテスト" in window.alarm_banner.title_label.text()
    assert "止めていません" in window.alarm_banner.radio_label.text()
    assert window.voice.watch.gate.held is None  # type: ignore[union-attr]


def test_simulator_badge_and_the_simulated_alarm(qtbot: QtBot, window: MainWindow) -> None:
    badge = window.simulator_badge
    assert badge.isVisible()
    assert badge.text() == "シミュレータ: 防災無線・電話・FAX・Jアラート"
    hw = hardware_config(window.bridge.issei.config)
    assert [b.simulated for b in device_backends(hw)] == [True, True, True]
    assert window.jalert_drill_action.isEnabled()
    window.jalert_drill_action.trigger()
    qtbot.waitUntil(window.alarm_banner.isVisible, timeout=10000)
    assert "シミュレータ" in window.alarm_banner.title_label.text()
    assert "試験" in window.alarm_banner.detail_label.text()
    window.alarm_banner.ack_button.click()
    qtbot.waitUntil(lambda: not window.alarm_banner.isVisible(), timeout=10000)


def test_real_devices_are_not_listed_as_simulators(tmp_path: Path) -> None:
    config_file = tmp_path / "issei.toml"
    config_file.write_text(
        '[radio]\nbackend = "contact"\nport = "COM5"\n[dialer]\nbackend = "v253"\n'
        'ports = ["COM7"]\n[jalert]\nport = "COM9"\n', encoding="utf-8")
    hw = hardware_config(load_config(config_file, tmp_path / "data"))
    assert [(b.device, b.backend, b.simulated) for b in device_backends(hw)] == [
        ("radio", "contact", False), ("dialer", "v253", False), ("jalert", "contact", False)]
    hw.training = True  # training replaces the outputs, never the J-Alert input
    assert [b.simulated for b in device_backends(hw)] == [True, True, False]


# -- bad configuration: a clear message, the console still opens ------------------------------


def test_an_unusable_jalert_port_is_told_and_the_console_opens(
        qtbot: QtBot, tmp_path: Path, styled_app: QApplication) -> None:
    config_file = tmp_path / "issei.toml"
    config_file.write_text('[app]\ntraining = true\n[jalert]\nport = "/dev/issei-no-such-port"\n',
                           encoding="utf-8")
    main, reporter = open_window(qtbot, load_config(config_file, tmp_path / "data"))
    try:
        assert reporter.count == 1
        dialog = reporter.dialogs[0]
        assert dialog.message_label.text() == "Jアラートの受信を開始できませんでした。"
        assert "/dev/issei-no-such-port を開けません" in dialog.details
        assert "Jアラート" not in main.simulator_badge.text()  # configured: not a simulator
        assert main.open_voice_panel() is not None  # the rest of the console works
    finally:
        for open_dialog in list(reporter.dialogs):
            open_dialog.close()
        close_window(main)

