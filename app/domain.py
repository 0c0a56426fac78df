"""Domain vocabulary shared by the core, the drivers and the console.

Words in code are English; what the operator reads is Japanese (the ``label`` helpers).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Medium(enum.StrEnum):
    EMAIL = "email"
    LINE = "line"
    SMS = "sms"
    X = "x"
    FACEBOOK = "facebook"
    WEBSITE = "website"
    PUSH = "push"
    CAP = "cap"
    LALERT = "lalert"
    SLACK = "slack"
    TEAMS = "teams"
    WEBHOOK = "webhook"
    APPRISE = "apprise"
    RADIO = "radio"
    PHONE = "phone"
    FAX = "fax"

    @property
    def label(self) -> str:
        return MEDIUM_LABELS[self]


MEDIUM_LABELS: dict[Medium, str] = {
    Medium.EMAIL: "メール",
    Medium.LINE: "LINE",
    Medium.SMS: "SMS",
    Medium.X: "X",
    Medium.FACEBOOK: "Facebook",
    Medium.WEBSITE: "ホームページ",
    Medium.PUSH: "アプリ通知",
    Medium.CAP: "CAP",
    Medium.LALERT: "Lアラート",
    Medium.SLACK: "Slack",
    Medium.TEAMS: "Teams",
    Medium.WEBHOOK: "Webhook",
    Medium.APPRISE: "Apprise",
    Medium.RADIO: "防災行政無線",
    Medium.PHONE: "電話",
    Medium.FAX: "FAX",
}


class DeliveryState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES


FINAL_STATES = frozenset(
    {DeliveryState.SENT, DeliveryState.DELIVERED, DeliveryState.FAILED, DeliveryState.CANCELLED}
)


class Urgency(enum.StrEnum):
    EMERGENCY = "emergency"  # 緊急
    IMPORTANT = "important"  # 重要
    NORMAL = "normal"  # 通常

    @property
    def label(self) -> str:
        return {"emergency": "緊急", "important": "重要", "normal": "通常"}[self.value]


URGENCY_ALIASES: dict[str, Urgency] = {
    "緊急": Urgency.EMERGENCY,
    "重要": Urgency.IMPORTANT,
    "通常": Urgency.NORMAL,
    **{u.value: u for u in Urgency},
}

# Categories a resident can subscribe to. The code is stored; the label is shown.
CATEGORIES: dict[str, str] = {
    "disaster": "防災",
    "crime": "防犯",
    "health": "健康",
    "event": "イベント",
    "life": "くらし",
    "weather": "気象",
}
CATEGORY_ALIASES: dict[str, str] = {
    **{code: code for code in CATEGORIES},
    **{label: code for code, label in CATEGORIES.items()},
}


def parse_category(text: str) -> str:
    """Map a code or a Japanese label to the category code; raise ValueError otherwise."""
    key = text.strip()
    try:
        return CATEGORY_ALIASES[key]
    except KeyError:
        known = "、".join(CATEGORIES.values())
        raise ValueError(f"カテゴリ「{text}」はありません（使えるもの: {known}）") from None


def parse_urgency(text: str) -> Urgency:
    try:
        return URGENCY_ALIASES[text.strip()]
    except KeyError:
        raise ValueError(f"緊急度「{text}」はありません（緊急・重要・通常）") from None


def parse_media(text: str) -> list[Medium]:
    media: list[Medium] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            medium = Medium(name)
        except ValueError:
            known = ", ".join(m.value for m in Medium)
            raise ValueError(f"媒体「{part.strip()}」はありません（使えるもの: {known}）") from None
        if medium not in media:
            media.append(medium)
    if not media:
        raise ValueError("媒体を1つ以上指定してください")
    return media


TRAINING_MARK = "【訓練】"
CORRECTION_MARK = "【訂正】"
CANCELLATION_MARK = "【取消】"


@dataclass(frozen=True)
class Draft:
    """What the operator (or a trigger rule) composed, before it becomes a Message."""

    title: str
    body: str
    media: tuple[Medium, ...]
    category: str = "disaster"
    urgency: Urgency = Urgency.NORMAL
    areas: tuple[str, ...] = ()  # empty: every area
    languages: tuple[str, ...] = ("ja",)
    training: bool = False
    kind: str = "alert"  # alert | correction (訂正) | cancellation (取消)
    # The operator's recording (SHA-256 of a WAV stored by app.voice.recordings.store):
    # radio and phone play it instead of text-to-speech. Empty: text-to-speech.
    recording: str = ""
    # Issue 7: the sending department's name (部署の発信者名), filled by ``Issei.send`` /
    # ``Issei.with_sender`` from the signed-in operator. Media that carry a sender name per
    # message (e-mail From, LINE sender, CAP senderName, a line in Teams/Slack) show it;
    # empty: each channel's configured name.
    sender_name: str = ""


class Severity(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Finding:
    """One validation result for a rendition, worded for the operator."""

    severity: Severity
    code: str
    message: str


@dataclass
class Rendition:
    """What one medium carries in one language. Previews and the engine read the same object."""

    medium: Medium
    language: str
    payload: dict[str, object]
    findings: list[Finding] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)
