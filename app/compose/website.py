"""The municipal website (WordPress): one public post per message, and its link for other media.

The rendition carries the post's title, HTML content and excerpt; the driver adds what only the
site's configuration knows (status, category) and a slug of its own making.

The link the site returns is recorded in the ledger (``provider_ref`` = ``"<post id> <link>"``)
so that media with a length limit can point to the full text (「詳細はこちら」) and a
correction can edit the post. The helpers at the end are the hook for those media: X's
renderer (another issue) calls :func:`with_details` with :func:`published_link`'s answer.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.compose.text import normalise_newlines
from app.domain import (
    CATEGORIES,
    TRAINING_MARK,
    DeliveryState,
    Draft,
    Finding,
    Medium,
    Rendition,
    Severity,
    Urgency,
)

EXCERPT_LENGTH = 120  # characters: what a list of posts or a feed reader shows
TRAINING_NOTICE = "これは訓練です。実際の災害ではありません。"
DETAILS_LABEL = "詳細はこちら"
REF_LIMIT = 200  # deliveries.provider_ref is VARCHAR(200)


def _paragraphs(text: str) -> str:
    """Plain text as HTML paragraphs: a blank line starts a paragraph, a newline is <br>."""
    blocks = [b.strip("\n") for b in normalise_newlines(text).strip().split("\n\n")]
    return "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks if block.strip()
    )


def post_title(draft: Draft) -> str:
    training = TRAINING_MARK if draft.training else ""
    urgent = "【緊急】" if draft.urgency is Urgency.EMERGENCY else ""
    return f"{training}{urgent}{draft.title.strip()}"


def render_website(draft: Draft, language: str) -> Rendition:
    body = normalise_newlines(draft.body).strip()
    parts = []
    if draft.training:
        # The notice is the first thing a visitor reads, in bold, so a drill post that a
        # search engine picked up cannot be mistaken for a real evacuation order.
        parts.append(f"<p><strong>{html.escape(TRAINING_NOTICE)}</strong></p>")
    parts.append(_paragraphs(body))
    category = CATEGORIES.get(draft.category, draft.category)
    areas = "、".join(draft.areas)
    meta = f"配信区分: {category}" + (f"／対象地区: {areas}" if areas else "")
    parts.append(f"<p><small>{html.escape(meta)}</small></p>")
    flat = " ".join(body.split())
    excerpt = flat if len(flat) <= EXCERPT_LENGTH else flat[: EXCERPT_LENGTH - 1] + "…"
    if draft.training:
        excerpt = f"{TRAINING_MARK}{excerpt}"
    rendition = Rendition(
        Medium.WEBSITE,
        language,
        {"title": post_title(draft), "content": "\n".join(parts), "excerpt": excerpt},
    )
    if not draft.title.strip():
        rendition.findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not body:
        rendition.findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    return rendition


# -- the ledger's reference and the link for other media ----------------------------------------


def website_ref(post_id: int, link: str | None) -> str:
    """What the ledger keeps: the post id (to edit it later) and its permalink.

    A permalink too long for the column is left out: ``?p=<id>`` on the same site redirects
    to it, so nothing is lost (see :func:`parse_website_ref`)."""
    ref = f"{post_id} {link}" if link else str(post_id)
    return ref if len(ref) <= REF_LIMIT else str(post_id)


def parse_website_ref(ref: str, base_url: str = "") -> tuple[int, str | None]:
    """(post id, link) from a provider reference written by :func:`website_ref`.

    Without a stored link, ``base_url`` gives WordPress's own short link ``/?p=<id>``."""
    head, _, link = ref.strip().partition(" ")
    post_id = int(head)
    if link:
        return post_id, link
    return post_id, (f"{base_url.rstrip('/')}/?p={post_id}" if base_url else None)


def published_link(session: Session, message_id: str) -> str | None:
    """The website post's link for a message, once the post is up; None before that."""
    from app.db.models import Delivery

    ref = session.scalar(
        select(Delivery.provider_ref).where(
            Delivery.message_id == message_id,
            Delivery.medium == Medium.WEBSITE.value,
            Delivery.state.in_([DeliveryState.SENT.value, DeliveryState.DELIVERED.value]),
            Delivery.provider_ref.is_not(None),
        ).limit(1)
    )
    if not ref:
        return None
    try:
        return parse_website_ref(ref)[1]
    except ValueError:
        return None


def details_line(link: str) -> str:
    return f"{DETAILS_LABEL}→{link}"


def with_details(
    text: str,
    link: str | None,
    *,
    limit: int,
    measure: Callable[[str], int] = len,
    ellipsis: str = "…",
) -> str:
    """``text`` with 「詳細はこちら→<link>」 on its last line, shortened to fit ``limit``.

    ``measure`` is the medium's own length (X's weighted length, SMS's UCS-2 units). Text that
    already fits with the link is kept whole; otherwise it is cut (at a sentence end 「。」 when
    one is near) and marked with ``ellipsis``. Without a link the text is returned unchanged.
    """
    if not link:
        return text
    tail = "\n" + details_line(link)
    if measure(text + tail) <= limit:
        return text + tail
    room = limit - measure(tail) - measure(ellipsis)
    if room <= 0:
        return details_line(link)
    cut = text
    while cut and measure(cut) > room:
        cut = cut[:-1]
    sentence_end = cut.rfind("。")
    if sentence_end >= len(cut) * 2 // 3:  # a sentence end in the last third: cut there
        return cut[: sentence_end + 1] + tail
    return cut.rstrip() + ellipsis + tail
