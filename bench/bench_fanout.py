"""Fan-out: one message to every network medium at once, against local spec-validating peers.

    .venv/bin/python bench/bench_fanout.py --runs 5

Reports, per medium and overall, the time from ``send`` (the outbox transaction included) to
the moment the medium's last delivery was accepted, as the engine's progress events report it
(they are coalesced every 100 ms, so figures are upper bounds with that resolution).
Target: under 1 s for the network media, excluding deliberate rate limits (none are hit here:
a handful of recipients per medium). Media of other issues add themselves to ``MEDIA`` and
``Peers`` below.

``--with-website`` adds the municipal website (a local WordPress double: the drill sink's
answers, reached by the real driver) and a long message: X, SMS and push then wait for the
post's permalink (「詳細はこちら」) before they go, so the figure includes that wait.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from app.config import Config, EmailChannel, LineChannel
from app.db.models import Recipient
from app.domain import Draft, Medium, Urgency
from app.events import DeliveryProgress, Event
from app.service import Issei
from bench._common import median
from drivers.drill import DrillSink
from drivers.registry import drill_drivers, real_drivers
from tests.peers.apprise_peer import AppriseTarget
from tests.peers.facebook_peer import FacebookPeer
from tests.peers.fcm_peer import FcmPeer, make_service_account
from tests.peers.line_peer import LinePeer
from tests.peers.slack_peer import SlackPeer
from tests.peers.smtp_peer import SmtpPeer
from tests.peers.teams_peer import TeamsPeer
from tests.peers.twilio_peer import TwilioPeer
from tests.peers.webhook_peer import WebhookReceiver
from tests.peers.x_peer import XPeer

MEDIA = (Medium.EMAIL, Medium.LINE, Medium.SMS, Medium.X, Medium.FACEBOOK, Medium.PUSH,
         Medium.SLACK, Medium.TEAMS, Medium.WEBHOOK, Medium.APPRISE)
SID = "AC" + "c3" * 16
PAGE = "104758223456789"
SECRET = "whsec_" + base64.b64encode(b"bench-secret-bench-secret-bench!").decode()


class Peers:
    """Every peer started once; their start-up (spec loading) is not part of the figure."""

    def __init__(self, stack: ExitStack) -> None:
        key, self.account = make_service_account()
        self._site_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        self.site = DrillSink(self._site_dir).start()  # a WordPress double for --with-website
        stack.callback(self.site.stop)
        self.smtp = stack.enter_context(SmtpPeer())
        self.line = stack.enter_context(LinePeer(token="line"))
        self.twilio = stack.enter_context(TwilioPeer(SID, "twilio"))
        self.x = stack.enter_context(XPeer("x"))
        self.facebook = stack.enter_context(FacebookPeer(PAGE, "fb"))
        self.fcm = stack.enter_context(FcmPeer("issei-bench", json.loads(self.account)[
            "client_email"], key.public_key()))
        self.slack = stack.enter_context(SlackPeer())
        self.teams = stack.enter_context(TeamsPeer())
        self.webhook = stack.enter_context(WebhookReceiver(SECRET))
        self.apprise = stack.enter_context(AppriseTarget())

    def all(self) -> list[Any]:
        return [self.line, self.twilio, self.x, self.facebook, self.fcm, self.slack,
                self.teams, self.webhook, self.apprise]

    def configure(self, config: Config) -> None:
        config.email = EmailChannel(host="127.0.0.1", port=self.smtp.port, security="none")
        config.line = LineChannel(base_url=self.line.base_url, requests_per_second=200.0)
        config.channels.update({
            "sms": {"base_url": self.twilio.base_url, "account_sid": SID,
                    "from_number": "+815011112222", "requests_per_second": 100.0},
            "x": {"base_url": self.x.base_url},
            "facebook": {"base_url": self.facebook.base_url, "page_id": PAGE},
            "push": {"base_url": self.fcm.base_url, "token_url": self.fcm.token_url,
                     "project_id": "issei-bench"},
            "slack": {}, "teams": {},
            "webhook": {"url": self.webhook.url},
            "apprise": {"urls": [self.apprise.json_url("a"), self.apprise.json_url("b")]},
            "website": {"base_url": self.site.http_url("website"), "username": "bench"},
        })
        config.configured_media |= {m.value for m in MEDIA} | {"website"}
        os.environ.update({
            "ISSEI_LINE_ACCESS_TOKEN": "line", "ISSEI_SMS_AUTH_TOKEN": "twilio",
            "ISSEI_X_ACCESS_TOKEN": "x", "ISSEI_FACEBOOK_PAGE_ACCESS_TOKEN": "fb",
            "ISSEI_PUSH_SERVICE_ACCOUNT": self.account,
            "ISSEI_SLACK_WEBHOOK_URL": self.slack.webhook_url,
            "ISSEI_TEAMS_WEBHOOK_URL": self.teams.webhook_url,
            "ISSEI_WEBHOOK_SECRET": SECRET,
            "ISSEI_WEBSITE_APPLICATION_PASSWORD": "bench bench bench",
        })


async def run_once(peers: Peers, folder: Path, recipients: int, n: int,
                   media: tuple[Medium, ...] = MEDIA) -> dict[str, float]:
    config = Config(database_url=f"sqlite:///{folder / 'bench.sqlite3'}", data_dir=folder,
                    training=False, embedded=False)
    peers.configure(config)
    sink = DrillSink(folder / "drill").start()
    issei = Issei(config, real_drivers(config), drill_drivers(config, sink))
    with issei.sessions.begin() as s:
        s.execute(insert(Recipient), [
            {"name": f"住民{i}", "email": f"r{i}@example.jp", "line_user_id": f"U{i:032x}",
             "sms": f"090{i:08d}"} for i in range(recipients)])
    done_at: dict[str, float] = {}

    def on_event(event: Event) -> None:
        if isinstance(event, DeliveryProgress) and event.counts.done:
            done_at.setdefault(event.medium, time.perf_counter())

    issei.events.subscribe(on_event)
    # every run posts different text: X and Facebook refuse a duplicate post
    body = f"土砂災害の危険があります。直ちに避難してください。（{n}）"
    if Medium.WEBSITE in media:  # too long for one X post or three SMS parts: link them
        body += "避難所は中央小学校、北中学校、南公民館です。" * 8
    draft = Draft(title="避難指示", body=body, media=media, urgency=Urgency.EMERGENCY)
    t0 = time.perf_counter()
    message_id = issei.send(draft)
    await issei.engine.run(until_idle=True)
    counts = issei.counts(message_id)
    failed = {m: c.failed for m, c in counts.items() if c.failed or c.sent != c.total}
    await issei.aclose()
    sink.stop()
    if failed:
        raise SystemExit(f"deliveries failed: {failed} {issei.failures(message_id)[:3]}")
    result = {m: (t - t0) * 1000 for m, t in done_at.items()}
    result["all"] = max(result.values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--recipients", type=int, default=10,
                        help="recipients with e-mail, LINE and SMS each")
    parser.add_argument("--with-website", action="store_true",
                        help="add the website; X, SMS and push carry its permalink")
    args = parser.parse_args()
    media = (*MEDIA, Medium.WEBSITE) if args.with_website else MEDIA
    with ExitStack() as stack:
        peers = Peers(stack)
        runs = []
        for n in range(args.runs + 1):  # the first run warms imports and connections up
            with tempfile.TemporaryDirectory() as tmp:
                runs.append(asyncio.run(run_once(peers, Path(tmp), args.recipients, n,
                                                 media)))
        runs = runs[1:]
        problems = sum(len(p.violations) + len(p.response_violations) + len(p.internal_errors)
                       for p in peers.all())
    print(f"fan-out: one message to {len(media)} media, {args.recipients} recipients on "
          f"e-mail/LINE/SMS, {args.runs} runs (medians, ms from send to accepted)")
    for medium in [*(m.value for m in media), "all"]:
        values = [r[medium] for r in runs if medium in r]
        label = "last medium accepted" if medium == "all" else medium
        print(f"  {label:22} {median(values):8.0f} ms   (max {max(values):.0f})")
    verdict = "OK" if median([r["all"] for r in runs]) < 1000 else "OVER TARGET"
    print(f"  target < 1000 ms: {verdict}; peer spec violations: {problems}")


if __name__ == "__main__":
    main()
