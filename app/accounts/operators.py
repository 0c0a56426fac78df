"""Operators and departments: who may send what, and who is signed in."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.accounts.passwords import hash_password, verify_password
from app.db.models import Department, Operator
from app.domain import CATEGORIES, Draft, Finding, Medium, Severity


class Role(enum.StrEnum):
    ADMIN = "admin"  # 管理者: everything, edits accounts and the approval policy
    APPROVER = "approver"  # 承認者: sends, and approves other operators' sends
    SENDER = "sender"  # 配信者: sends within the department's permissions
    VIEWER = "viewer"  # 閲覧者: watches only

    @property
    def label(self) -> str:
        return {"admin": "管理者", "approver": "承認者", "sender": "配信者",
                "viewer": "閲覧者"}[self.value]

    @property
    def may_send(self) -> bool:
        return self is not Role.VIEWER

    @property
    def may_approve(self) -> bool:
        return self in (Role.ADMIN, Role.APPROVER)


ROLE_ALIASES = {**{r.value: r for r in Role}, **{r.label: r for r in Role}}


class AccountError(ValueError):
    """Sign-in or account management refused; the message is Japanese."""


@dataclass(frozen=True)
class SignedIn:
    """The operator behind an action, with their department's permissions."""

    login: str
    display_name: str
    role: Role
    department: str
    sender_name: str
    allowed_categories: tuple[str, ...]
    allowed_media: tuple[str, ...]
    allowed_areas: tuple[str, ...]

    def refusals(self, draft: Draft) -> list[tuple[Medium | None, Finding]]:
        """Why this operator may not send this draft (empty: allowed)."""
        problems: list[tuple[Medium | None, Finding]] = []

        def refuse(medium: Medium | None, message: str) -> None:
            problems.append((medium, Finding(Severity.ERROR, "not_permitted", message)))

        if not self.role.may_send:
            refuse(None, f"{self.display_name or self.login}（{self.role.label}）は配信できません")
            return problems
        if self.allowed_categories and draft.category not in self.allowed_categories:
            label = CATEGORIES.get(draft.category, draft.category)
            refuse(None, f"{self.department}はカテゴリ「{label}」を配信できません")
        for medium in draft.media:
            if self.allowed_media and medium.value not in self.allowed_media:
                refuse(medium, f"{self.department}は{medium.label}で配信できません")
        if self.allowed_areas:
            if not draft.areas:
                refuse(None, f"{self.department}は全地区あてに配信できません"
                             f"（{'、'.join(self.allowed_areas)}のみ）")
            else:
                outside = [a for a in draft.areas if a not in self.allowed_areas]
                if outside:
                    refuse(None, f"{self.department}は{'、'.join(outside)}に配信できません")
        return problems


def accounts_enabled(session: Session) -> bool:
    """Once the first operator exists, every send needs a signed-in operator."""
    return bool(session.scalar(select(func.count()).select_from(Operator)))


def add_department(
    session: Session, name: str, *, sender_name: str = "", categories: list[str] | None = None,
    media: list[str] | None = None, areas: list[str] | None = None,
) -> Department:
    if not name.strip():
        raise AccountError("部署名を入力してください")
    for code in categories or []:
        if code not in CATEGORIES:
            raise AccountError(f"カテゴリ「{code}」はありません")
    for medium in media or []:
        Medium(medium)
    if session.scalar(select(Department).where(Department.name == name)) is not None:
        raise AccountError(f"部署「{name}」はすでにあります")
    department = Department(
        name=name, sender_name=sender_name, allowed_categories=list(categories or []),
        allowed_media=list(media or []), allowed_areas=list(areas or []),
    )
    session.add(department)
    session.flush()
    return department


def add_operator(
    session: Session, login: str, password: str, role: Role, *, department: str = "",
    display_name: str = "",
) -> Operator:
    if not login.strip():
        raise AccountError("ログイン名を入力してください")
    if len(password) < 8:
        raise AccountError("パスワードは8文字以上にしてください")
    if session.scalar(select(Operator).where(Operator.login == login)) is not None:
        raise AccountError(f"ログイン名「{login}」はすでに使われています")
    department_id = None
    if department:
        found = session.scalar(select(Department).where(Department.name == department))
        if found is None:
            raise AccountError(f"部署「{department}」はありません")
        department_id = found.id
    operator = Operator(login=login, display_name=display_name or login, role=role.value,
                        department_id=department_id, password_hash=hash_password(password))
    session.add(operator)
    session.flush()
    return operator


def sign_in(sessions: sessionmaker[Session], login: str, password: str) -> SignedIn:
    with sessions() as session:
        operator = session.scalar(select(Operator).where(Operator.login == login))
        # The same message for an unknown login and a wrong password: no account probing.
        if operator is None or not operator.active or not verify_password(
            password, operator.password_hash
        ):
            raise AccountError("ログイン名かパスワードが違います")
        department = (
            session.get(Department, operator.department_id) if operator.department_id else None
        )
        return SignedIn(
            login=operator.login,
            display_name=operator.display_name,
            role=Role(operator.role),
            department=department.name if department else "",
            sender_name=department.sender_name if department else "",
            allowed_categories=tuple(department.allowed_categories) if department else (),
            allowed_media=tuple(department.allowed_media) if department else (),
            allowed_areas=tuple(department.allowed_areas) if department else (),
        )
