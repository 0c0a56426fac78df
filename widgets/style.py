"""Look and feel: one calm light palette, large Japanese type, a few signal colours.

Colour is never the only carrier of meaning: every coloured state also has a word or a mark.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

# Japanese UI fonts in order of preference: Windows, then Linux (Noto / IPA), then anything.
FONT_FAMILIES = [
    "Yu Gothic UI",
    "Meiryo UI",
    "Meiryo",
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "IPAexGothic",
    "IPAGothic",
    "sans-serif",
]
BASE_POINT_SIZE = 11

# Signal colours (foreground, background).
TRAINING_FG = "#3b2600"
TRAINING_BG = "#ffc53d"
PRODUCTION_RED = "#c62828"
OK_FG, OK_BG = "#1b5e20", "#e3f1e4"
WARN_FG, WARN_BG = "#7a4a00", "#fff1cc"
ERROR_FG, ERROR_BG = "#b71c1c", "#fde4e4"
NEUTRAL_FG, NEUTRAL_BG = "#455a64", "#eceff1"
PRIMARY, PRIMARY_DARK = "#1f5fa8", "#174a85"
LINE_CHAT_BG = "#8cabd8"  # LINE's chat background
MUTED = "#5f6b75"

APP_STYLESHEET = f"""
QGroupBox {{ font-weight: bold; border: 1px solid #c9d1d8; border-radius: 6px;
             margin-top: 12px; padding: 8px 6px 6px 6px; background: #fbfcfd; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #263238; }}
QPushButton#primary {{ background: {PRIMARY}; color: white; font-size: 15pt; font-weight: bold;
                       border: 1px solid {PRIMARY_DARK}; border-radius: 6px; padding: 10px 24px; }}
QPushButton#primary:hover {{ background: {PRIMARY_DARK}; }}
QPushButton#primary:disabled {{ background: #b0bec5; border-color: #9aa8b0; color: #eef1f3; }}
QLabel#muted {{ color: {MUTED}; }}
"""


def chip_style(fg: str, bg: str) -> str:
    return (
        f"QLabel {{ color: {fg}; background: {bg}; border: 1px solid {fg}; border-radius: 4px;"
        " padding: 1px 8px; font-weight: bold; }"
    )


def apply_app_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    hints = app.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt 6.8+: stay light even when the OS is dark
        hints.setColorScheme(Qt.ColorScheme.Light)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(APP_STYLESHEET)
