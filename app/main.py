"""The composition root: wires configuration, drivers and the core together.

Front ends (the CLI, the console) call ``open_issei`` and get a ready ``Issei`` whose engine
they run on their own loop.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.config import Config
from app.service import Issei
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers

log = logging.getLogger("issei.main")


def build(config: Config) -> tuple[Issei, DrillSink]:
    sink = DrillSink(config.data_dir / "drill").start()
    try:
        issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
    except BaseException:
        sink.stop()
        raise
    if config.embedded:
        _load_samples_once(issei)
    return issei, sink


def _load_samples_once(issei: Issei) -> None:
    """The embedded default ships sample residents so that a drill works out of the box."""
    marker = issei.config.data_dir / ".samples-loaded"
    if marker.exists() or issei.recipient_count() > 0:
        return
    from app.recipients.csv_io import load_sample_recipients

    report = load_sample_recipients(issei.sessions)
    if report.ok:
        marker.write_text("sample recipients loaded\n", encoding="utf-8")
        log.info("loaded %d sample recipients", report.inserted)
    else:
        log.error("sample recipients could not be loaded: %s", report.summary_ja())


@asynccontextmanager
async def open_issei(config: Config) -> AsyncIterator[Issei]:
    issei, sink = build(config)
    try:
        yield issei
    finally:
        await issei.aclose()
        sink.stop()
