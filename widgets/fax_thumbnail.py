"""The FAX page as a thumbnail, drawn on demand off the keystroke path.

The FAX rendition carries only the page count (``app.voice.fax.page_count`` lays the page out
without drawing it). The preview draws the pages with the very function the FAX driver sends
(``app.voice.fax.render``), on a worker thread, once the operator has stopped typing for
``DEBOUNCE_MS``; the keystroke itself only restarts a timer. An answer for text that has
changed meanwhile is dropped and the newest text drawn instead.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from app.voice import fax
from widgets import style

DEBOUNCE_MS = 300
THUMB_WIDTH = 116  # px; A4 proportions give ≈ 154 px tall: fits the preview pane
THUMB_HEIGHT = round(THUMB_WIDTH * fax.HEIGHT / fax.WIDTH)

# One worker for every FAX preview: a page at fax resolution takes ~0.1 s to draw.
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="issei-fax-preview")

Thumbs = list[tuple[int, int, bytes]]  # (width, height, 8-bit grey pixels) per page


def draw_thumbnails(title: str, body: str, width: int = THUMB_WIDTH) -> Thumbs:
    """The pages ``fax.render`` makes for the driver, scaled down to ``width`` (worker)."""
    from PIL import Image

    document = fax.render(title, body)
    height = round(width * fax.HEIGHT / fax.WIDTH)
    thumbs: Thumbs = []
    for page in document.pages:
        small = page.convert("L").resize((width, height), Image.Resampling.BOX)
        thumbs.append((width, height, small.tobytes()))
    return thumbs


class FaxThumbnails(QWidget):
    """A strip of page thumbnails; ``request`` schedules a redraw after the debounce."""

    _finished = Signal(int, object)  # generation, Future[Thumbs] (from the worker thread)
    drawn = Signal()  # the thumbnails now show the newest text (or its error)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.generation = 0
        self.renders_started = 0  # page drawings started (tests: never one per keystroke)
        self.shown_text: tuple[str, str] | None = None
        self.error = ""
        self._wanted: tuple[str, str] | None = None
        self._running = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start)
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.page_labels: list[QLabel] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self.status_label = QLabel(self.tr("FAXの紙面を準備しています…"))
        self.status_label.setWordWrap(True)
        self.status_label.setFixedSize(THUMB_WIDTH, THUMB_HEIGHT)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setStyleSheet(
            f"background: #eef1f4; border: 1px dashed #b8c4d0; color: {style.MUTED};"
            " font-size: 9pt;")
        self._layout.addWidget(self.status_label)

    def request(self, title: str, body: str) -> None:
        """The page's text changed (or may have): redraw once typing pauses."""
        if (title, body) == self._wanted:
            return
        self._wanted = (title, body)
        self.generation += 1
        self._timer.start()  # restarted by every keystroke: the debounce

    def pending(self) -> bool:
        return self._timer.isActive() or self._running or self.shown_text != self._wanted

    def _start(self) -> None:
        if self._running or self._wanted is None:
            return  # the running drawing starts the next one when it ends
        title, body = self._wanted
        generation = self.generation
        self._running = True
        self.renders_started += 1
        future = _pool.submit(draw_thumbnails, title, body)
        future.add_done_callback(lambda f: self._relay(generation, f))

    def _relay(self, generation: int, future: Future[Thumbs]) -> None:
        if shiboken6.isValid(self):  # the preview may have closed meanwhile
            with contextlib.suppress(RuntimeError):
                self._finished.emit(generation, future)

    def _on_finished(self, generation: int, future: Future[Thumbs]) -> None:
        self._running = False
        if generation != self.generation:
            if not self._timer.isActive():
                self._start()  # typed on while drawing: draw the newest text now
            return
        self.shown_text = self._wanted
        exc = future.exception()
        if exc is not None:
            message = str(exc) if isinstance(exc, fax.FaxPageError) else self.tr(
                "FAXの紙面を描けませんでした（{error}）").format(error=exc)
            self._show_error(message)
        else:
            self._show_pages(future.result())
        self.drawn.emit()

    def _show_error(self, message: str) -> None:
        self.error = message
        for label in self.page_labels:
            label.setVisible(False)
        self.status_label.setText(message)
        self.status_label.setVisible(True)

    def _show_pages(self, thumbs: Thumbs) -> None:
        self.error = ""
        self.status_label.setVisible(False)
        while len(self.page_labels) < len(thumbs):
            label = QLabel()
            label.setFixedSize(THUMB_WIDTH + 2, THUMB_HEIGHT + 2)
            label.setStyleSheet("border: 1px solid #9aa7b3; background: white;")
            self._layout.insertWidget(len(self.page_labels), label)
            self.page_labels.append(label)
        for label, (width, height, pixels) in zip(self.page_labels, thumbs, strict=False):
            image = QImage(pixels, width, height, width, QImage.Format.Format_Grayscale8)
            label.setPixmap(QPixmap.fromImage(image.copy()))  # copy: owns its pixels
            label.setToolTip(self.tr("{n}枚目").format(n=self.page_labels.index(label) + 1))
            label.setVisible(True)
        for label in self.page_labels[len(thumbs):]:
            label.setVisible(False)

    def shown_pages(self) -> int:
        return sum(1 for label in self.page_labels if not label.isHidden())

    def first_page(self) -> QImage | None:
        if not self.page_labels or self.page_labels[0].isHidden():
            return None
        return self.page_labels[0].pixmap().toImage()
