"""The headless CLI as a real subprocess: JSON shape, exit codes, training by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert

from app.db.models import Recipient
from app.db.session import make_engine, upgrade
from tests.peers.smtp_peer import SmtpPeer

ROOT = Path(__file__).resolve().parents[2]


def issei(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "widgets.launcher", *args], cwd=ROOT, capture_output=True,
        text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_embedded_default_sends_a_drill_to_sample_residents(tmp_path: Path) -> None:
    result = issei("--data-dir", str(tmp_path), "send", "--title", "避難指示",
                   "--body", "土砂災害の危険があります。", "--media", "email,line",
                   "--urgency", "緊急", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["training"] is True
    for medium in ("email", "line"):
        counts = data["media"][medium]
        assert set(counts) >= {"total", "sent", "failed", "pending", "duplicates"}
        assert counts["total"] > 0 and counts["sent"] == counts["total"]
        assert counts["failed"] == counts["pending"] == 0
    mails = [json.loads(line) for line in
             (tmp_path / "drill" / "email.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(len(m["rcpt_tos"]) for m in mails) == data["media"]["email"]["total"]
    assert all(m["subject"].startswith("【訓練】") for m in mails)
    line = [json.loads(x) for x in
            (tmp_path / "drill" / "line.jsonl").read_text(encoding="utf-8").splitlines()]
    assert line and line[0]["body"]["messages"][0]["text"].startswith("【訓練】")

    status = issei("--data-dir", str(tmp_path), "status", data["message_id"], "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["media"] == data["media"]


def test_some_failed_exits_1_and_the_json_says_which(tmp_path: Path) -> None:
    with SmtpPeer(rcpt_answers={"gone@example.jp": "550 5.1.1 User unknown"}) as peer:
        db = tmp_path / "x.sqlite3"
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        with engine.begin() as conn:
            conn.execute(insert(Recipient), [{"email": "ok@example.jp", "name": ""},
                                             {"email": "gone@example.jp", "name": ""}])
        engine.dispose()
        config = tmp_path / "issei.toml"
        config.write_text(f'[database]\nurl = "sqlite:///{db}"\n[channels.email]\n'
                          f'host = "127.0.0.1"\nport = {peer.port}\nsecurity = "none"\n',
                          encoding="utf-8")
        result = issei("--config", str(config), "--data-dir", str(tmp_path), "send",
                       "--title", "t", "--body", "b", "--media", "email", "--wait", "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["training"] is False
    assert data["media"]["email"] == {"total": 2, "sent": 1, "failed": 1, "pending": 0,
                                      "duplicates": 0, "cancelled": 0}
    assert data["failures"] == [{"medium": "email", "target": "gone@example.jp",
                                 "reason": "SMTP 550 5.1.1 User unknown"}]


def test_invalid_input_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    cases = [
        (["send", "--title", "t", "--body", "b", "--media", "pigeon"], "媒体「pigeon」"),
        (["send", "--title", "", "--body", "b", "--media", "email"], "件名を入力してください"),
        (["send", "--title", "t", "--body", "b", "--media", "email", "--urgency", "超"],
         "緊急度「超」"),
        (["status", "00000000-0000-0000-0000-000000000000"], "見つかりません"),
    ]
    for args, expected in cases:
        result = issei("--data-dir", str(tmp_path), *args)
        assert result.returncode == 2, (args, result.stderr)
        assert expected in result.stderr, (args, result.stderr)
    bad = tmp_path / "bad.toml"
    bad.write_text('[channels.line]\naccess_token = "leak"\n', encoding="utf-8")
    result = issei("--config", str(bad), "--data-dir", str(tmp_path), "worker", "--until-idle")
    assert result.returncode == 2 and "ISSEI_LINE_ACCESS_TOKEN" in result.stderr


def test_recipients_import_and_export_through_the_cli(tmp_path: Path) -> None:
    good = tmp_path / "residents.csv"
    good.write_bytes("氏名,メールアドレス,電話番号,地区,カテゴリ\r\n"
                     "山田 花子,hanako@example.jp,090-1234-5678,北地区,防災;防犯\r\n"
                     "鈴木 一郎,,03-1234-5678,南地区,\r\n".encode("cp932"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes("氏名,メールアドレス\r\n佐藤,not-an-address\r\n田中,\r\n".encode("cp932"))
    config = tmp_path / "issei.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "r.sqlite3"}"\n',
                      encoding="utf-8")
    base = ("--config", str(config), "--data-dir", str(tmp_path))

    result = issei(*base, "recipients", "import", str(bad), "--json")
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["inserted"] == 0
    assert {e["line"] for e in report["errors"]} == {2, 3}

    result = issei(*base, "recipients", "import", str(good), "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert (report["encoding"], report["inserted"]) == ("cp932", 2)

    out = tmp_path / "out.csv"
    result = issei(*base, "recipients", "export", str(out))
    assert result.returncode == 0, result.stdout
    text = out.read_bytes().decode("cp932")
    assert text.startswith("氏名,メールアドレス,LINE ID,電話番号")
    assert "090-1234-5678" in text and "03-1234-5678" in text  # leading zeros kept


def test_correct_and_cancel_through_the_cli(tmp_path: Path) -> None:
    base = ("--data-dir", str(tmp_path))
    sent = json.loads(issei(*base, "send", "--title", "給水所", "--body", "北公園で給水します。",
                            "--media", "email,line", "--wait", "--json").stdout)
    result = issei(*base, "correct", sent["message_id"], "--body", "南公園で給水します。",
                   "--wait", "--json")
    assert result.returncode == 0, result.stderr
    corrected = json.loads(result.stdout)
    assert corrected["kind"] == "correction"
    assert corrected["correction_of"] == sent["message_id"]
    for medium in ("email", "line"):
        assert corrected["media"][medium]["sent"] == sent["media"][medium]["sent"]
    result = issei(*base, "cancel", sent["message_id"], "--reason", "誤送信", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    status = json.loads(issei(*base, "status", sent["message_id"], "--json").stdout)
    assert [f["kind"] for f in status["followed_by"]] == ["correction", "cancellation"]
    again = issei(*base, "cancel", sent["message_id"])
    assert again.returncode == 2 and "すでに取り消されています" in again.stderr
    subjects = [json.loads(line)["subject"] for line in
                (tmp_path / "drill" / "email.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(s.startswith("【訓練】【訂正】給水所") for s in subjects)
    assert any(s.startswith("【訓練】【取消】給水所") for s in subjects)


def test_accounts_and_approval_through_the_cli(tmp_path: Path) -> None:
    base = ("--data-dir", str(tmp_path))

    def run(*args: str, password: str | None = None, new: str | None = None
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        if password:
            env["ISSEI_OPERATOR_PASSWORD"] = password
        if new:
            env["ISSEI_NEW_OPERATOR_PASSWORD"] = new
        return subprocess.run([sys.executable, "-m", "widgets.launcher", *base, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)

    assert run("departments", "add", "危機管理課").returncode == 0
    assert run("operators", "add", "sato", "--role", "配信者", "--department", "危機管理課",
               new="sato-password").returncode == 0
    assert run("operators", "add", "suzuki", "--role", "承認者", "--department", "危機管理課",
               new="suzuki-password").returncode == 0
    refused = run("send", "--title", "t", "--body", "b", "--media", "email")
    assert refused.returncode == 2 and "サインイン" in refused.stderr
    sent = run("--operator", "sato", "send", "--title", "避難指示", "--body", "避難してください",
               "--media", "email", "--urgency", "緊急", "--wait", "--json",
               password="sato-password")
    assert sent.returncode == 0, sent.stderr
    data = json.loads(sent.stdout)
    assert data["approval"] == "pending" and data["media"]["email"]["sent"] == 0
    own = run("--operator", "sato", "approve", data["message_id"], password="sato-password")
    assert own.returncode == 2 and "承認できません" in own.stderr
    approved = run("--operator", "suzuki", "approve", data["message_id"],
                   password="suzuki-password")
    assert approved.returncode == 0, approved.stderr
    assert run("worker", "--until-idle").returncode == 0
    status = json.loads(run("status", data["message_id"], "--json").stdout)
    assert status["approval"] == "approved"
    assert status["media"]["email"]["sent"] == status["media"]["email"]["total"] > 0
    assert "監査ログに問題はありません" in run("audit", "verify").stdout


def test_policy_show_set_and_a_cut_off_audit_tail(tmp_path: Path) -> None:
    """``issei policy show/set`` for a headless administrator (管理者 only once one exists),
    and ``audit verify`` finding the newest audit row deleted (the tail anchor)."""
    base = ("--data-dir", str(tmp_path))

    def run(*args: str, password: str | None = None, new: str | None = None
            ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("ISSEI_OPERATOR_PASSWORD", None)
        env.pop("ISSEI_NEW_OPERATOR_PASSWORD", None)
        if password:
            env["ISSEI_OPERATOR_PASSWORD"] = password
        if new:
            env["ISSEI_NEW_OPERATOR_PASSWORD"] = new
        return subprocess.run([sys.executable, "-m", "widgets.launcher", *base, *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)

    shown = run("policy", "show", "--toml")
    assert shown.returncode == 0 and "[[rule]]" in shown.stdout
    assert run("operators", "add", "sato", "--role", "配信者", new="sato-password"
               ).returncode == 0
    assert run("operators", "add", "kanri", "--role", "管理者", new="kanri-password"
               ).returncode == 0  # from now on, account changes need a 管理者
    policy = tmp_path / "policy.toml"
    policy.write_text('[[rule]]\nname = "防災は承認"\nrequirement = "承認者が必要"\n'
                      'categories = ["防災"]\n', encoding="utf-8")
    bad = run("--operator", "kanri", "policy", "set", str(policy), password="kanri-password")
    assert bad.returncode == 2 and "最後の規則は、すべての配信に当てはまるもの" in bad.stderr
    policy.write_text(policy.read_text(encoding="utf-8")
                      + '\n[[rule]]\nname = "その他"\nrequirement = "hold"\n', encoding="utf-8")
    sender = run("--operator", "sato", "policy", "set", str(policy), password="sato-password")
    assert sender.returncode == 2 and "権限がありません" in sender.stderr
    done = run("--operator", "kanri", "policy", "set", str(policy), password="kanri-password")
    assert done.returncode == 0, done.stderr
    rules = json.loads(run("policy", "show", "--json").stdout)
    assert [(r["name"], r["requirement"], r["categories"]) for r in rules] == [
        ("防災は承認", "second", ["disaster"]), ("その他", "hold", [])]
    disabled = run("--operator", "kanri", "operators", "disable", "sato",
                   password="kanri-password")
    assert disabled.returncode == 0, disabled.stderr
    people = {p["login"]: p for p in json.loads(run("operators", "list", "--json").stdout)}
    assert people["sato"]["active"] is False and people["kanri"]["role"] == "admin"
    assert run("audit", "verify").returncode == 0

    # Someone with DDL rights on the database file deletes the newest audit row.
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
        conn.exec_driver_sql("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    engine.dispose()
    verify = run("audit", "verify")
    assert verify.returncode == 1
    assert "記録が 1 件足りません" in verify.stdout and "最新の記録がありません" in verify.stdout
