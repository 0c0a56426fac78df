"""The J-Alert alarm strip (red, across the whole window) and the simulator badge.

The banner shows what arrived and when (local time, to the second), says that manual radio
use is pre-empted, and offers one action: 確認 (acknowledge). The acknowledgement itself is
written by the core (audit log) through the window; the banner only asks for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app.voice.alarm import JAlertAlarm, JAlertEvent
from widgets import style

ALARM_RED = "#b00020"


def local_time(moment: dt.datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class AlarmBanner(QWidget):
    acknowledge_requested = Signal(object)  # JAlertEvent

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alarmBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setStyleSheet(
            f"QWidget#alarmBanner {{ background: {ALARM_RED}; border-bottom: 4px solid #5c0010; }}"
            " QLabel { color: white; }"
        )
        self.event: JAlertEvent | None = None
        self.preempted = False
        self.alarms: list[JAlertAlarm] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 8)
        mark = QLabel("⚠")
        mark.setStyleSheet("font-size: 30pt; font-weight: bold;")
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label = QLabel()
        self.detail_label.setStyleSheet("font-size: 12pt;")
        self.detail_label.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_label.setWordWrap(True)
        self.radio_label = QLabel()
        self.radio_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        texts.addWidget(self.title_label)
        texts.addWidget(self.detail_label)
        texts.addWidget(self.radio_label)
        self.ack_button = QPushButton(self.tr("確認しました"))
        self.ack_button.setAccessibleName(self.tr("Jアラートの警報を確認する"))
        self.ack_button.setAutoDefault(False)
        self.ack_button.setStyleSheet(
            f"QPushButton {{ background: white; color: {ALARM_RED}; font-size: 14pt;"
            " font-weight: bold; border: 2px solid white; border-radius: 6px; padding: 8px 18px; }"
            " QPushButton:disabled { color: #888; }")
        self.ack_button.clicked.connect(self._acknowledge)
        layout.addWidget(mark)
        layout.addLayout(texts, 1)
        layout.addWidget(self.ack_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.setVisible(False)

    def show_alarm(self, alarm: JAlertAlarm) -> None:
        """A new alarm replaces the one shown (the newest is what the operator must see)."""
        self.alarms.append(alarm)
        event = alarm.event
        self.event = event
        self.preempted = self.preempted or alarm.preempted
        test = self.tr("（受信機のテスト）") if event.is_test else ""
        self.title_label.setText(
            self.tr("Jアラート受信 {time}　{title}{test}").format(
                time=local_time(event.received_at), title=event.title, test=test))
        source = self.tr("接点入力") if event.source == "contact" else (
            self.tr("受信機のメール") if event.source == "mail" else self.tr("試験"))
        body = " ".join(event.body.split())[:160]
        self.detail_label.setText(
            self.tr("受信: {source}").format(source=source) + (f"　{body}" if body else ""))
        if self.preempted:
            self.radio_label.setText(
                self.tr("防災無線の手動放送は停止中です（Jアラート優先）。確認すると再開できます。"))
        else:
            self.radio_label.setText(self.tr("テストのため、手動放送は止めていません。"))
        self.ack_button.setEnabled(True)
        self.ack_button.setText(self.tr("確認しました"))
        self.setVisible(True)

    def _acknowledge(self) -> None:
        if self.event is not None:
            self.ack_button.setEnabled(False)
            self.ack_button.setText(self.tr("記録しています…"))
            self.acknowledge_requested.emit(self.event)

    def acknowledged(self) -> None:
        self.event = None
        self.preempted = False
        self.setVisible(False)

    def acknowledge_failed(self) -> None:
        self.ack_button.setEnabled(True)
        self.ack_button.setText(self.tr("確認しました"))


class SimulatorBadge(QLabel):
    """「シミュレータ: 防災無線・電話・FAX・Jアラート」 while any device is simulated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(style.chip_style(style.TRAINING_FG, style.TRAINING_BG))
        self.setAccessibleName(self.tr("シミュレータで動いている装置"))
        self.devices: list[str] = []
        self.set_devices([])

    def set_devices(self, labels: Sequence[str]) -> None:
        self.devices = list(labels)
        if labels:
            self.setText(self.tr("シミュレータ: {names}").format(names="・".join(labels)))
            self.setToolTip(self.tr("実機ではなくシミュレータにつながっています。"
                                    "住民には届きません。"))
        self.setVisible(bool(labels))
