"""Optional bridge to Apprise: Mastodon, Discord, Telegram, ntfy … by Apprise URL.

``[channels.apprise] urls = [...]`` (or, since such URLs often embed a token, the secret
``ISSEI_APPRISE_URLS``, one URL a line). Each URL is one service and one delivery in the
ledger (target ``apprise:<n>``), so each service's result shows on its own and a retry repeats
only the services that failed. Apprise is optional: without the package the medium is refused
with a clear message. Apprise's calls block, so they run in threads. The provider reference
names the service reached, in Apprise's privacy form (no tokens).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.config import Config
from app.dispatch import audience
from app.dispatch.audience import PUBLIC
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    Capabilities,
    Outcome,
    TargetResult,
    TrainingGuardError,
)
from app.domain import Medium
from drivers.http_common import parse_channel

log = logging.getLogger("issei.drivers.apprise")

NOT_INSTALLED = ("Appriseが入っていないため使えません。"
                 "`pip install apprise` でインストールしてください")
TARGET_PREFIX = "apprise:"  # a target naming one URL by position: apprise:0, apprise:1 …


@dataclass
class AppriseSettings:
    urls: list[str] = field(default_factory=list)
    timeout: float = 30.0
    concurrency: int = 4

    @classmethod
    def from_config(cls, config: Config) -> AppriseSettings:
        return parse_channel(cls, config.channels.get("apprise"), "apprise")


def load_apprise() -> Any | None:
    try:
        with _quiet():
            return importlib.import_module("apprise")
    except ImportError:
        return None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Apprise loads its plugins lazily, and one of them imports the deprecated ``imghdr``
    (a DeprecationWarning on 3.11/3.12 that is Apprise's, not ours). Used at build time, on
    the main thread, where catch_warnings is safe."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


class AppriseDriver:
    medium = Medium.APPRISE
    label = "Apprise"

    def __init__(self, urls: list[str], *, simulated: bool = False, concurrency: int = 4,
                 module: Any | None = None) -> None:
        self.capabilities = Capabilities(batch_size=1, concurrency=1, requests_per_second=None,
                                         deduplicates=False, simulated=simulated)
        self._given_module = module
        self._loaded = False
        self._module: Any | None = None
        self._urls = list(urls)
        self._services: list[Any | None] = []
        self._names: list[str] = [_redact(url) for url in self._urls]
        self.endpoint = ", ".join(self._names) or "apprise"
        self._done: dict[str, set[int]] = {}  # idempotency key → URL positions that succeeded
        self._slots = asyncio.Semaphore(max(1, concurrency))

    def _load(self) -> None:
        """Import Apprise and parse the URLs on first use, not at start-up: Apprise loads
        every plugin to parse one URL (≈ 0.7 s), which the console's first paint would pay."""
        if self._loaded:
            return
        self._loaded = True
        self._module = (self._given_module if self._given_module is not None
                        else load_apprise())
        if self._module is None:
            return
        with _quiet():
            self._services = [self._module.Apprise.instantiate(url) for url in self._urls]
        self._names = [service.url(privacy=True) if service else _redact(url)
                       for url, service in zip(self._urls, self._services, strict=True)]
        self.endpoint = ", ".join(self._names) or "apprise"

    async def send(self, job: BatchJob) -> BatchResult:
        if job.training and not self.capabilities.simulated:
            raise TrainingGuardError(self.endpoint)
        self._load()
        if self._module is None:
            return BatchResult.all(job, Outcome.PERMANENT, NOT_INSTALLED,
                                   medium_error=NOT_INSTALLED)
        if not self._urls:
            reason = "AppriseのURLが設定されていません（[channels.apprise] urls）"
            return BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        results = [await self._target(job, t.delivery_id, t.address) for t in job.targets]
        return BatchResult(results)

    async def _target(self, job: BatchJob, delivery_id: int, address: str) -> TargetResult:
        if address == PUBLIC:
            positions = list(range(len(self._urls)))
        elif address.startswith(TARGET_PREFIX) and address[len(TARGET_PREFIX):].isdigit():
            positions = [int(address[len(TARGET_PREFIX):])]
        else:
            positions = []
        if not positions or any(p >= len(self._urls) for p in positions):
            return TargetResult(delivery_id, Outcome.PERMANENT,
                                f"Appriseの宛先がありません: {address}")
        invalid = [self._names[p] for p in positions if self._services[p] is None]
        if invalid:
            return TargetResult(delivery_id, Outcome.PERMANENT,
                                f"AppriseのURLが正しくありません: {', '.join(invalid)}")
        key = f"{job.idempotency_key}/{address}"
        done = self._done.setdefault(key, set())
        todo = [p for p in positions if p not in done]
        outcomes = await asyncio.gather(*(self._notify(p, job.payload) for p in todo))
        done.update(p for p, ok in zip(todo, outcomes, strict=True) if ok)
        failed = [self._names[p] for p in positions if p not in done]
        if failed:
            return TargetResult(delivery_id, Outcome.TEMPORARY,
                                f"Appriseの送信に失敗しました: {', '.join(failed)}")
        self._done.pop(key, None)
        ref = ", ".join(self._names[p] for p in positions)
        return TargetResult(delivery_id, Outcome.SENT, provider_ref=ref[:200])

    async def _notify(self, position: int, payload: dict[str, Any]) -> bool:
        service = self._services[position]
        async with self._slots:
            try:
                return bool(await asyncio.to_thread(
                    service.notify, body=str(payload.get("body", "")),
                    title=str(payload.get("title", "")),
                    notify_type=str(payload.get("notify_type", "info"))))
            except Exception:
                log.exception("apprise service %s failed", self._names[position])
                return False

    async def aclose(self) -> None:
        return None


# Schemes whose host is a server of the municipality's choosing, not a token: the host may
# be shown (never the user:password before it, nor the path).
PLAIN_HOST_SCHEMES = frozenset({"json", "jsons", "form", "forms", "xml", "xmls"})


def _redact(url: str) -> str:
    """A URL as the operator may see it before Apprise has parsed it: most services carry
    their token where a host would be, so only the scheme is shown, but for the generic
    HTTP schemes the server."""
    scheme, _, rest = url.partition("://")
    if scheme.lower() in PLAIN_HOST_SCHEMES:
        host = rest.split("/", 1)[0].rpartition("@")[2]
        if host:
            return f"{scheme}://{host}/…"
    return f"{scheme}://…"


def configured_urls(config: Config) -> list[str]:
    urls = list(AppriseSettings.from_config(config).urls)
    secret = config.secret("apprise", "urls")
    if secret:
        urls += [u.strip() for u in secret.split() if u.strip()]
    return urls


def build(config: Config, *, base_url: str | None = None,
          simulated: bool = False) -> AppriseDriver:
    settings = AppriseSettings.from_config(config)
    urls = configured_urls(config)
    if base_url is not None:
        # the drill sink: one local JSON endpoint per configured service (at least one)
        host = base_url.split("://", 1)[1]
        urls = [f"json://{host}/{n}" for n in range(max(1, len(urls)))]
    # one delivery per service in the ledger: its own result, its own retry
    audience.FIXED_TARGETS[Medium.APPRISE] = service_targets(len(urls))
    return AppriseDriver(urls, simulated=simulated, concurrency=settings.concurrency)


def service_targets(count: int) -> tuple[str, ...]:
    return tuple(f"{TARGET_PREFIX}{n}" for n in range(count))
