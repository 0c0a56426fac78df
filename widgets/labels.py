"""Words the console shows for core values (media, severities, audiences). No decisions here."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.domain import CATEGORIES, Finding, Medium, Severity, Urgency
from app.translation import languages
from widgets import style

_t = QCoreApplication.translate  # pyside6-lupdate -tr-function-alias translate+=_t

# Media ticked when the console opens: what reaches residents directly. The others the core
# can render are one click away; those it cannot yet are shown disabled (準備中).
DEFAULT_MEDIA: tuple[Medium, ...] = (Medium.EMAIL, Medium.LINE)


# Words the core owns (media, categories, urgencies, languages) are Japanese there; the English
# console shows them through the "Core" context of the Qt translation. Listed here so that
# pyside6-lupdate finds them.
CORE_WORDS = (
    QT_TRANSLATE_NOOP("Core", "メール"), QT_TRANSLATE_NOOP("Core", "ホームページ"),
    QT_TRANSLATE_NOOP("Core", "アプリ通知"), QT_TRANSLATE_NOOP("Core", "Lアラート"),
    QT_TRANSLATE_NOOP("Core", "防災"), QT_TRANSLATE_NOOP("Core", "防犯"),
    QT_TRANSLATE_NOOP("Core", "健康"), QT_TRANSLATE_NOOP("Core", "イベント"),
    QT_TRANSLATE_NOOP("Core", "くらし"), QT_TRANSLATE_NOOP("Core", "気象"),
    QT_TRANSLATE_NOOP("Core", "緊急"), QT_TRANSLATE_NOOP("Core", "重要"),
    QT_TRANSLATE_NOOP("Core", "通常"), QT_TRANSLATE_NOOP("Core", "日本語"),
    QT_TRANSLATE_NOOP("Core", "やさしい日本語"), QT_TRANSLATE_NOOP("Core", "英語"),
    QT_TRANSLATE_NOOP("Core", "中国語（簡体字）"), QT_TRANSLATE_NOOP("Core", "中国語（繁体字）"),
    QT_TRANSLATE_NOOP("Core", "韓国語"), QT_TRANSLATE_NOOP("Core", "ベトナム語"),
    QT_TRANSLATE_NOOP("Core", "ポルトガル語"), QT_TRANSLATE_NOOP("Core", "スペイン語"),
    QT_TRANSLATE_NOOP("Core", "タガログ語"), QT_TRANSLATE_NOOP("Core", "ネパール語"),
    QT_TRANSLATE_NOOP("Core", "インドネシア語"), QT_TRANSLATE_NOOP("Core", "タイ語"),
    QT_TRANSLATE_NOOP("Core", "ミャンマー語"), QT_TRANSLATE_NOOP("Core", "定型文の訳"),
    QT_TRANSLATE_NOOP("Core", "翻訳メモリ"), QT_TRANSLATE_NOOP("Core", "機械翻訳"),
    QT_TRANSLATE_NOOP("Core", "手入力"), QT_TRANSLATE_NOOP("Core", "防災行政無線"),
    QT_TRANSLATE_NOOP("Core", "電話"),
)


def core_word(text: str) -> str:
    return QCoreApplication.translate("Core", text)


def medium_label(medium: str | Medium) -> str:
    try:
        return core_word(Medium(medium).label)
    except ValueError:
        return str(medium)


def category_label(code: str) -> str:
    return core_word(CATEGORIES.get(code, code))


def urgency_label(urgency: Urgency | str) -> str:
    try:
        return core_word(Urgency(urgency).label)
    except ValueError:
        return str(urgency)


def language_label(code: str) -> str:
    return core_word(languages.label(code))


def worst_severity(findings: Sequence[Finding]) -> Severity:
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return Severity.ERROR
    if Severity.WARNING in severities:
        return Severity.WARNING
    return Severity.OK


def severity_text(severity: Severity) -> str:
    return {
        Severity.OK: _t("Labels", "✔ OK"),
        Severity.WARNING: _t("Labels", "⚠ 警告"),
        Severity.ERROR: _t("Labels", "✖ エラー"),
    }[severity]


def severity_colours(severity: Severity) -> tuple[str, str]:
    return {
        Severity.OK: (style.OK_FG, style.OK_BG),
        Severity.WARNING: (style.WARN_FG, style.WARN_BG),
        Severity.ERROR: (style.ERROR_FG, style.ERROR_BG),
    }[severity]


def audience_text(count: int | None, *, broadcast: bool = False) -> str:
    """「12 件」 (deliveries), 「友だち全員」 (LINE broadcast), or 「—」 (medium not chosen)."""
    if count is None:
        return _t("Labels", "—")
    if broadcast:
        return _t("Labels", "友だち全員")
    return _t("Labels", "{n} 件").format(n=f"{count:,}")


def format_elapsed(seconds: float) -> str:
    seconds = max(0.0, seconds)
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}.{int((seconds % 1) * 10)}"
