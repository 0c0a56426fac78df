"""The data model. Alembic owns the schema (see ``migrations/``); these classes describe it.

Timestamps are stored as UTC. Identifiers of messages are UUID strings so that several
consoles can create them without coordination.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    sender_name: Mapped[str] = mapped_column(String(100), default="")
    # What the department may send: category codes, media, areas. Empty: no limit.
    allowed_categories: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    allowed_media: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    allowed_areas: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    role: Mapped[str] = mapped_column(String(20), default="sender")  # admin|approver|sender|viewer
    password_hash: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Recipient(Base):
    __tablename__ = "recipients"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    fax: Mapped[str | None] = mapped_column(String(32))
    sms: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16), default="ja")
    area: Mapped[str] = mapped_column(String(100), default="")
    needs_phone_call: Mapped[bool] = mapped_column(Boolean, default=False)  # 要配慮者
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    categories: Mapped[list[RecipientCategory]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def category_codes(self) -> list[str]:
        return sorted(c.category for c in self.categories)


class RecipientCategory(Base):
    """A category the recipient subscribed to. No rows means: every category."""

    __tablename__ = "recipient_categories"
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(40), primary_key=True)


class RecipientGroup(Base):
    __tablename__ = "recipient_groups"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")


class RecipientGroupMember(Base):
    __tablename__ = "recipient_group_members"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("recipient_groups.id", ondelete="CASCADE"), primary_key=True
    )
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("recipients.id", ondelete="CASCADE"), primary_key=True
    )


class Template(Base):
    """定型文: a title and body with ``{placeholders}``."""

    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("name", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16), default="ja")
    category: Mapped[str] = mapped_column(String(40), default="disaster")
    urgency: Mapped[str] = mapped_column(String(20), default="normal")
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(20))
    areas: Mapped[list[Any]] = mapped_column(default=list)
    media: Mapped[list[Any]] = mapped_column(default=list)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    training: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    console: Mapped[str] = mapped_column(String(200), default="")
    halted_at: Mapped[dt.datetime | None] = mapped_column()  # 配信中止
    correction_of: Mapped[str | None] = mapped_column(ForeignKey("messages.id"))
    # alert | correction (訂正) | cancellation (取消); the last two point at correction_of
    kind: Mapped[str] = mapped_column(String(20), default="alert", server_default="alert")
    # none | pending (batches held until a second operator approves) | approved | rejected |
    # overridden (released by an emergency override, with a reason)
    approval: Mapped[str] = mapped_column(String(20), default="none", server_default="none")
    approval_by: Mapped[str] = mapped_column(String(100), default="", server_default="")
    approval_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    department: Mapped[str] = mapped_column(String(100), default="", server_default="")
    renditions: Mapped[list[RenditionRow]] = relationship(
        back_populates="message", lazy="selectin"
    )


class RenditionRow(Base):
    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("message_id", "medium", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    medium: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column()
    findings: Mapped[list[Any]] = mapped_column(default=list)
    message: Mapped[Message] = relationship(back_populates="renditions")


class DeliveryBatch(Base):
    """One unit of work for a driver: one SMTP transaction, one LINE multicast request.

    Batches are formed when the send is written, so a batch retried after a crash carries
    the same recipients and the same idempotency key (LINE ``X-Line-Retry-Key``).
    """

    __tablename__ = "delivery_batches"
    __table_args__ = (
        Index("ix_batches_due", "state", "medium", "next_attempt_at"),
        UniqueConstraint("message_id", "medium", "seq"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    medium: Mapped[str] = mapped_column(String(20))
    seq: Mapped[int] = mapped_column(Integer, default=0)  # position within its message+medium
    language: Mapped[str] = mapped_column(String(16), default="ja")
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(12))  # queued|sending|done
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)


class Delivery(Base):
    """One row of the outbox: one recipient (or one public post) on one medium."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_batch", "batch_id", "state"),
        Index("ix_deliveries_message", "message_id", "medium", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("delivery_batches.id", ondelete="CASCADE"))
    medium: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="SET NULL")
    )
    target: Mapped[str] = mapped_column(String(320))  # address, user id, or "broadcast"
    state: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    possible_duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    provider_ref: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApprovalRule(Base):
    """One row of the approval policy the administrator edits; the first match applies."""

    __tablename__ = "approval_rules"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    urgencies: Mapped[list[Any]] = mapped_column(default=list)  # empty: any
    categories: Mapped[list[Any]] = mapped_column(default=list)  # empty: any
    all_residents: Mapped[bool | None] = mapped_column(Boolean)  # None: either
    requirement: Mapped[str] = mapped_column(String(20))  # hold | second


class AuditEntry(Base):
    """Append-only, hash-chained: each row's hash covers the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    operator: Mapped[str] = mapped_column(String(100), default="")
    console: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(60))
    message_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
