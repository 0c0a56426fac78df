"""Recipient lists in and out of CSV, the way Japanese Excel reads and writes them.

Municipal staff keep resident lists in Excel. Excel on Japanese Windows saves "CSV" as CP932
with CRLF and no BOM, "CSV UTF-8" as UTF-8 with a BOM, and other tools write plain UTF-8. The
import accepts all three, validates every row, and writes either everything or nothing, so a
half-imported list can never leave some residents silently without alerts.

No Qt here: the console and the CLI both call these functions and show the report.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import operator
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import Insert, Table, Update, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from app.db.models import Recipient, RecipientCategory
from app.domain import CATEGORIES, parse_category

SessionFactory = Callable[[], Session]

SAMPLE_PATH = Path(__file__).resolve().parents[2] / "resources" / "samples" / "recipients.csv"

# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

# Field name -> Japanese header. The order is the column order of an export.
EXPORT_HEADERS: dict[str, str] = {
    "name": "氏名",
    "email": "メールアドレス",
    "line_user_id": "LINE ID",
    "phone": "電話番号",
    "fax": "FAX番号",
    "sms": "SMS番号",
    "language": "言語",
    "area": "地区",
    "categories": "カテゴリ",
    "needs_phone_call": "要配慮者",
}

CONTACT_FIELDS: tuple[str, ...] = ("email", "line_user_id", "phone", "fax", "sms")

# Language code -> Japanese name (what an export writes and what staff type).
LANGUAGE_NAMES: dict[str, str] = {
    "ja": "日本語",
    "en": "英語",
    "zh-CN": "中国語(簡体)",
    "zh-TW": "中国語(繁体)",
    "ko": "韓国語",
    "vi": "ベトナム語",
    "pt": "ポルトガル語",
    "es": "スペイン語",
    "tl": "タガログ語",
    "ne": "ネパール語",
    "id": "インドネシア語",
    "th": "タイ語",
    "ja-easy": "やさしい日本語",
}


def _header_key(text: str) -> str:
    """Fold a header so that "LINE ID", "line_user_id" and "ＬＩＮＥ ＩＤ" compare equal."""
    return re.sub(r"[\s_\-]", "", unicodedata.normalize("NFKC", text).casefold())


_HEADER_ALIASES: dict[str, str] = {
    _header_key(alias): name
    for name, aliases in {
        "name": ("氏名", "name", "名前"),
        "email": ("メールアドレス", "email", "e-mail", "メール"),
        "line_user_id": ("LINE ID", "line_user_id", "LINEユーザーID"),
        "phone": ("電話番号", "phone", "電話"),
        "fax": ("FAX番号", "fax"),
        "sms": ("SMS番号", "sms"),
        "language": ("言語", "language"),
        "area": ("地区", "area"),
        "categories": ("カテゴリ", "categories", "カテゴリー", "category"),
        "needs_phone_call": ("要配慮者", "needs_phone_call"),
    }.items()
    for alias in aliases
}


def _language_key(text: str) -> str:
    # NFKC turns 中国語（簡体） into 中国語(簡体); "_" lets zh_CN (POSIX style) through too.
    return unicodedata.normalize("NFKC", text).strip().casefold().replace("_", "-")


_LANGUAGE_ALIASES: dict[str, str] = {
    **{_language_key(code): code for code in LANGUAGE_NAMES},
    **{_language_key(name): code for code, name in LANGUAGE_NAMES.items()},
    _language_key("中国語(簡体字)"): "zh-CN",
    _language_key("中国語(繁体字)"): "zh-TW",
}

_TRUE_WORDS = frozenset({"はい", "○", "◯", "〇", "1", "true", "yes", "y", "要"})
_FALSE_WORDS = frozenset({"", "いいえ", "×", "✕", "0", "false", "no", "n", "-"})

# RFC 5322 dot-atom on both sides of the @; the domain must have at least one dot, because a
# resident's address on a bare host name is always a typing mistake.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL_RE = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+")
_LINE_ID_RE = re.compile(r"U[0-9a-f]{32}")

# Hyphen look-alikes a Japanese IME produces (ー, ‐, −, ―...). NFKC leaves them alone, and
# refusing 090ー1234ー5678 would only make staff retype what they meant correctly.
_HYPHENS = re.compile("[\u2010-\u2015\u2212\u30fc\uff70]")
_PHONE_RE = re.compile(r"\+?[0-9()\-\s]+")
_NON_DIGITS = re.compile(r"[^0-9]")
_CATEGORY_SEPARATORS = re.compile(r"[;、,]")
_WHITESPACE = re.compile(r"\s+")

# Excel runs a cell that starts with one of these as a formula (CSV injection). The export puts
# an apostrophe in front and the import takes it off again, so the round trip stays exact.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_MAX_LENGTHS = {"name": 200, "email": 254, "area": 100}


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowIssue:
    """One finding about the file. ``line`` is the file line (1 = header), 0 for the whole file;
    ``column`` is the header as written in the file, or empty for the whole row."""

    line: int
    column: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}

    def text_ja(self) -> str:
        where = f"{self.line}行目" if self.line else "ファイル"
        if self.column:
            where += f"・{self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RowError(RowIssue):
    """A problem that stops the import (or export): nothing is written."""


@dataclass(frozen=True)
class RowWarning(RowIssue):
    """Something the operator should know about that did not stop the import."""


class MergedRows(NamedTuple):
    """File lines that describe the same resident and became one recipient."""

    lines: tuple[int, ...]
    key: str


def _issue_lines(title: str, issues: Sequence[RowIssue], limit: int) -> list[str]:
    out = [f"{title}（{len(issues)}件）:"]
    out += [f"  {issue.text_ja()}" for issue in issues[:limit]]
    if len(issues) > limit:
        out.append(f"  ほか {len(issues) - limit} 件")
    return out


@dataclass
class ImportReport:
    ok: bool = False
    encoding: str = ""
    rows: int = 0  # data rows read (empty lines not counted)
    inserted: int = 0
    updated: int = 0
    merged: list[MergedRows] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "encoding": self.encoding,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "merged": [{"lines": list(m.lines), "key": m.key} for m in self.merged],
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
        }

    def summary_ja(self, limit: int = 20) -> str:
        enc = _ENCODING_LABELS.get(self.encoding, self.encoding or "不明")
        if self.ok:
            head = (
                f"宛先を取り込みました（文字コード: {enc}、{self.rows}行）: "
                f"追加 {self.inserted}件、更新 {self.updated}件、"
                f"重複の統合 {len(self.merged)}件、警告 {len(self.warnings)}件"
            )
            lines = [head]
        else:
            head = (
                "宛先の取り込みを中止しました。データベースは変更していません"
                f"（文字コード: {enc}、エラー {len(self.errors)}件）。"
            )
            lines = [head]
            lines += _issue_lines("エラー", self.errors, limit)
        if self.merged:
            lines.append(f"重複として統合した行（{len(self.merged)}件）:")
            for m in self.merged[:limit]:
                joined = "・".join(str(n) for n in m.lines)
                lines.append(f"  {joined}行目（{m.key}）")
            if len(self.merged) > limit:
                lines.append(f"  ほか {len(self.merged) - limit} 件")
        if self.warnings:
            lines += _issue_lines("警告", self.warnings, limit)
        return "\n".join(lines)


@dataclass
class ExportReport:
    ok: bool = False
    path: Path | None = None
    encoding: str = ""
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": str(self.path) if self.path else None,
            "encoding": self.encoding,
            "rows": self.rows,
            "errors": [e.to_json() for e in self.errors],
            "warnings": [w.to_json() for w in self.warnings],
        }

    def summary_ja(self, limit: int = 20) -> str:
        enc = _ENCODING_LABELS.get(self.encoding, self.encoding)
        if self.ok:
            lines = [f"宛先 {self.rows}件を書き出しました（文字コード: {enc}）: {self.path}"]
        else:
            lines = [
                f"宛先を書き出せませんでした。ファイルは作成していません（文字コード: {enc}）。"
            ]
            lines += _issue_lines("エラー", self.errors, limit)
        if self.warnings:
            lines += _issue_lines("警告", self.warnings, limit)
        return "\n".join(lines)


_ENCODING_LABELS = {
    "utf-8-sig": "UTF-8（BOM付き）",
    "utf-8": "UTF-8",
    "cp932": "CP932（Shift_JIS）",
}

# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_RESAVE_HINT = (
    "Excel で「CSV UTF-8（コンマ区切り）」または「CSV（コンマ区切り）」として保存し直してください。"
)


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _decode(raw: bytes) -> tuple[str, str] | RowError:
    """Return (text, encoding) or an error that says where the bytes stopped making sense."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            line = _line_of(raw, exc.start)
            return RowError(
                line,
                "",
                f"UTF-8（BOM付き）のファイルですが、{line}行目（先頭から {exc.start + 1} "
                f"バイト目）に UTF-8 として読めないバイトがあります。{_RESAVE_HINT}",
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode テキスト" is UTF-16 and tab-separated: not a CSV we should guess at.
        return RowError(1, "", f"UTF-16 のファイルは読み込めません。{_RESAVE_HINT}")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_at = exc.start
    try:
        # cp932, never shift_jis: Excel writes Microsoft's table (①, ㈱, 髙, NEC/IBM extensions),
        # which the strict shift_jis codec refuses.
        return raw.decode("cp932"), "cp932"
    except UnicodeDecodeError as exc:
        cp932_at = exc.start
    # The decoder that got further is most likely the one the file was meant for.
    line = _line_of(raw, max(utf8_at, cp932_at))
    return RowError(
        line,
        "",
        "文字コードを判定できません。"
        f"UTF-8 としては {_line_of(raw, utf8_at)}行目（先頭から {utf8_at + 1} バイト目）、"
        f"CP932（Shift_JIS）としては {_line_of(raw, cp932_at)}行目（先頭から {cp932_at + 1} "
        f"バイト目）で読めなくなります。{_RESAVE_HINT}",
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uf8f0-\uf8f3]")


def _check_text(text: str) -> RowError | None:
    """Refuse text that decoded but is not a CSV (UTF-16 without BOM, binary data).

    UTF-16 without a BOM is valid "UTF-8" full of NUL bytes, and random bytes can be valid
    CP932 by chance (0x80, 0xA0 and 0xFD-0xFF decode to control or private-use characters).
    """
    found = _CONTROL.search(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    if found.group() == "\x00":
        why = "NUL 文字があります。UTF-16 など別の形式で保存されたファイルのようです。"
    else:
        why = f"制御文字（U+{ord(found.group()):04X}）があります。CSV ではないファイルのようです。"
    return RowError(line, "", f"{line}行目に{why}{_RESAVE_HINT}")


# ---------------------------------------------------------------------------------------------
# Parsing one row
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Record:
    """One resident as read from the file; None means the cell was empty."""

    lines: list[int]
    name: str | None = None
    email: str | None = None
    line_user_id: str | None = None
    phone: str | None = None
    fax: str | None = None
    sms: str | None = None
    language: str | None = None
    area: str | None = None
    # None: the cell was empty (every category); a set may only come from a non-empty cell.
    categories: frozenset[str] | None = None
    needs_phone_call: bool = False
    merge_key: str = ""  # why later lines were merged into this one (for the report)

    def keys(self) -> list[tuple[str, str]]:
        """(key, description) pairs that identify the same resident within one file."""
        out: list[tuple[str, str]] = []
        if self.email:
            out.append(("e:" + self.email.lower(), f"メールアドレス {self.email}"))
        if self.line_user_id:
            out.append(("l:" + self.line_user_id, f"LINE ID {self.line_user_id}"))
        out += _number_keys(self.name, self.phone, self.fax, self.sms)
        return out


def _name_key(name: str) -> str:
    # "山田 太郎" and "山田　太郎" are the same person typed twice.
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", name))


_NUMBER_LABELS = {"phone": "電話番号", "fax": "FAX番号", "sms": "SMS番号"}


def _number_keys(
    name: str | None, phone: str | None, fax: str | None, sms: str | None
) -> list[tuple[str, str]]:
    """Name plus the same number in the same column identifies a resident.

    Residents reached by phone or FAX only (often 要配慮者) have neither email nor LINE id;
    without these keys a list imported twice would register them twice.
    """
    if not name:
        return []
    out: list[tuple[str, str]] = []
    for field_name, number in (("phone", phone), ("fax", fax), ("sms", sms)):
        if number:
            out.append(
                (
                    f"{field_name}:{_name_key(name)}\t{number}",
                    f"氏名と{_NUMBER_LABELS[field_name]} {name} / {number}",
                )
            )
    return out


def _parse_phone(raw: str, label: str) -> str:
    """Return the number as text without separators, or raise ValueError with a reason."""
    text = _HYPHENS.sub("-", _nfkc(raw)).lstrip("'")
    if not _PHONE_RE.fullmatch(text):
        raise ValueError(
            f"{label}「{raw}」に使えない文字があります（数字・ハイフン・括弧・空白・先頭の+のみ）"
        )
    digits = _NON_DIGITS.sub("", text)
    if text.startswith("+"):
        # E.164: at most 15 digits after the country code prefix.
        if not 7 <= len(digits) <= 15:
            raise ValueError(f"{label}「{raw}」の桁数が正しくありません（国際番号は7〜15桁）")
        return "+" + digits
    if not digits.startswith("0"):
        # The classic Excel accident: 09012345678 typed into a cell becomes the number
        # 9012345678. A Japanese number always starts with 0 (or +81), so say so plainly.
        raise ValueError(
            f"{label}「{raw}」の先頭の0が欠けています。Excel が数値に変換した可能性があります"
            "（セルの書式を「文字列」にして入力し直してください）"
        )
    if len(digits) not in (10, 11):
        raise ValueError(f"{label}「{raw}」の桁数が正しくありません（市外局番から10桁または11桁）")
    return digits


def _parse_name(raw: str, label: str) -> str:
    # Names and areas are kept as typed (no NFKC): ① or ｶﾅ must come back exactly on export.
    if len(raw) > _MAX_LENGTHS["name"]:
        raise ValueError(f"長すぎます（{_MAX_LENGTHS['name']}文字まで）")
    return raw


def _parse_area(raw: str, label: str) -> str:
    if len(raw) > _MAX_LENGTHS["area"]:
        raise ValueError(f"長すぎます（{_MAX_LENGTHS['area']}文字まで）")
    return raw


def _parse_email(raw: str, label: str) -> str:
    email = raw if raw.isascii() else _nfkc(raw)  # ｔａｒｏ＠example.jp -> taro@example.jp
    if len(email) > _MAX_LENGTHS["email"] or not _EMAIL_RE.fullmatch(email):
        raise ValueError(f"メールアドレス「{raw}」の形式が正しくありません")
    return email


def _parse_line_id(raw: str, label: str) -> str:
    line_id = raw if raw.isascii() else _nfkc(raw)
    if not _LINE_ID_RE.fullmatch(line_id):
        raise ValueError(f"LINE ID「{raw}」の形式が正しくありません（U と英小文字・数字32桁）")
    return line_id


@functools.lru_cache(maxsize=4096)
def _parse_categories(raw: str, label: str = "") -> frozenset[str] | None:
    # Cached: a list of 100,000 residents has only a handful of distinct category cells.
    parts = [p.strip() for p in _CATEGORY_SEPARATORS.split(unicodedata.normalize("NFKC", raw))]
    codes = frozenset(parse_category(p) for p in parts if p)
    return codes or None


def _parse_bool(raw: str, label: str = "") -> bool:
    key = _nfkc(raw).casefold()
    if key in _TRUE_WORDS:
        return True
    if key in _FALSE_WORDS:
        return False
    raise ValueError(f"「{raw}」は指定できません（「はい」「○」「1」または空欄）")


def _parse_language(raw: str, label: str = "") -> str | None:
    if not raw.strip():
        return None
    try:
        return _LANGUAGE_ALIASES[_language_key(raw)]
    except KeyError:
        known = "、".join(LANGUAGE_NAMES.values())
        raise ValueError(
            f"言語「{raw}」はありません（使えるもの: {known}、または ja・en などのコード）"
        ) from None


# Field -> parser(value, header as written) returning the stored value or raising ValueError
# with the Japanese reason. The value is already stripped and non-empty.
_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "name": _parse_name,
    "email": _parse_email,
    "line_user_id": _parse_line_id,
    "phone": _parse_phone,
    "fax": _parse_phone,
    "sms": _parse_phone,
    "language": _parse_language,
    "area": _parse_area,
    "categories": _parse_categories,
    "needs_phone_call": _parse_bool,
}


# ---------------------------------------------------------------------------------------------
# Duplicates within the file
# ---------------------------------------------------------------------------------------------

_SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "email",
    "line_user_id",
    "phone",
    "fax",
    "sms",
    "language",
    "area",
)


def _same_value(name: str, a: str, b: str) -> bool:
    """Differences that are not worth a warning: email case, spacing inside a name."""
    if name == "email":
        return a.lower() == b.lower()
    if name == "name":
        return _name_key(a) == _name_key(b)
    return False


def _merge_into(
    target: _Record, other: _Record, headers: dict[str, str], warnings: list[RowWarning]
) -> None:
    for name in _SCALAR_FIELDS:
        mine, theirs = getattr(target, name), getattr(other, name)
        if theirs is None:
            continue
        if mine is None:
            setattr(target, name, theirs)
        elif mine != theirs and not _same_value(name, mine, theirs):
            warnings.append(
                RowWarning(
                    other.lines[0],
                    headers.get(name, name),
                    f"{target.lines[0]}行目と同じ人として統合しました。"
                    f"「{theirs}」は {target.lines[0]}行目の「{mine}」と異なるため、"
                    f"{target.lines[0]}行目の値を使います",
                )
            )
    # An empty cell means "every category", so a union with it is every category too.
    if target.categories is None or other.categories is None:
        target.categories = None
    else:
        target.categories |= other.categories
    # Never lose a 要配慮者 flag: a missed phone call to such a resident is the costly error.
    target.needs_phone_call = target.needs_phone_call or other.needs_phone_call
    target.lines.extend(other.lines)


def _merge_duplicates(
    records: list[_Record], headers: dict[str, str], warnings: list[RowWarning]
) -> tuple[list[_Record], list[MergedRows]]:
    """Union rows that share an email, a LINE id, or a name and phone (union-find)."""
    parent: list[int] = []
    groups: list[_Record] = []
    owner: dict[str, int] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rec in records:
        keys = rec.keys()
        hits = sorted({find(owner[k]) for k, _ in keys if k in owner})
        if not hits:
            index = len(groups)
            groups.append(rec)
            parent.append(index)
        else:
            index = hits[0]
            target = groups[index]
            if not target.merge_key:
                target.merge_key = next(desc for k, desc in keys if k in owner)
            # Earlier groups first, so that on a conflict the earliest line's value is kept.
            for other in hits[1:]:
                _merge_into(target, groups[other], headers, warnings)
                parent[other] = index
            _merge_into(target, rec, headers, warnings)
            keys = keys + target.keys()
        for k, _ in keys:
            owner.setdefault(k, index)
            if find(owner[k]) != index:
                owner[k] = index
    merged_records = [g for i, g in enumerate(groups) if parent[i] == i]
    for g in merged_records:
        g.lines.sort()
    merged = [MergedRows(tuple(g.lines), g.merge_key) for g in merged_records if len(g.lines) > 1]
    return merged_records, merged


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _read_rows(text: str, report: ImportReport) -> tuple[list[_Record], dict[str, str]] | None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    headers: dict[str, str] = {}  # field -> header as written in the file
    plan: list[tuple[int, str, str, Callable[[str, str], Any]]] = []
    unnamed: list[int] = []  # columns with an empty header cell
    contact_headers = ""
    records: list[_Record] = []
    errors = report.errors
    previous_end = 0
    try:
        for row in reader:
            line = previous_end + 1  # where this record starts; a quoted newline spans lines
            previous_end = reader.line_num
            if not "".join(row).strip():
                continue  # blank line, or ",,,," that Excel writes for formatted empty rows
            if header is None:
                header, header_line = row, line
                fields = _map_header(header, line, errors)
                if errors:
                    return None
                for index, name in enumerate(fields):
                    if name is None:
                        unnamed.append(index)
                    else:
                        headers[name] = header[index].strip()
                        plan.append((index, name, headers[name], _PARSERS[name]))
                contact_headers = "・".join(headers[f] for f in CONTACT_FIELDS if f in headers)
                continue
            report.rows += 1
            width = len(row)
            if width > len(header) and "".join(row[len(header) :]).strip():
                errors.append(
                    RowError(line, "", f"列が見出しより多くあります（{len(header)}列まで）")
                )
                continue
            stray = [i for i in unnamed if i < width and row[i].strip()]
            if stray:
                errors += [
                    RowError(line, f"{i + 1}列目", "見出しのない列に値があります") for i in stray
                ]
                continue
            rec = _Record([line])
            bad = False
            for index, name, head, parse in plan:
                if index >= width:
                    continue  # a short row: the missing cells are empty
                value = row[index].strip()
                if not value:
                    continue
                if value[0] == "'" and len(value) > 1 and value[1] in _FORMULA_STARTS:
                    value = value[1:]  # the guard our export adds against CSV injection
                try:
                    setattr(rec, name, parse(value, head))
                except ValueError as exc:
                    errors.append(RowError(line, head, str(exc)))
                    bad = True
            if bad:
                continue
            if not (rec.email or rec.line_user_id or rec.phone or rec.fax or rec.sms):
                errors.append(
                    RowError(
                        line, "", f"連絡先がありません（{contact_headers} のどれか1つは必要です）"
                    )
                )
                continue
            records.append(rec)
    except csv.Error as exc:
        errors.append(
            RowError(
                previous_end + 1,
                "",
                f'CSV の形式が正しくありません（{exc}）。引用符 " の対応を確認してください',
            )
        )
        return None
    if header is None:
        errors.append(RowError(0, "", "ファイルが空です（見出し行がありません）"))
        return None
    if report.rows == 0:
        report.warnings.append(RowWarning(header_line, "", "データ行がありません"))
    return records, headers


def _map_header(header: list[str], line: int, errors: list[RowError]) -> list[str | None]:
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    unknown: list[str] = []
    for cell in header:
        text = cell.strip()
        if not text:
            fields.append(None)  # trailing empty columns from Excel; values are checked per row
            continue
        name = _HEADER_ALIASES.get(_header_key(text))
        if name is None:
            unknown.append(text)
        elif name in seen:
            errors.append(
                RowError(line, text, f"列「{text}」は「{seen[name]}」と同じ項目です（重複した列）")
            )
        else:
            seen[name] = text
        fields.append(name)
    if unknown:
        known = "・".join(EXPORT_HEADERS.values())
        errors.append(
            RowError(
                line,
                "・".join(unknown),
                f"知らない列があります: {'、'.join(unknown)}（使える列: {known}）",
            )
        )
    if not any(f in seen for f in CONTACT_FIELDS):
        wanted = "・".join(EXPORT_HEADERS[f] for f in CONTACT_FIELDS)
        errors.append(
            RowError(line, "", f"連絡先の列がありません（{wanted} のどれか1つは必要です）")
        )
    return fields


def import_recipients(session_factory: SessionFactory, path: Path) -> ImportReport:
    """Import a recipient CSV in one transaction: every row is written, or none is."""
    report = ImportReport()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        report.errors.append(
            RowError(0, "", f"ファイルを開けません: {path}（{exc.strerror or exc}）")
        )
        return report
    decoded = _decode(raw)
    if isinstance(decoded, RowError):
        report.errors.append(decoded)
        return report
    text, report.encoding = decoded
    problem = _check_text(text)
    if problem is not None:
        report.errors.append(problem)
        return report
    parsed = _read_rows(text, report)
    if parsed is None or report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    records, headers = parsed
    groups, report.merged = _merge_duplicates(records, headers, report.warnings)
    try:
        _write(session_factory, groups, set(headers), report)
    except SQLAlchemyError as exc:
        report.inserted = report.updated = 0
        report.errors.append(
            RowError(0, "", f"データベースに書き込めませんでした（何も変更していません）: {exc}")
        )
    report.errors.sort(key=lambda e: e.line)
    report.ok = not report.errors
    return report


def _values(rec: _Record) -> dict[str, Any]:
    """Column values for a recipient; an empty cell becomes the column's default."""
    return {
        "name": rec.name or "",
        "email": rec.email,
        "line_user_id": rec.line_user_id,
        "phone": rec.phone,
        "fax": rec.fax,
        "sms": rec.sms,
        "language": rec.language or "ja",
        "area": rec.area or "",
        "needs_phone_call": rec.needs_phone_call,
    }


def _write(
    session_factory: SessionFactory, groups: list[_Record], present: set[str], report: ImportReport
) -> None:
    session = session_factory()
    try:
        # One query for every key we match on; then matching is dictionary look-ups.
        by_email: dict[str, int] = {}
        by_line: dict[str, int] = {}
        by_number: dict[str, int] = {}
        rows = session.execute(
            select(
                Recipient.id,
                Recipient.email,
                Recipient.line_user_id,
                Recipient.name,
                Recipient.phone,
                Recipient.fax,
                Recipient.sms,
            ).order_by(Recipient.id)
        )
        for rid, email, line_id, name, phone, fax, sms in rows:
            if email:
                by_email.setdefault(email.lower(), rid)
            if line_id:
                by_line.setdefault(line_id, rid)
            for key, _ in _number_keys(name, phone, fax, sms):
                by_number.setdefault(key, rid)

        inserts: list[_Record] = []
        updates: list[tuple[int, _Record]] = []
        claimed: dict[int, int] = {}  # recipient id -> first file line that updates it
        for rec in groups:
            email_hit = by_email.get(rec.email.lower()) if rec.email else None
            line_hit = by_line.get(rec.line_user_id) if rec.line_user_id else None
            if email_hit is not None and line_hit is not None and email_hit != line_hit:
                report.errors.append(
                    RowError(
                        rec.lines[0],
                        "",
                        f"メールアドレスは登録済みの宛先 #{email_hit}、"
                        f"LINE ID は宛先 #{line_hit} と一致します。"
                        "どちらを更新するか決められません",
                    )
                )
                continue
            hit = email_hit if email_hit is not None else line_hit
            if hit is None:
                # Only when neither email nor LINE id matched: name + number is the weaker key.
                for key, _ in _number_keys(rec.name, rec.phone, rec.fax, rec.sms):
                    if key in by_number:
                        hit = by_number[key]
                        break
            if hit is None:
                inserts.append(rec)
            elif hit in claimed:
                report.errors.append(
                    RowError(
                        rec.lines[0],
                        "",
                        f"{claimed[hit]}行目と同じ登録済みの宛先 #{hit} に一致します"
                        "（同じ人なら1行にまとめてください）",
                    )
                )
            else:
                claimed[hit] = rec.lines[0]
                updates.append((hit, rec))
        if report.errors:
            session.rollback()
            return

        now = dt.datetime.now(dt.UTC)
        category_rows: list[dict[str, Any]] = []
        if inserts:
            params = [
                {**_values(rec), "active": True, "created_at": now, "updated_at": now}
                for rec in inserts
            ]
            new_ids = _insert_recipients(session, params)
            for rid, rec in zip(new_ids, inserts, strict=True):
                category_rows += [
                    {"recipient_id": rid, "category": c} for c in sorted(rec.categories or ())
                ]
        if updates:
            table = cast(Table, Recipient.__table__)
            # Only the columns the file has: a file without a FAX column must not erase FAX
            # numbers, while an emptied cell in a column the file does have clears the value.
            columns = [c for c in _values(updates[0][1]) if c in present]
            statement = (
                update(table)
                .where(table.c.id == bindparam("rid", type_=table.c.id.type))
                .values({c: bindparam(c, type_=table.c[c].type) for c in [*columns, "updated_at"]})
            )
            rows_out = []
            for rid, rec in updates:
                values = _values(rec)
                rows_out.append({"rid": rid, "updated_at": now, **{c: values[c] for c in columns}})
            _executemany(session, statement, rows_out)
            if "categories" in present:
                ids = [rid for rid, _ in updates]
                for start in range(0, len(ids), 500):  # stay under SQLite's variable limit
                    session.execute(
                        delete(RecipientCategory).where(
                            RecipientCategory.recipient_id.in_(ids[start : start + 500])
                        )
                    )
                for rid, rec in updates:
                    category_rows += [
                        {"recipient_id": rid, "category": c} for c in sorted(rec.categories or ())
                    ]
        if category_rows:
            _executemany(session, insert(cast(Table, RecipientCategory.__table__)), category_rows)
        session.commit()
        report.inserted, report.updated = len(inserts), len(updates)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _executemany(session: Session, stmt: Insert | Update, rows: list[dict[str, Any]]) -> None:
    """Run one statement for many rows (all with the same keys) in one driver executemany.

    SQLAlchemy's executemany processes each parameter dict in Python (about a fifth of a
    100,000-row import when measured). On SQLite compile once, convert values with the column
    types' own bind processors (datetimes, booleans) and hand sqlite3 plain tuples. Other
    databases take the ordinary path.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(stmt, rows)
        return
    compiled = cast(SQLCompiler, stmt.compile(dialect=dialect, column_keys=list(rows[0])))
    names = list(compiled.positiontup or ())
    # dialect_impl: the generic DateTime has no processor; SQLite's DATETIME formats the value.
    processors = [
        compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    if set(names) != set(rows[0]):
        raise ValueError(f"parameters {sorted(rows[0])} do not match statement {names}")
    # itemgetter builds each row's tuple in C; only typed columns go through a processor.
    getter = operator.itemgetter(*names)
    typed = [(i, proc) for i, proc in enumerate(processors) if proc is not None]
    params: list[tuple[Any, ...]] = []
    for row in rows:
        values = getter(row)
        if len(names) == 1:
            values = (values,)
        if typed:
            converted = list(values)
            for i, proc in typed:
                converted[i] = proc(converted[i])
            values = tuple(converted)
        params.append(values)
    connection.exec_driver_sql(compiled.string, params)


def _insert_recipients(session: Session, params: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids in the order given (for the category rows)."""
    table = cast(Table, Recipient.__table__)
    if session.get_bind().dialect.name == "sqlite":
        # SQLite cannot order RETURNING rows in one multi-row INSERT, so SQLAlchemy would fall
        # back to one statement per row. Instead number the rows ourselves: make_engine begins
        # with BEGIN IMMEDIATE, so nobody else can insert between this MAX and our INSERT (and
        # if a differently configured engine lets someone in, the primary key refuses the
        # clash and the whole import rolls back).
        start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one() + 1
        ids = list(range(start, start + len(params)))
        rows = [{"id": i, **p} for i, p in zip(ids, params, strict=True)]
        _executemany(session, insert(table), rows)
        return ids
    # PostgreSQL: a multi-row INSERT ... RETURNING with a sentinel keeps parameter order.
    result = session.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), params
    )
    return list(result.scalars())


def load_sample_recipients(session_factory: SessionFactory) -> ImportReport:
    """Import the fictional sample residents (for training mode and first-run demos)."""
    return import_recipients(session_factory, SAMPLE_PATH)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

EXPORT_ENCODINGS = ("cp932", "utf-8-sig")
# Numbers whose grouping is fixed by the numbering plan, whatever the rest of the digits are:
# (pattern, group sizes). 0800 comes before 080 because free-dial 0800 is not a mobile prefix.
_FIXED_GROUPINGS: tuple[tuple[re.Pattern[str], tuple[int, ...]], ...] = (
    (re.compile(r"0800[0-9]{7}"), (4, 3, 4)),
    (re.compile(r"0[5789]0[0-9]{8}"), (3, 4, 4)),  # mobile, IP phone
    (re.compile(r"0(?:120|570)[0-9]{6}"), (4, 3, 3)),  # free dial, navi dial
    (re.compile(r"0[36][0-9]{8}"), (2, 4, 4)),  # Tokyo 03, Osaka 06: two-digit area codes
)


def _display_phone(number: str | None) -> str:
    """Put hyphens back where the grouping is certain.

    Excel turns a hyphen-less 09012345678 into the number 9012345678 when the file is opened,
    and the leading 0 is lost on save; hyphenated text stays text. Other landlines depend on
    the area code table, so they stay as digits (the import explains a lost leading 0). The
    import strips separators again, so the grouping never changes what is stored.
    """
    if not number:
        return ""
    for pattern, sizes in _FIXED_GROUPINGS:
        if pattern.fullmatch(number):
            parts, start = [], 0
            for size in sizes:
                parts.append(number[start : start + size])
                start += size
            return "-".join(parts)
    return number


def _guard_formula(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _export_rows(session: Session) -> Iterable[tuple[int, list[str]]]:
    categories: dict[int, set[str]] = {}
    for rid, code in session.execute(
        select(RecipientCategory.recipient_id, RecipientCategory.category)
    ):
        categories.setdefault(rid, set()).add(code)
    order = list(CATEGORIES)
    rows = session.execute(
        select(
            Recipient.id,
            Recipient.name,
            Recipient.email,
            Recipient.line_user_id,
            Recipient.phone,
            Recipient.fax,
            Recipient.sms,
            Recipient.language,
            Recipient.area,
            Recipient.needs_phone_call,
        )
        # Deactivated recipients are left out: the file has no column to carry "inactive", and
        # re-importing it would otherwise switch them back on.
        .where(Recipient.active.is_(True))
        .order_by(Recipient.id)
    )
    for rid, name, email, line_id, phone, fax, sms, language, area, needs_call in rows:
        codes = categories.get(rid, set())
        labels = [CATEGORIES[c] for c in order if c in codes] + sorted(
            c for c in codes if c not in CATEGORIES
        )
        yield (
            rid,
            [
                name or "",
                email or "",
                line_id or "",
                _display_phone(phone),
                _display_phone(fax),
                _display_phone(sms),
                LANGUAGE_NAMES.get(language, language),
                area or "",
                ";".join(labels),
                "はい" if needs_call else "",
            ],
        )


def export_recipients(
    session_factory: SessionFactory, path: Path, encoding: str = "cp932"
) -> ExportReport:
    """Write every active recipient as an Excel-style CSV (Japanese headers, CRLF).

    Nothing is written unless every cell fits the encoding: a CP932 file that silently turned
    a resident's name into "?" would be worse than no file.
    """
    path = Path(path)
    encoding = encoding.lower()
    report = ExportReport(path=path, encoding=encoding)
    if encoding not in EXPORT_ENCODINGS:
        report.errors.append(
            RowError(0, "", f"文字コード「{encoding}」には書き出せません（cp932 または utf-8-sig）")
        )
        return report
    headers = list(EXPORT_HEADERS.values())
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # Excel's line ending
    writer.writerow(headers)
    count = 0
    try:
        with session_factory() as session:
            for line, (rid, values) in enumerate(_export_rows(session), start=2):
                cells = [_guard_formula(v) for v in values]
                if encoding == "cp932":
                    _check_cp932(rid, line, headers, cells, report)
                writer.writerow(cells)
                count += 1
    except SQLAlchemyError as exc:
        report.errors.append(RowError(0, "", f"データベースから読み出せませんでした: {exc}"))
    if report.errors:
        return report
    data = buffer.getvalue().encode(encoding, errors="strict")
    try:
        _atomic_write(path, data)
    except OSError as exc:
        report.errors.append(
            RowError(0, "", f"ファイルを書き込めませんでした: {path}（{exc.strerror or exc}）")
        )
        return report
    report.rows = count
    report.ok = True
    return report


def _check_cp932(
    rid: int, line: int, headers: list[str], cells: list[str], report: ExportReport
) -> None:
    for header, cell in zip(headers, cells, strict=True):
        if cell.isascii():
            continue
        try:
            if cell.encode("cp932").decode("cp932") == cell:
                continue  # the common case; only a failing cell is searched character by character
        except UnicodeEncodeError:
            pass
        for ch in dict.fromkeys(cell):  # each distinct character once, in order
            if ch.isascii():
                continue
            try:
                back = ch.encode("cp932").decode("cp932")
            except UnicodeEncodeError:
                report.errors.append(
                    RowError(
                        line,
                        header,
                        f"宛先 #{rid}: 「{ch}」(U+{ord(ch):04X}) は "
                        "CP932（Shift_JIS）で保存できません。文字を置き換えるか、"
                        "文字コード UTF-8（BOM付き, utf-8-sig）で書き出してください",
                    )
                )
                continue
            if back != ch:
                # e.g. 〜 (U+301C) is written as the byte pair that reads back as ～ (U+FF5E).
                report.warnings.append(
                    RowWarning(
                        line,
                        header,
                        f"宛先 #{rid}: 「{ch}」(U+{ord(ch):04X}) は CP932 では「{back}」"
                        f"(U+{ord(back):04X}) として保存されます",
                    )
                )


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a full disk never leaves half a file behind."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
