"""The FAX rendition: the A4 page in a large Japanese font (app.voice.fax lays it out and the
FAX driver draws it when it sends). The preview shows the title, the text and the number of
pages; the findings name characters a fax page cannot show."""

from __future__ import annotations

import unicodedata

from app.compose.text import normalise_newlines
from app.domain import TRAINING_MARK, Draft, Finding, Medium, Rendition, Severity
from app.voice.fax import FaxPageError, page_count

FAX_MAX_PAGES = 5  # a resident's home fax runs out of paper; send a summary instead


def _unprintable(text: str) -> list[str]:
    """Emoji and other pictographs: the Japanese fonts have no glyph (a box is printed)."""
    found: list[str] = []
    for ch in text:
        if ch in found:
            continue
        if unicodedata.category(ch) in ("So", "Co", "Cs", "Cn") or 0x1F000 <= ord(ch):
            found.append(ch)
    return found


def render_fax(draft: Draft, language: str) -> Rendition:
    title = f"{TRAINING_MARK if draft.training else ''}{draft.title.strip()}"
    body = normalise_newlines(draft.body).strip()
    if draft.training:
        body = f"これは訓練です。実際の災害ではありません。\n\n{body}"
    findings: list[Finding] = []
    if not draft.title.strip():
        findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    pages: int | None = None
    try:
        pages = page_count(title, body)
    except FaxPageError as exc:
        findings.append(Finding(Severity.ERROR, "no_font", str(exc)))
    if pages is not None and pages > FAX_MAX_PAGES:
        findings.append(Finding(
            Severity.ERROR, "too_long",
            f"FAXが{pages}枚になります（上限{FAX_MAX_PAGES}枚）。要点だけにしてください"))
    odd = _unprintable(title + body)
    if odd:
        findings.append(Finding(
            Severity.WARNING, "unprintable",
            f"FAXでは印字できない文字があります（{'　'.join(odd[:10])}）"))
    payload: dict[str, object] = {"title": title, "body": body, "pages": pages,
                                  "paper": "A4", "layout": "large"}
    return Rendition(Medium.FAX, language, payload, findings)
