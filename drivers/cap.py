"""CAP 1.2 output: each message as an alert, POSTed to an endpoint and/or indexed in an Atom feed.

``[channels.cap] base_url`` is the endpoint the alert is POSTed to as it is (a partner's CAP
aggregator, a signage system); ``feed_file`` is an Atom index that a web server publishes, with
every alert written beside it as ``<identifier>.xml``. Either or both.

The identifier is made from the message id, and ``sent`` was fixed when the message was
written, so every retry repeats the same (sender, identifier, sent) triple: a CAP receiver
recognises the repeat. That triple is the ledger's reference, ready for an Update or Cancel.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from app.compose.cap import (
    CAP_CONTENT_TYPE,
    FORBIDDEN_IN_ID,
    MSG_TYPES,
    CapAlert,
    FeedEntry,
    alert_from_payload,
    build_cap_xml,
    reference,
    update_feed,
    validate_cap,
)
from app.config import Config, ConfigError
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    Outcome,
)
from app.domain import Medium
from drivers.channel_config import (
    DocumentDriver,
    atomic_write,
    parse_channel,
    require_url,
)

log = logging.getLogger("issei.drivers.cap")

AREA_CODE = re.compile(r"^\d{5,6}$")  # 全国地方公共団体コード (JIS X 0402, with check digit: 6)


@dataclass
class CapSettings:
    sender: str = ""
    sender_name: str = ""
    area_codes: list[str] = field(default_factory=list)
    area_desc: str = ""
    geocode_name: str = "JISX0402"
    identifier_prefix: str = "urn:uuid:"
    base_url: str = ""  # the POST endpoint, used as it is
    content_type: str = CAP_CONTENT_TYPE
    feed_file: str = ""
    feed_url: str = ""  # public URL of the feed's folder; empty: entries link by file name
    feed_title: str = ""
    feed_entries: int = 50
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str = ""

    @classmethod
    def from_config(cls, config: Config) -> CapSettings:
        settings = parse_channel(cls, dict(config.channels.get("cap", {})), "cap")
        settings.check()
        return settings

    def check(self) -> None:
        if not self.sender or any(ch in self.sender for ch in FORBIDDEN_IN_ID):
            raise ConfigError(
                "[channels.cap] sender: 送信者ID（例: bousai@city.example.lg.jp）を"
                "空白・カンマなしで書いてください"
            )
        for code in self.area_codes:
            if not AREA_CODE.match(code):
                raise ConfigError(
                    f"[channels.cap] area_codes: 全国地方公共団体コードは数字6桁です（{code!r}）"
                )
        if not self.base_url and not self.feed_file:
            raise ConfigError("[channels.cap] base_url か feed_file のどちらかを書いてください")
        if self.base_url:
            self.base_url = require_url(self.base_url, "cap")
        if not 1 <= self.feed_entries <= 1000:
            raise ConfigError("[channels.cap] feed_entries は 1〜1000 です")


def safe_file_name(identifier: str) -> str:
    """A file name for an identifier (``urn:uuid:…`` has colons, which Windows refuses)."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", identifier) + ".xml"


class CapDriver(DocumentDriver):
    medium = Medium.CAP
    label = "CAPの送信先"
    token_env = "ISSEI_CAP_TOKEN"

    def __init__(
        self,
        settings: CapSettings,
        token: str | None = None,
        *,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        super().__init__(
            post_url=settings.base_url, endpoint=settings.base_url or settings.feed_file,
            token=token, simulated=simulated, timeout=settings.timeout,
            verify_tls=settings.verify_tls, ca_file=settings.ca_file, transport=transport,
        )

    def alert(self, job: BatchJob) -> CapAlert:
        s = self.settings
        return alert_from_payload(
            job.payload,
            identifier=f"{s.identifier_prefix}{job.message_id}",
            sender=s.sender,
            sender_name=s.sender_name,
            area_desc=s.area_desc,
            area_codes=tuple(s.area_codes),
            geocode_name=s.geocode_name,
            msg_type=MSG_TYPES.get(job.kind, "Alert"),
            references=tuple(job.original_refs),
        )

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        alert = self.alert(job)
        if job.training and alert.status == "Actual":
            # Never let a drill leave as a real alert, whatever the stored payload says.
            reason = "訓練の配信が本番（Actual）のCAPになっていたため送りませんでした"
            return BatchResult.all(job, Outcome.PERMANENT, reason)
        document = build_cap_xml(alert)
        problems = validate_cap(document)
        if problems:
            reason = "CAP 1.2として不正なため送りませんでした: " + "／".join(problems[:3])
            return BatchResult.all(job, Outcome.PERMANENT, reason)
        failed = await self.publish(
            job, document, content_type=self.settings.content_type,
            write=(lambda: self._write_feed(alert, document)) if self.settings.feed_file
            else None,
            write_error=f"CAPのフィードを書き込めません（{self.settings.feed_file}）",
        )
        if failed is not None:
            return failed
        return BatchResult.all(job, Outcome.SENT, provider_ref=reference(alert))

    def _write_feed(self, alert: CapAlert, document: bytes) -> None:
        s = self.settings
        feed = Path(s.feed_file)
        name = safe_file_name(alert.identifier)
        atomic_write(feed.parent / name, document)
        link = f"{s.feed_url.rstrip('/')}/{name}" if s.feed_url else name
        info = alert.infos[0] if alert.infos else None
        title = info.headline if info and info.headline else alert.identifier
        if alert.msg_type != "Alert":
            title = f"[{alert.msg_type}] {title}"
        existing = feed.read_bytes() if feed.exists() else None
        updated = update_feed(
            existing,
            FeedEntry(alert.identifier, title, alert.sent,
                      info.description[:200] if info else "", link),
            feed_id=f"tag:issei,{alert.sender}:cap-feed",
            title=s.feed_title or f"{s.sender_name or s.sender} CAP",
            author=s.sender_name or s.sender,
            self_link=f"{s.feed_url.rstrip('/')}/{feed.name}" if s.feed_url else "",
            max_entries=s.feed_entries,
        )
        atomic_write(feed, updated)
