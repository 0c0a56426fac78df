"""X (Twitter) rendering: posts within 280 weighted characters (twitter-text v3).

A message that does not fit becomes, in this order of preference:
- a short post with a link to the full text on the municipal website (「詳細はこちら」): when
  the website is among the message's media, the preview carries a placeholder and the engine
  puts the real permalink in at send time (:func:`settle_link`, see app.compose.links);
- a thread of numbered replies (``long_text = "thread"``, the default: nothing is lost);
- or one post shortened at a sentence boundary (``long_text = "shorten"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.compose import links
from app.compose.text import bracketed_title, normalise_newlines
from app.compose.twitter_text import V3, weighted_length
from app.domain import TRAINING_MARK, Draft, Finding, Medium, Rendition, Severity, Urgency

LIMIT = V3.max_weighted_length
MAX_THREAD = 10  # a longer thread is not read; and ten ids fit the ledger's provider_ref
LONG_TEXT_MODES = ("thread", "shorten")
ELLIPSIS = "…"
MORE = "詳細はこちら"
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+|\n+)|[^。！？!?\n]+")


@dataclass
class XRenderOptions:
    long_text: str = "thread"  # "thread" | "shorten"; set from [channels.x] long_text


OPTIONS = XRenderOptions()


def configure(long_text: str) -> None:
    OPTIONS.long_text = long_text


def _head(draft: Draft) -> str:
    training = TRAINING_MARK if draft.training else ""
    urgent = "【緊急】" if draft.urgency is Urgency.EMERGENCY else ""
    return f"{training}{urgent}{bracketed_title(draft.title)}"


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


def _fits(text: str, budget: int = LIMIT) -> bool:
    return weighted_length(text) <= budget


def _longest_prefix(text: str, budget: int) -> int:
    """Characters of ``text`` that fit ``budget`` (binary search: the weight grows with it)."""
    low, high = 0, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if _fits(text[:mid], budget):
            low = mid
        else:
            high = mid - 1
    return low


def shorten(text: str, budget: int = LIMIT, suffix: str = "") -> str:
    """As many whole sentences as fit with ``suffix``; at least a cut first sentence + …."""
    out = ""
    for sentence in _sentences(text):
        if not _fits(out + sentence + suffix, budget):
            break
        out += sentence
    if not out.strip():
        keep = _longest_prefix(text, budget - weighted_length(ELLIPSIS + suffix))
        out = text[:keep] + ELLIPSIS
    return out.rstrip("\n") + suffix


def thread(text: str, prefix: str = "") -> list[str]:
    """Numbered posts ``(i/n)``, split between sentences, each within the limit."""
    reserve = weighted_length(" (10/10)")
    budget = LIMIT - reserve - weighted_length(prefix)
    chunks: list[str] = []
    current = ""
    for sentence in _sentences(text):
        while not _fits(sentence, budget):  # one sentence longer than a post: cut it
            if current.strip():
                chunks.append(current)
                current = ""
            keep = max(1, _longest_prefix(sentence, budget))
            chunks.append(sentence[:keep])
            sentence = sentence[keep:]
        if _fits(current + sentence, budget):
            current += sentence
        else:
            chunks.append(current)
            current = sentence
    if current.strip():
        chunks.append(current)
    chunks = [c.strip("\n") for c in chunks if c.strip()]
    if len(chunks) <= 1:
        return [prefix + c for c in chunks]
    n = len(chunks)
    return [f"{prefix}{c} ({i + 1}/{n})" for i, c in enumerate(chunks)]


def _long_posts(draft: Draft, full: str, mode_setting: str,
                findings: list[Finding]) -> tuple[list[str], str]:
    """A text over the limit without a link: one shortened post, or a thread."""
    if mode_setting == "shorten":
        findings.append(Finding(Severity.WARNING, "x_shortened",
                                "Xの文字数（280）を超えるため、文の区切りで短くしました"))
        return [shorten(full)], "shorten"
    # every post of a training thread carries the mark: a single repost must still say so
    prefix = TRAINING_MARK if draft.training else ""
    text = full[len(prefix):] if prefix else full
    posts = thread(text, prefix)
    findings.append(Finding(Severity.OK, "x_thread",
                            f"Xの文字数（280）を超えるため、{len(posts)}件のスレッドにします"))
    if len(posts) > MAX_THREAD:
        findings.append(Finding(
            Severity.ERROR, "too_long",
            f"Xのスレッドが{len(posts)}件になります（上限{MAX_THREAD}件）。"
            "本文を短くするか、ホームページへのリンクにしてください"))
    return posts, "thread"


def _posts_payload(posts: list[str]) -> list[dict[str, object]]:
    return [{"text": p, "weighted_length": weighted_length(p)} for p in posts]


def link_post(full: str, link: str) -> str:
    """The short post: whole sentences that fit, then 「詳細はこちら <link>」."""
    return shorten(full, suffix=f"\n{MORE} {link}")


def render_x(draft: Draft, language: str, *, link: str | None = None,
             long_text: str | None = None) -> Rendition:
    mode_setting = long_text or OPTIONS.long_text
    head = _head(draft)
    body = normalise_newlines(draft.body).strip()
    full = f"{head}\n{body}"
    findings: list[Finding] = []
    if not draft.title.strip():
        findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not body:
        findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    extra: dict[str, object] = {}
    if _fits(full):
        posts, mode = [full], "single"
    elif link:
        posts, mode = [link_post(full, link)], "link"
        findings.append(Finding(Severity.OK, "x_link",
                                "Xには要約とホームページへのリンクを投稿します"))
    elif Medium.WEBSITE in draft.media:
        # The website post's permalink is not known before it is up: the preview shows where
        # it goes, the engine puts the real one in at send time (app.compose.links) — or,
        # when the site does not answer in time, sends the fallback below instead.
        fallback_findings: list[Finding] = []
        fallback, fallback_mode = _long_posts(draft, full, mode_setting, fallback_findings)
        posts, mode = [link_post(full, links.PLACEHOLDER)], "link"
        extra = {links.PENDING: True, "full_text": full,
                 "fallback": {"posts": _posts_payload(fallback), "mode": fallback_mode}}
        how = "スレッド" if fallback_mode == "thread" else "短くした投稿"
        findings.append(Finding(
            Severity.OK, "x_link",
            "Xには要約とホームページの記事へのリンク（「詳細はこちら」）を投稿します。"
            f"記事のURLが{links.OPTIONS.wait_seconds:g}秒以内に得られないときは"
            f"{how}（{len(fallback)}件）で投稿します"))
        for finding in fallback_findings:
            if finding.severity is Severity.ERROR:  # only if the link does not come
                findings.append(Finding(Severity.WARNING, finding.code,
                                        "リンクが得られない場合: " + finding.message))
    else:
        posts, mode = _long_posts(draft, full, mode_setting, findings)
    lengths = [weighted_length(p) for p in posts]
    for i, n in enumerate(lengths):
        if n > LIMIT:  # cannot happen by construction; kept so a bug never reaches X
            findings.append(Finding(Severity.ERROR, "too_long",
                                    f"Xの投稿{i + 1}が{n}文字です（上限{LIMIT}）"))
    rendition = Rendition(
        Medium.X, language,
        {"posts": [{"text": p, "weighted_length": n} for p, n in zip(posts, lengths, strict=True)],
         "mode": mode, "link": link, **extra},
    )
    rendition.findings.extend(findings)
    return rendition


def settle_link(payload: dict[str, Any], link: str | None) -> dict[str, Any]:
    """The payload to send once the website's permalink is known (``link``) or given up on."""
    if not payload.get(links.PENDING):
        return payload
    full = str(payload.get("full_text", ""))
    if link and full:
        return {"posts": _posts_payload([link_post(full, link)]), "mode": "link", "link": link}
    fallback = payload.get("fallback") or {}
    return {"posts": list(fallback.get("posts") or []), "mode": fallback.get("mode", "thread"),
            "link": None}
