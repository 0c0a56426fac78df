"""The schema has one head, and upgrading an empty database gives what the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app.db.models import Base
from app.db.session import alembic_config, make_engine, upgrade


def test_one_head_and_every_model_table_exists(tmp_path: Path, db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert len(ScriptDirectory.from_config(alembic_config(engine)).get_heads()) == 1
        upgrade(engine)
        upgrade(engine)  # every start runs it again: must be harmless
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()
