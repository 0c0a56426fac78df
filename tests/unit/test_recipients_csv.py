"""Recipient CSV import and export against a real SQLite database (migrated with Alembic)."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import Recipient, RecipientCategory
from app.db.session import make_engine, session_factory, upgrade
from app.recipients import (
    ImportReport,
    export_recipients,
    import_recipients,
    load_sample_recipients,
)
from app.recipients.csv_io import SAMPLE_PATH

DATA = Path(__file__).resolve().parents[1] / "data" / "recipients"

HEADER_JA = "氏名,メールアドレス,LINE ID,電話番号,FAX番号,SMS番号,言語,地区,カテゴリ,要配慮者"
LINE_A = "U" + "0" * 31 + "a"
LINE_B = "U" + "0" * 31 + "b"


# -- helpers ------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'issei.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def write_csv(
    tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "in.csv"
) -> Path:
    """Write lines the way Excel does: CRLF after every line."""
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def people(sf: sessionmaker[Session]) -> list[dict[str, Any]]:
    """Every recipient as a plain dict (ids left out), in insertion order."""
    with sf() as session:
        rows = session.scalars(select(Recipient).order_by(Recipient.id)).all()
        return [
            {
                "name": r.name,
                "email": r.email,
                "line_user_id": r.line_user_id,
                "phone": r.phone,
                "fax": r.fax,
                "sms": r.sms,
                "language": r.language,
                "area": r.area,
                "needs_phone_call": r.needs_phone_call,
                "categories": r.category_codes,
            }
            for r in rows
        ]


def count(sf: sessionmaker[Session]) -> int:
    with sf() as session:
        return session.scalar(select(func.count()).select_from(Recipient)) or 0


def where(report: ImportReport) -> list[tuple[int, str]]:
    return [(e.line, e.column) for e in report.errors]


# -- encodings ----------------------------------------------------------------------------------


def test_cp932_excel_file_with_crlf_blank_rows_and_cp932_only_characters(db):
    report = import_recipients(db, DATA / "excel_cp932_crlf.csv")
    assert report.ok, report.summary_ja()
    assert report.encoding == "cp932"
    assert report.rows == 4  # the blank line and the ",,,,,,,,," row are not rows
    assert report.inserted == 4
    by_name = {p["name"]: p for p in people(db)}
    assert by_name["髙橋　一郎"]["area"] == "中央地区①"  # kept exactly, no NFKC on names
    assert by_name["髙橋　一郎"]["categories"] == ["disaster", "weather"]
    kana = by_name["ﾔﾏﾀﾞ ﾊﾅｺ"]
    assert kana["phone"] == "09000001001"
    assert kana["needs_phone_call"] is True
    assert kana["language"] == "ja"  # empty cell
    assert by_name["㈱試験商店"]["fax"] == "0300001002"
    assert by_name["㈱試験商店"]["area"] == "南地区～東地区"
    assert by_name["Test Person"]["language"] == "en"
    assert by_name["Test Person"]["categories"] == ["crime", "disaster"]


def test_utf8_with_bom(db, tmp_path):
    path = write_csv(
        tmp_path, [HEADER_JA, "山田　太郎,taro@example.jp,,,,,,中央地区,防災,"], "utf-8-sig"
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    assert report.encoding == "utf-8-sig"
    assert people(db)[0]["name"] == "山田　太郎"  # the BOM did not end up in the first header


def test_plain_utf8(db, tmp_path):
    path = write_csv(tmp_path, [HEADER_JA, "𠮷田　花子,hanako@example.jp,,,,,,北地区,,"])
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    assert report.encoding == "utf-8"
    assert people(db)[0]["name"] == "𠮷田　花子"


def test_random_bytes_are_refused_with_a_position(db, tmp_path):
    path = tmp_path / "noise.csv"
    path.write_bytes(random.Random(7).randbytes(4096))
    report = import_recipients(db, path)
    assert not report.ok
    assert report.encoding == ""
    assert len(report.errors) == 1
    message = report.errors[0].message
    assert "文字コードを判定できません" in message
    assert "バイト目" in message
    assert count(db) == 0


def test_undecodable_byte_is_located_by_line_and_offset(db, tmp_path):
    good = "氏名,メールアドレス\r\n山田,taro@example.jp\r\n".encode()
    # 0x81 0x20 is neither UTF-8 (stray continuation byte) nor CP932 (bad trail byte).
    path = tmp_path / "broken.csv"
    path.write_bytes(good + b"\x81\x20bad,x@example.jp\r\n")
    report = import_recipients(db, path)
    assert not report.ok
    error = report.errors[0]
    assert error.line == 3
    assert f"UTF-8 としては 3行目（先頭から {len(good) + 1} バイト目）" in error.message


def test_utf16_without_bom_is_refused_clearly(db):
    report = import_recipients(db, DATA / "utf16le_nobom.csv")
    assert not report.ok
    assert "NUL" in report.errors[0].message
    assert "UTF-16" in report.errors[0].message
    assert count(db) == 0


def test_utf16_with_bom_is_refused_clearly(db, tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("name,email\r\nT,t@example.jp\r\n".encode("utf-16"))
    report = import_recipients(db, path)
    assert not report.ok
    assert "UTF-16" in report.errors[0].message


def test_missing_file_is_a_report_not_a_crash(db, tmp_path):
    report = import_recipients(db, tmp_path / "nope.csv")
    assert not report.ok
    assert "ファイルを開けません" in report.errors[0].message


def test_empty_file(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    report = import_recipients(db, path)
    assert not report.ok
    assert "空" in report.errors[0].message


# -- headers -------------------------------------------------------------------------------------


def test_english_headers_any_case_and_spacing(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            " Name ,EMAIL,Line_User_Id,PHONE, Fax ,sms,Language,AREA,Categories,Needs_Phone_Call",
            f"Taro,taro@example.jp,{LINE_A},090-0000-0001,,,en,North,crime,true",
        ],
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    [p] = people(db)
    assert p == {
        "name": "Taro",
        "email": "taro@example.jp",
        "line_user_id": LINE_A,
        "phone": "09000000001",
        "fax": None,
        "sms": None,
        "language": "en",
        "area": "North",
        "needs_phone_call": True,
        "categories": ["crime"],
    }


def test_japanese_headers_with_fullwidth_letters_and_spaces(db, tmp_path):
    path = write_csv(tmp_path, ["氏名,ＬＩＮＥ　ＩＤ,ＦＡＸ番号", f"山田,{LINE_A},03-0000-0001"])
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    assert people(db)[0]["fax"] == "0300000001"


def test_unknown_headers_are_named(db, tmp_path):
    path = write_csv(
        tmp_path, ["氏名,メールアドレス,住所,備考", "山田,taro@example.jp,どこか,なし"]
    )
    report = import_recipients(db, path)
    assert not report.ok
    [error] = report.errors
    assert error.line == 1
    assert "住所" in error.message and "備考" in error.message
    assert count(db) == 0


def test_duplicate_header_is_refused(db, tmp_path):
    path = write_csv(tmp_path, ["メールアドレス,email", "a@example.jp,b@example.jp"])
    report = import_recipients(db, path)
    assert not report.ok
    assert where(report) == [(1, "email")]


def test_file_without_any_contact_column(db, tmp_path):
    path = write_csv(tmp_path, ["氏名,地区,カテゴリ", "山田,北地区,防災"])
    report = import_recipients(db, path)
    assert not report.ok
    assert "連絡先の列がありません" in report.errors[0].message
    assert count(db) == 0


def test_trailing_empty_columns_from_excel_are_ignored_but_not_their_values(db, tmp_path):
    ok = write_csv(tmp_path, ["氏名,メールアドレス,,", "山田,taro@example.jp,,"], name="ok.csv")
    assert import_recipients(db, ok).ok
    bad = write_csv(tmp_path, ["氏名,メールアドレス,,", "佐藤,s@example.jp,,メモ"], name="bad.csv")
    report = import_recipients(db, bad)
    assert where(report) == [(2, "4列目")]


# -- row validation ------------------------------------------------------------------------------


def test_row_without_any_contact_point(db, tmp_path):
    path = write_csv(
        tmp_path,
        [HEADER_JA, "山田,taro@example.jp,,,,,,,,", "連絡先なし,,,,,,,北地区,防災,"],
    )
    report = import_recipients(db, path)
    assert not report.ok
    assert where(report) == [(3, "")]
    assert "連絡先がありません" in report.errors[0].message
    assert count(db) == 0


@pytest.mark.parametrize(
    "email",
    [
        "taro@",
        "@example.jp",
        "taro@example",
        "taro..x@example.jp",
        "taro.@example.jp",
        "ta ro@example.jp",
        "taro@exa_mple.jp",
        "taro@-example.jp",
        "たろう@example.jp",
    ],
)
def test_invalid_email(db, tmp_path, email):
    path = write_csv(tmp_path, ["氏名,メールアドレス", f"山田,{email}"])
    report = import_recipients(db, path)
    assert not report.ok
    assert where(report) == [(2, "メールアドレス")]
    assert "形式が正しくありません" in report.errors[0].message


@pytest.mark.parametrize(
    "email",
    ["taro@example.jp", "t.a-r_o+alerts@mail.example.co.jp", "ＴＡＲＯ＠ＥＸＡＭＰＬＥ．ＪＰ"],
)
def test_valid_email(db, tmp_path, email):
    path = write_csv(tmp_path, ["メールアドレス", email])
    assert import_recipients(db, path).ok


@pytest.mark.parametrize(
    "line_id",
    ["U" + "A" * 32, "U" + "0" * 31, "U" + "0" * 33, "u" + "0" * 32, "0" * 33, "U" + "g" * 32],
)
def test_invalid_line_id(db, tmp_path, line_id):
    path = write_csv(tmp_path, ["氏名,LINE ID", f"山田,{line_id}"])
    report = import_recipients(db, path)
    assert where(report) == [(2, "LINE ID")]


def test_phone_numbers_stay_text_with_leading_zeros(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            "氏名,電話番号,FAX番号,SMS番号",
            "a,09000000001,0300000001,",
            "b,090-0000-0002,(03) 0000-0002,090 0000 0002",
            "c,+81 90 0000 0003,,",
            "d,0120-000-004,,",
        ],
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    got = [(p["phone"], p["fax"], p["sms"]) for p in people(db)]
    assert got == [
        ("09000000001", "0300000001", None),
        ("09000000002", "0300000002", "09000000002"),
        ("+819000000003", None, None),
        ("0120000004", None, None),
    ]


def test_phone_that_lost_its_leading_zero_in_excel_is_explained(db, tmp_path):
    path = write_csv(tmp_path, ["氏名,電話番号", "a,9000000001"])
    report = import_recipients(db, path)
    assert where(report) == [(2, "電話番号")]
    assert "先頭の0が欠けています" in report.errors[0].message


@pytest.mark.parametrize(
    "phone", ["090-0000-000x", "9.0E+09", "090-0000", "0900000000123", "＃110"]
)
def test_bad_phone_numbers(db, tmp_path, phone):
    path = write_csv(tmp_path, ["氏名,電話番号", f"a,{phone}"])
    assert where(import_recipients(db, path)) == [(2, "電話番号")]


def test_fullwidth_digits_and_ime_hyphens_are_normalised(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            "氏名,電話番号,SMS番号",
            "a,０９０－００００－０００１,090ー0000ー0002",
            "b,（０３）００００‐０００３,",
        ],
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    got = [(p["phone"], p["sms"]) for p in people(db)]
    assert got == [("09000000001", "09000000002"), ("0300000003", None)]


def test_category_separators_labels_and_codes(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            "メールアドレス,カテゴリ",
            "a@example.jp,防災;防犯",
            "b@example.jp,防災、気象、くらし",
            "c@example.jp,disaster; health ;event",
            "d@example.jp,",
            "e@example.jp,ｲﾍﾞﾝﾄ；防災",
        ],
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    assert [p["categories"] for p in people(db)] == [
        ["crime", "disaster"],
        ["disaster", "life", "weather"],
        ["disaster", "event", "health"],
        [],  # no rows: every category
        ["disaster", "event"],
    ]


def test_unknown_category(db, tmp_path):
    path = write_csv(tmp_path, ["メールアドレス,カテゴリ", "a@example.jp,防災;花火"])
    report = import_recipients(db, path)
    assert where(report) == [(2, "カテゴリ")]
    assert "花火" in report.errors[0].message


def test_languages_codes_and_japanese_names(db, tmp_path):
    names = [
        "日本語",
        "英語",
        "中国語(簡体)",
        "中国語（繁体）",
        "韓国語",
        "ベトナム語",
        "ポルトガル語",
        "スペイン語",
        "タガログ語",
        "ネパール語",
        "インドネシア語",
        "タイ語",
        "やさしい日本語",
    ]
    codes = [
        "ja",
        "EN",
        "zh-cn",
        "zh_TW",
        "ko",
        "vi",
        "pt",
        "es",
        "tl",
        "ne",
        "id",
        "th",
        "ja-easy",
    ]
    lines = ["メールアドレス,言語"]
    lines += [f"n{i}@example.jp,{n}" for i, n in enumerate(names)]
    lines += [f"c{i}@example.jp,{c}" for i, c in enumerate(codes)]
    lines += ["empty@example.jp,"]
    report = import_recipients(db, write_csv(tmp_path, lines))
    assert report.ok, report.summary_ja()
    expected = [
        "ja",
        "en",
        "zh-CN",
        "zh-TW",
        "ko",
        "vi",
        "pt",
        "es",
        "tl",
        "ne",
        "id",
        "th",
        "ja-easy",
    ]
    assert [p["language"] for p in people(db)] == expected * 2 + ["ja"]


def test_unknown_language(db, tmp_path):
    report = import_recipients(
        db, write_csv(tmp_path, ["メールアドレス,言語", "a@example.jp,火星語"])
    )
    assert where(report) == [(2, "言語")]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("はい", True),
        ("○", True),
        ("◯", True),
        ("1", True),
        ("TRUE", True),
        ("１", True),
        ("", False),
        ("いいえ", False),
        ("0", False),
        ("false", False),
    ],
)
def test_needs_phone_call_values(db, tmp_path, cell, expected):
    report = import_recipients(db, write_csv(tmp_path, ["電話番号,要配慮者", f"0300000001,{cell}"]))
    assert report.ok, report.summary_ja()
    assert people(db)[0]["needs_phone_call"] is expected


def test_needs_phone_call_rejects_other_words(db, tmp_path):
    report = import_recipients(db, write_csv(tmp_path, ["電話番号,要配慮者", "0300000001,たぶん"]))
    assert where(report) == [(2, "要配慮者")]


def test_quoted_fields_with_comma_and_newline(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER_JA,
            '"山田, 太郎\n（自治会長）",taro@example.jp,,,,,,"北地区, 一丁目","防災,防犯",',
            "佐藤,bad-address,,,,,,,,",
        ],
    )
    report = import_recipients(db, path)
    # The quoted record spans file lines 2-3, so the next record starts on line 4.
    assert where(report) == [(4, "メールアドレス")]
    lines = [
        HEADER_JA,
        '"山田, 太郎\n（自治会長）",taro@example.jp,,,,,,"北地区, 一丁目","防災,防犯",',
    ]
    report = import_recipients(db, write_csv(tmp_path, lines, name="ok.csv"))
    assert report.ok, report.summary_ja()
    [p] = people(db)
    assert p["name"] == "山田, 太郎\n（自治会長）"
    assert p["area"] == "北地区, 一丁目"
    assert p["categories"] == ["crime", "disaster"]


def test_unclosed_quote_is_an_error_not_a_swallowed_file(db, tmp_path):
    path = write_csv(
        tmp_path, ["氏名,メールアドレス", '"山田,taro@example.jp', "佐藤,s@example.jp"]
    )
    report = import_recipients(db, path)
    assert not report.ok
    assert where(report) == [(2, "")]
    assert count(db) == 0


def test_too_many_cells_in_a_row(db, tmp_path):
    report = import_recipients(
        db, write_csv(tmp_path, ["氏名,メールアドレス", "a,a@example.jp,extra"])
    )
    assert where(report) == [(2, "")]


def test_short_rows_are_padded_with_empty_cells(db, tmp_path):
    report = import_recipients(
        db, write_csv(tmp_path, ["メールアドレス,地区,カテゴリ", "a@example.jp"])
    )
    assert report.ok, report.summary_ja()
    assert people(db)[0]["area"] == ""


# -- all or nothing ------------------------------------------------------------------------------


def test_bad_file_imports_nothing_and_names_every_bad_row_and_column(db, tmp_path):
    first = write_csv(tmp_path, [HEADER_JA, "既存,old@example.jp,,,,,,,,"], name="first.csv")
    assert import_recipients(db, first).ok
    before = people(db)
    path = write_csv(
        tmp_path,
        [
            HEADER_JA,
            "良い1,good1@example.jp,,,,,,,,",
            "悪い1,not-an-email,,,,,,,,",
            "良い2,good2@example.jp,,,,,,,,",
            f"悪い2,,{LINE_A}x,12345,,,,,防災;台風,",
            "既存,old@example.jp,,,,,,南地区,,",  # would update: must not either
            "悪い3,,,,,,,,,",
        ],
        name="second.csv",
    )
    report = import_recipients(db, path)
    assert not report.ok
    assert report.inserted == 0 and report.updated == 0
    assert where(report) == [
        (3, "メールアドレス"),
        (5, "LINE ID"),
        (5, "電話番号"),
        (5, "カテゴリ"),
        (7, ""),
    ]
    assert all(e.message for e in report.errors)
    assert people(db) == before
    summary = report.summary_ja()
    assert "中止" in summary and "変更していません" in summary
    assert "3行目・メールアドレス" in summary


# -- duplicates and updates ----------------------------------------------------------------------


def test_duplicates_in_file_are_merged_and_reported(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER_JA,
            "山田　太郎,Taro@Example.jp,,,,,,北地区,防災,",  # 2
            f"山田 太郎,taro@example.jp,{LINE_A},,,,,南地区,防犯,",  # 3: same email, other area
            f"やまだ,,{LINE_A},,,090-0000-0001,,,気象,はい",  # 4: same LINE id
            "佐藤　花子,,,090-0000-0002,,,,,くらし,",  # 5
            "佐藤 花子,hanako@example.jp,,090-0000-0002,,,英語,,健康,",  # 6: name + phone
            "別人,other@example.jp,,090-0000-0002,,,,,,",  # 7: same phone, other name
        ],
    )
    report = import_recipients(db, path)
    assert report.ok, report.summary_ja()
    assert report.inserted == 3
    assert [m.lines for m in report.merged] == [(2, 3, 4), (5, 6)]
    assert "taro@example.jp" in report.merged[0].key.lower()
    assert "090" in report.merged[1].key
    taro, hanako, other = people(db)
    assert taro["email"] == "Taro@Example.jp"  # the first spelling is kept
    assert taro["line_user_id"] == LINE_A
    assert taro["sms"] == "09000000001"
    assert taro["area"] == "北地区"
    assert taro["categories"] == ["crime", "disaster", "weather"]
    assert taro["needs_phone_call"] is True
    assert hanako["email"] == "hanako@example.jp"
    assert hanako["language"] == "en"
    assert hanako["categories"] == ["health", "life"]
    assert other["name"] == "別人"
    # Conflicting non-empty values keep the first and are reported as warnings.
    conflicts = [(w.line, w.column) for w in report.warnings]
    assert (3, "地区") in conflicts
    assert (4, "氏名") in conflicts
    assert any("北地区" in w.message for w in report.warnings)


def test_merging_with_an_every_category_row_keeps_every_category(db, tmp_path):
    path = write_csv(tmp_path, ["メールアドレス,カテゴリ", "a@example.jp,防災", "A@example.jp,"])
    report = import_recipients(db, path)
    assert report.ok
    assert people(db)[0]["categories"] == []


def test_existing_recipient_is_updated_by_email_or_line_id(db, tmp_path):
    first = write_csv(
        tmp_path,
        [
            HEADER_JA,
            "山田,taro@example.jp,,090-0000-0001,,,,北地区,防災;気象,",
            f"佐藤,,{LINE_B},,,,,南地区,,",
        ],
        name="first.csv",
    )
    assert import_recipients(db, first).inserted == 2
    second = write_csv(
        tmp_path,
        [
            "メールアドレス,LINE ID,氏名,地区,カテゴリ",
            "TARO@example.jp,,山田 太郎,東地区,防犯",
            f"hanako@example.jp,{LINE_B},佐藤 花子,南地区,",
            "new@example.jp,,新人,中央地区,",
        ],
        name="second.csv",
    )
    report = import_recipients(db, second)
    assert report.ok, report.summary_ja()
    assert (report.inserted, report.updated) == (1, 2)
    taro, hanako, new = people(db)
    assert taro["name"] == "山田 太郎"
    assert taro["email"] == "TARO@example.jp"
    assert taro["area"] == "東地区"
    assert taro["categories"] == ["crime"]  # replaced, not merged
    assert taro["phone"] == "09000000001"  # no 電話番号 column: left alone
    assert hanako["email"] == "hanako@example.jp"
    assert new["name"] == "新人"


def test_phone_only_residents_are_not_duplicated_on_reimport(db, tmp_path):
    path = write_csv(tmp_path, ["氏名,電話番号,要配慮者", "高齢　一人,03-0000-0001,はい"])
    assert import_recipients(db, path).inserted == 1
    report = import_recipients(db, path)
    assert (report.inserted, report.updated) == (0, 1)
    assert count(db) == 1


def test_email_and_line_id_of_different_recipients_is_an_error(db, tmp_path):
    first = write_csv(
        tmp_path, ["メールアドレス,LINE ID", "a@example.jp,", f",{LINE_A}"], name="1.csv"
    )
    assert import_recipients(db, first).ok
    second = write_csv(tmp_path, ["メールアドレス,LINE ID", f"a@example.jp,{LINE_A}"], name="2.csv")
    report = import_recipients(db, second)
    assert not report.ok
    assert where(report) == [(2, "")]
    assert count(db) == 2


# -- reports -------------------------------------------------------------------------------------


def test_report_json_and_summary(db, tmp_path):
    path = write_csv(tmp_path, ["メールアドレス", "a@example.jp", "A@example.jp", "bad"])
    report = import_recipients(db, path)
    data = json.loads(json.dumps(report.to_json(), ensure_ascii=False))
    assert data["ok"] is False
    assert data["encoding"] == "utf-8"
    assert data["errors"] == [
        {"line": 4, "column": "メールアドレス", "message": data["errors"][0]["message"]}
    ]
    path = write_csv(tmp_path, ["メールアドレス", "a@example.jp", "A@example.jp"], name="ok.csv")
    report = import_recipients(db, path)
    data = report.to_json()
    assert data["ok"] is True
    assert data["inserted"] == 1
    assert data["merged"] == [{"lines": [2, 3], "key": "メールアドレス A@example.jp"}]
    summary = report.summary_ja()
    assert "追加 1件" in summary and "2・3行目" in summary


# -- export --------------------------------------------------------------------------------------


def test_export_cp932_header_is_byte_exact_with_crlf(db, tmp_path):
    path = write_csv(
        tmp_path,
        [
            HEADER_JA,
            "山田　太郎①,taro@example.jp,,09000000001,0300000001,,英語,北地区,気象;防災,はい",
        ],
    )
    assert import_recipients(db, path).ok
    out = tmp_path / "out.csv"
    report = export_recipients(db, out)
    assert report.ok, report.summary_ja()
    assert report.encoding == "cp932" and report.rows == 1
    data = out.read_bytes()
    assert data.startswith((HEADER_JA + "\r\n").encode("cp932"))
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 2 and data.count(b"\n") == 2
    assert data.decode("cp932").splitlines()[1] == (
        "山田　太郎①,taro@example.jp,,090-0000-0001,03-0000-0001,,英語,北地区,防災;気象,はい"
    )


def test_export_utf8_sig(db, tmp_path):
    assert import_recipients(
        db, write_csv(tmp_path, ["氏名,メールアドレス", "𠮷田,a@example.jp"])
    ).ok
    out = tmp_path / "out.csv"
    report = export_recipients(db, out, encoding="utf-8-sig")
    assert report.ok
    assert out.read_bytes().startswith(b"\xef\xbb\xbf" + "氏名,".encode())


def test_export_refuses_characters_cp932_cannot_hold_and_writes_nothing(db, tmp_path):
    lines = [
        "氏名,メールアドレス,地区",
        "𠮷田,a@example.jp,北地区",
        "佐藤,b@example.jp,南地区😀",
        "①,c@example.jp,",
    ]
    assert import_recipients(db, write_csv(tmp_path, lines)).ok
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "recipients.csv"
    report = export_recipients(db, out)
    assert not report.ok
    assert [(e.line, e.column) for e in report.errors] == [(2, "氏名"), (3, "地区")]
    assert "𠮷" in report.errors[0].message
    assert "utf-8-sig" in report.errors[0].message
    assert list(out_dir.iterdir()) == []  # no file, no temp file left behind
    assert "作成していません" in report.summary_ja()
    # An older export at the same path is left as it was.
    out.write_bytes(b"old")
    assert not export_recipients(db, out).ok
    assert out.read_bytes() == b"old"


def test_export_warns_about_characters_cp932_changes(db, tmp_path):
    assert import_recipients(
        db, write_csv(tmp_path, ["氏名,メールアドレス", "1〜3丁目,a@example.jp"])
    ).ok
    report = export_recipients(db, tmp_path / "out.csv")
    assert report.ok
    assert [(w.line, w.column) for w in report.warnings] == [(2, "氏名")]
    assert "U+301C" in report.warnings[0].message


def test_export_guards_formulas_and_import_restores_them(db, tmp_path):
    lines = ["氏名,メールアドレス,電話番号", "=HYPERLINK(1),a@example.jp,+81 90 0000 0001"]
    assert import_recipients(db, write_csv(tmp_path, lines)).ok
    out = tmp_path / "out.csv"
    assert export_recipients(db, out).ok
    row = out.read_bytes().decode("cp932").splitlines()[1]
    assert row.startswith("'=HYPERLINK(1),a@example.jp,,'+819000000001,")
    before = people(db)
    report = import_recipients(db, out)
    assert (report.inserted, report.updated) == (0, 1)
    assert people(db) == before


def test_export_leaves_out_inactive_recipients(db, tmp_path):
    lines = ["メールアドレス", "a@example.jp", "b@example.jp"]
    assert import_recipients(db, write_csv(tmp_path, lines)).ok
    with db() as session, session.begin():
        session.scalars(
            select(Recipient).where(Recipient.email == "b@example.jp")
        ).one().active = False
    out = tmp_path / "out.csv"
    assert export_recipients(db, out).rows == 1
    assert "b@example.jp" not in out.read_bytes().decode("cp932")


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig"])
def test_round_trip(db, tmp_path, encoding):
    assert load_sample_recipients(db).ok
    extra = [
        HEADER_JA,
        '"複数行\n氏名, カンマ付き",x@example.jp,,,,,ネパール語,,,',
        "ﾊﾝｶｸ①㈱,,,,,+1 202 555 0100,タイ語,'@地区,イベント,はい",
    ]
    assert import_recipients(db, write_csv(tmp_path, extra, "cp932", name="extra.csv")).ok
    original = people(db)
    out = tmp_path / "out.csv"
    assert export_recipients(db, out, encoding=encoding).ok

    engine = make_engine(f"sqlite:///{tmp_path / 'second.sqlite3'}")
    try:
        upgrade(engine)
        fresh = session_factory(engine)
        report = import_recipients(fresh, out)
        assert report.ok, report.summary_ja()
        assert report.encoding == encoding
        assert report.inserted == len(original)
        assert report.merged == [] and report.warnings == []
        assert people(fresh) == original
    finally:
        engine.dispose()


# -- the sample ----------------------------------------------------------------------------------


def test_sample_file_is_excel_style_and_loads(db):
    raw = SAMPLE_PATH.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n")
    raw.decode("cp932")
    report = load_sample_recipients(db)
    assert report.ok, report.summary_ja()
    assert report.encoding == "cp932"
    assert 18 <= report.inserted <= 25
    everyone = people(db)
    assert all(p["email"] is None or p["email"].endswith("@example.jp") for p in everyone)
    assert {p["language"] for p in everyone} >= {"ja", "en", "ja-easy"}
    phone_only = [
        p
        for p in everyone
        if p["needs_phone_call"] and p["phone"] and not (p["email"] or p["line_user_id"])
    ]
    assert len(phone_only) >= 3
    assert {p["area"] for p in everyone} >= {"中央地区", "北地区", "南地区", "東地区"}
    # Loading it twice changes nothing.
    again = load_sample_recipients(db)
    assert (again.inserted, again.updated) == (0, report.inserted)
    with db() as session:
        assert session.scalar(select(func.count()).select_from(RecipientCategory)) > 0


def test_bulk_written_rows_are_stored_like_orm_rows(db, tmp_path):
    """The fast SQLite path must store timestamps and flags exactly as the ORM does, or
    string comparisons on created_at would mix two formats."""
    with db() as session, session.begin():
        session.add(Recipient(name="orm", email="orm@example.jp", needs_phone_call=True))
    lines = ["氏名,メールアドレス,要配慮者", "imp,imp@example.jp,はい", "orm2,orm@example.jp,"]
    report = import_recipients(db, write_csv(tmp_path, lines))
    assert (report.inserted, report.updated) == (1, 1)
    with db() as session:
        raw = session.execute(
            text("SELECT name, created_at, updated_at, needs_phone_call, active FROM recipients")
        ).all()
        loaded = session.scalars(select(Recipient).order_by(Recipient.id)).all()
    stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}")
    for _name, created, updated, _flag, _active in raw:
        assert stamp.fullmatch(created) and stamp.fullmatch(updated)
    assert [(r[0], r[3], r[4]) for r in raw] == [("orm2", 0, 1), ("imp", 1, 1)]
    assert loaded[1].created_at <= loaded[1].updated_at
    assert loaded[0].updated_at > loaded[0].created_at
