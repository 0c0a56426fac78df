"""Administration in the core: the approval policy (validated, audited before/after, TOML
round trip), operators (password twice, role/department change, disable, reset, never the
last 管理者) and departments — each change audited, nothing changed by a refused one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app import audit
from app.accounts import admin, approval
from app.accounts.approval import HOLD, SECOND, Rule
from app.accounts.operators import AccountError, Role, SignedIn, sign_in
from app.db.models import AuditEntry
from app.db.session import make_engine, session_factory, upgrade
from app.domain import Draft, Medium, Urgency

PASSWORD = "correct-horse-1"


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def _audit(sessions: sessionmaker[Session]) -> list[AuditEntry]:
    with sessions() as s:
        return list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _setup(sessions: sessionmaker[Session]) -> tuple[SignedIn, SignedIn]:
    with sessions.begin() as s:
        admin.create_department(s, None, "卓1", "防災", sender_name="防災課")
        admin.create_operator(s, None, "卓1", "kanri", PASSWORD, Role.ADMIN,
                              password_again=PASSWORD, fallback_actor="setup")
    kanri = sign_in(sessions, "kanri", PASSWORD)
    with sessions.begin() as s:
        admin.create_operator(s, kanri, "卓1", "sato", PASSWORD, Role.SENDER, department="防災")
    return kanri, sign_in(sessions, "sato", PASSWORD)


def test_policy_is_validated_saved_and_audited_before_and_after(
        sessions: sessionmaker[Session]) -> None:
    kanri, sato = _setup(sessions)
    rules = [Rule("防災は承認", SECOND, categories=("disaster",)), Rule("その他", HOLD)]
    with pytest.raises(AccountError, match="権限がありません"), sessions.begin() as s:
        admin.set_policy(s, sato, "卓1", rules)
    with pytest.raises(AccountError, match="管理者としてサインイン"), sessions.begin() as s:
        admin.set_policy(s, None, "卓1", rules)
    for bad, message in (
        ([Rule("防災", SECOND, categories=("disaster",))], "最後の規則は、すべての配信"),
        ([Rule("", HOLD)], "1番目の規則に名前を付けてください"),
        ([Rule("x", "maybe")], "承認の要件「maybe」はありません"),
        ([Rule("x", HOLD, urgencies=("urgent",)), Rule("y", HOLD)], "緊急度「urgent」"),
        ([Rule("x", HOLD, categories=("fun",)), Rule("y", HOLD)], "カテゴリ「fun」"),
    ):
        with pytest.raises(ValueError, match=message), sessions.begin() as s:
            admin.set_policy(s, kanri, "卓1", bad)
    with sessions() as s:
        assert approval.load_policy(s) == approval.DEFAULT_POLICY  # nothing half-saved
    with sessions.begin() as s:
        admin.set_policy(s, kanri, "卓1", rules)
    with sessions() as s:
        assert list(approval.load_policy(s)) == rules
        notice = Draft(title="t", body="b", media=(Medium.EMAIL,), category="life",
                       urgency=Urgency.EMERGENCY)
        assert approval.requirement_for(s, notice).requirement == HOLD
        assert audit.verify(s) == []
    entry = _audit(sessions)[-1]
    assert (entry.action, entry.operator, entry.console) == ("policy_set", "kanri", "卓1")
    assert entry.detail["before"][0]["name"] == "緊急（避難指示など）"
    assert entry.detail["after"] == [approval.rule_to_dict(r) for r in rules]


def test_policy_toml_round_trip_and_clear_messages() -> None:
    text = approval.policy_to_toml(approval.DEFAULT_POLICY)
    assert tuple(approval.policy_from_toml(text)) == approval.DEFAULT_POLICY
    japanese = approval.policy_from_toml(
        '[[rule]]\nname = "緊急"\nrequirement = "承認者が必要"\nurgencies = ["緊急"]\n'
        'categories = ["防災"]\nall_residents = false\n'
        '[[rule]]\nname = "他"\nrequirement = "本人のみ（押し続けて送信）"\n')
    assert japanese == [Rule("緊急", SECOND, ("emergency",), ("disaster",), False),
                        Rule("他", HOLD)]
    for text, message in (("[[rule]\n", "TOMLとして読めません"),
                          ("x = 1\n", "規則がありません"),
                          ('[[rule]]\nname = "a"\nrequirement = "hold"\ncolour = 1\n',
                           "項目「colour」はありません"),
                          ('[[rule]]\nname = "a"\nrequirement = "hold"\nall_residents = "yes"\n',
                           "all_residents は true か false")):
        with pytest.raises(ValueError, match=message):
            approval.policy_from_toml(text)


def test_policy_file_with_a_bom_reads_and_a_cp932_file_is_refused(tmp_path: Path) -> None:
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[[rule]]\nname = \"全部\"\nrequirement = \"hold\"\n".encode())
    assert approval.policy_from_file(bom) == [Rule("全部", HOLD)]
    cp932 = tmp_path / "sjis.toml"
    cp932.write_bytes("[[rule]]\nname = \"全部\"\nrequirement = \"hold\"\n".encode("cp932"))
    with pytest.raises(ValueError, match="UTF-8 ではありません"):
        approval.policy_from_file(cp932)
    with pytest.raises(ValueError, match="を読めません"):
        approval.policy_from_file(tmp_path / "missing.toml")


def test_operators_are_managed_and_audited(sessions: sessionmaker[Session]) -> None:
    kanri, sato = _setup(sessions)
    with pytest.raises(AccountError, match="一致しません"), sessions.begin() as s:
        admin.create_operator(s, kanri, "卓1", "koho", PASSWORD, Role.SENDER,
                              password_again=PASSWORD + "x")
    with pytest.raises(AccountError, match="8文字以上"), sessions.begin() as s:
        admin.create_operator(s, kanri, "卓1", "koho", "short", Role.SENDER,
                              password_again="short")
    with pytest.raises(AccountError, match="権限がありません"), sessions.begin() as s:
        admin.create_operator(s, sato, "卓1", "koho", PASSWORD, Role.ADMIN)
    with sessions.begin() as s:
        admin.create_department(s, kanri, "卓1", "広報", categories=["event"], media=["email"],
                                areas=["北地区"])
        changes = admin.change_operator(s, kanri, "卓1", "sato", role=Role.APPROVER,
                                        department="広報")
    assert changes == {"role": ["sender", "approver"], "department": ["防災", "広報"]}
    assert sign_in(sessions, "sato", PASSWORD).allowed_media == ("email",)
    with sessions.begin() as s:
        admin.reset_password(s, kanri, "卓1", "sato", "new-password-9",
                             password_again="new-password-9")
        admin.set_operator_active(s, kanri, "卓1", "sato", False)
    with pytest.raises(AccountError):
        sign_in(sessions, "sato", "new-password-9")  # disabled
    with sessions.begin() as s:
        admin.set_operator_active(s, kanri, "卓1", "sato", True)
    assert sign_in(sessions, "sato", "new-password-9").role is Role.APPROVER
    with pytest.raises(AccountError, match="自分自身は無効にできません"), sessions.begin() as s:
        admin.set_operator_active(s, kanri, "卓1", "kanri", False)
    with pytest.raises(AccountError, match="管理者が一人もいなくなる"), sessions.begin() as s:
        admin.change_operator(s, kanri, "卓1", "kanri", role=Role.SENDER)
    with sessions() as s:
        people = {p.login: p for p in admin.list_operators(s)}
        assert people["kanri"].role is Role.ADMIN and people["sato"].department == "広報"
        departments = {d.name: d for d in admin.list_departments(s)}
        assert departments["広報"].media == ("email",) and departments["広報"].operators == 1
        assert audit.verify(s) == []
    actions = [(e.action, e.operator, e.detail.get("login") or e.detail.get("name"))
               for e in _audit(sessions)]
    assert actions[-5:] == [
        ("department_add", "kanri", "広報"), ("operator_change", "kanri", "sato"),
        ("password_reset", "kanri", "sato"), ("operator_disable", "kanri", "sato"),
        ("operator_enable", "kanri", "sato")]
    assert all(PASSWORD not in str(e.detail) and "new-password-9" not in str(e.detail)
               for e in _audit(sessions))


def test_department_permissions_change_and_refuse_unknown_codes(
        sessions: sessionmaker[Session]) -> None:
    kanri, _sato = _setup(sessions)
    with pytest.raises(AccountError, match="媒体「pigeon」はありません"), sessions.begin() as s:
        admin.change_department(s, kanri, "卓1", "防災", sender_name="防災課",
                                categories=[], media=["pigeon"], areas=[])
    with sessions.begin() as s:
        changes = admin.change_department(s, kanri, "卓1", "防災", sender_name="○○市 防災課",
                                          categories=["disaster"], media=["email", "line"],
                                          areas=[])
    assert changes["allowed_media"] == [[], ["email", "line"]]
    sato = sign_in(sessions, "sato", PASSWORD)
    assert sato.sender_name == "○○市 防災課" and sato.allowed_categories == ("disaster",)
    entry = _audit(sessions)[-1]
    assert entry.action == "department_change" and entry.detail["name"] == "防災"
