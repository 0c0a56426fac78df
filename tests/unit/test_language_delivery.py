"""Reviewed translations are delivered: each resident gets their language if the message
carries it, else Japanese; corrections and cancellations follow the language received."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select

from app.compose.text import EN, phrases
from app.config import EmailChannel
from app.db.models import DeliveryBatch, Recipient
from app.domain import Draft, Medium, Urgency
from app.service import Issei
from app.translation.compose import MultilingualDraft, Origin, TextTranslation
from app.translation.models import MessageTranslation
from tests.helpers import make_config, with_issei
from tests.peers.smtp_peer import SmtpPeer

TITLE, BODY = "避難所開設", "北小学校を避難所として開設しました。"
EN_TITLE, EN_BODY = "Shelter open", "Kita Elementary School is open as a shelter."
EASY_TITLE, EASY_BODY = "ひなんじょ", "きた しょうがっこうに にげて ください。"


def reviewed(language: str, title: str, body: str) -> TextTranslation:
    return TextTranslation(language, title, body, TITLE, BODY, Origin.MANUAL, reviewed=True,
                           reviewed_by="tester")


DRAFT = MultilingualDraft(
    title=TITLE, body=BODY, media=(Medium.EMAIL,), urgency=Urgency.EMERGENCY,
    languages=("ja", "en", "ja-easy"),
    translations=(reviewed("en", EN_TITLE, EN_BODY), reviewed("ja-easy", EASY_TITLE, EASY_BODY)),
)

# address -> language; "zh-CN" is not carried by the message: Japanese. The family address is
# shared by an English and a Japanese resident: one delivery, in the first-registered one's.
RESIDENTS = [
    ("ja1@example.jp", "ja"), ("en1@example.jp", "en"), ("en2@example.jp", "en"),
    ("easy@example.jp", "ja-easy"), ("zh@example.jp", "zh-CN"), ("en3@example.jp", "en"),
    ("family@example.jp", "en"), ("FAMILY@example.jp", "ja"), ("ja2@example.jp", "ja"),
]
EXPECTED = {
    "ja1@example.jp": "ja", "en1@example.jp": "en", "en2@example.jp": "en",
    "easy@example.jp": "ja-easy", "zh@example.jp": "ja", "en3@example.jp": "en",
    "family@example.jp": "en", "ja2@example.jp": "ja",
}


def add(issei: Issei) -> None:
    with issei.sessions.begin() as session:
        session.execute(insert(Recipient), [
            {"name": f"住民{i}", "email": e, "language": lang, "area": "中央地区"}
            for i, (e, lang) in enumerate(RESIDENTS)
        ])


def subjects_by_address(peer: SmtpPeer) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for received in peer.received:
        for rcpt in received.rcpt_tos:
            out.setdefault(rcpt.lower(), []).append(str(received.message["Subject"]))
    return out


def test_each_resident_gets_their_reviewed_language_once(tmp_path: Path, db_url: str) -> None:
    with SmtpPeer() as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none",
                               recipients_per_transaction=2)
        config = make_config(tmp_path, db_url, email=channel)

        async def body(issei: Issei) -> None:
            add(issei)
            message_id = issei.send(DRAFT)
            with issei.sessions() as s:
                batches = s.execute(select(DeliveryBatch.language, DeliveryBatch.seq)
                                    .where(DeliveryBatch.message_id == message_id)
                                    .order_by(DeliveryBatch.seq)).all()
                kept = {t.language: t.title for t in s.scalars(select(MessageTranslation))}
            # Japanese first (3 → 2 batches of 2), then English (4 → 2), then easy (1 → 1).
            assert [b.language for b in batches] == ["ja", "ja", "en", "en", "ja-easy"]
            assert [b.seq for b in batches] == [0, 1, 2, 3, 4]
            assert kept == {"en": EN_TITLE, "ja-easy": EASY_TITLE}
            await issei.engine.run(until_idle=True)
            counts = issei.counts(message_id)["email"]
            assert (counts.total, counts.sent, counts.failed) == (8, 8, 0)

        with_issei(config, body)
    got = subjects_by_address(peer)
    assert sorted(got) == sorted(EXPECTED)
    assert all(len(subjects) == 1 for subjects in got.values())  # nobody twice
    for address, language in EXPECTED.items():
        title = {"ja": TITLE, "en": EN_TITLE, "ja-easy": EASY_TITLE}[language]
        fixed = phrases(language)
        assert got[address] == [f"{fixed.emergency_mark}{title}"], (address, got)
    english = next(r.message for r in peer.received if "en1@example.jp" in r.rcpt_tos)
    text = english.get_body().get_content()
    assert EN_BODY in text and BODY not in text
    assert f"{EN.category_label}: {EN.categories['disaster']}" in text
    japanese = next(r.message for r in peer.received if "zh@example.jp" in r.rcpt_tos)
    assert BODY in japanese.get_body().get_content()


def test_follow_ups_go_in_the_language_each_person_received(
    tmp_path: Path, db_url: str
) -> None:
    with SmtpPeer() as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none")
        config = make_config(tmp_path, db_url, email=channel)

        async def body(issei: Issei) -> None:
            add(issei)
            original = issei.send(DRAFT)
            await issei.engine.run(until_idle=True)
            # A resident changes their language afterwards: the follow-up still goes in the
            # language they received the original in.
            with issei.sessions.begin() as s:
                s.get(Recipient, 1).language = "en"  # type: ignore[union-attr]
            peer.received.clear()
            prepared = issei.prepare_correction(
                original, "南小学校へ避難してください。",
                translations={"en": ("", "Please go to Minami Elementary School.")},
            )
            # No やさしい日本語 correction was written: its readers get Japanese, and are told.
            found = [(r.language, f.code) for r in prepared.renditions for f in r.findings]
            assert found == [("ja", "translation_missing")], prepared.renditions
            assert prepared.received == {"email": {"ja": 3, "en": 4, "ja-easy": 1}}
            correction = issei.correct(
                original, "南小学校へ避難してください。",
                translations={"en": ("", "Please go to Minami Elementary School.")},
            )
            await issei.engine.run(until_idle=True)
            assert issei.counts(correction)["email"].sent == 8
            corrected = subjects_by_address(peer)
            peer.received.clear()
            cancel = issei.cancel(original, reason="誤配信")
            await issei.engine.run(until_idle=True)
            assert issei.counts(cancel)["email"].sent == 8
            return corrected

        corrected = with_issei(config, body)
    assert sorted(corrected) == sorted(EXPECTED)
    assert corrected["en1@example.jp"] == ["[EMERGENCY] [CORRECTION] Shelter open"]
    assert corrected["ja1@example.jp"] == ["【緊急】【訂正】避難所開設"]
    assert corrected["easy@example.jp"] == ["【緊急】【訂正】避難所開設"]
    cancelled = subjects_by_address(peer)
    assert all(len(s) == 1 for s in cancelled.values()) and sorted(cancelled) == sorted(EXPECTED)
    assert cancelled["en2@example.jp"] == ["[EMERGENCY] [CANCELLATION] Shelter open"]
    assert cancelled["easy@example.jp"] == [
        "【緊急（きんきゅう）】【取消（とりけし）】ひなんじょ"]
    assert cancelled["zh@example.jp"] == ["【緊急】【取消】避難所開設"]
    english = next(r.message for r in peer.received if "en1@example.jp" in r.rcpt_tos)
    text = english.get_body().get_content()
    assert 'The earlier message "Shelter open" is cancelled.' in text
    assert text.index(EN.cancelled_content) < text.index(EN_BODY)
    assert "北小学校" not in text


def test_a_draft_in_japanese_only_is_japanese_for_everyone(tmp_path: Path) -> None:
    with SmtpPeer() as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none")
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/j.db", email=channel)

        async def body(issei: Issei) -> None:
            add(issei)
            message_id = issei.send(Draft(title=TITLE, body=BODY, media=(Medium.EMAIL,)))
            await issei.engine.run(until_idle=True)
            assert issei.counts(message_id)["email"].sent == 8

        with_issei(config, body)
    assert {s for subjects in subjects_by_address(peer).values() for s in subjects} == {TITLE}


def test_renderers_put_the_fixed_phrases_in_the_rendition_language() -> None:
    from dataclasses import replace

    from app.compose.render import render

    drill = replace(DRAFT, training=True, media=(Medium.EMAIL, Medium.LINE, Medium.SMS))
    email = render(drill, Medium.EMAIL, "en").payload
    assert email["subject"] == f"[DRILL] [EMERGENCY] {EN_TITLE}"
    assert str(email["body"]).startswith(EN.training_notice)
    assert str(email["body"]).rstrip().endswith("Category: Disaster prevention")
    line = render(drill, Medium.LINE, "ja-easy").payload["messages"]
    assert line[0]["text"].startswith(  # type: ignore[index]
        f"【訓練（くんれん）】【緊急（きんきゅう）】【{EASY_TITLE}】")
    sms = render(drill, Medium.SMS, "en").payload
    assert str(sms["body"]).startswith(f"[DRILL] [EMERGENCY] 【{EN_TITLE}】")
    japanese = render(drill, Medium.EMAIL, "ja").payload
    assert japanese["subject"] == f"【訓練】【緊急】{TITLE}"
    # A language without a vouched-for table: Japanese and English side by side.
    assert phrases("th").training_mark == "【訓練】[DRILL] "
    assert phrases("my").categories["disaster"] == "防災 / Disaster prevention"


def test_public_posts_go_once_in_japanese_and_cap_carries_every_language() -> None:
    from dataclasses import replace

    from app.compose.render import render_all

    draft = replace(DRAFT, media=(Medium.EMAIL, Medium.X, Medium.WEBSITE, Medium.CAP))
    rendered = {(r.medium, r.language) for r in render_all(draft)}
    assert rendered == {
        (Medium.EMAIL, "ja"), (Medium.EMAIL, "en"), (Medium.EMAIL, "ja-easy"),
        (Medium.X, "ja"), (Medium.WEBSITE, "ja"),
        (Medium.CAP, "ja"), (Medium.CAP, "en"), (Medium.CAP, "ja-easy"),
    }
    cap = next(r for r in render_all(draft) if r.medium is Medium.CAP and r.language == "ja")
    assert [info["headline"] for info in cap.payload["infos"]][:2] == [  # type: ignore[index]
        "避難所開設", "Shelter open"]


def test_a_console_follow_up_needs_a_permitted_operator_once_accounts_exist(
    tmp_path: Path
) -> None:
    import pytest

    from app.accounts.operators import Role, add_department, add_operator, sign_in
    from app.service import NotSignedInError, SendRefusedError

    password = "correct horse battery"
    with SmtpPeer() as peer:
        channel = EmailChannel(host="127.0.0.1", port=peer.port, security="none")
        config = make_config(tmp_path, f"sqlite:///{tmp_path}/a.db", email=channel)

        async def body(issei: Issei) -> None:
            add(issei)
            original = issei.send(DRAFT)  # before any account existed
            await issei.engine.run(until_idle=True)
            with issei.sessions.begin() as s:
                add_department(s, "広報課", categories=["event"], media=["email"])
                add_operator(s, "koho", password, Role.SENDER, department="広報課")
                add_operator(s, "mimi", password, Role.VIEWER, department="広報課")
            with pytest.raises(NotSignedInError, match="サインイン"):
                issei.cancel(original, console=True)
            with pytest.raises(SendRefusedError, match="配信できません"):
                issei.cancel(original, signed_in=sign_in(issei.sessions, "mimi", password))
            with pytest.raises(SendRefusedError, match="カテゴリ「防災」"):
                issei.cancel(original, signed_in=sign_in(issei.sessions, "koho", password))

        with_issei(config, body)
    assert len(peer.received) == 3  # the original only (one transaction per language)


def test_every_language_has_complete_fixed_phrases() -> None:
    from dataclasses import fields

    from app.compose.text import JA, PHRASES, bracketed_title
    from app.domain import CATEGORIES, Urgency
    from app.translation.languages import LANGUAGES

    for language in ("ja", *(lang.code for lang in LANGUAGES)):
        fixed = phrases(language)
        assert set(fixed.categories) == set(CATEGORIES), language
        assert set(fixed.urgencies) == {u.value for u in Urgency}, language
        assert all(getattr(fixed, f.name) for f in fields(fixed)), language
        assert "{title}" in fixed.cancel_notice, language
        if language not in PHRASES:  # no vouched-for table: Japanese first, then English
            assert fixed.correction_mark.startswith(JA.correction_mark)
            assert EN.correction_mark in fixed.correction_mark
    # A follow-up keeps its mark outside the title brackets in every language.
    assert bracketed_title("[CORRECTION] Shelter open") == "[CORRECTION] 【Shelter open】"
    assert bracketed_title("【訂正】[CORRECTION] Shelter") == "【訂正】[CORRECTION] 【Shelter】"
    assert bracketed_title("【取消（とりけし）】ひなんじょ") == "【取消（とりけし）】【ひなんじょ】"
