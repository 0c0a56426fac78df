"""``issei``: the console by default, and a headless CLI for automation and workers.

Exit codes: 0 done (or queued), 1 some deliveries failed, 2 invalid input or configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from app.accounts import cli as accounts_cli
from app.config import ConfigError, load_config
from app.domain import Draft, Severity, parse_category, parse_media, parse_urgency
from app.events import DeliveryProgress, Event, MediumCounts
from app.logs import setup_logging
from app.main import open_issei
from app.service import FollowUp, Issei

log = logging.getLogger("issei.cli")

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="issei", description="Issei（一斉）: 防災情報の一斉配信コンソール"
    )
    parser.add_argument("--config", type=Path, help="設定ファイル（TOML）")
    parser.add_argument("--data-dir", type=Path, help="データフォルダ")
    parser.add_argument("-v", "--verbose", action="store_true", help="詳しいログ")
    parser.add_argument("--log-json", action="store_true", help="ログをJSON行で標準エラーに出す")
    parser.add_argument("--operator", help="操作者のログイン名（パスワードは "
                                           "ISSEI_OPERATOR_PASSWORD か入力）")
    sub = parser.add_subparsers(dest="verb")

    send = sub.add_parser("send", help="一斉配信する")
    send.add_argument("--title", required=True)
    body = send.add_mutually_exclusive_group(required=True)
    body.add_argument("--body")
    body.add_argument("--body-file", type=Path)
    send.add_argument("--media", required=True, help="例: email,line")
    send.add_argument("--category", default="disaster")
    send.add_argument("--urgency", default="normal")
    send.add_argument("--area", action="append", default=[], help="地区（複数可）")
    send.add_argument("--training", action="store_true", help="訓練として送る")
    send.add_argument("--audio", type=Path,
                      help="防災無線・電話で流す録音（WAV）。省略時は音声合成")
    send.add_argument("--wait", action="store_true", help="配信が終わるまで待つ")
    send.add_argument("--json", action="store_true")

    status = sub.add_parser("status", help="配信状況")
    status.add_argument("message_id")
    status.add_argument("--json", action="store_true")

    worker = sub.add_parser("worker", help="配信待ちを配信する（中断後の再開を含む）")
    worker.add_argument("--until-idle", action="store_true")

    stop = sub.add_parser("stop", help="配信中の送信を中止する（未送信分を取りやめ）")
    stop.add_argument("message_id")

    correct = sub.add_parser("correct", help="訂正を送る（もとの配信を受けた全員へ）")
    correct.add_argument("message_id")
    correct.add_argument("--body", required=True, help="訂正の本文（もとの内容は自動で引用）")
    correct.add_argument("--title", help="訂正後の件名（省略時はもとの件名）")
    correct.add_argument(
        "--translation", action="append", default=[], metavar="LANG=FILE",
        help="外国語の訂正文（例: en=correction_en.txt、複数可）。UTF-8 のテキストで、"
             "1行目が件名（空行ならもとの件名）、2行目から本文",
    )
    correct.add_argument("--wait", action="store_true")
    correct.add_argument("--json", action="store_true")

    cancel = sub.add_parser("cancel", help="取消を送る（もとの配信を受けた全員へ）")
    cancel.add_argument("message_id")
    cancel.add_argument("--reason", default="")
    cancel.add_argument("--wait", action="store_true")
    cancel.add_argument("--json", action="store_true")

    mark = sub.add_parser("mark", help="手作業の媒体（Lアラート入力など）を完了として記録する")
    mark.add_argument("message_id")
    mark.add_argument("medium", help="例: lalert")
    mark.add_argument("--done", action="store_true", required=True, help="完了にする")
    mark.add_argument("--note", default="", help="メモ（入力した人・時刻など）")
    mark.add_argument("--json", action="store_true")

    retry = sub.add_parser("retry", help="失敗した配信を再送する")
    retry.add_argument("message_id")
    retry.add_argument("--medium")
    retry.add_argument("--wait", action="store_true")
    retry.add_argument("--json", action="store_true")

    recipients = sub.add_parser("recipients", help="受信者名簿")
    rsub = recipients.add_subparsers(dest="recipients_verb", required=True)
    rimport = rsub.add_parser("import", help="CSVから取り込む")
    rimport.add_argument("file", type=Path)
    rimport.add_argument("--json", action="store_true")
    rexport = rsub.add_parser("export", help="CSVに書き出す")
    rexport.add_argument("file", type=Path)
    rexport.add_argument("--encoding", default="cp932", choices=["cp932", "utf-8-sig"])

    db = sub.add_parser("db", help="データベース")
    dsub = db.add_subparsers(dest="db_verb", required=True)
    dsub.add_parser("upgrade", help="スキーマを最新にする")

    audit_p = sub.add_parser("audit", help="監査ログ")
    asub = audit_p.add_subparsers(dest="audit_verb", required=True)
    asub.add_parser("verify", help="改ざんがないか確かめる")
    aexport = asub.add_parser("export", help="CSVに書き出す（Excel向け CP932）")
    aexport.add_argument("file", type=Path)
    aexport.add_argument("--encoding", default="cp932", choices=["cp932", "utf-8-sig"])

    accounts_cli.add_subparsers(sub)
    from app.triggers import cli as triggers_cli

    triggers_cli.add_subparsers(sub)
    from app.voice import cli as voice_cli

    voice_cli.add_subparsers(sub)

    gui = sub.add_parser("gui", help="コンソールを開く（既定）")
    gui.add_argument("--smoke-test", action="store_true")
    gui.add_argument("--screenshots", type=Path)
    return parser


def status_json(issei: Issei, message_id: str) -> dict[str, Any]:
    counts = issei.counts(message_id)
    result: dict[str, Any] = {
        "message_id": message_id,
        "training": bool(issei.message_training(message_id)),
        "media": {m: _count_dict(c) for m, c in counts.items()},
    }
    links = issei.message_links(message_id)
    result["kind"] = links.get("kind", "alert")
    result["approval"] = links.get("approval", "none")
    if links.get("correction_of"):
        result["correction_of"] = links["correction_of"]
    if links.get("followed_by"):
        result["followed_by"] = links["followed_by"]
    failures = issei.failures(message_id)
    if failures:
        result["failures"] = [{"medium": m, "target": t, "reason": r} for m, t, r in failures]
    return result


def _count_dict(c: MediumCounts) -> dict[str, int]:
    d = c.as_dict()
    d.pop("cancelled")
    d["cancelled"] = c.cancelled
    return d


def _print_status(data: dict[str, Any]) -> None:
    mark = "【訓練】" if data["training"] else "【本番】"
    kind = {"correction": "（訂正）", "cancellation": "（取消）"}.get(data.get("kind", ""), "")
    print(f"{mark}{kind} 配信ID {data['message_id']}")
    if data.get("correction_of"):
        print(f"  もとの配信: {data['correction_of']}")
    for follower in data.get("followed_by", []):
        label = "訂正" if follower["kind"] == "correction" else "取消"
        print(f"  {label}: {follower['message_id']}")
    for medium, c in data["media"].items():
        print(
            f"  {medium:8} 対象 {c['total']:>7}  送信済 {c['sent']:>7}  失敗 {c['failed']:>5}"
            f"  待ち {c['pending']:>7}  重複の可能性 {c['duplicates']}"
        )
    for f in data.get("failures", [])[:20]:
        print(f"  失敗: {f['medium']} {f['target']}: {f['reason']}")


def _exit_code(data: dict[str, Any]) -> int:
    media = data["media"].values()
    if any(c["failed"] for c in media):
        return EXIT_FAILED
    return EXIT_OK


def _store_recording(issei: Issei, path: Path | None) -> str:
    """``--audio``: the recording goes into the store with the message (app.voice.recordings);
    an unreadable, silent or too long file is refused with a Japanese message."""
    if path is None:
        return ""
    from app.voice.recordings import store_file

    return store_file(issei.sessions, path)


async def _run_send(issei: Issei, args: argparse.Namespace) -> int:
    try:
        body = args.body if args.body is not None else args.body_file.read_text(encoding="utf-8")
        draft = Draft(
            title=args.title,
            body=body,
            media=tuple(parse_media(args.media)),
            category=parse_category(args.category),
            urgency=parse_urgency(args.urgency),
            areas=tuple(a for part in args.area for a in part.split(",") if a.strip()),
            training=args.training,
            recording=_store_recording(issei, args.audio),
        )
        message_id = issei.send(
            draft, signed_in=accounts_cli.signed_in_from_args(issei, args.operator)
        )
    except (ValueError, OSError, PermissionError) as exc:
        return _invalid(str(exc), args.json)
    if args.wait:
        await _deliver(issei, message_id, quiet=args.json)
    data = status_json(issei, message_id)
    _emit(data, args.json)
    if not args.wait:
        if not args.json:
            print("配信待ちに登録しました。`issei worker` か送信中のコンソールが配信します。")
        return EXIT_OK
    return _exit_code(data)


def read_translations(specs: list[str]) -> dict[str, tuple[str, str]]:
    """``--translation LANG=FILE`` (repeatable): language -> (title, body). The file is UTF-8
    text (a BOM is allowed): the first line is the title (empty: the original's), the rest
    the body. Anything unusable is refused with a Japanese message naming the file."""
    from app.translation.languages import BY_CODE, SOURCE, label

    out: dict[str, tuple[str, str]] = {}
    for spec in specs:
        code, sep, name = spec.partition("=")
        code = code.strip()
        if not sep or not code or not name.strip():
            raise ValueError(
                f"--translation は「言語コード=ファイル」の形で指定してください（{spec}）")
        if code == SOURCE:
            raise ValueError("日本語の訂正文は --body で指定してください")
        if code not in BY_CODE:
            raise ValueError(f"言語コード「{code}」は扱えません（使えるコード: "
                             f"{', '.join(BY_CODE)}）")
        name_ja = label(code)
        if code in out:
            raise ValueError(f"{name_ja}（{code}）の訂正文が2回指定されています")
        path = Path(name.strip())
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ValueError(f"{name_ja}の訂正文のファイルが見つかりません: {path}") from None
        except UnicodeDecodeError:
            raise ValueError(f"{name_ja}の訂正文のファイルは UTF-8 で保存してください: "
                             f"{path}") from None
        except OSError as exc:
            raise ValueError(f"{name_ja}の訂正文のファイルが読めません: {path}"
                             f"（{exc.strerror or exc}）") from None
        title, _newline, body = text.replace("\r\n", "\n").partition("\n")
        if not body.strip():
            raise ValueError(f"{name_ja}の訂正文（{path}）に本文がありません。"
                             "1行目に件名、2行目から本文を書いてください")
        out[code] = (title.strip(), body.strip())
    return out


def follow_up_warnings(prepared: FollowUp) -> list[dict[str, Any]]:
    """The warnings the correction dialog shows (確認してください), once each: above all,
    residents of a language the follow-up does not carry get it in Japanese."""
    from app.translation.languages import label

    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for rendition in prepared.renditions:
        for finding in rendition.findings:
            if finding.severity is not Severity.WARNING:
                continue
            per_rendition = not finding.code.startswith("translation_")
            text = (f"{rendition.medium.value}（{label(rendition.language)}）: {finding.message}"
                    if per_rendition else finding.message)
            if text in seen:
                continue
            seen.add(text)
            out.append({"code": finding.code, "message": text,
                        "medium": rendition.medium.value if per_rendition else None,
                        "language": rendition.language if per_rendition else None})
    return out


def _carried_languages(prepared: FollowUp) -> set[str]:
    return {r.language for r in prepared.before} | {
        language for by_language in prepared.received.values() for language in by_language}


async def _run_follow_up(issei: Issei, args: argparse.Namespace) -> int:
    from app.translation.languages import label

    try:
        if args.verb == "correct":
            translations = read_translations(args.translation)
            prepared = issei.prepare_correction(args.message_id, args.body, title=args.title,
                                                translations=translations)
            extra = sorted(set(translations) - _carried_languages(prepared))
            if extra:
                names = "・".join(label(code) for code in extra)
                raise ValueError(f"もとの配信は{names}（{', '.join(extra)}）で送っていないため、"
                                 f"{names}の訂正文は使えません")
            warnings = follow_up_warnings(prepared)
            message_id = issei.correct(args.message_id, args.body, title=args.title,
                                       translations=translations)
        else:
            warnings = follow_up_warnings(
                issei.prepare_cancellation(args.message_id, reason=args.reason))
            message_id = issei.cancel(args.message_id, reason=args.reason)
    except ValueError as exc:  # SendRefusedError included
        return _invalid(str(exc), args.json)
    if not args.json:
        for warning in warnings:
            print(f"注意: {warning['message']}", file=sys.stderr)
    if args.wait:
        await _deliver(issei, message_id, quiet=args.json)
    data = status_json(issei, message_id)
    data["warnings"] = warnings
    _emit(data, args.json)
    return _exit_code(data) if args.wait else EXIT_OK


def _run_mark(issei: Issei, args: argparse.Namespace) -> int:
    """``issei mark MESSAGE_ID lalert --done``: a hand-operated medium is recorded as done."""
    from app.dispatch.manual import MarkError, mark_done

    try:
        result = mark_done(issei.sessions, args.message_id, args.medium, note=args.note,
                           console=issei.console)
    except MarkError as exc:
        return _invalid(str(exc), args.json)
    data = status_json(issei, args.message_id)
    data["marked"] = {"medium": result.medium, "deliveries": result.marked,
                      "already": result.already}
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"{result.medium}: {result.marked} 件を完了（配信済み）として記録しました"
              + (f"（{result.already} 件は記録済み）" if result.already else ""))
        _print_status(data)
    return EXIT_OK


async def _deliver(issei: Issei, message_id: str, *, quiet: bool) -> None:
    def progress(event: Event) -> None:
        if isinstance(event, DeliveryProgress) and event.message_id == message_id and not quiet:
            c = event.counts
            print(f"  {event.medium}: {c.sent + c.failed}/{c.total}", file=sys.stderr)

    unsubscribe = issei.events.subscribe(progress)
    try:
        await issei.engine.run(until_idle=True, message_id=message_id)
    finally:
        unsubscribe()


def _emit(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        _print_status(data)


def _invalid(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    print(f"エラー: {message}", file=sys.stderr)
    return EXIT_INVALID


async def _run(args: argparse.Namespace) -> int:
    config = load_config(args.config, args.data_dir)
    async with open_issei(config) as issei:
        if args.verb == "send":
            return await _run_send(issei, args)
        if args.verb == "triggers":
            from app.triggers import cli as triggers_cli

            return await triggers_cli.run(issei, args)
        if args.verb == "status":
            from app.dispatch import outbox

            if not outbox.message_exists(issei.sessions, args.message_id):
                return _invalid(f"配信ID {args.message_id} は見つかりません", args.json)
            _emit(status_json(issei, args.message_id), args.json)
            return EXIT_OK
        if args.verb == "worker":
            log.info("worker started id=%s", issei.engine.worker_id)
            await issei.engine.run(until_idle=args.until_idle)
            return EXIT_OK
        if args.verb == "stop":
            n = issei.halt(args.message_id)
            print(f"未送信の {n} 件を取りやめました")
            return EXIT_OK
        if accounts_cli.handles(args.verb):
            return accounts_cli.run(issei, args)
        from app.voice import cli as voice_cli

        if voice_cli.handles(args.verb):
            return await voice_cli.run(issei, args)
        if args.verb in ("correct", "cancel"):
            return await _run_follow_up(issei, args)
        if args.verb == "mark":
            return _run_mark(issei, args)
        if args.verb == "retry":
            n = issei.retry_failed(args.message_id, args.medium)
            if args.wait:
                await _deliver(issei, args.message_id, quiet=args.json)
            data = status_json(issei, args.message_id)
            _emit(data, args.json)
            if not args.json:
                print(f"{n} 件を再送に回しました")
            return _exit_code(data) if args.wait else EXIT_OK
        if args.verb == "recipients":
            return _run_recipients(issei, args)
        if args.verb == "db":
            print("データベースは最新です")  # open_issei already migrated
            return EXIT_OK
        if args.verb == "audit":
            from app import audit

            if args.audit_verb == "export":
                with issei.sessions() as session:
                    problems = audit.export_csv(session, args.file, args.encoding)
                for p in problems:
                    print(p, file=sys.stderr)
                if not problems:
                    print(f"監査ログを書き出しました: {args.file}")
                return EXIT_OK if not problems else EXIT_INVALID
            with issei.sessions() as session:
                problems = audit.verify(
                    session, witness=issei.config.data_dir / audit.WITNESS_FILE)
            for p in problems:
                print(p)
            print("監査ログに問題はありません" if not problems else f"{len(problems)} 件の問題")
            return EXIT_OK if not problems else EXIT_FAILED
    return EXIT_INVALID


def _run_recipients(issei: Issei, args: argparse.Namespace) -> int:
    from app.recipients.csv_io import export_recipients, import_recipients

    if args.recipients_verb == "import":
        report = import_recipients(issei.sessions, args.file)
        if args.json:
            print(json.dumps(report.to_json(), ensure_ascii=False))
        else:
            print(report.summary_ja())
        return EXIT_OK if report.ok else EXIT_INVALID
    export = export_recipients(issei.sessions, args.file, encoding=args.encoding)
    print(export.summary_ja())
    return EXIT_OK if export.ok else EXIT_INVALID


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config_probe = load_config(args.config, args.data_dir)
    except ConfigError as exc:
        print(f"設定エラー: {exc}", file=sys.stderr)
        return EXIT_INVALID
    setup_logging(config_probe.data_dir, verbose=args.verbose, json_stderr=args.log_json)
    if args.verb in (None, "gui"):
        # The console lives in widgets/, which the core never imports: the `issei` entry
        # point (widgets.launcher) opens it before it ever reaches this function.
        parser.error("コンソールは `issei` または `issei gui` で開きます")
    try:
        return asyncio.run(_run(args))
    except ConfigError as exc:
        print(f"設定エラー: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("中断しました（配信待ちは次の起動で再開します）", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
