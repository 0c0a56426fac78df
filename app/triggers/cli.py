"""``issei triggers …``: the verification tool (replay), the feed watcher and the confirmation
queue, headless.

``replay`` never sends: it runs the engine on a throwaway database (see ``replay.py``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from app.triggers.engine import Outcome
from app.triggers.feed import USER_AGENT, parse_feed, type_code_of
from app.triggers.replay import Replay, bulletin_files
from app.triggers.rules import FeedSettings, RulesError, RuleSet, load_rules
from app.triggers.xmlsafe import BulletinError

if TYPE_CHECKING:
    from app.service import Issei

log = logging.getLogger("issei.triggers.cli")

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
MARKS = {"send": "配信", "confirm": "承認待ち", "cancel": "取消", "ignore": "対象外"}


def add_subparsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    triggers = sub.add_parser("triggers", help="気象庁の電文による自動配信")
    tsub = triggers.add_subparsers(dest="triggers_verb", required=True)

    replay = tsub.add_parser("replay", help="電文を読ませて、何が起きるかを表示する（送信しない）")
    replay.add_argument("paths", nargs="*", type=Path, help="電文ファイルまたはフォルダ")
    replay.add_argument("--rules", type=Path, required=True, help="自動配信条件（TOML）")
    replay.add_argument("--feed", action="append", default=[], metavar="URL",
                        help="Atomフィードから読む（複数可）")
    replay.add_argument("--json", action="store_true", help="1電文1行のJSONで出力")

    watch = tsub.add_parser("watch", help="気象庁のフィードを監視して自動配信する")
    watch.add_argument("--rules", type=Path, required=True, help="自動配信条件（TOML）")
    watch.add_argument("--feed-base", metavar="URL", help="フィードのベースURL（訓練・試験用）")
    watch.add_argument("--interval", type=float, help="ポーリング間隔（秒）")
    watch.add_argument("--once", action="store_true",
                       help="1回だけ取得し、配信が終わるまで待って終了する")

    pending = tsub.add_parser("pending", help="承認待ちの自動配信")
    pending.add_argument("--rules", type=Path, required=True, help="自動配信条件（TOML）")
    pending.add_argument("--json", action="store_true")
    approve = tsub.add_parser("approve", help="承認待ちの自動配信を送る")
    approve.add_argument("decision_id", type=int)
    approve.add_argument("--rules", type=Path, required=True)
    approve.add_argument("--operator", default="")
    reject = tsub.add_parser("reject", help="承認待ちの自動配信を見送る")
    reject.add_argument("decision_id", type=int)
    reject.add_argument("--rules", type=Path, required=True)
    reject.add_argument("--operator", default="")
    reject.add_argument("--note", default="")


async def run(issei: Issei, args: argparse.Namespace) -> int:
    try:
        ruleset = load_rules(args.rules)
    except RulesError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return EXIT_INVALID
    verb = args.triggers_verb
    if verb == "replay":
        return await _replay(ruleset, args)
    from app.triggers.service import PendingError, Triggers

    triggers = Triggers(issei, ruleset)
    if verb == "watch":
        return await _watch(issei, triggers, args)
    if verb == "pending":
        items = triggers.pending()
        if args.json:
            for p in items:
                print(json.dumps({"id": p.id, "rule": p.rule, "decision": p.decision,
                                  "title": p.title, "body": p.body,
                                  "media": [m.value for m in p.media],
                                  "training": p.training, "reason": p.reason},
                                 ensure_ascii=False))
        else:
            for p in items:
                print(f"#{p.id} [{p.rule}] {p.title}（{'・'.join(m.label for m in p.media)}）")
            print(f"承認待ち {len(items)} 件")
        return EXIT_OK
    try:
        if verb == "approve":
            message_id = triggers.approve(args.decision_id, operator=args.operator)
            print(f"#{args.decision_id} を配信しました（配信ID {message_id}）")
            await issei.engine.run(until_idle=True, message_id=message_id)
        else:
            triggers.reject(args.decision_id, operator=args.operator, note=args.note)
            print(f"#{args.decision_id} を見送りました")
    except PendingError as exc:
        print(f"エラー: {exc}", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


# -- replay -------------------------------------------------------------------------------

async def _replay(ruleset: RuleSet, args: argparse.Namespace) -> int:
    if not args.paths and not args.feed:
        print("エラー: 電文ファイル・フォルダか --feed URL を指定してください", file=sys.stderr)
        return EXIT_INVALID
    with Replay(ruleset) as replay:
        for path in bulletin_files(args.paths):
            for outcome in replay.file_lines(path):
                _emit(outcome, args.json)
        for url in args.feed:
            for outcome in await _replay_feed(replay, url):
                _emit(outcome, args.json)
        for outcome in replay.finish():  # held updates released after the last bulletin
            _emit(outcome, args.json)
    return EXIT_OK


async def _replay_feed(replay: Replay, url: str) -> list[Outcome]:
    async with httpx.AsyncClient(timeout=20.0, follow_redirects=True,
                                 headers={"User-Agent": USER_AGENT}) as client:
        try:
            response = await client.get(url)
            response.raise_for_status()
            entries = parse_feed(response.content, str(response.url))
        except (httpx.HTTPError, BulletinError) as exc:
            return [Outcome(url, "", decision="ignore", reason=f"フィードを読めません: {exc}")]
        outcomes = []
        # Feeds list the newest first; replay in the order the bulletins were published.
        for entry in sorted(entries, key=lambda e: (e.updated is None, e.updated)):
            try:
                bulletin = await client.get(entry.url)
                bulletin.raise_for_status()
            except httpx.HTTPError as exc:
                outcomes.append(Outcome(entry.url, entry.type_code, decision="ignore",
                                        reason=f"電文を取得できません: {exc}"))
                continue
            outcomes.extend(replay.bulletin_lines(bulletin.content, entry.url,
                                                  type_code_of(entry.url)))
        return outcomes


def _emit(outcome: Outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False), flush=True)
        return
    data: dict[str, Any] = outcome.as_json()
    head = " ".join(x for x in (data["type"], data["status"], data["info_type"],
                                data["event_id"]) if x)
    print(f"[{MARKS[outcome.decision]}] {Path(outcome.source).name} {head}")
    if outcome.reason:
        print(f"    理由: {outcome.reason}")
    if outcome.title:
        print(f"    件名: {outcome.title}")
        for line in outcome.body.splitlines():
            print(f"      {line}")


# -- watch --------------------------------------------------------------------------------

async def _watch(issei: Issei, triggers: Any, args: argparse.Namespace) -> int:
    settings: FeedSettings = triggers.ruleset.feed
    if args.feed_base or args.interval:
        from dataclasses import replace

        settings = replace(settings, base_url=args.feed_base or settings.base_url,
                           interval=args.interval or settings.interval)
    town = triggers.ruleset.municipality
    log.info("triggers watch started municipality=%s feeds=%s base=%s", town.name,
             ",".join(settings.feeds), settings.base_url)
    if args.once:
        report = await triggers.poll_once(settings)
        for outcome in report.outcomes:
            _emit(outcome, False)
        for error in report.errors:
            print(f"フィード取得エラー: {error}", file=sys.stderr)
        await issei.engine.run(until_idle=True)
        return EXIT_OK if report.ok else EXIT_FAILED
    stop = asyncio.Event()
    worker = asyncio.create_task(issei.engine.run())
    try:
        await triggers.watch(stop, settings)
    finally:
        stop.set()
        worker.cancel()
        try:
            await worker
        except asyncio.CancelledError:
            pass
    return EXIT_OK
