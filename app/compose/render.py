"""Rendering rules per medium. The console previews exactly these renditions."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from app.compose.text import bracketed_title, normalise_newlines, phrases, utf16_length
from app.domain import (
    CATEGORIES,
    Draft,
    Finding,
    Medium,
    Rendition,
    Severity,
    Urgency,
)

LINE_TEXT_LIMIT = 5000  # UTF-16 code units
# LINE "Change icon and display name" (Sender.name in the Messaging API OpenAPI): at most 20
# characters, and certain words such as "LINE" may not be used.
LINE_SENDER_LIMIT = 20
LINE_SENDER_FORBIDDEN = ("LINE",)
EMAIL_SUBJECT_SOFT_LIMIT = 60  # characters a phone mail app shows before cutting

# Non-urgent categories arrive silently on LINE so that residents keep notifications on
# for what matters (notificationDisabled).
SILENT_LINE_CATEGORIES = {"event", "life", "health"}


def _urgency_prefix(draft: Draft, language: str = "ja") -> str:
    return phrases(language).emergency_mark if draft.urgency is Urgency.EMERGENCY else ""


def _training_prefix(draft: Draft, language: str = "ja") -> str:
    return phrases(language).training_mark if draft.training else ""


def sender_name(draft: Draft) -> str:
    """The department's sender name the draft carries (issue 7), or "" for the channel's."""
    return " ".join(draft.sender_name.split())


def line_sender(draft: Draft) -> tuple[str, Finding | None]:
    """The LINE ``sender.name`` for the draft, or "" with a warning when LINE would refuse
    it (then the message goes under the official account's own name, nothing is lost)."""
    name = sender_name(draft)
    if not name:
        return "", None
    if len(name) > LINE_SENDER_LIMIT:
        return "", Finding(
            Severity.WARNING, "sender_long",
            f"発信者名「{name}」は{len(name)}文字で、LINEの上限{LINE_SENDER_LIMIT}文字を超えるため、"
            "公式アカウント名で送ります")
    for word in LINE_SENDER_FORBIDDEN:
        if word.casefold() in unicodedata.normalize("NFKC", name).casefold():  # ＬＩＮＥ too
            return "", Finding(
                Severity.WARNING, "sender_forbidden",
                f"発信者名「{name}」に「{word}」を含むためLINEでは使えません。"
                "公式アカウント名で送ります")
    return name, None


def _common_findings(draft: Draft) -> list[Finding]:
    findings: list[Finding] = []
    if not draft.title.strip():
        findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    return findings


def render_email(draft: Draft, language: str) -> Rendition:
    fixed = phrases(language)  # the marks and labels in the rendition's language
    subject = (f"{_training_prefix(draft, language)}{_urgency_prefix(draft, language)}"
               f"{draft.title.strip()}")
    body = normalise_newlines(draft.body).strip()
    lines = [body]
    if draft.training:
        lines.insert(0, f"{fixed.training_notice}\n")
        lines.append(f"\n{fixed.training_footer}")
    category = fixed.categories.get(draft.category, CATEGORIES.get(draft.category, draft.category))
    lines.append(f"\n--\n{fixed.category_label}: {category}")
    payload: dict[str, object] = {"subject": subject, "body": "\n".join(lines) + "\n"}
    if sender_name(draft):  # the From display name; without it the channel's from_name
        payload["from_name"] = sender_name(draft)
    rendition = Rendition(Medium.EMAIL, language, payload)
    rendition.findings.extend(_common_findings(draft))
    if len(subject) > EMAIL_SUBJECT_SOFT_LIMIT:
        rendition.findings.append(
            Finding(
                Severity.WARNING,
                "subject_long",
                f"件名が{len(subject)}文字です。携帯電話では途中で切れることがあります",
            )
        )
    return rendition


def render_line(draft: Draft, language: str) -> Rendition:
    head = (f"{_training_prefix(draft, language)}{_urgency_prefix(draft, language)}"
            f"{bracketed_title(draft.title)}")
    text = f"{head}\n{normalise_newlines(draft.body).strip()}"
    silent = draft.urgency is Urgency.NORMAL and draft.category in SILENT_LINE_CATEGORIES
    message: dict[str, object] = {"type": "text", "text": text}
    name, problem = line_sender(draft)
    if name:
        message["sender"] = {"name": name}
    rendition = Rendition(
        Medium.LINE,
        language,
        {"messages": [message], "notificationDisabled": silent},
    )
    rendition.findings.extend(_common_findings(draft))
    if problem is not None:
        rendition.findings.append(problem)
    length = utf16_length(text)
    if length > LINE_TEXT_LIMIT:
        rendition.findings.append(
            Finding(
                Severity.ERROR,
                "too_long",
                f"LINEの本文が長すぎます（{length}／{LINE_TEXT_LIMIT}、UTF-16単位）",
            )
        )
    return rendition


RENDERERS: dict[Medium, Callable[[Draft, str], Rendition]] = {
    Medium.EMAIL: render_email,
    Medium.LINE: render_line,
}

# Issue 3, website / CAP / L-Alert (imported here, after the core renderers, so that their
# modules may use the helpers above without a cycle).
from app.compose.cap import render_cap  # noqa: E402
from app.compose.lalert import render_lalert  # noqa: E402
from app.compose.website import render_website  # noqa: E402

RENDERERS[Medium.WEBSITE] = render_website
RENDERERS[Medium.CAP] = render_cap
RENDERERS[Medium.LALERT] = render_lalert

# Issue 3, network media: SMS, X, Facebook, app push, Slack, Teams, webhooks, Apprise.
# Issue 7 (sender name): Slack and Teams show "発信: <department>" in their context/facts;
# X, Facebook, SMS (sender id), the website and app push have no per-message sender name (the
# account, page, sender id or app is the sender), so their renditions stay as they are.
from app.compose.apprise import render_apprise  # noqa: E402
from app.compose.facebook import render_facebook  # noqa: E402
from app.compose.push import render_push  # noqa: E402
from app.compose.slack import render_slack  # noqa: E402
from app.compose.sms import render_sms  # noqa: E402
from app.compose.teams import render_teams  # noqa: E402
from app.compose.webhook import render_webhook  # noqa: E402
from app.compose.x import render_x  # noqa: E402

RENDERERS[Medium.SMS] = render_sms
RENDERERS[Medium.X] = render_x
RENDERERS[Medium.FACEBOOK] = render_facebook
RENDERERS[Medium.PUSH] = render_push
RENDERERS[Medium.SLACK] = render_slack
RENDERERS[Medium.TEAMS] = render_teams
RENDERERS[Medium.WEBHOOK] = render_webhook
RENDERERS[Medium.APPRISE] = render_apprise

# Issue 5, voice and paper: disaster radio, phone calls, FAX.
from app.compose.fax import render_fax  # noqa: E402
from app.compose.phone import render_phone  # noqa: E402
from app.compose.radio import render_radio  # noqa: E402

RENDERERS[Medium.RADIO] = render_radio
RENDERERS[Medium.PHONE] = render_phone
RENDERERS[Medium.FAX] = render_fax


def render(draft: Draft, medium: Medium, language: str = "ja") -> Rendition:
    renderer = RENDERERS.get(medium)
    if renderer is None:
        rendition = Rendition(medium, language, {})
        rendition.findings.append(
            Finding(Severity.ERROR, "unsupported", f"{medium.label}はまだ配信できません")
        )
        return rendition
    if language != "ja":  # another language carries its reviewed translation, or is refused
        from app.translation.compose import localise

        draft, problems = localise(draft, language)
        rendition = renderer(draft, language)
        rendition.findings.extend(problems)
        return rendition
    return renderer(draft, language)


# One post or one staff notice reaches everybody, so it goes once, in Japanese (the
# municipality's official wording): a public timeline or news list with the same message in
# three languages buries the next one. Residents who read another language get it by
# e-mail, LINE (per-recipient) or SMS; CAP carries every language inside its one document.
JAPANESE_ONLY = frozenset({
    Medium.X, Medium.FACEBOOK, Medium.WEBSITE, Medium.PUSH, Medium.LALERT, Medium.SLACK,
    Medium.TEAMS, Medium.WEBHOOK, Medium.APPRISE,
    Medium.RADIO,  # one broadcast, spoken with a Japanese voice
})


def render_all(draft: Draft) -> list[Rendition]:
    """Every medium in every language it is delivered in (see ``JAPANESE_ONLY``)."""
    languages = tuple(dict.fromkeys(draft.languages)) or ("ja",)
    fallback = "ja" if "ja" in languages else languages[0]
    return [render(draft, m, lang) for m in draft.media for lang in languages
            if lang == fallback or m not in JAPANESE_ONLY]
