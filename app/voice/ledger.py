"""Radio broadcasts and phone calls in the delivery ledger (配信台帳).

These media are not queued for the outbox engine: a broadcast is one act at the console, a
call campaign runs its own lines. They still enter the same ledger — a Message, its rendition
(the text, the reading, the zones) and one Delivery per broadcast or per call — so that the
monitor, the history and the audit log show them like every other medium.

The batch is written ``done`` from the start: the engine must never claim or "recover" it
(it has no driver that could send it again), while each delivery moves through ``sending``
to its final state with timestamps, the provider reference (on-air confirmation, line) and the
reason of a failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.db.models import Delivery, DeliveryBatch, Message, RenditionRow, utcnow
from app.domain import DeliveryState, Medium

BATCH_DONE = "done"


@dataclass(frozen=True)
class Entry:
    message_id: str
    delivery_ids: tuple[int, ...]


def open_entry(
    sessions: sessionmaker[Session],
    *,
    medium: Medium,
    title: str,
    body: str,
    targets: Sequence[tuple[int | None, str]],  # (recipient id, target)
    payload: dict[str, Any],
    training: bool,
    operator: str = "",
    console: str = "",
    urgency: str = "emergency",
    areas: Sequence[str] = (),
) -> Entry:
    """Write the message and its deliveries (state ``sending``) in one transaction."""
    message_id = str(uuid.uuid4())
    now = utcnow()
    with sessions.begin() as session:
        session.add(Message(
            id=message_id, title=title, body=body, category="disaster", urgency=urgency,
            areas=list(areas), media=[medium.value], languages=["ja"], training=training,
            created_at=now, created_by=operator, console=console,
        ))
        session.flush()
        session.add(RenditionRow(message_id=message_id, medium=medium.value, language="ja",
                                 payload=payload, findings=[]))
        batch = DeliveryBatch(
            message_id=message_id, medium=medium.value, seq=0, language="ja",
            idempotency_key=str(uuid.uuid4()), state=BATCH_DONE, attempts=1,
            next_attempt_at=now, claimed_by=console,
        )
        session.add(batch)
        session.flush()
        rows = [
            Delivery(message_id=message_id, batch_id=batch.id, medium=medium.value,
                     recipient_id=recipient_id, target=target,
                     state=DeliveryState.SENDING.value, attempts=0, updated_at=now)
            for recipient_id, target in targets
        ]
        session.add_all(rows)
        session.flush()
        audit.append(session, f"{medium.value}_start", operator=operator, console=console,
                     message_id=message_id,
                     detail={"training": training, "targets": len(rows), "title": title})
        return Entry(message_id, tuple(r.id for r in rows))


def close_delivery(
    sessions: sessionmaker[Session],
    delivery_id: int,
    *,
    state: DeliveryState,
    provider_ref: str | None,
    error: str | None,
    attempts: int = 1,
) -> None:
    with sessions.begin() as session:
        session.execute(
            update(Delivery).where(Delivery.id == delivery_id).values(
                state=state.value, provider_ref=(provider_ref or "")[:200] or None,
                last_error=error or None, attempts=attempts, updated_at=utcnow(),
            )
        )


def finish(sessions: sessionmaker[Session], entry: Entry, medium: Medium, *,
           operator: str, console: str, detail: dict[str, Any]) -> None:
    with sessions.begin() as session:
        audit.append(session, f"{medium.value}_finish", operator=operator, console=console,
                     message_id=entry.message_id, detail=detail)


def fail_interrupted(sessions: sessionmaker[Session], medium: Medium, console: str) -> int:
    """Deliveries this console left ``sending`` when it stopped (crash, power cut) are
    recorded as failed: nobody can say whether the broadcast or the call went out whole."""
    now = utcnow()
    with sessions.begin() as session:
        batches = select(DeliveryBatch.id).where(
            DeliveryBatch.medium == medium.value, DeliveryBatch.claimed_by == console,
            DeliveryBatch.state == BATCH_DONE)
        result = session.execute(
            update(Delivery)
            .where(Delivery.batch_id.in_(batches), Delivery.medium == medium.value,
                   Delivery.state == DeliveryState.SENDING.value)
            .values(state=DeliveryState.FAILED.value, updated_at=now,
                    last_error="コンソールが途中で停止したため、結果が分かりません")
        )
        return int(result.rowcount or 0)
