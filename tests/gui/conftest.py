"""Console fixtures. Qt runs offscreen unless a platform was chosen (e.g. xcb under Xvfb)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported anywhere

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.config import Config, load_config
from app.main import build
from tests.gui.helpers import add_test_residents
from tests.peers.translate_peer import block_internet
from widgets.bridge import ConsoleBridge
from widgets.errors import ErrorReporter
from widgets.main_window import MainWindow
from widgets.style import apply_app_style


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Console tests run as on an LGWAN terminal: 127.0.0.1 only. Nothing may reach out."""
    block_internet(monkeypatch)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """The embedded default (training, drill sink) in a throwaway data folder."""
    return load_config(None, tmp_path / "data")


@pytest.fixture
def styled_app(qapp: QApplication) -> QApplication:
    apply_app_style(qapp)
    return qapp


@pytest.fixture
def window(qtbot: QtBot, config: Config, styled_app: QApplication) -> Iterator[MainWindow]:
    """The main window on a real core, without the engine (no loop needed to compose)."""
    issei, sink = build(config)
    add_test_residents(issei)
    reporter = ErrorReporter()
    bridge = ConsoleBridge(issei, reporter)
    main = MainWindow(bridge, reporter)
    main.show()
    qtbot.waitExposed(main)
    qtbot.waitUntil(lambda: main.last_prepared is not None)
    try:
        yield main
    finally:
        main.force_close()
        bridge.close_sync()
        asyncio.run(issei.aclose())
        sink.stop()
        main.deleteLater()
        assert reporter.count == 0, "the console reported an error"


