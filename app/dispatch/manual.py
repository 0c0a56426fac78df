"""Media operated by hand: the operator records in the ledger that a delivery was made.

L-Alert is the case in point: many municipalities enter information through FMMC's web tool,
not through an interface Issei could call. The ledger still has to say, medium by medium,
whether the information reached the public. ``mark_done`` is that record: the operator
confirms the entry and the delivery becomes **delivered** (the furthest existing state):

- from **queued**: a delivery held for hand entry (``[channels.lalert] manual = true``);
- from **sent**: the document was handed over (file, 連携システム) and is now confirmed;
- from **failed**: the automatic hand-over failed and the operator entered it by hand.

Only public deliveries (one per medium, target ``public``/``broadcast``) can be marked: a
recipient list is never confirmed by hand. A delivery being sent at this moment is left
alone (mark again in a moment). The mark and its audit row commit together.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.db.models import Delivery, DeliveryBatch, Message, utcnow
from app.dispatch.audience import BROADCAST, PUBLIC
from app.domain import DeliveryState, Medium

MARKABLE = (DeliveryState.QUEUED.value, DeliveryState.SENT.value, DeliveryState.FAILED.value)
BATCH_DONE = "done"
BATCH_QUEUED = "queued"


class MarkError(ValueError):
    """The mark cannot be made; the message says why, in Japanese."""


@dataclass(frozen=True)
class MarkResult:
    message_id: str
    medium: str
    marked: int  # deliveries now delivered
    already: int  # deliveries that were delivered before


def mark_done(
    session_factory: sessionmaker[Session],
    message_id: str,
    medium: str,
    *,
    note: str = "",
    operator: str = "",
    console: str = "",
) -> MarkResult:
    try:
        medium_value = Medium(medium.strip().lower()).value
    except ValueError:
        raise MarkError(f"媒体「{medium}」はありません") from None
    now = utcnow()
    with session_factory.begin() as session:
        message = session.get(Message, message_id)
        if message is None:
            raise MarkError(f"配信ID {message_id} は見つかりません")
        rows = session.execute(
            select(Delivery.id, Delivery.batch_id, Delivery.state, Delivery.target)
            .where(Delivery.message_id == message_id, Delivery.medium == medium_value)
            .with_for_update()
        ).all()
        label = Medium(medium_value).label
        if not rows:
            raise MarkError(f"この配信には{label}の配信がありません")
        if any(target not in (PUBLIC, BROADCAST) for _, _, _, target in rows):
            raise MarkError(f"{label}は受信者ごとの配信のため、手動で完了にはできません")
        states = {state for _, _, state, _ in rows}
        if DeliveryState.SENDING.value in states:
            raise MarkError(f"{label}はいま送信処理中です。少し待ってからもう一度行ってください")
        ids = [i for i, _, state, _ in rows if state in MARKABLE]
        already = sum(1 for _, _, state, _ in rows if state == DeliveryState.DELIVERED.value)
        if not ids and not already:
            raise MarkError(f"{label}の配信は取りやめ済みのため、完了にできません")
        if ids:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.state.in_(MARKABLE))
                .values(state=DeliveryState.DELIVERED.value, last_error=None, updated_at=now)
            )
            # A batch whose deliveries are all final is done: the engine stops reminding and
            # `send --wait` stops waiting for it.
            batch_ids = {b for _, b, _, _ in rows}
            for batch_id in batch_ids:
                left = session.scalar(
                    select(func.count()).select_from(Delivery).where(
                        Delivery.batch_id == batch_id,
                        Delivery.state.in_([DeliveryState.QUEUED.value,
                                            DeliveryState.SENDING.value]),
                    )
                )
                if not left:
                    session.execute(
                        update(DeliveryBatch)
                        .where(DeliveryBatch.id == batch_id, DeliveryBatch.state == BATCH_QUEUED)
                        .values(state=BATCH_DONE, last_error=None)
                    )
        audit.append(
            session, "mark_done", operator=operator, console=console, message_id=message_id,
            detail={"medium": medium_value, "deliveries": len(ids), "note": note,
                    "from": sorted(states & set(MARKABLE))},
        )
    return MarkResult(message_id, medium_value, len(ids), already)
