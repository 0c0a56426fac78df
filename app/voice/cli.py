"""CLI verbs for voice and hardware: ``voice``, ``radio``, ``dial``, ``fax``, ``jalert``.

The composition of devices happens here (like app.main for the media drivers): the core
asks for a station or a dialer built from the configuration; the drivers do the I/O.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import ConfigError
from app.voice.audio import AudioError, read_wav, write_wav
from app.voice.config import HardwareConfig, hardware_config
from app.voice.tts import Speaker, TTSError
from app.voice.userdict import UserDictError, UserDictionary

if TYPE_CHECKING:
    from app.service import Issei

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
VERBS = ("voice", "radio", "dial", "jalert", "fax")


def handles(verb: str | None) -> bool:
    return verb in VERBS


def add_subparsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    voice = sub.add_parser("voice", help="音声合成（読みの確認・音声ファイル作成・読み辞書）")
    vsub = voice.add_subparsers(dest="voice_verb", required=True)
    reading = vsub.add_parser("reading", help="読み（カタカナ）を表示する")
    reading.add_argument("text")
    reading.add_argument("--json", action="store_true")
    say = vsub.add_parser("say", help="放送・電話用の音声ファイル（WAV）を作る")
    say.add_argument("text")
    say.add_argument("--out", type=Path, required=True)
    say.add_argument("--reading", help="読みを訂正する（カタカナ）")
    say.add_argument("--phone", action="store_true", help="電話用（8 kHz、確認番号の案内つき）")
    record = vsub.add_parser("record", help="マイクから録音する（無音を除き、音量をそろえて保存）")
    record.add_argument("--seconds", type=float, required=True)
    record.add_argument("--out", type=Path, required=True)
    record.add_argument("--json", action="store_true")
    word = vsub.add_parser("word", help="読み辞書に地名などを登録する")
    word.add_argument("surface", help="表記（例: 月見里）")
    word.add_argument("reading", help="読み（例: ヤマナシ）")

    radio = sub.add_parser("radio", help="防災行政無線")
    rsub = radio.add_subparsers(dest="radio_verb", required=True)
    broadcast = rsub.add_parser(
        "broadcast", help="放送する（開始チャイム・本文・繰り返し・終了チャイム）")
    source = broadcast.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="読み上げる文（音声合成）")
    source.add_argument("--audio", type=Path, help="録音した音声（WAV）")
    broadcast.add_argument("--zones", default="", help="地区（カンマ区切り、省略時は一括）")
    broadcast.add_argument("--reading", help="読みを訂正する（カタカナ）")
    broadcast.add_argument("--title", default="", help="台帳に残す件名")
    broadcast.add_argument("--json", action="store_true")

    dial = sub.add_parser("dial", help="一斉架電（確認番号が押されるまでメッセージを繰り返す）")
    who = dial.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", help="電話番号（カンマ区切り）")
    who.add_argument("--flagged", action="store_true",
                     help="電話連絡が必要な登録者（要配慮者）全員")
    what = dial.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", help="読み上げる文（音声合成）")
    what.add_argument("--audio", type=Path, help="録音した音声（WAV）")
    dial.add_argument("--reading", help="読みを訂正する（カタカナ）")
    dial.add_argument("--title", default="", help="台帳に残す件名")
    dial.add_argument("--json", action="store_true")

    fax = sub.add_parser("fax", help="FAXを送る（A4・大きな文字）")
    fax_who = fax.add_mutually_exclusive_group(required=True)
    fax_who.add_argument("--to", help="FAX番号（カンマ区切り）")
    fax_who.add_argument("--flagged", action="store_true",
                         help="電話連絡が必要でFAX番号のある登録者全員")
    fax.add_argument("--title", required=True, help="件名（ページの見出し）")
    fax.add_argument("--text", required=True, help="本文")
    fax.add_argument("--json", action="store_true")

    jalert = sub.add_parser("jalert", help="Jアラート受信機の接点・メールを監視する")
    jsub = jalert.add_subparsers(dest="jalert_verb", required=True)
    listen = jsub.add_parser("listen", help="監視して、受信したら警報・手動放送の停止・追加対応")
    listen.add_argument("--seconds", type=float, help="この秒数で終了する（試験用）")
    listen.add_argument("--json", action="store_true", help="受信ごとにJSONを1行出力")


def _split(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace("、", ",").split(",") if p.strip())


def _invalid(message: str, as_json: bool) -> int:
    if as_json:
        print(json.dumps({"error": message}, ensure_ascii=False))
    print(f"エラー: {message}", file=sys.stderr)
    return EXIT_INVALID


def speaker_for(hw: HardwareConfig) -> Speaker:
    words = UserDictionary()
    if hw.voice.dictionary:
        path = hw.path(hw.voice.dictionary)
        if path.exists():
            words = UserDictionary.load(path)
    return Speaker(hw.cache_dir, words, hw.voice.speed)


async def run(issei: Issei, args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    try:
        hw = hardware_config(issei.config)
        if args.verb == "voice" and args.voice_verb == "record":
            return await _run_record(hw, args)
        if args.verb == "voice":
            return _run_voice(hw, args)
        if args.verb == "radio":
            return await _run_radio(issei, hw, args)
        if args.verb == "dial":
            return await _run_dial(issei, hw, args)
        if args.verb == "jalert":
            return await _run_jalert(issei, hw, args)
        if args.verb == "fax":
            return await _run_fax(issei, hw, args)
    except (ConfigError, TTSError, AudioError, UserDictError, ValueError) as exc:
        return _invalid(str(exc), as_json)
    except (RuntimeError, OSError) as exc:  # a device or port that cannot be used
        return _invalid(str(exc), as_json)
    return EXIT_INVALID


def _run_voice(hw: HardwareConfig, args: argparse.Namespace) -> int:
    if args.voice_verb == "word":
        path = hw.path(hw.voice.dictionary)
        words = UserDictionary.load(path) if path.exists() else UserDictionary()
        words = words.with_word(args.surface, args.reading)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(words.to_toml(), encoding="utf-8")
        surface = unicodedata.normalize("NFKC", args.surface).strip()
        added = next(w for w in words.words if w.surface == surface)
        print(f"読み辞書に登録しました: {added.surface} → {added.reading}（{path}）")
        return EXIT_OK
    speaker = speaker_for(hw)
    if args.voice_verb == "reading":
        words = speaker.words(args.text)
        data = {"text": args.text, "reading": speaker.reading(args.text),
                "words": [{"surface": w.surface, "reading": w.reading} for w in words]}
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(data["reading"])
            print(" / ".join(f"{w.surface}（{w.reading}）" for w in words))
        return EXIT_OK
    from app.voice.assembly import phone_message, radio_programme

    if args.phone:
        message = phone_message(speaker, args.text, reading=args.reading)
        audio, spoken = message.audio, message.reading
    else:
        programme = radio_programme(speaker, args.text, reading=args.reading)
        audio, spoken = programme.full(), programme.reading
    write_wav(audio, args.out)
    print(f"{args.out}: {audio.seconds:.1f} 秒（{audio.rate} Hz）読み: {spoken}")
    return EXIT_OK


async def _run_radio(issei: Issei, hw: HardwareConfig, args: argparse.Namespace) -> int:
    from app.voice.assembly import radio_programme
    from drivers.radio.factory import build_station
    from drivers.radio.procedure import RadioError
    from drivers.radio.station import BroadcastRequest

    speaker = speaker_for(hw)
    opening = read_wav(hw.path(hw.voice.opening_chime)) if hw.voice.opening_chime else None
    closing = read_wav(hw.path(hw.voice.closing_chime)) if hw.voice.closing_chime else None
    if args.audio is not None:
        recorded = read_wav(args.audio)
        programme = radio_programme(speaker, recorded=recorded, opening=opening, closing=closing)
        text = f"（録音）{args.audio.name}"
    else:
        programme = radio_programme(speaker, args.text, reading=args.reading, opening=opening,
                                    closing=closing)
        text = args.text
    zones = _split(args.zones)
    title = args.title or (text[:40] if args.text else text)

    def progress(state: Any, note: str) -> None:
        if not args.json:
            print(f"  {state.label}{'（' + note + '）' if note else ''}", file=sys.stderr)

    station = build_station(hw, issei.sessions, issei.console, on_state=progress)
    try:
        if station.simulated and not args.json:
            print("訓練モード（実機未接続）: 無線はシミュレータです", file=sys.stderr)
        try:
            record = await station.broadcast(BroadcastRequest(
                programme, zones, f"【防災無線】{title}", text, operator=""))
        except RadioError as exc:
            return _invalid(str(exc), args.json)
    finally:
        await station.aclose()
    r = record.result
    data = {
        "message_id": record.message_id,
        "state": r.state.value,
        "ok": r.ok,
        "zones": list(zones),
        "backend": r.backend,
        "simulated": station.simulated,
        "seconds": round(programme.seconds, 2),
        "reading": programme.reading,
        "keyed_at": r.keyed_at.isoformat() if r.keyed_at else None,
        "on_air_at": r.on_air_at.isoformat() if r.on_air_at else None,
        "released_at": r.released_at.isoformat() if r.released_at else None,
        "error": r.error,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        where = "、".join(zones) or "一括"
        if r.ok:
            print(f"放送しました（{where}、{programme.seconds:.0f}秒）配信ID {record.message_id}")
        else:
            print(f"放送できませんでした（{where}）: {r.error}  配信ID {record.message_id}")
    return EXIT_OK if r.ok else EXIT_FAILED


def _flagged(issei: Issei, column: str = "phone") -> list[tuple[int | None, str]]:
    from sqlalchemy import select

    from app.db.models import Recipient

    number = getattr(Recipient, column)
    with issei.sessions() as session:
        rows = session.execute(
            select(Recipient.id, number).where(
                Recipient.needs_phone_call.is_(True), Recipient.active.is_(True),
                number.is_not(None), number != "")
            .order_by(Recipient.id)
        ).all()
    return [(rid, _number(phone)) for rid, phone in rows]


def _number(text: str) -> str:
    """Digits only: 03-1234-5678 and ０３（１２３４）５６７８ dial the same."""
    digits = "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit() or c in "*#")
    if not digits:
        raise ValueError(f"電話番号「{text}」に数字がありません")
    return digits


async def _run_dial(issei: Issei, hw: HardwareConfig, args: argparse.Namespace) -> int:
    from app.voice.assembly import phone_message
    from drivers.dialer.campaign import Campaign, CampaignSettings, Line
    from drivers.dialer.profiles import profile

    targets = _flagged(issei) if args.flagged else [(None, _number(n)) for n in _split(args.to)]
    if not targets:
        return _invalid("発信先がありません（--to か、電話連絡が必要な登録者）", args.json)
    speaker = speaker_for(hw)
    if args.audio is not None:
        message = phone_message(speaker, recorded=read_wav(args.audio))
        text = f"（録音）{args.audio.name}"
    else:
        message = phone_message(speaker, args.text, reading=args.reading)
        text = args.text
    d = hw.dialer
    lines: list[Line]
    if hw.training or d.backend == "simulator":
        from drivers.dialer.simulator import SimulatedLine

        lines = [SimulatedLine()]
        if not args.json:
            print("訓練モード（実機未接続）: 電話はシミュレータです", file=sys.stderr)
    elif d.backend == "sip":
        from drivers.dialer.sip import sip_lines

        lines = list(sip_lines(d, issei.config.secret("dialer", "sip_password")))
    else:
        from drivers.dialer.v253 import V253Modem

        lines = [V253Modem(str(url), profile(d.profile), country=d.country) for url in d.ports]
    settings = CampaignSettings(max_attempts=d.max_attempts, retry_delay=d.retry_delay,
                                answer_timeout=d.answer_timeout,
                                confirm_timeout=d.confirm_timeout, confirm_digit=d.confirm_digit)

    def progress(record: Any) -> None:
        if not args.json:
            print(f"  {record.number}: {record.outcome.label}（{record.attempts}回）",
                  file=sys.stderr)

    campaign = Campaign(lines, settings, sessions=issei.sessions, console=issei.console,
                        training=hw.training, on_call=progress)
    title = args.title or (text[:40] if args.text else text)
    result = await campaign.run(targets, message.audio, title=f"【一斉架電】{title}", text=text)
    calls = [c.as_json() for c in result.calls]
    if args.json:
        print(json.dumps({"message_id": result.message_id, "calls": calls},
                         ensure_ascii=False))
    else:
        confirmed = sum(1 for c in calls if c["outcome"] == "confirmed")
        print(f"{len(calls)} 件に発信し、{confirmed} 件で確認番号が押されました"
              f"（配信ID {result.message_id}）")
    return EXIT_OK if all(c["outcome"] == "confirmed" for c in calls) else EXIT_FAILED


async def _run_jalert(issei: Issei, hw: HardwareConfig, args: argparse.Namespace) -> int:
    import asyncio

    from app.voice.alarm import FollowUp, JAlertAlarm, JAlertEvent, JAlertMonitor
    from drivers.radio.factory import build_station

    j = hw.jalert
    if not j.port and not j.smtp_port:
        return _invalid("[jalert] port（接点）か smtp_port（メール）を設定してください", args.json)
    station = build_station(hw, issei.sessions, issei.console)
    follow_ups: list[FollowUp] = []
    if j.dial_flagged:
        async def dial_flagged(event: JAlertEvent) -> None:
            dial_args = argparse.Namespace(flagged=True, to=None, text=j.dial_text, audio=None,
                                           reading=None, title=f"Jアラート: {event.title}",
                                           json=args.json)
            await _run_dial(issei, hw, dial_args)

        follow_ups.append(dial_flagged)
    monitor = JAlertMonitor(issei.events, issei.sessions, console=issei.console,
                            radio=station, follow_ups=follow_ups)
    monitor.attach(asyncio.get_running_loop())

    def show(event: object) -> None:
        if not isinstance(event, JAlertAlarm):
            return
        e = event.event
        if args.json:
            print(json.dumps({"source": e.source, "title": e.title, "body": e.body,
                              "sender": e.sender, "test": e.is_test,
                              "received_at": e.received_at.isoformat(),
                              "preempted": event.preempted}, ensure_ascii=False), flush=True)
        else:
            print(f"【Jアラート受信】{e.title}{'（テスト）' if e.is_test else ''}", flush=True)

    unsubscribe = issei.events.subscribe(show)
    watcher = listener = None
    try:
        if j.port:
            from drivers.jalert.contact import ContactWatcher

            def contact(active: bool) -> None:
                monitor.submit(JAlertEvent("contact", "Jアラート起動接点", active=active))

            watcher = ContactWatcher(j.port, contact, line=j.line, active_high=j.active_high,
                                     debounce=j.debounce, supply_line=j.supply_line).start()
        if j.smtp_port:
            from drivers.jalert.mail import MailListener

            listener = MailListener(monitor.submit, host=j.smtp_host, port=j.smtp_port,
                                    allowed_senders=j.allowed_senders).start()
        if not args.json:
            print("Jアラートの監視を始めました（Ctrl+C で終了）", file=sys.stderr)
        if args.seconds is not None:
            await asyncio.sleep(args.seconds)
        else:
            await asyncio.Event().wait()
    finally:
        unsubscribe()
        if listener is not None:
            listener.stop()
        if watcher is not None:
            watcher.stop()
        await monitor.aclose()
        await station.aclose()
    return EXIT_OK


async def _run_fax(issei: Issei, hw: HardwareConfig, args: argparse.Namespace) -> int:
    import asyncio

    from app.voice.fax import FaxPageError, render
    from drivers.dialer.fax import DrillFax, EmailFaxGateway, FaxSender, send_faxes

    f = hw.fax
    targets = (_flagged(issei, "fax") if args.flagged
               else [(None, _number(n)) for n in _split(args.to)])
    if not targets:
        return _invalid("送信先がありません（--to か、FAX番号のある要配慮者）", args.json)
    try:
        document = await asyncio.to_thread(render, args.title, args.text,
                                           sender=f.sender_name, font_path=f.font)
    except FaxPageError as exc:
        return _invalid(str(exc), args.json)
    sender: FaxSender
    if hw.training or f.backend == "drill":
        sender = DrillFax(hw.data_dir / "drill" / "fax")
    elif f.backend == "efax":
        from drivers.dialer.efax import EfaxModem

        sender = EfaxModem(f.device, program=f.efax, fax_class=f.fax_class,
                           station_id=f.station_id)
    else:
        sender = EmailFaxGateway(f.gateway_host, f.gateway_port, f.sender, f.address_template,
                                 f.starttls, f.username, issei.config.secret("fax", "password"))
    message_id, records = await send_faxes(
        sender, targets, title=args.title, text=args.text, pdf=document.pdf(),
        pages=len(document.pages), document=document, sessions=issei.sessions,
        console=issei.console,
        training=hw.training, max_attempts=f.max_attempts, retry_delay=f.retry_delay)
    faxes = [r.as_json() for r in records]
    if args.json:
        print(json.dumps({"message_id": message_id, "pages": len(document.pages),
                          "faxes": faxes}, ensure_ascii=False))
    else:
        sent = sum(1 for r in records if r.sent)
        print(f"{len(records)} 件中 {sent} 件を送信しました（{sender.name}、"
              f"{len(document.pages)}ページ、配信ID {message_id}）")
        for r in records:
            if not r.sent:
                print(f"  失敗: {r.number}: {r.error}")
    return EXIT_OK if all(r.sent for r in records) else EXIT_FAILED


async def _run_record(hw: HardwareConfig, args: argparse.Namespace) -> int:
    """The operator's voice: recorded, silence trimmed, loudness set, saved as WAV."""
    import asyncio

    from app.voice.levels import Level, level, normalise, trim_silence
    from drivers.audio.devices import Recorder

    def meter(reading: Level) -> None:  # the live level meter, on the terminal
        if not args.json:
            bars = max(0, min(40, int((reading.rms_dbfs + 60) / 1.5)))
            mark = " 音割れ!" if reading.clipping else ""
            print(f"\r  {'|' * bars:<40} {reading.rms_dbfs:6.1f} dBFS{mark}", end="",
                  file=sys.stderr)

    if args.seconds <= 0 or args.seconds > 600:
        return _invalid("録音時間は 0〜600 秒で指定してください", args.json)
    recorder = Recorder(hw.voice.input_device, 48_000, on_level=meter)
    recorder.start()
    try:
        await asyncio.sleep(args.seconds)
    finally:
        take = recorder.stop()
    if not args.json:
        print(file=sys.stderr)
    trimmed = trim_silence(take)
    if not len(trimmed.samples):
        return _invalid("声が録音されていません（マイクの接続と音量を確認してください）", args.json)
    result = normalise(trimmed)
    write_wav(result, args.out)
    data = {"file": str(args.out), "seconds": round(result.seconds, 2),
            "recorded_seconds": round(take.seconds, 2), "clipped": recorder.clipped,
            "rms_dbfs": round(level(result.samples).rms_dbfs, 1)}
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(f"{args.out}: {result.seconds:.1f} 秒を保存しました"
              "（無音を除き、音量をそろえました）")
        if recorder.clipped:
            print("注意: 音が大きすぎて割れています。マイクから少し離れて録り直してください")
    return EXIT_OK
