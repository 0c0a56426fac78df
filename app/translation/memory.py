"""Translation memory: what was translated (and reviewed) before, for exactly the same text.

Segments are a title or a body. A reviewed entry is never downgraded by a later machine
suggestion for the same text: what a person approved stays approved.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.compose.text import normalise_newlines
from app.db.models import utcnow
from app.translation.languages import SOURCE
from app.translation.models import TranslationMemoryEntry


def normalise(text: str) -> str:
    return normalise_newlines(text).strip()


def digest(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Remembered:
    source: str
    text: str
    origin: str
    reviewed: bool
    reviewed_by: str
    provider: str


def lookup(session: Session, source: str, language: str) -> Remembered | None:
    if not normalise(source):
        return None
    row = session.scalar(
        select(TranslationMemoryEntry).where(
            TranslationMemoryEntry.source_digest == digest(source),
            TranslationMemoryEntry.target_language == language,
        )
    )
    if row is None or normalise(row.source_text) != normalise(source):  # digest collision
        return None
    return Remembered(row.source_text, row.translated_text, row.origin, row.reviewed,
                      row.reviewed_by, row.provider)


def remember(
    session: Session,
    source: str,
    language: str,
    text: str,
    *,
    origin: str,
    reviewed: bool,
    reviewed_by: str = "",
    provider: str = "",
) -> None:
    if not normalise(source) or not normalise(text):
        return
    key = digest(source)
    row = session.scalar(
        select(TranslationMemoryEntry).where(
            TranslationMemoryEntry.source_digest == key,
            TranslationMemoryEntry.target_language == language,
        )
    )
    if row is None:
        session.add(TranslationMemoryEntry(
            source_digest=key, source_language=SOURCE, target_language=language,
            source_text=normalise(source), translated_text=normalise(text), origin=origin,
            provider=provider, reviewed=reviewed, reviewed_by=reviewed_by,
        ))
        return
    if row.reviewed and not reviewed:
        return
    row.translated_text = normalise(text)
    row.origin = origin
    row.provider = provider
    row.reviewed = reviewed
    row.reviewed_by = reviewed_by
    row.updated_at = utcnow()


def remember_pair(
    sessions: sessionmaker[Session],
    language: str,
    pairs: list[tuple[str, str]],
    *,
    origin: str,
    reviewed: bool,
    reviewed_by: str = "",
    provider: str = "",
) -> None:
    """Store several (source, translation) segments in one transaction.

    Two consoles may remember the same new segment at the same moment: the loser of the
    unique index tries once more, and then finds the row and updates it.
    """
    for attempt in range(2):
        try:
            with sessions.begin() as session:
                for source, text in pairs:
                    remember(session, source, language, text, origin=origin,
                             reviewed=reviewed, reviewed_by=reviewed_by, provider=provider)
            return
        except IntegrityError:
            if attempt:
                raise
