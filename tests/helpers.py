"""Small helpers shared by tests: configs, recipients, running the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import insert

from app.config import Config, EmailChannel, LineChannel
from app.db.models import Recipient
from app.service import Issei
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers

T = TypeVar("T")


def make_config(
    data_dir: Path,
    database_url: str,
    *,
    email: EmailChannel | None = None,
    line: LineChannel | None = None,
    training: bool = False,
    max_attempts: int = 4,
) -> Config:
    config = Config(
        database_url=database_url,
        data_dir=data_dir,
        training=training,
        embedded=False,
        max_attempts=max_attempts,
        retry_base_seconds=0.05,
        retry_max_seconds=0.2,
    )
    if email is not None:
        config.email = email
        config.configured_media.add("email")
    if line is not None:
        config.line = line
        config.configured_media.add("line")
    return config


def add_recipients(
    issei: Issei, emails: Iterable[str] = (), line_ids: Iterable[str] = ()
) -> None:
    rows = [{"name": f"住民{i}", "email": e, "language": "ja", "area": "中央地区"}
            for i, e in enumerate(emails)]
    rows += [{"name": f"LINE住民{i}", "line_user_id": u, "language": "ja", "area": "中央地区"}
             for i, u in enumerate(line_ids)]
    if rows:
        with issei.sessions.begin() as session:
            session.execute(insert(Recipient), rows)


def with_issei(config: Config, body: Callable[[Issei], Awaitable[T]]) -> T:
    """Build the real service (real drivers + drill sink), run ``body``, close everything."""

    async def run() -> T:
        sink = DrillSink(config.data_dir / "drill").start()
        issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
        try:
            return await body(issei)
        finally:
            await issei.aclose()
            sink.stop()

    return asyncio.run(run())


def line_user_id(n: int) -> str:
    return "U" + f"{n:032x}"
