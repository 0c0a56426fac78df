"""Progress between consoles and workers that share one PostgreSQL database.

Whoever changes the outbox says so with ``NOTIFY issei_outbox, '<message id>'`` inside the
same transaction (PostgreSQL delivers it on commit, never for a rollback). Every engine
LISTENs and re-reads the counts of that message, so a console sees another console's or a
headless worker's progress within the coalescing interval (100 ms). SQLite has no such
channel: there, only one process writes at a time anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger("issei.notify")

CHANNEL = "issei_outbox"
RECONNECT_SECONDS = (0.5, 1.0, 2.0, 5.0, 10.0)


def announce(session: Session, message_id: str) -> None:
    """Queue a notification in the caller's transaction (a no-op outside PostgreSQL)."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": message_id})


def psycopg_url(database_url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url.removeprefix(prefix)
    raise ValueError(f"not a PostgreSQL URL: {database_url}")


async def listen(url: str, on_message: Callable[[str], None],
                 on_state: Callable[[bool], None] | None = None) -> None:
    """Call ``on_message(message_id)`` for every notification until cancelled.

    A lost connection is retried with backoff; ``on_state(False)`` lets the console say
    plainly that live updates from other consoles are paused, ``on_state(True)`` that they
    are back (it then re-reads what it shows, since notifications in between are lost).
    """
    import psycopg  # imported here: SQLite-only installs never load it

    attempt = 0
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
        except (OSError, psycopg.Error) as exc:
            delay = RECONNECT_SECONDS[min(attempt, len(RECONNECT_SECONDS) - 1)]
            if attempt == 0 and on_state is not None:
                on_state(False)
            log.warning("cannot listen for other consoles (%s); retrying in %.1fs", exc, delay)
            attempt += 1
            await asyncio.sleep(delay)
            continue
        try:
            async with conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                if on_state is not None:
                    on_state(True)
                attempt = 0
                async for notification in conn.notifies():
                    on_message(notification.payload)
        except (OSError, psycopg.Error) as exc:
            log.warning("lost the database notification channel: %s", exc)
            if on_state is not None:
                on_state(False)
            await asyncio.sleep(RECONNECT_SECONDS[0])
