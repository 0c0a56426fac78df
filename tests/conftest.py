"""Shared fixtures: databases (SQLite and the real PostgreSQL), data folders, configs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

IN_CI = bool(os.environ.get("CI"))
PG_ADMIN_URL = os.environ.get("ISSEI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def require(condition: bool, reason: str) -> None:
    """Skip on a developer machine that lacks a prerequisite; fail in CI, never skip there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI prerequisite missing: {reason}")
    pytest.skip(reason)


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@pytest.fixture(scope="session")
def pg_available() -> bool:
    return _pg_available()


@pytest.fixture
def pg_url(pg_available: bool) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    require(pg_available, "PostgreSQL at 127.0.0.1:5432 is not running")
    import psycopg

    name = f"issei_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The engine and its tests run on both stores."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'issei.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Hardware-bench tests need a real radio console or modem on the bench PC (their
    ISSEI_BENCH_* variable names it). Elsewhere they are deselected, not skipped: a skip in
    CI would read as a test that could not run, and these never run without the device."""
    bench = {k for k in os.environ if k.startswith("ISSEI_BENCH_")}
    if bench:
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("hardware") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
