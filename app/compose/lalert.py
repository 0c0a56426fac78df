"""L-Alert (Lアラート, 公共情報コモンズ): the document a municipality hands to L-Alert.

L-Alert's XML definitions are given only to registered participants, so this builder follows
the structure of the public samples (FMMC's 加古川市 example and the LGDIS templates, both
``pcxml1/3``): a Commons EDXL-DE envelope (``edxlde:EDXLDistribution``) whose content object
embeds a ``Report`` with ``Control`` (who edits and publishes), ``Head`` (title, times,
document id and revision, headline) and, for evacuation information, an ``EvacuationOrder``
body. Two kinds are produced:

- お知らせ (``GeneralInformation``): head and headline only, as in the LGDIS template;
- 避難情報 (``EvacuationOrder``): a ``Detail`` with the kind (``Sort``: 緊急安全確保・避難指示・
  高齢者等避難, and the pre-2021 避難勧告・避難準備), 発令／解除 and the districts.

The kind is read from the draft's words (the console shows it as a finding, so the operator
sees what L-Alert will get). Pure functions, no I/O; the driver writes or posts the result.
A training message is always ``Exercise`` (訓練), never ``Actual``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from app.compose.text import normalise_newlines
from app.domain import Draft, Finding, Medium, Rendition, Severity

EDXL_NS = "urn:oasis:names:tc:emergency:EDXL:DE:1.0"
COMMONS_NS = "http://xml.publiccommons.ne.jp/xml/edxl/"
REPORT_NS = "http://xml.publiccommons.ne.jp/pcxml1/3"
EB_NS = "http://xml.publiccommons.ne.jp/pcxml1/elementBasis3/"
IB_NS = "http://xml.publiccommons.ne.jp/pcxml1/informationBasis3/"
EV_NS = "http://xml.publiccommons.ne.jp/pcxml1/body/evacuation3"
GI_NS = "http://xml.publiccommons.ne.jp/pcxml1/body/GeneralInformation3"
JST = dt.timezone(dt.timedelta(hours=9), "JST")

GENERAL = "GeneralInformation"
EVACUATION = "EvacuationOrder"
KIND_LABELS = {GENERAL: "お知らせ", EVACUATION: "避難勧告・指示情報"}
# Most urgent first: a message that names 避難指示 and 高齢者等避難 is a 避難指示.
EVACUATION_SORTS = ("緊急安全確保", "避難指示", "高齢者等避難", "避難勧告", "避難準備")
CONFIDENTIALITY = "UNCLASSIFIED AND NOT SENSITIVE"
REF_LIMIT = 200
REF_NAME = re.compile(
    r"lalert-(?P<doc>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
    r"-r(?P<rev>\d+)\.xml$"
)


def clock() -> dt.datetime:
    return dt.datetime.now(JST)


def lalert_time(value: dt.datetime) -> str:
    return value.astimezone(JST).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Office:
    """The municipality as L-Alert knows it (発令機関・発信機関)."""

    organization_code: str  # 全国地方公共団体コード, 6 digits
    organization_name: str  # 加古川市
    office_name: str = ""  # 危機管理室
    organization_name_kana: str = ""
    domain_name: str = ""  # city.example.lg.jp
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class LAlertDocument:
    kind: str  # GENERAL | EVACUATION
    office: Office
    distribution_id: str
    sender_id: str
    sent: str  # ISO date-time with +09:00
    status: str  # Actual | Exercise | Test
    distribution_type: str  # Report | Update | Cancel
    document_id: str
    revision: int
    first_created: str
    title: str
    headline: str
    description: str = ""  # edxlde:contentDescription
    disaster_name: str = ""
    sort: str = ""  # EVACUATION: 避難指示 …
    issue_or_lift: str = "発令"  # 発令 | 解除
    areas: tuple[str, ...] = field(default_factory=tuple)


def detect_kind(draft: Draft) -> tuple[str, str, str]:
    """(kind, sort, 発令/解除) from the draft's words."""
    text = f"{draft.title}\n{draft.body}"
    for sort in EVACUATION_SORTS:
        if sort in text:
            lift = "解除" if "解除" in draft.title or "解除" in text.split("\n")[0] else "発令"
            return EVACUATION, sort, lift
    return GENERAL, "", ""


def render_lalert(draft: Draft, language: str) -> Rendition:
    kind, sort, lift = detect_kind(draft)
    created = clock()
    payload: dict[str, Any] = {
        "kind": kind,
        "title": draft.title.strip(),
        "text": normalise_newlines(draft.body).strip(),
        "sort": sort,
        "issue_or_lift": lift,
        "areas": list(draft.areas),
        "created": lalert_time(created),  # fixed at send: every retry is the same document
        "status": "Exercise" if draft.training else "Actual",
        "distribution_type": {"correction": "Update", "cancellation": "Cancel"}.get(
            draft.kind, "Report"),
    }
    rendition = Rendition(Medium.LALERT, language, payload)
    if not draft.title.strip():
        rendition.findings.append(Finding(Severity.ERROR, "title_empty", "件名を入力してください"))
    if not draft.body.strip():
        rendition.findings.append(Finding(Severity.ERROR, "body_empty", "本文を入力してください"))
    if kind == EVACUATION:
        where = "、".join(draft.areas) or "全域"
        message = f"Lアラートには避難情報（{sort}・{lift}・{where}）として作成します"
    else:
        message = "Lアラートにはお知らせとして作成します"
    rendition.findings.append(Finding(Severity.OK, "lalert_kind", message))
    if language != "ja":
        rendition.findings.append(
            Finding(Severity.WARNING, "lalert_japanese", "Lアラートは日本語の文書だけを扱います")
        )
    return rendition


def document_from_payload(
    payload: dict[str, Any],
    office: Office,
    *,
    distribution_id: str,
    document_id: str,
    revision: int = 1,
    sender_id: str = "",
    disaster_name: str = "",
    first_created: str = "",
    distribution_type: str | None = None,
    training: bool = False,
) -> LAlertDocument:
    kind = str(payload.get("kind", GENERAL))
    title = str(payload.get("title", ""))
    text = str(payload.get("text", ""))
    areas = tuple(str(a) for a in payload.get("areas", []) if str(a).strip())
    created = str(payload["created"])
    status = "Exercise" if training else str(payload.get("status", "Actual"))
    sort = str(payload.get("sort", ""))
    lift = str(payload.get("issue_or_lift", "")) or "発令"
    org = office.organization_name
    where = "、".join(areas) or "全域"
    if kind == EVACUATION:
        head_title = f"{org}: {KIND_LABELS[EVACUATION]}　{lift}"
        description = f"{sort} {lift} {created[:16].replace('T', ' ')} （{where}）{org}"
    else:
        head_title = f"{org}: {KIND_LABELS[GENERAL]}　{title}"
        description = title
    return LAlertDocument(
        kind=kind,
        office=office,
        distribution_id=distribution_id,
        sender_id=sender_id or f"issei.{office.domain_name or office.organization_code}",
        sent=created,
        status=status,
        distribution_type=distribution_type or str(payload.get("distribution_type", "Report")),
        document_id=document_id,
        revision=revision,
        first_created=first_created or created,
        title=head_title,
        headline=f"{title}\n{text}" if kind == GENERAL else text,
        description=description,
        disaster_name=disaster_name or title,
        sort=sort,
        issue_or_lift=lift,
        areas=areas,
    )


def build_lalert_xml(doc: LAlertDocument) -> bytes:
    """The Commons EDXL-DE document, in the element order of the public samples."""
    nsmap = {"edxlde": EDXL_NS, "commons": COMMONS_NS, "pcx_eb": EB_NS, "pcx_ib": IB_NS}
    if doc.kind == EVACUATION:
        nsmap["pcx_ev"] = EV_NS
    root = etree.Element(f"{{{EDXL_NS}}}EDXLDistribution", nsmap=nsmap)  # type: ignore[arg-type]

    def sub(parent: etree._Element, ns: str, name: str, text: str | None = None,
            **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, f"{{{ns}}}{name}", **attrs)
        if text is not None:
            element.text = text
        return element

    office = doc.office
    sub(root, EDXL_NS, "distributionID", doc.distribution_id)
    sub(root, EDXL_NS, "senderID", doc.sender_id)
    sub(root, EDXL_NS, "dateTimeSent", doc.sent)
    sub(root, EDXL_NS, "distributionStatus", doc.status)
    sub(root, EDXL_NS, "distributionType", doc.distribution_type)
    sub(root, EDXL_NS, "combinedConfidentiality", CONFIDENTIALITY)
    target = sub(root, COMMONS_NS, "targetArea")
    sub(target, COMMONS_NS, "areaName", office.organization_name)
    if office.organization_name_kana:
        sub(target, COMMONS_NS, "areaNameKana", office.organization_name_kana)
    sub(target, COMMONS_NS, "jisX0402", office.organization_code)

    content = sub(root, COMMONS_NS, "contentObject")
    sub(content, EDXL_NS, "contentDescription", doc.description)
    embedded = sub(sub(content, EDXL_NS, "xmlContent"), EDXL_NS, "embeddedXMLContent")
    report = etree.SubElement(embedded, f"{{{REPORT_NS}}}Report", nsmap={None: REPORT_NS})

    control = sub(report, REPORT_NS, "Control")
    sub(control, REPORT_NS, "Title", doc.kind)
    sub(control, EDXL_NS, "distributionStatus", doc.status)
    _office_info(sub(control, REPORT_NS, "EditorialOffice"), office, sub)
    _office_info(sub(sub(control, REPORT_NS, "PublishingOffice"), EB_NS, "OfficeInfo"),
                 office, sub)

    head = sub(report, IB_NS, "Head")
    sub(head, IB_NS, "Title", doc.title)
    sub(head, IB_NS, "CreateDateTime", doc.sent)
    sub(head, IB_NS, "FirstCreateDateTime", doc.first_created)
    sub(head, IB_NS, "ReportDateTime", doc.sent)
    sub(head, IB_NS, "TargetDateTime", doc.sent)
    sub(head, EDXL_NS, "distributionID", doc.distribution_id)
    sub(head, EDXL_NS, "distributionType", doc.distribution_type)
    sub(head, COMMONS_NS, "documentRevision", str(doc.revision))
    sub(head, COMMONS_NS, "previousDocumentRevision", str(max(0, doc.revision - 1)))
    sub(head, COMMONS_NS, "documentID", doc.document_id)
    headline = sub(head, IB_NS, "Headline")
    sub(headline, IB_NS, "Text", doc.headline)
    area = sub(sub(headline, IB_NS, "Areas"), IB_NS, "Area")
    sub(area, COMMONS_NS, "areaName", office.organization_name)
    sub(area, COMMONS_NS, "jisX0402", office.organization_code)

    if doc.kind == EVACUATION:
        body = sub(report, EV_NS, "EvacuationOrder")
        sub(sub(body, EB_NS, "Disaster"), EB_NS, "DisasterName", doc.disaster_name)
        detail = sub(body, EV_NS, "Detail")
        sub(detail, EV_NS, "Sort", doc.sort)
        sub(detail, EV_NS, "IssueOrLift", doc.issue_or_lift)
        areas = sub(detail, EV_NS, "Areas")
        for name in doc.areas or (office.organization_name,):
            item = sub(areas, EV_NS, "Area")
            location = sub(item, EB_NS, "Location")
            sub(location, COMMONS_NS, "areaName", name)
            sub(item, EV_NS, "DateTime", doc.sent)

    sub(content, COMMONS_NS, "publishingOfficeName", office.office_name or office.organization_name)
    sub(content, COMMONS_NS, "publishingOfficeID", office.organization_code)
    if office.domain_name:
        sub(content, COMMONS_NS, "publishingOfficeDomainName", office.domain_name)
    sub(content, COMMONS_NS, "previousDocumentRevision", str(max(0, doc.revision - 1)))
    sub(content, COMMONS_NS, "documentRevision", str(doc.revision))
    sub(content, COMMONS_NS, "documentID", doc.document_id)
    sub(content, COMMONS_NS, "category", doc.kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _office_info(parent: etree._Element, office: Office, sub: Any) -> None:
    sub(parent, EB_NS, "OrganizationCode", office.organization_code)
    contacts = (("phone", office.phone), ("e-mail", office.email))
    for contact_type, value in contacts:
        if value:
            sub(parent, EB_NS, "ContactInfo", value, **{f"{{{EB_NS}}}contactType": contact_type})
    sub(parent, EB_NS, "OfficeName", office.office_name or office.organization_name)
    if office.organization_name_kana:
        sub(parent, EB_NS, "OfficeNameKana", office.organization_name_kana)
    if office.domain_name:
        sub(parent, EB_NS, "OfficeDomainName", office.domain_name)
    sub(parent, EB_NS, "OrganizationName", office.organization_name)


def check_document(document: bytes, *, training: bool) -> list[str]:
    """What makes a document unfit to hand to L-Alert (no official schema is public)."""
    from app.ingest.cap import CapInputError, parse_untrusted

    try:
        root = parse_untrusted(document)
    except CapInputError as exc:
        return [str(exc)]
    ns = {"e": EDXL_NS, "c": COMMONS_NS, "r": REPORT_NS, "ib": IB_NS, "ev": EV_NS}
    problems = []
    required = {
        "e:distributionID": "配信ID", "e:dateTimeSent": "送信時刻",
        "e:distributionStatus": "運用種別", "c:targetArea/c:jisX0402": "団体コード",
        "c:contentObject/c:documentID": "文書ID", "c:contentObject/c:category": "情報の種類",
        ".//ib:Head/ib:Title": "タイトル", ".//ib:Headline/ib:Text": "見出し本文",
    }
    for path, label in required.items():
        if not (root.findtext(path, namespaces=ns) or "").strip():
            problems.append(f"{label}がありません（{path}）")
    code = root.findtext("c:targetArea/c:jisX0402", namespaces=ns) or ""
    if code and not re.fullmatch(r"\d{6}", code):
        problems.append(f"団体コードは数字6桁です（{code}）")
    status = root.findtext("e:distributionStatus", namespaces=ns)
    if training and status != "Exercise":
        problems.append(f"訓練の文書が {status} になっています（Exercise が必要）")
    if root.findtext("c:contentObject/c:category", namespaces=ns) == EVACUATION:
        if not (root.findtext(".//ev:Detail/ev:Sort", namespaces=ns) or "").strip():
            problems.append("避難情報の区分（Sort）がありません")
    return problems


def lalert_file_name(document_id: str, revision: int) -> str:
    return f"lalert-{document_id}-r{revision}.xml"


def lalert_ref(location: str, document_id: str, revision: int) -> str:
    """The ledger's reference: where the document went (its file path), which names the
    document id and revision a later correction (訂正) must continue from."""
    if len(location) <= REF_LIMIT and REF_NAME.search(location):
        return location
    return lalert_file_name(document_id, revision)


def parse_lalert_ref(ref: str) -> tuple[str, int] | None:
    """(document id, revision) from a reference made by :func:`lalert_ref`."""
    match = REF_NAME.search(ref.strip())
    return (match["doc"], int(match["rev"])) if match else None
