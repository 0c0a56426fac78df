"""Administration, audited: operators, departments and the approval policy.

Every function here runs inside the caller's transaction, checks that ``who`` may administer
(a 管理者; anyone while no operator exists yet, as on a fresh install), does the change and
appends the audit row (who changed what; never a password) in the same transaction.
The console's 管理 screens and the CLI (``issei policy …``, ``issei operators …``) use these.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import audit
from app.accounts import approval
from app.accounts.operators import (
    AccountError,
    Role,
    SignedIn,
    add_department,
    add_operator,
)
from app.accounts.passwords import hash_password
from app.db.models import Department, Operator
from app.domain import CATEGORIES, Medium

MIN_PASSWORD = 8


@dataclass(frozen=True)
class OperatorInfo:
    login: str
    display_name: str
    role: Role
    department: str
    active: bool


@dataclass(frozen=True)
class DepartmentInfo:
    name: str
    sender_name: str
    categories: tuple[str, ...]
    media: tuple[str, ...]
    areas: tuple[str, ...]
    operators: int


def check_admin(session: Session, who: SignedIn | None) -> None:
    """Refuse unless ``who`` is a 管理者. Nobody signed in is allowed only while no active
    管理者 exists yet (the first set-up, from the CLI or a console without accounts): there
    must be a way to create the first one."""
    if who is None:
        if _active_admins(session):
            raise AccountError("管理者としてサインインしてください")
        return
    if who.role is not Role.ADMIN:
        raise AccountError(f"{who.display_name or who.login}（{who.role.label}）には"
                           "この操作の権限がありません（管理者のみ）")


def _actor(who: SignedIn | None, fallback: str) -> str:
    return who.login if who is not None else fallback


def list_operators(session: Session) -> list[OperatorInfo]:
    names = {d.id: d.name for d in session.scalars(select(Department))}
    return [
        OperatorInfo(o.login, o.display_name, Role(o.role),
                     names.get(o.department_id, "") if o.department_id else "", o.active)
        for o in session.scalars(select(Operator).order_by(Operator.login))
    ]


def list_departments(session: Session) -> list[DepartmentInfo]:
    counts = dict(session.execute(
        select(Operator.department_id, func.count()).group_by(Operator.department_id)).all())
    return [
        DepartmentInfo(d.name, d.sender_name, tuple(d.allowed_categories),
                       tuple(d.allowed_media), tuple(d.allowed_areas), int(counts.get(d.id, 0)))
        for d in session.scalars(select(Department).order_by(Department.name))
    ]


def _operator(session: Session, login: str) -> Operator:
    found = session.scalar(select(Operator).where(Operator.login == login))
    if found is None:
        raise AccountError(f"操作者「{login}」はいません")
    return found


def _department_id(session: Session, name: str) -> int | None:
    if not name:
        return None
    found = session.scalar(select(Department).where(Department.name == name))
    if found is None:
        raise AccountError(f"部署「{name}」はありません")
    return found.id


def _check_password(password: str, again: str | None) -> None:
    if again is not None and password != again:
        raise AccountError("確認のために入力したパスワードが一致しません")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Operator).where(
        Operator.role == Role.ADMIN.value, Operator.active.is_(True))) or 0)


def _keep_an_admin(session: Session, had: int) -> None:
    """A change must not remove the last active 管理者 (or nobody could administer)."""
    session.flush()
    if had and not _active_admins(session):
        raise AccountError("有効な管理者が一人もいなくなるため、変更できません")


def create_operator(session: Session, who: SignedIn | None, console: str, login: str,
                    password: str, role: Role, *, department: str = "",
                    display_name: str = "", password_again: str | None = None,
                    fallback_actor: str = "") -> None:
    check_admin(session, who)
    _check_password(password, password_again)
    add_operator(session, login.strip(), password, role, department=department,
                 display_name=display_name.strip())
    audit.append(session, "operator_add", operator=_actor(who, fallback_actor),
                 console=console, detail={"login": login.strip(), "role": role.value,
                                          "department": department})


def change_operator(session: Session, who: SignedIn | None, console: str, login: str, *,
                    role: Role | None = None, department: str | None = None,
                    display_name: str | None = None, fallback_actor: str = ""
                    ) -> dict[str, list[str]]:
    """Change what is given; returns {field: [before, after]} of what actually changed."""
    check_admin(session, who)
    operator = _operator(session, login)
    had = _active_admins(session)
    changes: dict[str, list[str]] = {}
    if role is not None and role.value != operator.role:
        changes["role"] = [operator.role, role.value]
        operator.role = role.value
    if department is not None:
        new_id = _department_id(session, department)
        if new_id != operator.department_id:
            old = session.get(Department, operator.department_id) if operator.department_id \
                else None
            changes["department"] = [old.name if old else "", department]
            operator.department_id = new_id
    if display_name is not None and display_name.strip() != operator.display_name:
        if not display_name.strip():
            raise AccountError("表示名を入力してください")
        changes["display_name"] = [operator.display_name, display_name.strip()]
        operator.display_name = display_name.strip()
    if not changes:
        return changes
    _keep_an_admin(session, had)
    audit.append(session, "operator_change", operator=_actor(who, fallback_actor),
                 console=console, detail={"login": login, "changes": changes})
    return changes


def set_operator_active(session: Session, who: SignedIn | None, console: str, login: str,
                        active: bool, *, fallback_actor: str = "") -> None:
    check_admin(session, who)
    operator = _operator(session, login)
    if who is not None and who.login == login and not active:
        raise AccountError("自分自身は無効にできません（別の管理者が行ってください）")
    if operator.active == active:
        return
    had = _active_admins(session)
    operator.active = active
    _keep_an_admin(session, had)
    audit.append(session, "operator_enable" if active else "operator_disable",
                 operator=_actor(who, fallback_actor), console=console,
                 detail={"login": login})


def reset_password(session: Session, who: SignedIn | None, console: str, login: str,
                   password: str, *, password_again: str | None = None,
                   fallback_actor: str = "") -> None:
    check_admin(session, who)
    operator = _operator(session, login)
    _check_password(password, password_again)
    operator.password_hash = hash_password(password)
    audit.append(session, "password_reset", operator=_actor(who, fallback_actor),
                 console=console, detail={"login": login})  # who, never the password


def _check_permissions(categories: list[str], media: list[str]) -> None:
    for code in categories:
        if code not in CATEGORIES:
            raise AccountError(f"カテゴリ「{code}」はありません")
    for medium in media:
        if medium not in {m.value for m in Medium}:
            raise AccountError(f"媒体「{medium}」はありません")


def create_department(session: Session, who: SignedIn | None, console: str, name: str, *,
                      sender_name: str = "", categories: list[str] | None = None,
                      media: list[str] | None = None, areas: list[str] | None = None,
                      fallback_actor: str = "") -> None:
    check_admin(session, who)
    _check_permissions(categories or [], media or [])
    add_department(session, name.strip(), sender_name=sender_name.strip(),
                   categories=categories, media=media, areas=areas)
    audit.append(session, "department_add", operator=_actor(who, fallback_actor),
                 console=console, detail={"name": name.strip(), "sender_name": sender_name,
                                          "categories": categories or [],
                                          "media": media or [], "areas": areas or []})


def change_department(session: Session, who: SignedIn | None, console: str, name: str, *,
                      sender_name: str, categories: list[str], media: list[str],
                      areas: list[str], fallback_actor: str = "") -> dict[str, list[object]]:
    check_admin(session, who)
    _check_permissions(categories, media)
    department = session.scalar(select(Department).where(Department.name == name))
    if department is None:
        raise AccountError(f"部署「{name}」はありません")
    changes: dict[str, list[object]] = {}
    for field, new in (("sender_name", sender_name.strip()), ("allowed_categories", categories),
                       ("allowed_media", media), ("allowed_areas", areas)):
        old = getattr(department, field)
        if old != new:
            changes[field] = [old, new]
            setattr(department, field, new)
    if changes:
        audit.append(session, "department_change", operator=_actor(who, fallback_actor),
                     console=console, detail={"name": name, "changes": changes})
    return changes


def set_policy(session: Session, who: SignedIn | None, console: str,
               rules: list[approval.Rule], *, fallback_actor: str = "") -> None:
    """Save the approval policy (validated by the core) and audit it, before and after."""
    check_admin(session, who)
    before = [approval.rule_to_dict(r) for r in approval.load_policy(session)]
    approval.save_policy(session, rules)
    audit.append(session, "policy_set", operator=_actor(who, fallback_actor), console=console,
                 detail={"before": before,
                         "after": [approval.rule_to_dict(r) for r in rules]})
