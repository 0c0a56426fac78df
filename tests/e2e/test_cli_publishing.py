"""`issei send --media website,cap,lalert` and `issei mark` as a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import issei


def test_drill_reaches_website_cap_and_lalert_and_mark_records_the_hand_entry(
    tmp_path: Path,
) -> None:
    result = issei("--data-dir", str(tmp_path), "send", "--title", "避難指示の発令",
                   "--body", "中央地区に避難指示を発令しました。", "--media", "website,cap,lalert",
                   "--urgency", "緊急", "--area", "中央地区", "--wait", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["training"] is True
    for medium in ("website", "cap", "lalert"):
        assert data["media"][medium]["total"] == data["media"][medium]["sent"] == 1, medium
    drill = tmp_path / "drill"
    website = json.loads((drill / "website.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert website["body"]["title"]["raw"] == "【訓練】【緊急】避難指示の発令"
    cap = json.loads((drill / "cap.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "<status>Exercise</status>" in cap["body"]
    (document,) = (drill / "lalert").glob("lalert-*.xml")
    assert "<edxlde:distributionStatus>Exercise" in document.read_text(encoding="utf-8")

    mark = issei("--data-dir", str(tmp_path), "mark", data["message_id"], "lalert", "--done",
                 "--note", "防災課 山田が入力", "--json")
    assert mark.returncode == 0, mark.stderr
    marked = json.loads(mark.stdout)
    assert marked["marked"] == {"medium": "lalert", "deliveries": 1, "already": 0}
    assert marked["media"]["lalert"]["sent"] == 1

    refused = issei("--data-dir", str(tmp_path), "mark", data["message_id"], "email", "--done")
    assert refused.returncode == 2 and "メールの配信がありません" in refused.stderr


def test_manual_lalert_waits_for_the_mark(tmp_path: Path) -> None:
    config = tmp_path / "issei.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "m.sqlite3"}"\n'
        f'[channels.lalert]\norganization_code = "282103"\norganization_name = "加古川市"\n'
        f'out_dir = "{tmp_path / "lalert"}"\nmanual = true\n',
        encoding="utf-8",
    )
    base = ("--config", str(config), "--data-dir", str(tmp_path))
    sent = issei(*base, "send", "--title", "給水のお知らせ", "--body", "市役所前で給水します。",
                 "--media", "lalert", "--json")
    assert sent.returncode == 0, sent.stderr
    message_id = json.loads(sent.stdout)["message_id"]
    assert json.loads(sent.stdout)["media"]["lalert"]["pending"] == 1

    mark = issei(*base, "mark", message_id, "lalert", "--done")
    assert mark.returncode == 0, mark.stderr
    assert "lalert: 1 件を完了（配信済み）として記録しました" in mark.stdout
    status = json.loads(issei(*base, "status", message_id, "--json").stdout)
    assert status["media"]["lalert"]["sent"] == 1 and status["media"]["lalert"]["pending"] == 0
    missing = issei(*base, "mark", message_id, "lalert")
    assert missing.returncode == 2 and "--done" in missing.stderr
