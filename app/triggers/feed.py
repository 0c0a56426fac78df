"""JMA Atom feed poller: conditional GETs, backoff, each bulletin fetched once, recovery.

JMA publishes four high-frequency feeds (``regular``, ``extra``, ``eqvol``, ``other``: the last
~10 minutes) and their long versions (``*_l``: several days). Each poll sends If-None-Match /
If-Modified-Since, so an unchanged feed costs a 304. Entries are remembered in the database by
URL, so a bulletin is fetched once however many feeds or polls list it, and entries that failed
to fetch are retried with backoff. The long feeds are read at start-up and whenever a short
feed no longer reaches back to the newest entry seen before (a gap): that recovers what was
published while the console was down.

Every poll ends with a flush step (``TriggerEngine.flush_held``): an update storm control held
back goes out once its merge window has closed, even if no later bulletin about its event comes.

The base URL is a setting, so tests and drills point it at a local server.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.db.models import utcnow
from app.triggers.bulletin import parse_time, spec_for
from app.triggers.engine import Outcome, TriggerEngine
from app.triggers.models import JmaFeedEntry, JmaFeedState
from app.triggers.rules import FeedSettings
from app.triggers.xmlsafe import BulletinError, parse_xml
from app.triggers.xmltools import local

log = logging.getLogger("issei.triggers.feed")

ATOM = "http://www.w3.org/2005/Atom"
USER_AGENT = "Issei/0.1 (municipal disaster console; +https://www.jma.go.jp/)"
MAX_ATTEMPTS = 8
MAX_BACKOFF = 900.0
_CODE_IN_URL = re.compile(r"_(V[A-Z]{3}(?:\d\d|ii))_")


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    updated: dt.datetime | None
    type_code: str


@dataclass
class PollReport:
    feeds_changed: int = 0
    entries_new: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def type_code_of(url: str) -> str:
    match = _CODE_IN_URL.search(url)
    return match.group(1) if match else ""


def parse_feed(raw: bytes, feed_url: str) -> list[FeedEntry]:
    root = parse_xml(raw)
    if local(root.tag) != "feed":
        raise BulletinError("Atomフィードではありません（feed 要素がありません）")
    entries: list[FeedEntry] = []
    for entry in root.findall(f"{{{ATOM}}}entry"):
        href = ""
        for link in entry.findall(f"{{{ATOM}}}link"):
            if link.get("type", "application/xml") == "application/xml" and link.get("href"):
                href = link.get("href", "")
                break
        if not href:
            href = (entry.findtext(f"{{{ATOM}}}id") or "").strip()
        if not href:
            continue
        url = urljoin(feed_url, href.strip())
        entries.append(FeedEntry(
            url=url,
            title=(entry.findtext(f"{{{ATOM}}}title") or "").strip(),
            updated=parse_time((entry.findtext(f"{{{ATOM}}}updated") or "").strip()),
            type_code=type_code_of(url),
        ))
    return entries


def backoff(attempts: int, base: float) -> float:
    return min(base * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class FeedPoller:
    def __init__(self, sessions: sessionmaker[Session], engine: TriggerEngine,
                 settings: FeedSettings, client: httpx.AsyncClient, *,
                 families: set[str] | None = None) -> None:
        self.sessions = sessions
        self.engine = engine
        self.settings = settings
        self.client = client
        # Only bulletin types some rule listens to are fetched: JMA asks clients not to pull
        # the whole firehose, and the rest could not trigger anything anyway.
        self.families = families if families is not None else {
            r.type for r in engine.ruleset.rules}
        self.base = settings.base_url if settings.base_url.endswith("/") else \
            settings.base_url + "/"

    def feed_url(self, name: str, *, long: bool = False) -> str:
        return urljoin(self.base, f"{name}{'_l' if long else ''}.xml")

    def wanted(self, entry: FeedEntry) -> bool:
        spec = spec_for(entry.title)
        if spec is not None:
            return spec.family in self.families
        code = entry.type_code
        families = {"VXSE5": "earthquake", "VXSE4": "eew", "VTSE": "tsunami", "VPWW": "weather",
                    "VXWW": "landslide", "VXKO": "flood", "VPHW": "tornado",
                    "VPOA": "record_rain", "VPBS": "record_rain", "VFVO5": "volcano"}
        return any(code.startswith(prefix) and family in self.families
                   for prefix, family in families.items())

    # -- one poll --------------------------------------------------------------------------

    async def poll(self, *, long: bool = False) -> PollReport:
        report = PollReport()
        for name in self.settings.feeds:
            gap = await self._read_feed(self.feed_url(name, long=long), name, report)
            if gap and not long:
                log.warning("feed %s no longer reaches back to the last entry seen: reading "
                            "the long feed", name)
                await self._read_feed(self.feed_url(name, long=True), name, report)
        await self._fetch_due(report)
        self.flush(report)
        return report

    def flush(self, report: PollReport) -> None:
        """The periodic flush step: merged updates whose window has closed go out now."""
        try:
            report.outcomes.extend(self.engine.flush_held())
        except Exception as exc:  # a failed flush is retried on the next step (logged)
            log.exception("flushing held updates failed")
            report.errors.append(f"保留中の続報を配信できませんでした: {exc}")

    async def _read_feed(self, url: str, name: str, report: PollReport) -> bool:
        """Read one feed; register new entries. True when a gap was detected."""
        now = utcnow()
        with self.sessions() as session:
            state = session.get(JmaFeedState, url)
            etag, modified = (state.etag, state.last_modified) if state else ("", "")
            newest_before = _aware(state.newest_entry) if state else None
        headers = {"User-Agent": USER_AGENT}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        try:
            response = await self.client.get(url, headers=headers)
            if response.status_code == 304:
                self._feed_ok(url, now, None, None, None)
                return False
            response.raise_for_status()
            entries = parse_feed(response.content, url)
        except (httpx.HTTPError, BulletinError) as exc:
            message = _describe(exc)
            self._feed_failed(url, now, message)
            report.errors.append(f"{name}: {message}")
            return False
        report.feeds_changed += 1
        newest = max((e.updated for e in entries if e.updated), default=None)
        oldest = min((e.updated for e in entries if e.updated), default=None)
        self._feed_ok(url, now, response.headers.get("ETag", ""),
                      response.headers.get("Last-Modified", ""), newest)
        report.entries_new += self._register(entries, name, now)
        return bool(newest_before and oldest and oldest > newest_before)

    def _register(self, entries: list[FeedEntry], feed: str, now: dt.datetime) -> int:
        new = 0
        for entry in entries:
            if not self.wanted(entry):
                continue
            try:
                with self.sessions.begin() as session:
                    if session.scalar(select(JmaFeedEntry.id).where(
                            JmaFeedEntry.url == entry.url)) is not None:
                        continue
                    session.add(JmaFeedEntry(url=entry.url, feed=feed, title=entry.title[:200],
                                             updated=entry.updated, seen_at=now,
                                             next_attempt_at=now))
                new += 1
            except IntegrityError:  # another console registered it a moment ago
                continue
        return new

    async def _fetch_due(self, report: PollReport) -> None:
        now = utcnow()
        with self.sessions() as session:
            due = session.scalars(select(JmaFeedEntry).where(
                JmaFeedEntry.fetched_at.is_(None), JmaFeedEntry.attempts < MAX_ATTEMPTS,
                JmaFeedEntry.next_attempt_at <= now,
            )).all()
        # Oldest first across all feeds: a 取消 must act after the report it cancels.
        due.sort(key=lambda e: (_aware(e.updated) or now, e.id))
        for entry in due:
            try:
                response = await self.client.get(entry.url, headers={"User-Agent": USER_AGENT})
                response.raise_for_status()
            except httpx.HTTPError as exc:
                self._entry_failed(entry.id, _describe(exc))
                report.errors.append(f"{entry.url}: {_describe(exc)}")
                continue
            outcome = self.engine.process(response.content, entry.url,
                                          type_hint=type_code_of(entry.url))
            with self.sessions.begin() as session:
                row = session.get(JmaFeedEntry, entry.id)
                if row is not None:
                    row.fetched_at, row.bulletin_id = utcnow(), outcome.bulletin_id
                    row.attempts += 1
            report.outcomes.append(outcome)

    # -- bookkeeping -----------------------------------------------------------------------

    def _feed_ok(self, url: str, now: dt.datetime, etag: str | None, modified: str | None,
                 newest: dt.datetime | None) -> None:
        with self.sessions.begin() as session:
            state = session.get(JmaFeedState, url)
            if state is None:
                state = JmaFeedState(url=url, etag="", last_modified="", failures=0)
                session.add(state)
            state.last_polled_at = state.last_ok_at = now
            state.failures, state.last_error = 0, None
            if etag is not None:
                state.etag = etag[:300]
            if modified is not None:
                state.last_modified = modified[:100]
            previous = _aware(state.newest_entry)
            if newest is not None and (previous is None or newest > previous):
                state.newest_entry = newest

    def _feed_failed(self, url: str, now: dt.datetime, message: str) -> None:
        log.warning("feed %s failed: %s", url, message)
        with self.sessions.begin() as session:
            state = session.get(JmaFeedState, url)
            if state is None:
                state = JmaFeedState(url=url, etag="", last_modified="", failures=0)
                session.add(state)
            state.last_polled_at = now
            state.failures = (state.failures or 0) + 1
            state.last_error = message

    def _entry_failed(self, entry_id: int, message: str) -> None:
        with self.sessions.begin() as session:
            row = session.get(JmaFeedEntry, entry_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = message
            row.next_attempt_at = utcnow() + dt.timedelta(
                seconds=backoff(row.attempts, self.settings.interval))
            if row.attempts >= MAX_ATTEMPTS:
                log.error("giving up on bulletin %s after %d attempts: %s", row.url,
                          row.attempts, message)

    def failures(self) -> int:
        """The worst consecutive failure count over the configured feeds."""
        urls = [self.feed_url(n) for n in self.settings.feeds]
        with self.sessions() as session:
            states = session.scalars(select(JmaFeedState).where(JmaFeedState.url.in_(urls)))
            return max((s.failures or 0 for s in states), default=0)

    # -- the loop --------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set: the long feeds first (recovery), then the short ones
        every ``interval`` seconds, the long ones every ``long_interval``, backing off while
        the feeds fail."""
        loop = asyncio.get_running_loop()
        next_long = 0.0
        while not stop.is_set():
            long = loop.time() >= next_long
            try:
                report = await self.poll(long=long)
            except Exception:  # the poller must outlive any one bad poll (logged)
                log.exception("feed poll failed")
                report = PollReport(errors=["予期しないエラー"])
            if long and report.ok:
                next_long = loop.time() + self.settings.long_interval
            for message in report.errors:
                log.warning("フィード取得エラー: %s", message)
            delay = self.settings.interval
            failures = self.failures()
            if failures:
                delay = backoff(failures + 1, self.settings.interval)
            await self._wait(stop, loop.time() + delay)

    async def _wait(self, stop: asyncio.Event, until: float) -> None:
        """Sleep until ``until`` or ``stop``; while the feeds back off, held updates are still
        released every ``interval`` (a failing feed must not keep an update from residents)."""
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            left = until - loop.time()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(stop.wait(), timeout=min(left, self.settings.interval))
            except TimeoutError:
                if until - loop.time() > 0:
                    report = PollReport()
                    self.flush(report)
                    for message in report.errors:
                        log.warning("フィード取得エラー: %s", message)


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}（{exc.request.url}）"
    if isinstance(exc, httpx.TimeoutException):
        return "応答がありません（タイムアウト）"
    if isinstance(exc, httpx.ConnectError):
        return "接続できません（ネットワークまたはサーバーの停止）"
    return str(exc) or type(exc).__name__


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment
