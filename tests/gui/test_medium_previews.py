"""The X post, SMS, push banner and website post previews show exactly the core's renditions,
as the resident sees them (not a field list)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.domain import Medium, Urgency
from widgets.main_window import MainWindow
from widgets.previews import PushPreview, SmsPreview, WebsitePreview, XPreview

BODY = "北地区に避難指示を発令しました。\n直ちに北小学校へ避難してください。"


def test_x_sms_push_and_website_look_like_what_residents_see(
    qtbot: QtBot, window: MainWindow
) -> None:
    wanted = (Medium.EMAIL, Medium.X, Medium.SMS, Medium.PUSH, Medium.WEBSITE)
    media = tuple(m for m in wanted if m in window.composer.media_checks)
    assert media == wanted
    window.composer.fill(title="避難指示", body=BODY, urgency=Urgency.EMERGENCY, media=media)
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and set(window.last_prepared.draft.media) == set(media), timeout=5000)
    prepared = window.last_prepared
    assert prepared is not None
    payload = {r.medium: r.payload for r in prepared.renditions if r.language == "ja"}
    tabs = window.previews.other_tabs
    previews = window.previews.previews
    for medium in (Medium.X, Medium.SMS, Medium.PUSH, Medium.WEBSITE):
        tabs.setCurrentWidget(previews[medium])  # a hidden tab renders when shown
        qtbot.waitUntil(lambda m=medium: previews[m].isVisible(), timeout=5000)

    x = previews[Medium.X]
    assert isinstance(x, XPreview)
    posts = payload[Medium.X]["posts"]
    assert isinstance(posts, list)
    assert x.post_texts() == [p["text"] for p in posts]
    assert x.post_texts()[0].startswith("【訓練】【緊急】【避難指示】")
    assert f"{posts[0]['weighted_length']}／280" in x.posts[0][2].text()

    sms = previews[Medium.SMS]
    assert isinstance(sms, SmsPreview)
    assert sms.text_label.text() == payload[Medium.SMS]["body"]
    parts, cost = payload[Medium.SMS]["parts"], payload[Medium.SMS]["cost_per_recipient"]
    assert f"{parts}通分" in sms.meter_label.text() and f"約{cost}円" in sms.meter_label.text()

    push = previews[Medium.PUSH]
    assert isinstance(push, PushPreview)
    notification = payload[Medium.PUSH]["message"]["notification"]  # type: ignore[index]
    assert push.title_label.text() == notification["title"]
    assert push.body_label.text() == notification["body"]
    assert "優先度: 高" in push.note_label.text()  # an emergency rings

    website = previews[Medium.WEBSITE]
    assert isinstance(website, WebsitePreview)
    assert website.title_label.text() == payload[Medium.WEBSITE]["title"]
    assert "北小学校へ避難してください" in website.article.toPlainText()
    assert "<p>" not in website.article.toPlainText()  # rendered, not shown as markup
    assert str(payload[Medium.WEBSITE]["excerpt"]) in website.excerpt_label.text()
