"""What the confirmation shows comes from the core: who receives which language (and who
gets Japanese because the message lacks theirs), and the approval the send will need — the
same as ``send`` then does. On SQLite and the real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from app.accounts import approval
from app.accounts.operators import Role, add_operator, sign_in
from app.config import EmailChannel
from app.db.models import Delivery, DeliveryBatch, Message
from app.dispatch.audience import audience_count
from app.domain import Medium, Urgency
from app.service import Issei
from tests.helpers import make_config, with_issei
from tests.unit.test_language_delivery import DRAFT, add

PASSWORD = "correct horse battery"


def test_counts_per_language_match_what_the_send_writes(tmp_path: Path, db_url: str) -> None:
    channel = EmailChannel(host="127.0.0.1", port=1, security="none")
    config = make_config(tmp_path, db_url, email=channel)

    async def body(issei: Issei) -> None:
        add(issei)
        plain = issei.prepare(DRAFT)
        assert plain.languages == {} and plain.unserved == {}  # only when asked (typing)
        prepared = issei.prepare(DRAFT, by_language=True)
        # 9 residents, 8 addresses (a family shares one, in its first resident's English);
        # the one reading Chinese gets Japanese, and the confirmation warns about it.
        assert prepared.audiences[Medium.EMAIL] == 8
        assert prepared.languages[Medium.EMAIL] == {"ja": 3, "en": 4, "ja-easy": 1}
        assert list(prepared.languages[Medium.EMAIL]) == ["ja", "en", "ja-easy"]  # draft order
        assert prepared.unserved == {Medium.EMAIL: {"zh-CN": 1}}
        with issei.sessions() as s:
            assert audience_count(s, prepared.draft, Medium.EMAIL) == 8
        message_id = issei.send(DRAFT)
        with issei.sessions() as s:
            written = dict(s.execute(
                select(DeliveryBatch.language, func.count(Delivery.id))
                .join(Delivery, Delivery.batch_id == DeliveryBatch.id)
                .where(DeliveryBatch.message_id == message_id)
                .group_by(DeliveryBatch.language)
            ).all())
        assert written == prepared.languages[Medium.EMAIL]

        # Japanese only: everybody reads Japanese, and four are told so.
        only_ja = replace(DRAFT, languages=("ja",), translations=())
        prepared = issei.prepare(only_ja, by_language=True)
        assert prepared.languages[Medium.EMAIL] == {"ja": 8}
        assert prepared.unserved[Medium.EMAIL] == {"en": 4, "ja-easy": 1, "zh-CN": 1}

    with_issei(config, body)


def test_the_approval_shown_is_the_one_the_send_applies(tmp_path: Path, db_url: str) -> None:
    channel = EmailChannel(host="127.0.0.1", port=1, security="none")
    config = make_config(tmp_path, db_url, email=channel)
    town_wide = replace(DRAFT, urgency=Urgency.NORMAL, areas=())
    local = replace(DRAFT, urgency=Urgency.NORMAL, areas=("中央地区",))
    emergency = replace(DRAFT, areas=("中央地区",))

    async def body(issei: Issei) -> None:
        add(issei)
        # No accounts: nobody could approve, so a rule asking for a second operator becomes
        # the sender's own hold-to-send — and the send is indeed not held.
        prepared = issei.prepare(town_wide)
        assert (prepared.approval, prepared.approval_rule, prepared.approval_note) == (
            approval.HOLD, "全住民あて", "no_accounts")
        first = issei.send(town_wide)
        local_prepared = issei.prepare(local)
        assert (local_prepared.approval, local_prepared.approval_rule) == (
            approval.HOLD, "通常のお知らせ")
        assert local_prepared.approval_note == ""

        with issei.sessions.begin() as s:
            add_operator(s, "sato", PASSWORD, Role.SENDER)
        sato = sign_in(issei.sessions, "sato", PASSWORD)
        for draft, rule in ((town_wide, "全住民あて"), (emergency, "緊急（避難指示など）")):
            prepared = issei.prepare(draft)
            assert (prepared.approval, prepared.approval_rule, prepared.approval_note) == (
                approval.SECOND, rule, "")
        held = issei.send(emergency, signed_in=sato)
        prepared = issei.prepare(local)
        assert prepared.approval == approval.HOLD and prepared.approval_note == ""
        alone = issei.send(local, signed_in=sato)
        with issei.sessions() as s:
            states = {m.id: m.approval for m in s.scalars(select(Message))}
        assert states[held] == "pending"
        assert states[first] != "pending" and states[alone] != "pending"

    with_issei(config, body)
