"""Starts the console: Qt application, translations, the qasync loop, and the window's life.

``run_console`` is what ``issei`` (no arguments) and ``issei gui`` call. The delivery engine
runs as a background task on the Qt loop for as long as the window is open; on close it is
cancelled and awaited, then the core and the drill sink are closed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

import qasync
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QObject,
    QSettings,
    Qt,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.config import Config
from app.main import build
from app.service import Issei
from widgets.bridge import ConsoleBridge
from widgets.errors import (
    ErrorDialog,
    ErrorReporter,
    describe,
    install_excepthook,
    loop_exception_handler,
    write_crash_report,
)
from widgets.main_window import MainWindow
from widgets.operator_controls import OperatorControls
from widgets.style import apply_app_style

if TYPE_CHECKING:
    from drivers.drill import DrillSink  # the composition root (app.main) builds it

log = logging.getLogger("issei.console")

Script = Callable[["ConsoleRuntime", MainWindow], Awaitable[int]]
_IMPORTED_AT = time.time()
E2E_ENV = "ISSEI_E2E_SCRIPT"  # hidden test hook: a JSON file of what to do (widgets.e2e)


# -- process facts -------------------------------------------------------------------------


def process_age() -> float:
    """Seconds since this process started, as precisely as the platform tells.

    Linux: the kernel's start tick against CLOCK_BOOTTIME (10 ms ticks). psutil's
    ``create_time`` is avoided there: it adds the boot time, which /proc rounds to whole
    seconds, and so can be up to a second off. Elsewhere psutil, when installed.
    """
    if sys.platform.startswith("linux"):
        try:
            fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
            started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
            return time.clock_gettime(time.CLOCK_BOOTTIME) - started
        except (OSError, ValueError, IndexError, AttributeError):
            pass
    try:
        import psutil

        return time.time() - float(psutil.Process().create_time())
    except ImportError:
        return time.time() - _IMPORTED_AT


def needs_offscreen() -> bool:
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


# -- Qt application ------------------------------------------------------------------------

_translators: list[QTranslator] = []
I18N = Path(__file__).resolve().parents[1] / "resources" / "i18n"
LANGUAGES = ("ja", "en")


def install_translations(app: QCoreApplication, language: str = "ja") -> bool:
    """Japanese (the default): Qt's own Japanese strings (standard buttons, context menus);
    the console's strings are written in Japanese. English: the console's English
    translation (``resources/i18n/issei_en.qm``) and Qt's built-in English.
    True when the translation was loaded."""
    for old in _translators:
        app.removeTranslator(old)
    _translators.clear()
    if language == "en":
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
        translator = QTranslator(app)
        if translator.load("issei_en", str(I18N)):
            app.installTranslator(translator)
            _translators.append(translator)
            return True
        log.warning("issei_en.qm not found in %s: the console stays Japanese", I18N)
        return False
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load("qtbase_ja", folder):
        app.installTranslator(translator)
        _translators.append(translator)
        return True
    log.info("qtbase_ja.qm not found in %s", folder)
    return False


def choose_language(requested: str | None, settings: QSettings | None) -> str:
    """The flag wins, then ISSEI_LANG, then the choice saved on this PC, then Japanese."""
    for candidate in (requested, os.environ.get("ISSEI_LANG"),
                      settings.value("ui/language") if settings is not None else None):
        if isinstance(candidate, str) and candidate in LANGUAGES:
            return candidate
    return "ja"


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    if "propagateSizeHints" in message:  # the offscreen platform's note, not a problem
        level = logging.DEBUG
    logging.getLogger("issei.qt").log(level, "%s", message)


def make_application(language: str = "ja") -> QApplication:
    existing = QApplication.instance()
    if not isinstance(existing, QApplication):
        # Fractional Windows scaling (125 %, 150 %) is drawn as it is, not rounded to 100 or
        # 200 %, so text keeps the size the operator chose. Must be set before the app exists.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Issei")
    app.setOrganizationName("Issei")
    app.setApplicationDisplayName("Issei")
    app.setQuitOnLastWindowClosed(False)  # the async shutdown decides when the loop ends
    apply_app_style(app)
    install_translations(app, language)
    return app


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class FirstPaintWatcher(QObject):
    """Records when the window painted for the first time."""

    def __init__(self, window: QObject) -> None:
        super().__init__(window)
        self.painted_at: float | None = None
        self.painted = asyncio.get_running_loop().create_future()
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.time()
            if not self.painted.done():
                self.painted.set_result(self.painted_at)
            watched.removeEventFilter(self)
        return False


# -- the window's life ---------------------------------------------------------------------


class ConsoleRuntime:
    """Builds the core, opens the window, runs the engine, and tears it all down in order."""

    def __init__(
        self,
        config: Config,
        *,
        settings: QSettings | None = None,
        install_hooks: bool = True,
    ) -> None:
        self.config = config
        self.settings = settings
        self.install_hooks = install_hooks
        self.reporter: ErrorReporter | None = None
        self.window: MainWindow | None = None
        self.first_paint: FirstPaintWatcher | None = None
        self.controls: OperatorControls | None = None
        self._open: tuple[ConsoleBridge, Issei, DrillSink] | None = None

    async def run(self, script: Script | None = None) -> int:
        loop = asyncio.get_running_loop()
        app = QApplication.instance()
        if isinstance(app, QApplication):  # closing the window must not end the loop early
            app.setQuitOnLastWindowClosed(False)
        reporter = ErrorReporter()
        self.reporter = reporter
        undo_hook: Callable[[], None] | None = None
        if self.install_hooks:
            undo_hook = install_excepthook(self.config.data_dir, reporter)
            loop.set_exception_handler(loop_exception_handler(self.config.data_dir, reporter))
        try:
            try:
                issei, sink = build(self.config)
            except Exception as exc:  # noqa: BLE001 - told to the operator, then we stop
                await self._startup_failed(exc)
                return 2
            bridge = ConsoleBridge(issei, reporter)
            self._open = (bridge, issei, sink)
            window = MainWindow(bridge, reporter, settings=self.settings)
            self.window = window
            self.controls = OperatorControls(window)
            closed: asyncio.Future[None] = loop.create_future()
            window.closed.connect(lambda: _resolve(closed))
            self.first_paint = FirstPaintWatcher(window)
            restore_signals = self._close_on_signals(loop, window)
            exit_code = 0
            try:
                window.show()
                bridge.start_engine()
                self.controls.start()
                log.info("console ready title=%s", window.windowTitle(),
                         extra={"event": "console_ready"})
                if script is not None:
                    exit_code = await script(self, window)
                    window.force_close()
                await closed
            finally:
                restore_signals()
                window.hide()
                try:
                    await bridge.aclose()  # the engine task first: it uses the core
                finally:
                    try:
                        await issei.aclose()
                    finally:
                        sink.stop()
                        self._open = None
                        self.controls = None
                        window.deleteLater()
                        log.info("console closed")
            return exit_code
        finally:
            if undo_hook is not None:
                undo_hook()

    def emergency_close(self) -> None:
        """When Qt's loop ended under us (display lost, session ended): release what we can
        without a loop. The outbox keeps every queued delivery for the next start."""
        if self._open is None:
            return
        bridge, issei, sink = self._open
        self._open = None
        bridge.close_sync()
        issei.db_engine.dispose()
        sink.stop()
        log.warning("console closed without an orderly shutdown")

    def _close_on_signals(
        self, loop: asyncio.AbstractEventLoop, window: MainWindow
    ) -> Callable[[], None]:
        """Ctrl+C or a service stop closes the window the orderly way (engine, core, sink)."""
        if not self.install_hooks or threading.current_thread() is not threading.main_thread():
            return lambda: None
        wanted = [signal.SIGINT, signal.SIGTERM]
        previous = {sig: signal.getsignal(sig) for sig in wanted}

        def handler(signum: int, frame: object) -> None:
            log.info("signal %d: closing the console", signum)
            loop.call_soon_threadsafe(window.force_close)

        for sig in wanted:
            signal.signal(sig, handler)

        def restore() -> None:
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore

    async def _startup_failed(self, exc: BaseException) -> None:
        path = write_crash_report(self.config.data_dir, (type(exc), exc, exc.__traceback__),
                                  where="startup")
        log.error("console could not start: %s", exc)
        print(f"起動できませんでした: {exc}", file=sys.stderr)
        if QApplication.platformName() == "offscreen":
            return
        details = describe(exc) + (f"\n記録: {path}" if path else "")
        dialog = ErrorDialog(
            QCoreApplication.translate("Console", "コンソールを起動できませんでした。"), details
        )
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        dialog.finished.connect(lambda _r: _resolve(done))
        dialog.open()
        await done


# -- scripted runs -------------------------------------------------------------------------


async def smoke_script(runtime: ConsoleRuntime, window: MainWindow) -> int:
    assert runtime.first_paint is not None
    painted_at = await asyncio.wait_for(runtime.first_paint.painted, 60)
    ms = (process_age() - (time.time() - painted_at)) * 1000
    print(f"first paint: {ms:.0f} ms", flush=True)
    print(f"window title: {window.windowTitle()}", flush=True)
    log.info("first paint: %.0f ms", ms)
    await asyncio.sleep(0.2)  # let the first prepare land: the smoke test covers it too
    errors = runtime.reporter.count if runtime.reporter is not None else 0
    return 1 if errors else 0


def screenshots_script(folder: Path) -> Script:
    async def script(runtime: ConsoleRuntime, window: MainWindow) -> int:
        from widgets.screenshots import take_screenshots

        paths = await take_screenshots(window, folder)
        if runtime.controls is not None:
            from widgets.operator_screenshots import operator_screenshots

            paths += await operator_screenshots(window, runtime.controls, folder)
        for path in paths:
            print(path, flush=True)
        return 0

    return script


def run_console(config: Config, args: argparse.Namespace) -> int:
    smoke = bool(getattr(args, "smoke_test", False))
    screenshots: Path | None = getattr(args, "screenshots", None)
    e2e = os.environ.get(E2E_ENV)
    if (smoke or screenshots or e2e) and needs_offscreen():
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scripted = smoke or screenshots is not None or bool(e2e)
    settings = None if scripted else QSettings("Issei", "Issei")
    language = choose_language(getattr(args, "lang", None), settings)
    app = make_application(language)
    qInstallMessageHandler(_qt_message)
    runtime = ConsoleRuntime(config, settings=settings)
    script: Script | None = None
    if smoke:
        script = smoke_script
    elif screenshots is not None:
        script = screenshots_script(screenshots)
    elif e2e:
        from widgets.e2e import e2e_script

        script = e2e_script(Path(e2e))
    log.info("console starting language=%s", language, extra={"event": "console_starting"})
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            return runner.run(runtime.run(script))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        write_crash_report(config.data_dir, (type(exc), exc, exc.__traceback__), where="console")
        log.exception("console failed")
        print(f"コンソールが異常終了しました: {exc}", file=sys.stderr)
        return 1
