"""The place-name dictionary (ユーザー辞書): words Open JTalk reads wrong, with their reading.

Municipal names are the classic case (月見里 ヤマナシ, 十八女 サカリ, 地区名). The operator keeps
them in a small TOML file; it is compiled to a MeCab user dictionary once per content (cached
by digest), so editing the file takes effect on the next synthesis without a restart.

File format::

    [words]
    "月見里" = "ヤマナシ"
    "十八女" = "サカリ"
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

KATAKANA = re.compile(r"^[ァ-ヴー]+$")
SMALL_KANA = set("ァィゥェォャュョヮ")  # part of the previous mora, not a mora of their own

_fd_lock = threading.Lock()


class UserDictError(ValueError):
    """The dictionary cannot be used; the message names the word and what to fix."""


def normalise_reading(reading: str) -> str:
    """Katakana as Open JTalk wants it; hiragana is accepted and converted."""
    text = unicodedata.normalize("NFKC", reading).strip().replace(" ", "").replace("　", "")
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def mora_count(reading: str) -> int:
    return sum(1 for c in reading if c not in SMALL_KANA)


@dataclass(frozen=True)
class Word:
    surface: str
    reading: str  # katakana


@dataclass(frozen=True)
class UserDictionary:
    words: tuple[Word, ...] = ()

    @classmethod
    def from_mapping(cls, mapping: dict[str, str]) -> UserDictionary:
        words: list[Word] = []
        for surface, reading in mapping.items():
            words.append(_word(surface, reading))
        return cls(tuple(sorted(words, key=lambda w: w.surface)))

    @classmethod
    def load(cls, path: Path) -> UserDictionary:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserDictError(f"読み辞書が見つかりません: {path}") from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UserDictError(f"読み辞書の書式が正しくありません: {path}: {exc}") from None
        words = raw.get("words", {})
        if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
            raise UserDictError(
                f"読み辞書の [words] は「表記 = \"ヨミ\"」の形で書いてください: {path}"
            )
        return cls.from_mapping(words)

    def with_word(self, surface: str, reading: str) -> UserDictionary:
        """The operator's correction from the reading preview, added (or replaced)."""
        word = _word(surface, reading)
        kept = [w for w in self.words if w.surface != word.surface]
        return UserDictionary(tuple(sorted([*kept, word], key=lambda w: w.surface)))

    def to_toml(self) -> str:
        lines = ["# 読み辞書: 表記 = \"ヨミ（カタカナ）\"", "[words]"]
        lines += [f"\"{w.surface}\" = \"{w.reading}\"" for w in self.words]
        return "\n".join(lines) + "\n"

    @property
    def digest(self) -> str:
        text = "\n".join(f"{w.surface}\t{w.reading}" for w in self.words)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def mecab_csv(self) -> str:
        # naist-jdic columns: surface, left id, right id, cost, POS ×4, conjugation ×2, base,
        # reading, pronunciation, accent/morae, chain rule. Empty ids let mecab-dict-index
        # pick them; a low cost makes the entry win over the system dictionary's split.
        return "".join(
            f"{w.surface},,,1,名詞,固有名詞,地域,一般,*,*,{w.surface},{w.reading},{w.reading},"
            f"0/{mora_count(w.reading)},*\n"
            for w in self.words
        )

    def compile(self, directory: Path) -> Path | None:
        """The compiled ``.dic`` for these words (built once per digest), or None if empty."""
        if not self.words:
            return None
        target = directory / f"user-{self.digest}.dic"
        if target.exists():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        source = directory / f"user-{self.digest}.csv"
        source.write_text(self.mecab_csv(), encoding="utf-8")
        partial = directory / f"user-{self.digest}.dic.part"
        from app.voice.tts import load_engine

        engine = load_engine()
        with _stdout_to_stderr():  # mecab-dict-index prints progress bars on fd 1
            engine.mecab_dict_index(str(source), str(partial))
        partial.replace(target)
        return target


def _word(surface: str, reading: str) -> Word:
    surface = unicodedata.normalize("NFKC", surface).strip()
    kana = normalise_reading(reading)
    if not surface or "," in surface:
        raise UserDictError(f"読み辞書の表記「{surface}」は使えません")
    if not KATAKANA.match(kana):
        raise UserDictError(f"「{surface}」の読み「{reading}」はカタカナで書いてください")
    return Word(surface, kana)


class _stdout_to_stderr:  # noqa: N801 - used like contextlib's lower-case managers
    """Point file descriptor 1 at stderr for a C library that prints: ``--json`` output on
    stdout must stay parseable."""

    def __enter__(self) -> None:
        _fd_lock.acquire()
        sys.stdout.flush()
        self._saved = os.dup(1)
        os.dup2(2, 1)

    def __exit__(self, *exc: object) -> None:
        try:
            os.dup2(self._saved, 1)
            os.close(self._saved)
        finally:
            _fd_lock.release()
