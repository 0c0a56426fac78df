"""Tables of the trigger subsystem (migration ``0002_triggers``).

* ``jma_bulletins``: every bulletin received, raw bytes included: the audit trail, and the
  reason bad input never loses anything (an unreadable telegram is still stored, with why).
* ``jma_processed``: the claim that makes a bulletin act once, even when two consoles poll.
* ``jma_feed_entries`` / ``jma_feed_state``: what the poller has seen and fetched, so each
  bulletin is fetched once and polling resumes with If-None-Match / If-Modified-Since.
* ``trigger_state``: per rule and event, what residents were last told (storm control).
* ``trigger_decisions``: what each rule decided for each bulletin; rows in ``pending`` state are
  the queue an operator approves or rejects (``mode = "confirm"``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.models import Base, utcnow


class JmaBulletin(Base):
    __tablename__ = "jma_bulletins"
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    source: Mapped[str] = mapped_column(String(1000), default="")  # feed URL or file path
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    type_code: Mapped[str] = mapped_column(String(16), default="")
    control_title: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="")
    info_type: Mapped[str] = mapped_column(String(10), default="")
    event_id: Mapped[str] = mapped_column(String(300), default="")
    serial: Mapped[str] = mapped_column(String(20), default="")
    envelope_key: Mapped[str | None] = mapped_column(String(64), index=True)
    error: Mapped[str | None] = mapped_column(Text)  # why it could not be read (Japanese)
    decision: Mapped[str] = mapped_column(String(10), default="")
    reason: Mapped[str] = mapped_column(Text, default="")


class JmaProcessed(Base):
    __tablename__ = "jma_processed"
    envelope_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("jma_bulletins.id", ondelete="CASCADE"))
    claimed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str] = mapped_column(String(200), default="")
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class JmaFeedEntry(Base):
    __tablename__ = "jma_feed_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    feed: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    updated: Mapped[dt.datetime | None] = mapped_column()
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[dt.datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    bulletin_id: Mapped[int | None] = mapped_column(
        ForeignKey("jma_bulletins.id", ondelete="SET NULL")
    )


class JmaFeedState(Base):
    __tablename__ = "jma_feed_state"
    url: Mapped[str] = mapped_column(String(1000), primary_key=True)
    etag: Mapped[str] = mapped_column(String(300), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_polled_at: Mapped[dt.datetime | None] = mapped_column()
    last_ok_at: Mapped[dt.datetime | None] = mapped_column()
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    newest_entry: Mapped[dt.datetime | None] = mapped_column()  # for gap detection


class TriggerState(Base):
    __tablename__ = "trigger_state"
    __table_args__ = (UniqueConstraint("rule", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(300))
    level: Mapped[int] = mapped_column(Integer, default=0)  # last level residents were told
    signature: Mapped[str] = mapped_column(Text, default="")
    told_at: Mapped[dt.datetime | None] = mapped_column()
    merged: Mapped[int] = mapped_column(Integer, default=0)  # updates held back since told_at
    latest: Mapped[dict[str, Any]] = mapped_column(default=dict)  # latest values seen
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TriggerDecision(Base):
    __tablename__ = "trigger_decisions"
    __table_args__ = (
        Index("ix_trigger_decisions_state", "state", "created_at"),
        Index("ix_trigger_decisions_product", "product", "decision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    bulletin_id: Mapped[int | None] = mapped_column(
        ForeignKey("jma_bulletins.id", ondelete="SET NULL")
    )
    rule: Mapped[str] = mapped_column(String(200))
    product: Mapped[str] = mapped_column(String(200), default="")  # Control/Title
    event_ids: Mapped[str] = mapped_column(Text, default="")  # " id1 id2 " for LIKE lookups
    keys: Mapped[list[Any]] = mapped_column(default=list)  # storm-control keys it told
    levels: Mapped[dict[str, Any]] = mapped_column(default=dict)  # key -> (level, signature)
    decision: Mapped[str] = mapped_column(String(10))  # send | confirm | cancel
    # sent | pending | approved | rejected | withdrawn | failed
    state: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str] = mapped_column(String(40), default="disaster")
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    areas: Mapped[list[Any]] = mapped_column(default=list)
    training: Mapped[bool] = mapped_column(Boolean, default=False)
    message_id: Mapped[str | None] = mapped_column(String(36))
    cancels: Mapped[int | None] = mapped_column(ForeignKey("trigger_decisions.id"))
    decided_by: Mapped[str] = mapped_column(String(100), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)
