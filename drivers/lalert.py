"""L-Alert: the 公共情報コモンズ document as a file, an HTTP publish, or a hand-entry checklist.

L-Alert has no public API. A municipality reaches it through its vendor's 連携システム, which
can pick up a file (``out_dir``) or take an HTTP POST (``base_url``), or by typing into FMMC's
web input tool. The delivery ledger covers all three:

- ``out_dir`` / ``base_url``: the document is written / posted; the delivery is **sent** with
  the file path as its reference. ``issei mark MESSAGE_ID lalert --done`` later records that
  the operator saw it in L-Alert (sent → **delivered**).
- ``manual = true``: the document is still written (it is what the operator types from), but
  the delivery stays **queued** — the monitor shows it as waiting, with the file path — until
  the operator enters it in L-Alert and runs ``issei mark MESSAGE_ID lalert --done``
  (queued → delivered). The batch is handed over (``awaiting_operator``): no worker claims it
  again and ``send --wait`` does not wait for a person; the ledger keeps it pending.

The document id is the message id (a correction continues the original's id with the next
revision), the distribution id is the batch's idempotency key: a retry is the same document.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.compose.lalert import (
    Office,
    build_lalert_xml,
    check_document,
    document_from_payload,
    lalert_file_name,
    lalert_ref,
    parse_lalert_ref,
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

log = logging.getLogger("issei.drivers.lalert")

MANUAL_WAITING = "Lアラートへの手入力待ち"


@dataclass
class LAlertSettings:
    organization_code: str = ""  # 全国地方公共団体コード (6 digits)
    organization_name: str = ""
    organization_name_kana: str = ""
    office_name: str = ""
    domain_name: str = ""
    phone: str = ""
    email: str = ""
    sender_id: str = ""
    disaster_name: str = ""  # e.g. 令和8年台風第10号; empty: the message title
    out_dir: str = ""
    base_url: str = ""  # the vendor's 連携システム endpoint, used as it is
    manual: bool = False
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str = ""

    @classmethod
    def from_config(cls, config: Config) -> LAlertSettings:
        settings = parse_channel(cls, dict(config.channels.get("lalert", {})), "lalert")
        settings.check()
        return settings

    def check(self) -> None:
        if not re.fullmatch(r"\d{6}", self.organization_code):
            raise ConfigError(
                "[channels.lalert] organization_code: "
                "全国地方公共団体コード（数字6桁）を書いてください"
            )
        if not self.organization_name:
            raise ConfigError("[channels.lalert] organization_name: 団体名を書いてください")
        if not self.out_dir and not self.base_url:
            raise ConfigError(
                "[channels.lalert] out_dir（ファイル出力）か base_url（送信先）を書いてください"
            )
        if self.base_url:
            self.base_url = require_url(self.base_url, "lalert")

    @property
    def office(self) -> Office:
        return Office(
            organization_code=self.organization_code,
            organization_name=self.organization_name,
            office_name=self.office_name,
            organization_name_kana=self.organization_name_kana,
            domain_name=self.domain_name,
            phone=self.phone,
            email=self.email,
        )


class LAlertDriver(DocumentDriver):
    medium = Medium.LALERT
    label = "Lアラートの送信先"
    token_env = "ISSEI_LALERT_TOKEN"

    def __init__(
        self,
        settings: LAlertSettings,
        token: str | None = None,
        *,
        simulated: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        super().__init__(
            post_url=settings.base_url, endpoint=settings.base_url or settings.out_dir,
            token=token, simulated=simulated, timeout=settings.timeout,
            verify_tls=settings.verify_tls, ca_file=settings.ca_file, transport=transport,
        )

    def document(self, job: BatchJob) -> tuple[bytes, str, int]:
        """(XML, document id, revision) for a job; a correction continues the original."""
        document_id, revision = job.message_id, 1
        for ref in job.original_refs:
            parsed = parse_lalert_ref(ref)
            if parsed is not None:
                document_id, revision = parsed[0], parsed[1] + 1
                break
        doc = document_from_payload(
            job.payload, self.settings.office,
            distribution_id=job.idempotency_key, document_id=document_id, revision=revision,
            sender_id=self.settings.sender_id, disaster_name=self.settings.disaster_name,
            distribution_type={"correction": "Update", "cancellation": "Cancel"}.get(job.kind),
            training=job.training,
        )
        return build_lalert_xml(doc), document_id, revision

    async def send(self, job: BatchJob) -> BatchResult:
        self.guard(job)
        document, document_id, revision = self.document(job)
        problems = check_document(document, training=job.training)
        if problems:
            reason = "Lアラートの文書を作れませんでした: " + "／".join(problems[:3])
            return BatchResult.all(job, Outcome.PERMANENT, reason)
        name = lalert_file_name(document_id, revision)
        path = Path(self.settings.out_dir) / name if self.settings.out_dir else None
        failed = await self.publish(
            job, document, content_type="application/xml",
            write=(lambda: atomic_write(path, document)) if path is not None else None,
            write_error=f"Lアラートの文書を書き込めません（{path}）",
        )
        if failed is not None:
            return failed
        location = str(path) if path is not None else name
        ref = lalert_ref(location, document_id, revision)
        if self.settings.manual and not job.training:
            reason = (
                f"{MANUAL_WAITING}: {location}。Lアラートに入力したら "
                f"`issei mark {job.message_id} lalert --done` で完了にしてください"
            )
            return BatchResult.all(job, Outcome.SENT, reason, provider_ref=ref,
                                   awaiting_operator=True)
        return BatchResult.all(job, Outcome.SENT, provider_ref=ref)
