"""Fill the unfinished messages of a Qt ``.ts`` file from a source → translation mapping.

Run from the repository root after console strings changed::

    .venv/bin/python resources/i18n/fill.py --update

``--update`` first runs ``pyside6-lupdate`` (which keeps the existing translations) and at
the end ``pyside6-lrelease``.  The mapping is ``issei_en.fill.json`` next to this file::

    {"*": {"確認しました": "Acknowledge", ...},            # any context
     "CorrectionDialog": {"取消": "retraction", ...}}     # this context only (wins)

A value is a string, or a list of strings for a plural message (``numerus="yes"``).  Only
messages still marked unfinished are touched; finished ones are left as they are.  Each
translation is checked against its source before it is written: the same ``{fields}``, ``%1``
and ``%n`` placeholders, the same number of ``&`` accelerators, HTML tags and line breaks.
Messages with no entry are listed (``--missing FILE`` writes them as a JSON skeleton to fill
in and merge into the mapping); the exit status is 1 while any message is unfinished.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TS = HERE / "issei_en.ts"
QM = HERE / "issei_en.qm"
MAPPING = HERE / "issei_en.fill.json"
ANY = "*"
ENGLISH_PLURAL_FORMS = 2

Translation = str | list[str]

_CONTEXT = re.compile(r"<context>\s*<name>(.*?)</name>(.*?)</context>", re.DOTALL)
_MESSAGE = re.compile(r"<message(?P<attrs>[^>]*)>(?P<body>.*?)</message>", re.DOTALL)
_SOURCE = re.compile(r"<source>(.*?)</source>", re.DOTALL)
_TRANSLATION = re.compile(
    r"<translation(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</translation>)", re.DOTALL)
_FIELD = re.compile(r"\{[^{}\s]*\}")
_QT_ARG = re.compile(r"%L?\d+|%n")
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)[^<>]*>")
_ACCEL = re.compile(r"(?<!&)&(?![&\s])")


@dataclass(frozen=True)
class Result:
    filled: list[tuple[str, str]]
    missing: dict[str, dict[str, Translation]]
    problems: list[str]


def escape(text: str) -> str:
    """As lupdate writes text: XML escapes, and unusual whitespace as character references."""
    out = html.escape(text, quote=False).replace('"', "&quot;").replace("'", "&apos;")
    return "".join(f"&#x{ord(c):x};" if (ord(c) < 0x20 or (ord(c) > 0x7F and c.isspace()))
                   and c not in "\n\t" else c for c in out)


def check(source: str, translation: Translation, *, numerus: bool = False) -> list[str]:
    """What a translation breaks in its source: placeholders, accelerators, tags, lines."""
    forms = translation if isinstance(translation, list) else [translation]
    found: list[str] = []
    if numerus and (not isinstance(translation, list) or len(forms) != ENGLISH_PLURAL_FORMS):
        found.append(f"needs {ENGLISH_PLURAL_FORMS} plural forms")
    if not numerus and isinstance(translation, list):
        found.append("is not a plural message: give one string")
    for form in forms:
        if not form.strip():
            found.append("empty translation")
            continue
        for name, pattern in (("{fields}", _FIELD), ("%-arguments", _QT_ARG)):
            want, got = Counter(pattern.findall(source)), Counter(pattern.findall(form))
            if want != got:
                found.append(f"{name} differ: {sorted(want.elements())}"
                             f" vs {sorted(got.elements())}")
        if len(_ACCEL.findall(source)) != len(_ACCEL.findall(form)):
            found.append("the & accelerator is missing or doubled")
        if Counter(_TAG.findall(source)) != Counter(_TAG.findall(form)):
            found.append("HTML tags differ")
        if source.count("\n") != form.count("\n"):
            found.append("line breaks differ")
    return found


def _lookup(mapping: dict[str, dict[str, Translation]], context: str,
            source: str) -> Translation | None:
    for key in (context, ANY):
        value = mapping.get(key, {}).get(source)
        if value is not None:
            return value
    return None


def _render(value: Translation, numerus: bool) -> str:
    if numerus and isinstance(value, list):
        forms = "".join(f"\n            <numerusform>{escape(f)}</numerusform>" for f in value)
        return f"<translation>{forms}\n        </translation>"
    assert isinstance(value, str)
    return f"<translation>{escape(value)}</translation>"


def fill(ts_text: str, mapping: dict[str, dict[str, Translation]]) -> tuple[str, Result]:
    """The .ts text with every unfinished message that the mapping knows filled in."""
    filled: list[tuple[str, str]] = []
    missing: dict[str, dict[str, Translation]] = {}
    problems: list[str] = []

    def one_message(context: str, match: re.Match[str]) -> str:
        body = match.group("body")
        numerus = 'numerus="yes"' in match.group("attrs")
        source_match, tr = _SOURCE.search(body), _TRANSLATION.search(body)
        if source_match is None or tr is None:
            return match.group(0)
        if "unfinished" not in tr.group("attrs"):
            return match.group(0)
        source = html.unescape(source_match.group(1))
        value = _lookup(mapping, context, source)
        if value is None:
            guess = re.sub(r"</?numerusform>", "", html.unescape(tr.group("text") or "")).strip()
            missing.setdefault(context, {})[source] = guess
            return match.group(0)
        broken = check(source, value, numerus=numerus)
        if broken:
            problems.append(f"{context} {source!r} -> {value!r}: {'; '.join(broken)}")
            return match.group(0)
        filled.append((context, source))
        start, end = tr.span()
        new_body = body[:start] + _render(value, numerus) + body[end:]
        return f"<message{match.group('attrs')}>{new_body}</message>"

    def one_context(match: re.Match[str]) -> str:
        context = html.unescape(match.group(1))
        inner = _MESSAGE.sub(lambda m: one_message(context, m), match.group(2))
        head = match.string[match.start(0):match.start(2)]
        return f"{head}{inner}</context>"

    return _CONTEXT.sub(one_context, ts_text), Result(filled, missing, problems)


def load_mapping(path: Path) -> dict[str, dict[str, Translation]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise SystemExit(f"{path}: expected {{context: {{source: translation}}}}")
    return data


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (it comes with PySide6)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ts", type=Path, default=TS)
    parser.add_argument("--map", type=Path, default=MAPPING, dest="mapping")
    parser.add_argument("--update", action="store_true",
                        help="run pyside6-lupdate on widgets/*.py first and lrelease after")
    parser.add_argument("--missing", type=Path,
                        help="write the messages without a translation here (JSON)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every message filled (to review them)")
    args = parser.parse_args(argv)

    if args.update:
        widgets = sorted(str(p) for p in (ROOT / "widgets").glob("*.py"))
        subprocess.run([_tool("pyside6-lupdate"), "-tr-function-alias", "translate+=_t",
                        *widgets, "-ts", str(args.ts), "-no-obsolete"], cwd=ROOT, check=True)
    mapping = load_mapping(args.mapping)
    text, result = fill(args.ts.read_text(encoding="utf-8"), mapping)
    args.ts.write_text(text, encoding="utf-8")
    print(f"filled {len(result.filled)} message(s) in {args.ts.name}")
    if args.verbose:
        for context, source in result.filled:
            print(f"  {context}: {source!r} -> {_lookup(mapping, context, source)!r}")
    for problem in result.problems:
        print(f"NOT filled (fix the mapping): {problem}", file=sys.stderr)
    left = sum(len(v) for v in result.missing.values()) + len(result.problems)
    for context, sources in result.missing.items():
        for source in sources:
            print(f"no translation: {context} {source!r}", file=sys.stderr)
    if args.missing is not None and result.missing:
        args.missing.write_text(json.dumps(result.missing, ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")
        count = sum(len(v) for v in result.missing.values())
        print(f"wrote the {count} untranslated message(s) to {args.missing}")
    if args.update:
        qm = args.ts.with_suffix(".qm")
        subprocess.run([_tool("pyside6-lrelease"), str(args.ts), "-qm", str(qm)], check=True)
    if left:
        print(f"{left} message(s) still unfinished", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
