"""The translation memory table: one row per (source text, target language).

A segment is a title or a body as the operator wrote it. The digest of the source text is the
key, so that a long body is looked up by an index and not by comparing texts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class TranslationMemoryEntry(Base):
    __tablename__ = "translation_memory"
    __table_args__ = (
        Index("ux_translation_memory_segment", "source_digest", "target_language", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    source_digest: Mapped[str] = mapped_column(String(64))  # sha256 of source_text
    source_language: Mapped[str] = mapped_column(String(16), default="ja")
    target_language: Mapped[str] = mapped_column(String(16))
    source_text: Mapped[str] = mapped_column(Text)
    translated_text: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20))  # machine | template | manual | memory
    provider: Mapped[str] = mapped_column(String(40), default="")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MessageTranslation(Base):
    """The reviewed title and body a message carried in one language besides Japanese."""

    __tablename__ = "message_translations"
    __table_args__ = (UniqueConstraint("message_id", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("messages.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20))
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
