"""Words the console shows for core values (media, severities, audiences). No decisions here."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication

from app.domain import Finding, Medium, Severity
from widgets import style

# Media this version of the console can compose for; the others are shown, disabled (準備中).
COMPOSABLE_MEDIA: tuple[Medium, ...] = (Medium.EMAIL, Medium.LINE)


def tr(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def medium_label(medium: str | Medium) -> str:
    try:
        return Medium(medium).label
    except ValueError:
        return str(medium)


def worst_severity(findings: Sequence[Finding]) -> Severity:
    severities = {f.severity for f in findings}
    if Severity.ERROR in severities:
        return Severity.ERROR
    if Severity.WARNING in severities:
        return Severity.WARNING
    return Severity.OK


def severity_text(severity: Severity) -> str:
    return {
        Severity.OK: tr("✔ OK"),
        Severity.WARNING: tr("⚠ 警告"),
        Severity.ERROR: tr("✖ エラー"),
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
        return tr("—")
    if broadcast:
        return tr("友だち全員")
    return tr("{n} 件").format(n=f"{count:,}")


def format_elapsed(seconds: float) -> str:
    seconds = max(0.0, seconds)
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}.{int((seconds % 1) * 10)}"
