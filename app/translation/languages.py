"""The languages a message can carry besides Japanese, and how each provider names them.

Codes are ours (BCP 47 where one exists); ``ja-easy`` is やさしい日本語, which no machine
translator produces: it comes from reviewed templates or is written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SOURCE = "ja"
EASY_JAPANESE = "ja-easy"


@dataclass(frozen=True)
class Language:
    code: str
    label: str  # Japanese, as the operator reads it
    english: str
    machine: bool = True  # can a machine translator produce it at all
    provider_codes: dict[str, str] = field(default_factory=dict)  # provider -> its code

    def code_for(self, provider: str) -> str:
        return self.provider_codes.get(provider, self.code)


# Order: the languages most residents of a Japanese municipality read, as the picker shows them
# (やさしい日本語 first: it reaches the most foreign residents).
LANGUAGES: tuple[Language, ...] = (
    Language(EASY_JAPANESE, "やさしい日本語", "Easy Japanese", machine=False),
    Language("en", "英語", "English"),
    Language("zh-CN", "中国語（簡体字）", "Chinese (Simplified)",
             provider_codes={"libre": "zh", "deepl": "zh", "microsoft": "zh-hans"}),
    Language("zh-TW", "中国語（繁体字）", "Chinese (Traditional)",
             provider_codes={"microsoft": "zh-hant"}),
    Language("ko", "韓国語", "Korean"),
    Language("vi", "ベトナム語", "Vietnamese"),
    Language("pt", "ポルトガル語", "Portuguese"),
    Language("es", "スペイン語", "Spanish"),
    Language("tl", "タガログ語", "Tagalog", provider_codes={"microsoft": "fil"}),
    Language("ne", "ネパール語", "Nepali"),
    Language("id", "インドネシア語", "Indonesian"),
    Language("th", "タイ語", "Thai"),
    Language("my", "ミャンマー語", "Burmese"),
)

BY_CODE: dict[str, Language] = {language.code: language for language in LANGUAGES}


def language(code: str) -> Language:
    """The language of a code; raises ValueError with a Japanese message for an unknown one."""
    try:
        return BY_CODE[code]
    except KeyError:
        raise ValueError(f"言語コード「{code}」は扱えません") from None


def label(code: str) -> str:
    if code == SOURCE:
        return "日本語"
    found = BY_CODE.get(code)
    return found.label if found is not None else code
