"""The asyncio delivery engine: workers claim batches from the outbox and hand them to drivers.

Database work runs in a thread (one thread for SQLite, whose writers queue anyway; a few for
PostgreSQL). Each medium gets its own concurrency and rate limit from its driver.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import random
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from app.compose import links as link_compose
from app.config import StatusPolling
from app.db.models import utcnow
from app.dispatch import checkpoint, links, notify, outbox, status
from app.dispatch.driver import (
    BatchJob,
    BatchResult,
    DriverSet,
    Outcome,
    TrainingGuardError,
)
from app.dispatch.ratelimit import TokenBucket
from app.domain import Medium
from app.events import DeliveryProgress, EventBus, MessageFinished, SharedChannel

log = logging.getLogger("issei.dispatch")
T = TypeVar("T")

IDLE_POLL_SECONDS = 1.0
PROGRESS_INTERVAL_SECONDS = 0.1
RECOVER_INTERVAL_SECONDS = 2.0
# SMS delivery receipts: how often the provider is asked, and a delivery still "sent" after
# this many hours is no longer asked about ([channels.sms] status_* overrides both)
STATUS_POLL_SECONDS = StatusPolling.poll_seconds
STATUS_MAX_AGE_HOURS = StatusPolling.max_age_hours
LINK_POLL_SECONDS = 0.1  # while a length-limited medium waits for the website's permalink


def worker_identity() -> str:
    """host:pid:start — lets a restarted process recognise batches its dead self held."""
    return f"{socket.gethostname()}:{os.getpid()}:{int(time.time())}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def dead_local_workers(workers: list[str], me: str) -> list[str]:
    host = socket.gethostname()
    dead = []
    for worker in workers:
        parts = worker.rsplit(":", 2)
        if len(parts) != 3 or parts[0] != host or worker == me:
            continue
        try:
            pid = int(parts[1])
        except ValueError:
            continue
        if pid == os.getpid() or not _process_alive(pid):
            dead.append(worker)
    return dead


class Engine:
    def __init__(
        self,
        session_factory: sessionmaker[Session],
        drivers: DriverSet,
        training_drivers: DriverSet,
        events: EventBus,
        *,
        policy: outbox.RetryPolicy | None = None,
        lease_seconds: float = 120.0,
        db_threads: int = 1,
        listen_url: str | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.drivers = drivers
        self.training_drivers = training_drivers
        self.events = events
        self.policy = policy or outbox.RetryPolicy()
        self.lease_seconds = lease_seconds
        self.worker_id = worker_identity()
        self._db = ThreadPoolExecutor(max_workers=db_threads, thread_name_prefix="issei-db")
        self._wake = asyncio.Event()  # the until-idle watcher: something finished
        self._medium_wake: dict[Medium, asyncio.Event] = {}  # workers of one medium: work came
        self._buckets: dict[Medium, TokenBucket] = {}
        self._random = random.Random()
        self.in_flight = 0
        self.listen_url = listen_url  # PostgreSQL: hear other consoles' and workers' progress
        self.shared_channel_up: bool | None = None  # None: no shared channel (SQLite)
        self._loop: asyncio.AbstractEventLoop | None = None  # set while run() runs
        self._dirty: dict[str, set[str]] = {}  # message id -> errors since the last report
        self._progress = asyncio.Event()
        self._publishing = False
        # message id -> monotonic time after which media stop waiting for the website's link
        self._link_deadlines: dict[str, float] = {}
        self._website_recorded = asyncio.Event()  # replaced after each set: wakes all waiters
        self.status_poll_seconds = STATUS_POLL_SECONDS
        self.status_page = StatusPolling.page_size  # references asked per medium and round
        self._status_cursor: dict[tuple[bool, Medium], int] = {}
        self.status_max_age_hours = STATUS_MAX_AGE_HOURS

    def configure_status(self, settings: StatusPolling) -> None:
        """Delivery-status polling from ``[channels.sms]`` (``status_poll_seconds``,
        ``status_max_age_hours``, ``status_page_size``)."""
        self.status_poll_seconds = settings.poll_seconds
        self.status_max_age_hours = settings.max_age_hours
        if settings.page_size != self.status_page:
            self._status_cursor.clear()  # a cursor of the old page size would skip or repeat
        self.status_page = settings.page_size

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, fn, *args)

    def wake(self, medium: Medium | None = None) -> None:
        """New work was queued (a send, a retry): workers look now instead of at the next poll.

        Safe from any thread: a console may write the outbox off its UI thread.
        """
        loop = self._loop
        if loop is not None and not loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is not loop:
                loop.call_soon_threadsafe(self._wake_now, medium)
                return
        self._wake_now(medium)

    def _wake_now(self, medium: Medium | None) -> None:
        self._wake.set()
        for key, event in self._medium_wake.items():
            if medium is None or key is medium:
                event.set()

    def _all_media(self) -> set[Medium]:
        return set(self.drivers.drivers) | set(self.training_drivers.drivers)

    async def recover(self) -> int:
        workers = await self.db(outbox.sending_workers, self.session_factory)
        dead = dead_local_workers(workers, self.worker_id)
        dedup = [
            m.value
            for m, d in (self.drivers.drivers | self.training_drivers.drivers).items()
            if d.capabilities.deduplicates
        ]
        n = await self.db(outbox.recover, self.session_factory, dead, dedup)
        if n:
            log.warning("recovered %d batches left in flight by a stopped worker", n)
        return n

    async def run(self, *, until_idle: bool = False, message_id: str | None = None) -> None:
        """Deliver until cancelled, or (until_idle) until nothing is queued or in flight."""
        self._loop = asyncio.get_running_loop()
        await self.recover()
        tasks = [
            asyncio.create_task(self._publish_progress(), name="issei-progress"),
            asyncio.create_task(self._recover_periodically(), name="issei-recover"),
        ]
        if not until_idle:
            tasks.append(asyncio.create_task(self._poll_statuses(), name="issei-status"))
        if self.listen_url and not until_idle:
            tasks.append(asyncio.create_task(
                notify.listen(self.listen_url, self._heard, self._channel_state),
                name="issei-listen",
            ))
        for medium in sorted(self._all_media()):
            driver = self.drivers.get(medium) or self.training_drivers.get(medium)
            assert driver is not None
            for _ in range(max(1, driver.capabilities.concurrency)):
                tasks.append(asyncio.create_task(self._worker(medium), name=f"issei-{medium}"))
        try:
            if until_idle:
                while await self.db(outbox.work_left, self.session_factory, message_id) or (
                    self._dirty or self._publishing
                ):
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), IDLE_POLL_SECONDS / 4)
                    if not self._active_tasks_ok(tasks):
                        break
                    if self.in_flight == 0:
                        await self.recover()
            else:
                await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _active_tasks_ok(self, tasks: list[asyncio.Task[None]]) -> bool:
        for task in tasks:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return True

    def _bucket(self, medium: Medium, rate: float | None) -> TokenBucket | None:
        if rate is None:
            return None
        if medium not in self._buckets:
            self._buckets[medium] = TokenBucket(rate, burst=max(1.0, rate))
        return self._buckets[medium]

    async def _worker(self, medium: Medium) -> None:
        while True:
            claimed = await self.db(
                outbox.claim, self.session_factory, [medium.value], self.worker_id,
                self.lease_seconds,
            )
            if claimed is None:
                await self._sleep_until_due(medium)
                continue
            self.in_flight += 1
            try:
                await self._deliver(claimed)
            finally:
                self.in_flight -= 1

    async def _sleep_until_due(self, medium: Medium) -> None:
        """Sleep until this medium's next retry is due, new work arrives, or the poll interval
        passes (another console or worker may have queued work in a shared database)."""
        event = self._medium_wake.setdefault(medium, asyncio.Event())
        event.clear()
        due = await self.db(outbox.next_due, self.session_factory, [medium.value])
        timeout = IDLE_POLL_SECONDS
        if due is not None:
            timeout = min(timeout, max(0.0, (due - utcnow()).total_seconds()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout + 0.005)

    async def _deliver(self, claimed: outbox.ClaimedBatch) -> None:
        job = claimed.job
        driver_set = self.training_drivers if job.training else self.drivers
        driver = driver_set.get(job.medium)
        if not job.targets:
            result = BatchResult([])
        elif driver is None:
            reason = f"{job.medium.label}の配信先が設定されていません"
            result = BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
        else:
            if link_compose.awaits_link(job.payload):
                job = await self._settle_link(claimed)
            if len(job.targets) == 1:
                job = await self._with_checkpoint(job)
            bucket = self._bucket(job.medium, driver.capabilities.requests_per_second)
            if bucket is not None:
                await bucket.acquire()
            try:
                if job.training and not driver.capabilities.simulated:
                    raise TrainingGuardError(driver.endpoint)
                result = await driver.send(job)
            except TrainingGuardError as exc:
                reason = f"訓練配信を実際の宛先に送ろうとしたため止めました（{exc}）"
                log.error("training guard: %s", reason)
                result = BatchResult.all(job, Outcome.PERMANENT, reason, medium_error=reason)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("driver %s failed", job.medium)
                result = BatchResult.all(job, Outcome.TEMPORARY, f"内部エラー: {exc!r}")
        await self.db(
            outbox.record, self.session_factory, claimed, result, self.policy,
            self._random.random(),
        )
        log.info(
            "batch done medium=%s message=%s attempt=%d targets=%d outcomes=%s",
            job.medium, job.message_id, job.attempt, len(job.targets), _summary(result),
        )
        if job.medium is Medium.WEBSITE:  # media waiting for its permalink look now
            self._website_recorded.set()
            self._website_recorded = asyncio.Event()
        errors = self._dirty.setdefault(job.message_id, set())
        errors.update(r.error for r in result.results if r.error)
        self._progress.set()
        self._wake.set()
        if any(r.outcome is Outcome.TEMPORARY for r in result.results):
            self.wake(job.medium)  # a retry was scheduled: sleeping workers recompute when

    async def _settle_link(self, claimed: outbox.ClaimedBatch) -> BatchJob:
        """「詳細はこちら」: wait (at most ``link_wait_seconds`` per message) for the website
        post's permalink, then send the rendition settled with it — or without it."""
        job = claimed.job
        now = time.monotonic()
        for key, when in list(self._link_deadlines.items()):
            if when < now - 60.0:  # long settled: every batch of it has the link or not
                del self._link_deadlines[key]
        deadline = self._link_deadlines.setdefault(
            job.message_id, now + link_compose.OPTIONS.wait_seconds
        )
        while True:
            link, may_come = await self.db(links.website_link, self.session_factory,
                                           job.message_id)
            now = time.monotonic()
            if link is not None or not may_come or now >= deadline:
                break
            # this engine's website batch wakes us at once; another process's is polled for
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._website_recorded.wait(),
                                       min(LINK_POLL_SECONDS, deadline - now))
        if link is None:
            log.warning("no website link for message=%s medium=%s: sending without it",
                        job.message_id, job.medium)
        payload = await self.db(links.settle, self.session_factory, claimed.batch_id,
                                job.medium, link)
        return dataclasses.replace(job, payload=payload)

    async def _with_checkpoint(self, job: BatchJob) -> BatchJob:
        """A one-target batch resumes from what an earlier attempt saved, and saves as it goes
        (an X thread after a crash continues from its last post)."""
        delivery_id = job.targets[0].delivery_id
        resume = await self.db(checkpoint.saved, self.session_factory, delivery_id)

        async def save(ref: str) -> None:
            await self.db(checkpoint.save, self.session_factory, delivery_id, ref)

        return dataclasses.replace(job, resume_ref=resume, checkpoint=save)

    async def _poll_statuses(self) -> None:
        while True:
            await asyncio.sleep(self.status_poll_seconds)
            await self.poll_statuses_once()

    async def poll_statuses_once(self) -> int:
        """Ask every medium that reports delivery later (SMS) about its deliveries still
        ``sent``; move them to delivered / failed with the provider's reason."""
        total = 0
        for training, driver_set in ((False, self.drivers), (True, self.training_drivers)):
            for medium, driver in sorted(driver_set.drivers.items()):
                if not isinstance(driver, status.StatusPolling):
                    continue
                after = self._status_cursor.get((training, medium), 0)
                page = await self.db(functools.partial(
                    status.refs_page, self.session_factory, medium, training=training,
                    max_age_hours=self.status_max_age_hours, limit=self.status_page,
                    after=after))
                # the next round continues after this page; a short page starts over
                self._status_cursor[(training, medium)] = (
                    page[-1][0] if len(page) >= self.status_page else 0)
                refs = [ref for _, ref in page]
                if not refs:
                    continue
                try:
                    updates = await driver.poll_status(refs)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("status polling failed medium=%s", medium)
                    continue
                changed: set[str] = set()
                n = await self.db(status.apply_updates, self.session_factory, medium,
                                  updates, changed)
                total += n
                for message_id in changed:
                    self._dirty.setdefault(message_id, set())
                if changed:
                    log.info("status medium=%s asked=%d changed=%d", medium, len(refs), n)
                    self._progress.set()
        return total

    def _heard(self, message_id: str) -> None:
        """Another process changed this message's deliveries: report fresh counts."""
        self._dirty.setdefault(message_id, set())
        self._progress.set()

    def _channel_state(self, up: bool) -> None:
        self.shared_channel_up = up
        self.events.publish(SharedChannel(up))

    async def _recover_periodically(self) -> None:
        """Another worker or console may die while this one runs: take over its batches when
        its process is gone (same PC) or its lease has run out (another PC)."""
        while True:
            await asyncio.sleep(RECOVER_INTERVAL_SECONDS)
            if await self.recover():
                self.wake()

    async def _publish_progress(self) -> None:
        """Coalesce progress: the first batch is reported at once, then at most every 100 ms.

        Counting a message's deliveries is a query over all of them; doing it after every
        batch would make a 100,000-recipient send quadratic.
        """
        while True:
            await self._progress.wait()
            self._progress.clear()
            dirty, self._dirty = self._dirty, {}
            self._publishing = True
            for message_id, errors in dirty.items():
                counts = await self.db(outbox.counts, self.session_factory, message_id)
                first_errors = tuple(sorted(errors))[:5]
                for medium, medium_counts in counts.items():
                    self.events.publish(
                        DeliveryProgress(message_id, medium, medium_counts, first_errors)
                    )
                if all(c.done for c in counts.values()):
                    self.events.publish(MessageFinished(message_id, counts))
            self._publishing = False
            await asyncio.sleep(PROGRESS_INTERVAL_SECONDS)

    async def aclose(self) -> None:
        await self.drivers.aclose()
        await self.training_drivers.aclose()
        self._db.shutdown(wait=True)


def _summary(result: BatchResult) -> str:
    tally: dict[str, int] = {}
    for item in result.results:
        tally[item.outcome.value] = tally.get(item.outcome.value, 0) + 1
    return ",".join(f"{k}:{v}" for k, v in sorted(tally.items())) or "none"
