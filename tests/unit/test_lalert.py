"""L-Alert: the 公共情報コモンズ document (in the structure of the public samples), the file and
HTTP hand-over, corrections continuing the document, and the operator's hand-entry mark."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select, update

from app.compose import lalert as lalert_compose
from app.compose.lalert import (
    COMMONS_NS,
    EDXL_NS,
    EV_NS,
    EVACUATION,
    GENERAL,
    IB_NS,
    REPORT_NS,
    build_lalert_xml,
    check_document,
    detect_kind,
    document_from_payload,
    parse_lalert_ref,
    render_lalert,
)
from app.config import ConfigError
from app.db.models import AuditEntry, Delivery
from app.dispatch import outbox
from app.dispatch.driver import BatchJob, BatchResult, Outcome, Target, TrainingGuardError
from app.dispatch.manual import MarkError, mark_done
from app.domain import DeliveryState, Draft, Medium, Urgency
from app.service import Issei
from drivers.lalert import MANUAL_WAITING, LAlertDriver, LAlertSettings
from tests.helpers import add_recipients, make_config, with_issei

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "lalert-publiccommons"
FIXED = dt.datetime(2026, 7, 1, 9, 30, 0, tzinfo=lalert_compose.JST)
EVAC = Draft(title="避難指示の発令",
             body="土砂災害の危険が高まっています。直ちに避難してください。",
             media=(Medium.LALERT,), urgency=Urgency.EMERGENCY, areas=("中央地区", "北地区"))
NOTICE = Draft(title="給水所の開設", body="本日10時から市役所前で給水を行います。",
               media=(Medium.LALERT,), category="life")
NS = {"e": EDXL_NS, "c": COMMONS_NS, "r": REPORT_NS, "ib": IB_NS, "ev": EV_NS}


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lalert_compose, "clock", lambda: FIXED)


def lalert_settings(**kwargs: Any) -> LAlertSettings:
    values: dict[str, Any] = {"organization_code": "282103", "organization_name": "加古川市",
                              "organization_name_kana": "かこがわし", "office_name": "危機管理室",
                              "domain_name": "city.kakogawa.lg.jp", "phone": "079-427-9399"}
    values.update(kwargs)
    return LAlertSettings(**values)


def make_job(draft: Draft = EVAC, *, kind: str = "alert", refs: tuple[str, ...] = (),
             training: bool = False) -> BatchJob:
    return BatchJob(
        message_id=str(uuid.uuid4()), medium=Medium.LALERT, idempotency_key=str(uuid.uuid4()),
        attempt=1, training=training, payload=render_lalert(draft, "ja").payload,
        targets=(Target(1, "public"),), kind=kind, original_refs=refs,
    )


def send(settings: LAlertSettings, *jobs: BatchJob, simulated: bool = False,
         token: str | None = None) -> list[BatchResult]:
    async def run() -> list[BatchResult]:
        driver = LAlertDriver(settings, token, simulated=simulated)
        try:
            return [await driver.send(job) for job in jobs]
        finally:
            await driver.aclose()

    return asyncio.run(run())


def outcome(result: BatchResult) -> Outcome:
    (item,) = result.results
    return item.outcome


def document(draft: Draft, *, training: bool = False) -> bytes:
    payload = render_lalert(draft, "ja").payload
    doc = document_from_payload(payload, lalert_settings().office,
                                distribution_id=str(uuid.uuid4()),
                                document_id=str(uuid.uuid4()), training=training)
    return build_lalert_xml(doc)


# --- what the document says -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "expected"),
    [
        ("避難指示の発令", "直ちに避難", (EVACUATION, "避難指示", "発令")),
        ("避難指示の解除", "解除します", (EVACUATION, "避難指示", "解除")),
        ("高齢者等避難", "避難に時間のかかる方は", (EVACUATION, "高齢者等避難", "発令")),
        ("緊急安全確保", "避難指示に加え、命を守る行動を", (EVACUATION, "緊急安全確保", "発令")),
        ("給水のお知らせ", "市役所前で給水", (GENERAL, "", "")),
    ],
)
def test_kind_is_read_from_the_draft(title: str, body: str,
                                     expected: tuple[str, str, str]) -> None:
    assert detect_kind(Draft(title=title, body=body, media=(Medium.LALERT,))) == expected


def test_the_operator_sees_what_l_alert_will_get() -> None:
    findings = {f.code: f.message for f in render_lalert(EVAC, "ja").findings}
    assert findings["lalert_kind"] == (
        "Lアラートには避難情報（避難指示・発令・中央地区、北地区）として作成します")
    assert "お知らせ" in {f.code: f.message for f in render_lalert(NOTICE, "ja").findings}[
        "lalert_kind"]


def test_evacuation_document_carries_sort_areas_and_identity() -> None:
    root = etree.fromstring(document(EVAC))
    assert check_document(etree.tostring(root), training=False) == []
    assert root.findtext("e:distributionStatus", namespaces=NS) == "Actual"
    assert root.findtext("e:distributionType", namespaces=NS) == "Report"
    assert root.findtext("c:targetArea/c:jisX0402", namespaces=NS) == "282103"
    content = root.find("c:contentObject", NS)
    assert content is not None
    assert content.findtext("c:category", namespaces=NS) == EVACUATION
    assert content.findtext("c:documentRevision", namespaces=NS) == "1"
    report = content.find("e:xmlContent/e:embeddedXMLContent/r:Report", NS)
    assert report is not None
    assert report.findtext("r:Control/r:Title", namespaces=NS) == EVACUATION
    assert report.findtext("ib:Head/ib:Title", namespaces=NS) == (
        "加古川市: 避難勧告・指示情報　発令")
    assert report.findtext("ib:Head/ib:CreateDateTime", namespaces=NS) == (
        "2026-07-01T09:30:00+09:00")
    detail = report.find("ev:EvacuationOrder/ev:Detail", NS)
    assert detail is not None
    assert (detail.findtext("ev:Sort", namespaces=NS),
            detail.findtext("ev:IssueOrLift", namespaces=NS)) == ("避難指示", "発令")
    names = [a.findtext(f"{{{COMMONS_NS}}}areaName") for a in detail.iter(
        f"{{{REPORT_NS.replace('pcxml1/3', 'pcxml1/elementBasis3/')}}}Location")]
    assert names == ["中央地区", "北地区"]


def test_notice_is_general_information_with_the_whole_text_in_the_headline() -> None:
    root = etree.fromstring(document(NOTICE, training=True))
    assert check_document(etree.tostring(root), training=True) == []
    assert root.findtext("e:distributionStatus", namespaces=NS) == "Exercise"
    assert root.findtext("c:contentObject/c:category", namespaces=NS) == GENERAL
    text = root.findtext(".//ib:Headline/ib:Text", namespaces=NS) or ""
    assert text == f"{NOTICE.title}\n{NOTICE.body}"
    assert root.find(".//ev:EvacuationOrder", NS) is None


def test_check_refuses_an_actual_document_in_training_and_missing_fields() -> None:
    assert any("Exercise" in p for p in check_document(document(EVAC), training=True))
    broken = document(EVAC).replace("<pcx_ev:Sort>避難指示</pcx_ev:Sort>".encode(),
                                    b"<pcx_ev:Sort/>")
    assert any("Sort" in p for p in check_document(broken, training=False))
    assert check_document(b"<!DOCTYPE x><x/>", training=False)


# --- the structure of the public samples (read from ../shared, never copied) -------------------


def _paths(root: etree._Element) -> list[tuple[str, ...]]:
    out = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        chain: list[str] = []
        node: etree._Element | None = element
        while node is not None:
            chain.append(etree.QName(node).text)
            node = node.getparent()
        out.append(tuple(reversed(chain)))
    return out


def _children(root: etree._Element, path: tuple[str, ...]) -> list[str]:
    for element in root.iter():
        if isinstance(element.tag, str) and _paths_of(element) == path:
            return [etree.QName(c).text for c in element if isinstance(c.tag, str)]
    return []


def _paths_of(element: etree._Element) -> tuple[str, ...]:
    chain = []
    node: etree._Element | None = element
    while node is not None:
        chain.append(etree.QName(node).text)
        node = node.getparent()
    return tuple(reversed(chain))


def _sample(relative: str) -> etree._Element:
    path = SAMPLES / relative
    if not path.exists():
        pytest.skip(f"public L-Alert samples not found at {SAMPLES} (../shared is absent)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    return etree.parse(str(path), parser).getroot()


@pytest.mark.parametrize(
    ("draft", "samples"),
    [
        (EVAC, ["lgdis-history-samples/adsoltestbest@8c3c62d.xml",
                "lgdis-templates/commons_evacuation.xml"]),
        # the envelope, Control and Head are the same for every category: the FMMC sample
        # shows them filled in, the お知らせ template shows what a GeneralInformation has
        (NOTICE, ["lgdis-templates/commons_event_announcements.xml",
                  "lgdis-history-samples/adsoltestbest@8c3c62d.xml"]),
    ],
    ids=["evacuation", "announcement"],
)
def test_every_element_we_write_is_where_the_public_samples_have_it(
    draft: Draft, samples: list[str]
) -> None:
    ours = etree.fromstring(document(draft))
    known = {p for s in samples for p in _paths(_sample(s))}
    foreign = sorted(set(_paths(ours)) - known)
    assert foreign == [], foreign
    # and in the samples' order, for each container both have
    reference = _sample(samples[0])
    for path in {p for p in _paths(ours) if _children(ours, p)}:
        theirs = [c for c in _children(reference, path)]
        mine = [c for c in _children(ours, path) if c in theirs]
        order = [c for c in dict.fromkeys(theirs) if c in mine]
        assert list(dict.fromkeys(mine)) == order, (path, mine, theirs)


def test_the_fmmc_sample_has_what_l_alert_needs_to_route_it() -> None:
    sample = etree.tostring(_sample("lgdis-history-samples/adsoltestbest@8c3c62d.xml"))
    assert check_document(sample, training=False) == []  # our own check accepts the real one


# --- hand-over: file, HTTP, correction ----------------------------------------------------------


def test_file_is_written_and_its_path_is_the_reference(tmp_path: Path) -> None:
    job = make_job()
    [result] = send(lalert_settings(out_dir=str(tmp_path / "lalert")), job)

    assert outcome(result) == Outcome.SENT
    ref = result.results[0].provider_ref or ""
    path = Path(ref)
    assert path.parent == tmp_path / "lalert" and path.exists()
    assert parse_lalert_ref(ref) == (job.message_id, 1)
    root = etree.fromstring(path.read_bytes())
    assert root.findtext("e:distributionID", namespaces=NS) == job.idempotency_key


def test_a_correction_continues_the_document_with_the_next_revision(tmp_path: Path) -> None:
    first = make_job()
    [r1] = send(lalert_settings(out_dir=str(tmp_path)), first)
    ref = r1.results[0].provider_ref or ""
    fix = make_job(replace(EVAC, title="【訂正】避難指示の発令", kind="correction"),
                   kind="correction", refs=(ref,))
    [r2] = send(lalert_settings(out_dir=str(tmp_path)), fix)

    assert parse_lalert_ref(r2.results[0].provider_ref or "") == (first.message_id, 2)
    root = etree.fromstring(Path(r2.results[0].provider_ref or "").read_bytes())
    assert root.findtext("e:distributionType", namespaces=NS) == "Update"
    assert root.findtext("c:contentObject/c:previousDocumentRevision", namespaces=NS) == "1"


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_POST(self) -> None:
                receiver.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/renkei/lalert"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    threading.Thread(target=running.server.serve_forever, daemon=True).start()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.mark.parametrize(("status", "expected", "medium_error"),
                         [(202, Outcome.SENT, False), (503, Outcome.TEMPORARY, False),
                          (401, Outcome.PERMANENT, True), (400, Outcome.PERMANENT, False)])
def test_http_publish(receiver: Receiver, status: int, expected: Outcome,
                      medium_error: bool) -> None:
    receiver.status = status
    [result] = send(lalert_settings(base_url=receiver.url), make_job())
    assert outcome(result) == expected
    assert (result.medium_error is not None) == medium_error
    [body] = receiver.bodies
    assert check_document(body, training=False) == []
    if expected is Outcome.SENT:
        assert parse_lalert_ref(result.results[0].provider_ref or "") is not None


def test_training_guard_and_drill(tmp_path: Path, receiver: Receiver) -> None:
    with pytest.raises(TrainingGuardError):
        send(lalert_settings(base_url=receiver.url), make_job(training=True))
    assert receiver.bodies == []
    [drill] = send(lalert_settings(out_dir=str(tmp_path)), make_job(training=True),
                   simulated=True)
    assert outcome(drill) == Outcome.SENT
    written = Path(drill.results[0].provider_ref or "").read_bytes()
    assert b"<edxlde:distributionStatus>Exercise</edxlde:distributionStatus>" in written


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"organization_code": "28210", "organization_name": "加古川市", "out_dir": "x"},
         "数字6桁"),
        ({"organization_code": "282103", "out_dir": "x"}, "organization_name"),
        ({"organization_code": "282103", "organization_name": "加古川市"}, "out_dir"),
        ({"organization_code": "282103", "organization_name": "加古川市", "out_dir": "x",
          "manual": "yes"}, "bool"),
    ],
)
def test_configuration_is_checked(tmp_path: Path, table: dict[str, Any], expected: str) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/c.db")
    config.channels["lalert"] = table
    with pytest.raises(ConfigError, match=expected):
        LAlertSettings.from_config(config)


# --- hand entry: the delivery waits for the operator's mark --------------------------------------


def manual_config(tmp_path: Path, db_url: str) -> Any:
    config = make_config(tmp_path, db_url)
    config.channels["lalert"] = {"organization_code": "282103", "organization_name": "加古川市",
                                 "out_dir": str(tmp_path / "lalert"), "manual": True}
    config.configured_media.add("lalert")
    return config


def test_manual_entry_waits_until_marked_then_the_ledger_says_delivered(
    tmp_path: Path, db_url: str
) -> None:
    config = manual_config(tmp_path, db_url)

    async def body(issei: Issei) -> None:
        message_id = issei.send(EVAC)
        run = asyncio.create_task(issei.engine.run(until_idle=True, message_id=message_id))
        for _ in range(200):  # the driver writes the document and leaves it waiting
            await asyncio.sleep(0.05)
            with issei.sessions() as session:
                error = session.scalar(select(Delivery.last_error).where(
                    Delivery.message_id == message_id))
            if error:
                break
        assert error and error.startswith(MANUAL_WAITING)
        counts = issei.counts(message_id)["lalert"]
        assert (counts.pending, counts.sent, counts.failed) == (1, 0, 0)
        # Handed over: `send --wait` returns (the delivery stays pending in the ledger) and
        # no worker claims it again, so nothing retries or nags until it is marked.
        await asyncio.wait_for(run, 5.0)
        assert not outbox.work_left(issei.sessions, message_id)
        await issei.engine.run(until_idle=True)
        assert len(list((tmp_path / "lalert").glob("lalert-*.xml"))) == 1
        files = list((tmp_path / "lalert").glob("lalert-*.xml"))
        assert len(files) == 1 and str(files[0]) in error

        result = mark_done(issei.sessions, message_id, "lalert", note="防災課 山田 10:05 入力",
                           operator="yamada")
        assert (result.marked, result.already) == (1, 0)
        counts = issei.counts(message_id)["lalert"]
        assert (counts.sent, counts.pending) == (1, 0)
        with issei.sessions() as session:
            state = session.scalar(select(Delivery.state).where(
                Delivery.message_id == message_id))
            entry = session.scalars(select(AuditEntry).where(
                AuditEntry.action == "mark_done")).one()
        assert state == DeliveryState.DELIVERED.value
        assert entry.operator == "yamada" and entry.detail["note"] == "防災課 山田 10:05 入力"
        assert not outbox.work_left(issei.sessions, message_id)
        again = mark_done(issei.sessions, message_id, "lalert")
        assert (again.marked, again.already) == (0, 1)

    with_issei(config, body)


def test_sent_and_failed_public_deliveries_can_be_marked_but_not_lists(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, f"sqlite:///{tmp_path}/m.db", training=True)

    async def body(issei: Issei) -> None:
        add_recipients(issei, emails=["a@example.jp"])
        message_id = issei.send(replace(EVAC, media=(Medium.LALERT, Medium.EMAIL, Medium.CAP)))
        await issei.engine.run(until_idle=True)
        assert issei.counts(message_id)["lalert"].sent == 1
        assert mark_done(issei.sessions, message_id, "lalert").marked == 1  # sent -> delivered
        with issei.sessions.begin() as session:  # the CAP hand-over failed; done by hand
            session.execute(update(Delivery).where(Delivery.message_id == message_id,
                                                   Delivery.medium == "cap")
                            .values(state="failed", last_error="x"))
        assert mark_done(issei.sessions, message_id, "CAP").marked == 1
        with pytest.raises(MarkError, match="受信者ごと"):
            mark_done(issei.sessions, message_id, "email")
        with pytest.raises(MarkError, match="ありません"):
            mark_done(issei.sessions, message_id, "website")
        with pytest.raises(MarkError, match="媒体"):
            mark_done(issei.sessions, message_id, "pigeon")
        with pytest.raises(MarkError, match="見つかりません"):
            mark_done(issei.sessions, str(uuid.uuid4()), "lalert")
        with issei.sessions.begin() as session:
            session.execute(update(Delivery).where(Delivery.message_id == message_id,
                                                   Delivery.medium == "lalert")
                            .values(state="sending"))
        with pytest.raises(MarkError, match="送信処理中"):
            mark_done(issei.sessions, message_id, "lalert")
        with issei.sessions.begin() as session:
            session.execute(update(Delivery).where(Delivery.message_id == message_id,
                                                   Delivery.medium == "lalert")
                            .values(state="cancelled"))
        with pytest.raises(MarkError, match="取りやめ"):
            mark_done(issei.sessions, message_id, "lalert")

    with_issei(config, body)
