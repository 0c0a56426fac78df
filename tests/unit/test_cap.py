"""CAP 1.2: alerts valid against the OASIS XSD, Update/Cancel with references, the HTTP publish,
the Atom index, training, and CAP input that refuses DTDs and entities."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from app.compose import cap as cap_compose
from app.compose.cap import (
    ATOM_NS,
    CAP_NS,
    FeedEntry,
    alert_from_payload,
    build_cap_xml,
    render_cap,
    update_feed,
    validate_cap,
)
from app.config import ConfigError
from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target, TrainingGuardError
from app.domain import Draft, Medium, Urgency
from app.ingest.cap import CapInputError, parse_cap, parse_untrusted
from app.service import Issei
from app.translation.compose import MultilingualDraft, Origin, TextTranslation
from drivers.cap import CapDriver, CapSettings, safe_file_name
from drivers.drill import DrillSink
from tests.helpers import make_config, with_issei

DATA = Path(__file__).resolve().parents[1] / "data" / "cap12"
NS = {"c": CAP_NS}
FIXED = dt.datetime(2026, 7, 1, 9, 30, 0, tzinfo=cap_compose.JST)
DRAFT = Draft(title="避難指示", body="中央地区に避難指示を発令しました。直ちに避難してください。",
              media=(Medium.CAP,), urgency=Urgency.EMERGENCY, areas=("中央地区", "北地区"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cap_compose, "clock", lambda: FIXED)


def cap_settings(**kwargs: Any) -> CapSettings:
    values: dict[str, Any] = {"sender": "bousai@city.kakogawa.lg.jp", "sender_name": "加古川市",
                              "area_codes": ["282103"], "area_desc": "兵庫県加古川市",
                              "base_url": "", "timeout": 2.0}
    values.update(kwargs)
    return CapSettings(**values)


def make_job(draft: Draft = DRAFT, *, kind: str = "alert", refs: tuple[str, ...] = (),
             training: bool = False, attempt: int = 1,
             payload: dict[str, Any] | None = None, message_id: str | None = None) -> BatchJob:
    return BatchJob(
        message_id=message_id or str(uuid.uuid4()), medium=Medium.CAP,
        idempotency_key=str(uuid.uuid4()), attempt=attempt, training=training,
        payload=payload if payload is not None else render_cap(draft, "ja").payload,
        targets=(Target(1, "public"),), kind=kind, original_refs=refs,
    )


def send(settings: CapSettings, *jobs: BatchJob, token: str | None = None,
         simulated: bool = False) -> list[BatchResult]:
    async def run() -> list[BatchResult]:
        driver = CapDriver(settings, token, simulated=simulated)
        try:
            return [await driver.send(job) for job in jobs]
        finally:
            await driver.aclose()

    return asyncio.run(run())


def outcome(result: BatchResult) -> Outcome:
    (item,) = result.results
    return item.outcome


# --- a CAP receiver on 127.0.0.1 that validates what it gets against the XSD ------------------


class CapReceiver:
    def __init__(self, token: str | None = None) -> None:
        self.token = token
        self.received: list[tuple[dict[str, str], bytes, list[str]]] = []
        self.answers: deque[tuple[int, float]] = deque()
        self._stop = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, delay = receiver.answers.popleft() if receiver.answers else (201, 0.0)
                if receiver.token and headers.get("authorization") != f"Bearer {receiver.token}":
                    status = 401
                receiver.received.append((headers, raw, validate_cap(raw)))
                receiver._stop.wait(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cap/alerts"

    def __enter__(self) -> CapReceiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[CapReceiver]:
    with CapReceiver(token="cap-token") as running:
        yield running


# --- documents --------------------------------------------------------------------------------


def test_alert_is_valid_cap_12_with_the_municipality_area() -> None:
    job = make_job()
    driver_alert = CapDriver(cap_settings(feed_file="x")).alert(job)
    document = build_cap_xml(driver_alert)

    assert validate_cap(document) == []
    root = etree.fromstring(document)
    assert root.findtext("c:identifier", namespaces=NS) == f"urn:uuid:{job.message_id}"
    assert root.findtext("c:sent", namespaces=NS) == "2026-07-01T09:30:00+09:00"
    assert root.findtext("c:status", namespaces=NS) == "Actual"
    assert root.findtext("c:msgType", namespaces=NS) == "Alert"
    assert root.findtext("c:scope", namespaces=NS) == "Public"
    (info,) = root.findall("c:info", NS)
    assert [info.findtext(f"c:{n}", namespaces=NS) for n in
            ("language", "category", "urgency", "severity", "certainty", "headline")] == [
        "ja-JP", "Safety", "Immediate", "Severe", "Observed", "避難指示"]
    assert info.findtext("c:area/c:areaDesc", namespaces=NS) == "兵庫県加古川市（中央地区、北地区）"
    assert info.findtext("c:area/c:geocode/c:value", namespaces=NS) == "282103"


def test_training_is_an_exercise_and_never_actual() -> None:
    payload = render_cap(replace(DRAFT, training=True), "ja").payload
    alert = alert_from_payload(payload, identifier="urn:uuid:x", sender="a@b")
    document = build_cap_xml(alert)
    assert alert.status == "Exercise" and validate_cap(document) == []
    assert alert.infos[0].headline.startswith("【訓練】")

    # a stored payload that says Actual for a training job is refused, not sent
    actual = render_cap(DRAFT, "ja").payload
    [result] = send(cap_settings(base_url="http://127.0.0.1:9/never"),
                    make_job(payload=actual, training=True), simulated=True)
    assert outcome(result) == Outcome.PERMANENT and "Actual" in (result.results[0].error or "")


def test_one_info_per_language_with_the_reviewed_translation() -> None:
    english = TextTranslation("en", "Evacuation order", "Evacuate Chuo district now.",
                              DRAFT.title, DRAFT.body, Origin.MANUAL, reviewed=True)
    draft = MultilingualDraft(DRAFT.title, DRAFT.body, (Medium.CAP,), urgency=Urgency.EMERGENCY,
                              languages=("ja", "en"), translations=(english,))
    payload = render_cap(draft, "ja").payload
    document = build_cap_xml(alert_from_payload(payload, identifier="urn:uuid:x",
                                                sender="a@b"))
    assert validate_cap(document) == []
    infos = etree.fromstring(document).findall("c:info", NS)
    assert [(i.findtext("c:language", namespaces=NS), i.findtext("c:headline", namespaces=NS))
            for i in infos] == [("ja-JP", "避難指示"), ("en-US", "Evacuation order")]


@pytest.mark.parametrize(("kind", "msg_type"), [("correction", "Update"),
                                                ("cancellation", "Cancel")])
def test_update_and_cancel_reference_the_original(kind: str, msg_type: str) -> None:
    original = CapDriver(cap_settings(feed_file="x")).alert(make_job())
    ref = cap_compose.reference(original)
    follow = make_job(replace(DRAFT, kind=kind, title=f"【訂正】{DRAFT.title}"), kind=kind,
                      refs=(ref,))
    alert = CapDriver(cap_settings(feed_file="x")).alert(follow)
    document = build_cap_xml(alert)

    assert validate_cap(document) == []
    root = etree.fromstring(document)
    assert root.findtext("c:msgType", namespaces=NS) == msg_type
    assert root.findtext("c:references", namespaces=NS) == ref
    assert ref.count(",") == 2 and ref.endswith("2026-07-01T09:30:00+09:00")
    # without the original's reference it cannot be an Update: it goes out as a new alert
    alone = CapDriver(cap_settings(feed_file="x")).alert(make_job(kind=kind))
    assert (alone.msg_type, alone.references) == ("Alert", ())


def test_schema_and_cap_rules_find_broken_documents() -> None:
    assert validate_cap((DATA / "invalid.cap").read_bytes())  # no scope
    assert validate_cap((DATA / "wmo-bz-invalid_schema.xml").read_bytes())  # no sender
    for name in ("cap_amber_alert_example.xml", "wmo-at-valid.xml", "wmo-us-valid.xml",
                 "43b080713727.cap", "thunderstorm.cap", "earthquake-iso8859-1.cap"):
        assert validate_cap((DATA / name).read_bytes()) == [], name
    bad_id = alert_from_payload(render_cap(DRAFT, "ja").payload, identifier="a b",
                                sender="a@b")
    assert any("identifier" in p for p in validate_cap(build_cap_xml(bad_id)))
    no_refs = replace(bad_id, identifier="x", msg_type="Update")
    assert any("references" in p for p in validate_cap(build_cap_xml(no_refs)))
    assert validate_cap(b"<alert") and validate_cap(b"<a/>")


def test_invalid_payload_is_refused_before_sending(receiver: CapReceiver) -> None:
    payload = render_cap(DRAFT, "ja").payload
    payload["infos"][0]["urgency"] = "Now"  # not in CAP's enumeration
    [result] = send(cap_settings(base_url=receiver.url), make_job(payload=payload),
                    token="cap-token")
    assert outcome(result) == Outcome.PERMANENT
    assert "CAP 1.2" in (result.results[0].error or "")
    assert receiver.received == []


def test_renderer_reports_an_empty_draft() -> None:
    rendition = render_cap(replace(DRAFT, body=" "), "ja")
    assert [f.code for f in rendition.findings] == ["body_empty"]


# --- publishing -------------------------------------------------------------------------------


def test_post_to_the_endpoint_carries_a_valid_alert_and_the_triple_is_the_reference(
    receiver: CapReceiver,
) -> None:
    job = make_job()
    [result] = send(cap_settings(base_url=receiver.url), job, token="cap-token")

    assert outcome(result) == Outcome.SENT
    [(headers, _, problems)] = receiver.received
    assert problems == []
    assert headers["content-type"] == "application/cap+xml; charset=utf-8"
    assert result.results[0].provider_ref == (
        f"bousai@city.kakogawa.lg.jp,urn:uuid:{job.message_id},2026-07-01T09:30:00+09:00")


def test_a_retry_is_the_same_document(receiver: CapReceiver) -> None:
    receiver.answers.extend([(503, 0.0), (201, 0.0)])
    job = make_job()
    r1, r2 = send(cap_settings(base_url=receiver.url), job, replace(job, attempt=2),
                  token="cap-token")
    assert (outcome(r1), outcome(r2)) == (Outcome.TEMPORARY, Outcome.SENT)
    assert "503" in (r1.results[0].error or "")
    assert receiver.received[0][1] == receiver.received[1][1]  # same identifier, same sent


def test_refused_token_is_a_medium_error(receiver: CapReceiver) -> None:
    [result] = send(cap_settings(base_url=receiver.url), make_job(), token="wrong")
    assert outcome(result) == Outcome.PERMANENT
    assert result.medium_error and "ISSEI_CAP_TOKEN" in result.medium_error


def test_timeout_and_dead_endpoint_are_temporary(receiver: CapReceiver) -> None:
    receiver.answers.append((201, 3.0))
    started = time.monotonic()
    [slow] = send(cap_settings(base_url=receiver.url, timeout=0.5), make_job(),
                  token="cap-token")
    assert time.monotonic() - started < 2.0
    assert outcome(slow) == Outcome.TEMPORARY and "時間内" in (slow.results[0].error or "")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        [dead] = send(cap_settings(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}/"),
                      make_job())
    assert outcome(dead) == Outcome.TEMPORARY and "接続できません" in (dead.results[0].error or "")


def test_atom_feed_lists_each_alert_once_newest_first(tmp_path: Path) -> None:
    feed = tmp_path / "public" / "cap" / "feed.xml"
    settings = cap_settings(feed_file=str(feed), feed_url="https://www.city.example.lg.jp/cap",
                            feed_entries=2)
    jobs = [make_job(), make_job(), make_job()]
    results = send(settings, jobs[0], jobs[1], replace(jobs[1], attempt=2), jobs[2])
    assert {outcome(r) for r in results} == {Outcome.SENT}

    root = parse_untrusted(feed.read_bytes())
    assert root.tag == f"{{{ATOM_NS}}}feed"
    for name in ("id", "title", "updated", f"author/{{{ATOM_NS}}}name"):
        assert root.findtext(f"{{{ATOM_NS}}}{name}"), name
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    ids = [e.findtext(f"{{{ATOM_NS}}}id") for e in entries]
    assert ids == [f"urn:uuid:{jobs[2].message_id}", f"urn:uuid:{jobs[1].message_id}"]
    link = entries[0].find(f"{{{ATOM_NS}}}link")
    assert link is not None and link.get("type") == "application/cap+xml"
    name = safe_file_name(f"urn:uuid:{jobs[2].message_id}")
    assert link.get("href") == f"https://www.city.example.lg.jp/cap/{name}"
    assert validate_cap((feed.parent / name).read_bytes()) == []
    assert not list(feed.parent.glob(".*.tmp"))  # atomic writes leave nothing behind


def test_a_damaged_feed_is_rebuilt() -> None:
    entry = FeedEntry("urn:uuid:1", "t", "2026-07-01T09:30:00+09:00", "s", "1.xml")
    rebuilt = update_feed(b"<feed><entry>", entry, feed_id="tag:x", title="t", author="a")
    assert len(etree.fromstring(rebuilt).findall(f"{{{ATOM_NS}}}entry")) == 1


# --- training ---------------------------------------------------------------------------------


def test_training_job_on_a_real_driver_is_refused(receiver: CapReceiver) -> None:
    with pytest.raises(TrainingGuardError):
        send(cap_settings(base_url=receiver.url), make_job(training=True))
    assert receiver.received == []


def test_drill_lands_in_the_sink_and_the_drill_folder(tmp_path: Path) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/c.db", training=True)
    config.channels["cap"] = {"sender": "bousai@city.kakogawa.lg.jp", "area_codes": ["282103"],
                              "base_url": "https://cap.example.jp/never",
                              "feed_file": str(tmp_path / "public" / "feed.xml")}
    config.configured_media.add("cap")

    async def body(issei: Issei) -> None:
        message_id = issei.send(DRAFT)
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["cap"].sent == 1

    with_issei(config, body)
    [record] = [json.loads(line) for line in
                (tmp_path / "drill" / "cap.jsonl").read_text(encoding="utf-8").splitlines()]
    document = str(record["body"]).encode()
    assert validate_cap(document) == []
    assert b"<status>Exercise</status>" in document
    assert (tmp_path / "drill" / "cap" / "feed.xml").exists()
    assert not (tmp_path / "public").exists()  # the real feed was never touched


def test_drill_sink_accepts_cap(tmp_path: Path) -> None:
    sink = DrillSink(tmp_path / "drill").start()
    try:
        [result] = send(cap_settings(base_url=sink.http_url("cap")),
                        make_job(replace(DRAFT, training=True), training=True), simulated=True)
    finally:
        sink.stop()
    assert outcome(result) == Outcome.SENT


# --- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"sender": "防災 課", "feed_file": "f"}, "sender"),
        ({"sender": "a@b", "feed_file": "f", "area_codes": ["28210"]}, None),
        ({"sender": "a@b", "feed_file": "f", "area_codes": ["2821"]}, "area_codes"),
        ({"sender": "a@b"}, "base_url か feed_file"),
        ({"sender": "a@b", "feed_file": "f", "token": "x"}, "ISSEI_CAP_TOKEN"),
        ({"sender": "a@b", "base_url": "ftp://x"}, "http"),
    ],
)
def test_configuration_is_checked(tmp_path: Path, table: dict[str, Any],
                                  expected: str | None) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/c.db")
    config.channels["cap"] = table
    if expected is None:
        CapSettings.from_config(config)
    else:
        with pytest.raises(ConfigError, match=expected):
            CapSettings.from_config(config)


# --- CAP input: no DTD, no entity, ever --------------------------------------------------------


def test_xee_sample_is_rejected() -> None:
    with pytest.raises(CapInputError, match="DOCTYPE"):
        parse_cap((DATA / "xee.cap").read_bytes())


def test_billion_laughs_is_rejected_at_once() -> None:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    ]
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE alert [\n' + "\n".join(entities) + "\n]>\n"
            f'<alert xmlns="{CAP_NS}"><identifier>&lol9;</identifier></alert>').encode()
    started = time.monotonic()
    with pytest.raises(CapInputError):
        parse_cap(bomb)
    assert time.monotonic() - started < 0.5


def test_external_entity_is_never_fetched() -> None:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for document in (
            f'<!DOCTYPE alert SYSTEM "{url}/x.dtd"><alert xmlns="{CAP_NS}"/>',
            f'<!DOCTYPE alert [<!ENTITY x SYSTEM "{url}/e">]><alert xmlns="{CAP_NS}">&x;</alert>',
            f'<!DOCTYPE alert [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f'<alert xmlns="{CAP_NS}"><note>&x;</note></alert>',
        ):
            for data in (document.encode(), document.encode("utf-16")):
                with pytest.raises(CapInputError):
                    parse_cap(data)
            with pytest.raises(CapInputError):  # the parser alone refuses it too
                from app.ingest import cap as ingest

                root = etree.fromstring(document.encode(), ingest._parser())
                doc = root.getroottree().docinfo
                if doc.doctype:
                    raise CapInputError("doctype")
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []


def test_real_alerts_parse_and_broken_ones_report_their_problems() -> None:
    amber = parse_cap((DATA / "cap_amber_alert_example.xml").read_bytes())
    assert amber.problems == () and amber.alert.msg_type == "Alert"
    assert amber.alert.infos and amber.alert.infos[0].event
    latin = parse_cap((DATA / "earthquake-iso8859-1.cap").read_bytes())
    assert latin.problems == ()
    broken = parse_cap((DATA / "invalid.cap").read_bytes())
    assert broken.problems and broken.alert.identifier == "12345"
    ours = build_cap_xml(CapDriver(cap_settings(feed_file="x")).alert(make_job()))
    parsed = parse_cap(ours)
    assert parsed.problems == () and parsed.alert.infos[0].areas[0].geocodes == (
        ("JISX0402", "282103"),)


def test_other_xml_and_huge_input_are_refused() -> None:
    with pytest.raises(CapInputError, match="alert"):
        parse_cap(b"<feed xmlns='http://www.w3.org/2005/Atom'/>")
    with pytest.raises(CapInputError, match="大きすぎ"):
        parse_cap(b"<alert>" + b" " * (6 * 1024 * 1024) + b"</alert>")
    with pytest.raises(CapInputError, match="読めません"):
        parse_cap(b"<alert><unclosed></alert>")
