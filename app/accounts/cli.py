"""CLI verbs for accounts and approval: departments, operators, approvals, approve, reject,
override. Passwords come from the environment (automation) or a prompt, never an argument,
so they do not end up in the shell history."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.accounts import admin, approval
from app.accounts.operators import ROLE_ALIASES, AccountError, Role, SignedIn, sign_in

if TYPE_CHECKING:
    from app.service import Issei

PASSWORD_ENV = "ISSEI_OPERATOR_PASSWORD"
NEW_PASSWORD_ENV = "ISSEI_NEW_OPERATOR_PASSWORD"


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("、", ",").split(",") if p.strip()]


def add_subparsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    departments = sub.add_parser("departments", help="部署").add_subparsers(
        dest="departments_verb", required=True)
    dep_add = departments.add_parser("add", help="部署を追加する")
    dep_add.add_argument("name")
    dep_add.add_argument("--sender-name", default="", help="差出人名（媒体が対応していれば表示）")
    dep_add.add_argument("--categories", default="", help="配信できるカテゴリ（空: すべて）")
    dep_add.add_argument("--media", default="", help="配信できる媒体（空: すべて）")
    dep_add.add_argument("--areas", default="", help="配信できる地区（空: すべて）")

    operators = sub.add_parser("operators", help="操作者").add_subparsers(
        dest="operators_verb", required=True)
    op_add = operators.add_parser("add", help=f"操作者を追加する（パスワードは {NEW_PASSWORD_ENV} "
                                              "か入力）")
    op_add.add_argument("login")
    op_add.add_argument("--role", required=True, help="管理者・承認者・配信者・閲覧者")
    op_add.add_argument("--department", default="")
    op_add.add_argument("--name", default="")
    operators.add_parser("list", help="操作者の一覧").add_argument("--json", action="store_true")
    op_change = operators.add_parser("change", help="役割・部署・表示名を変える（管理者）")
    op_change.add_argument("login")
    op_change.add_argument("--role", help="管理者・承認者・配信者・閲覧者")
    op_change.add_argument("--department", help="部署（空文字: 部署なし）")
    op_change.add_argument("--name")
    for verb, text in (("disable", "無効にする（サインインできなくなる）"),
                       ("enable", "有効に戻す"),
                       ("passwd", f"パスワードを再設定する（{NEW_PASSWORD_ENV} か入力）")):
        operators.add_parser(verb, help=text + "（管理者）").add_argument("login")

    policy = sub.add_parser("policy", help="承認ポリシー（緊急度・カテゴリ・全住民あてで決まる）")
    policy_verbs = policy.add_subparsers(dest="policy_verb", required=True)
    show = policy_verbs.add_parser("show", help="いまのポリシーを表示する")
    fmt = show.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--toml", action="store_true", help="policy set で読める形で出す")
    policy_set = policy_verbs.add_parser("set", help="TOMLファイルのポリシーに置き換える（管理者）")
    policy_set.add_argument("file", type=Path)

    secret = sub.add_parser("secret", help="媒体のトークン・パスワードをOSのキーリングに保存する")
    secret_verbs = secret.add_subparsers(dest="secret_verb", required=True)
    for verb, text in (("set", "保存する（値は入力か標準入力。二度と表示しません）"),
                       ("forget", "削除する"), ("status", "保存済みか確かめる")):
        parser = secret_verbs.add_parser(verb, help=text)
        parser.add_argument("medium", help="例: line")
        parser.add_argument("name", help="例: access_token")

    sub.add_parser("approvals", help="承認待ちの配信").add_argument("--json", action="store_true")
    for verb, text in (("approve", "承認する"), ("reject", "差し戻す"),
                       ("override", "緊急時に承認を省略して配信する（理由必須・監査記録）")):
        parser = sub.add_parser(verb, help=text)
        parser.add_argument("message_id")
        if verb != "approve":
            parser.add_argument("--reason", required=True)


def _run_secret(args: argparse.Namespace) -> int:
    from app import secrets

    if args.secret_verb == "status":
        stored = secrets.is_stored(args.medium, args.name)
        print("保存済みです" if stored else "保存されていません")
        return 0 if stored else 1
    if args.secret_verb == "forget":
        print("削除しました" if secrets.forget(args.medium, args.name) else "保存されていません")
        return 0
    if sys.stdin.isatty():
        value = getpass.getpass(f"{args.medium}.{args.name} の値（表示されません）: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    secrets.store(args.medium, args.name, value)
    print("保存しました（この値は二度と表示しません）")
    return 0


def signed_in_from_args(issei: Issei, login: str | None) -> SignedIn | None:
    if not login:
        return None
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        if not sys.stdin.isatty():
            raise AccountError(f"パスワードを環境変数 {PASSWORD_ENV} で渡してください")
        password = getpass.getpass(f"{login} のパスワード: ")
    return sign_in(issei.sessions, login, password)


def handles(verb: str | None) -> bool:
    return verb in {"departments", "operators", "approvals", "approve", "reject", "override",
                    "secret", "policy"}


def run(issei: Issei, args: argparse.Namespace) -> int:
    try:
        return _run(issei, args)
    except (AccountError, PermissionError, ValueError, RuntimeError) as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2


def _role(text: str) -> Role:
    role = ROLE_ALIASES.get(text)
    if role is None:
        raise AccountError(f"役割「{text}」はありません（管理者・承認者・配信者・閲覧者）")
    return role


def _new_password(login: str) -> tuple[str, str | None]:
    """From the environment (automation), or typed twice at a prompt."""
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password, None
    if not sys.stdin.isatty():
        raise AccountError(f"パスワードを環境変数 {NEW_PASSWORD_ENV} で渡してください")
    return (getpass.getpass(f"{login} の新しいパスワード: "),
            getpass.getpass("確認のためもう一度: "))


def _run_operators(issei: Issei, args: argparse.Namespace) -> int:
    if args.operators_verb == "list":
        with issei.sessions() as session:
            people = admin.list_operators(session)
        if args.json:
            print(json.dumps([{"login": p.login, "name": p.display_name, "role": p.role.value,
                               "department": p.department, "active": p.active}
                              for p in people], ensure_ascii=False))
            return 0
        for p in people:
            state = "" if p.active else "  （無効）"
            print(f"{p.login}  {p.display_name}  {p.role.label}  {p.department or '部署なし'}"
                  f"{state}")
        return 0
    who = signed_in_from_args(issei, args.operator)
    me = _os_user()
    if args.operators_verb == "add":
        role = _role(args.role)
        password, again = _new_password(args.login)
        with issei.sessions.begin() as session:
            admin.create_operator(session, who, issei.console, args.login, password, role,
                                  department=args.department, display_name=args.name,
                                  password_again=again, fallback_actor=me)
        print(f"操作者「{args.login}」（{role.label}）を追加しました")
        return 0
    if args.operators_verb == "change":
        with issei.sessions.begin() as session:
            changes = admin.change_operator(
                session, who, issei.console, args.login,
                role=_role(args.role) if args.role else None, department=args.department,
                display_name=args.name, fallback_actor=me)
        print(f"操作者「{args.login}」を変更しました" if changes else "変更はありません")
        return 0
    if args.operators_verb in ("disable", "enable"):
        active = args.operators_verb == "enable"
        with issei.sessions.begin() as session:
            admin.set_operator_active(session, who, issei.console, args.login, active,
                                      fallback_actor=me)
        print(f"操作者「{args.login}」を{'有効' if active else '無効'}にしました")
        return 0
    password, again = _new_password(args.login)
    with issei.sessions.begin() as session:
        admin.reset_password(session, who, issei.console, args.login, password,
                             password_again=again, fallback_actor=me)
    print(f"操作者「{args.login}」のパスワードを再設定しました")
    return 0


def _run_policy(issei: Issei, args: argparse.Namespace) -> int:
    if args.policy_verb == "show":
        with issei.sessions() as session:
            rules = approval.load_policy(session)
        if args.json:
            print(json.dumps([approval.rule_to_dict(r) for r in rules], ensure_ascii=False))
        elif args.toml:
            print(approval.policy_to_toml(rules), end="")
        else:
            print("上から順に、最初に当てはまった規則で決まります")
            for n, rule in enumerate(rules, 1):
                print(f"{n}. {approval.describe_rule(rule)}")
        return 0
    rules = approval.policy_from_file(args.file)
    who = signed_in_from_args(issei, args.operator)
    with issei.sessions.begin() as session:
        admin.set_policy(session, who, issei.console, rules, fallback_actor=_os_user())
    print(f"承認ポリシーを {len(rules)} 件の規則に置き換えました（監査ログに記録しました）")
    return 0


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def _run(issei: Issei, args: argparse.Namespace) -> int:
    if args.verb == "departments":
        who = signed_in_from_args(issei, args.operator)
        with issei.sessions.begin() as session:
            admin.create_department(session, who, issei.console, args.name,
                                    sender_name=args.sender_name,
                                    categories=_split(args.categories), media=_split(args.media),
                                    areas=_split(args.areas), fallback_actor=_os_user())
        print(f"部署「{args.name}」を追加しました")
        return 0
    if args.verb == "operators":
        return _run_operators(issei, args)
    if args.verb == "policy":
        return _run_policy(issei, args)
    if args.verb == "secret":
        return _run_secret(args)
    if args.verb == "approvals":
        pending = issei.pending_approvals()
        if args.json:
            print(json.dumps(pending, ensure_ascii=False))
        for item in pending if not args.json else []:
            print(f"{item['message_id']}  {item['title']}  （{item['created_by']}）")
        return 0
    who = signed_in_from_args(issei, args.operator)
    if who is None:
        raise AccountError("--operator でサインインしてください")
    if args.verb == "approve":
        issei.approve(args.message_id, who)
        print("承認しました。配信を始めます")
    elif args.verb == "reject":
        issei.reject(args.message_id, who, args.reason)
        print("差し戻しました。この配信は送られません")
    else:
        issei.override(args.message_id, who, args.reason)
        print("承認を省略して配信を始めます（監査ログに記録しました）")
    return 0
