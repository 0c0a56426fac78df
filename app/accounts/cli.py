"""CLI verbs for accounts and approval: departments, operators, approvals, approve, reject,
override. Passwords come from the environment (automation) or a prompt, never an argument,
so they do not end up in the shell history."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from typing import TYPE_CHECKING

from app.accounts.operators import (
    ROLE_ALIASES,
    AccountError,
    SignedIn,
    add_department,
    add_operator,
    sign_in,
)

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
                    "secret"}


def run(issei: Issei, args: argparse.Namespace) -> int:
    try:
        return _run(issei, args)
    except (AccountError, PermissionError, ValueError, RuntimeError) as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return 2


def _run(issei: Issei, args: argparse.Namespace) -> int:
    from app import audit

    if args.verb == "departments":
        with issei.sessions.begin() as session:
            add_department(session, args.name, sender_name=args.sender_name,
                           categories=_split(args.categories), media=_split(args.media),
                           areas=_split(args.areas))
            audit.append(session, "department_add", console=issei.console,
                         detail={"name": args.name})
        print(f"部署「{args.name}」を追加しました")
        return 0
    if args.verb == "operators":
        role = ROLE_ALIASES.get(args.role)
        if role is None:
            raise AccountError(f"役割「{args.role}」はありません（管理者・承認者・配信者・閲覧者）")
        password = os.environ.get(NEW_PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise AccountError(f"パスワードを環境変数 {NEW_PASSWORD_ENV} で渡してください")
            password = getpass.getpass(f"{args.login} の新しいパスワード: ")
        with issei.sessions.begin() as session:
            add_operator(session, args.login, password, role, department=args.department,
                         display_name=args.name)
            audit.append(session, "operator_add", console=issei.console,
                         detail={"login": args.login, "role": role.value,
                                 "department": args.department})
        print(f"操作者「{args.login}」（{role.label}）を追加しました")
        return 0
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
