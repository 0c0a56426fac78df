"""Screenshots of the public and short media and of 訂正 (issues 3 and 4), appended to
``issei gui --screenshots``.

The previews of X, SMS, push and the website show a long message with the website ticked:
X and SMS carry 「詳細はこちら」 and the link the website post will have. The message is then
sent as a drill (the tour refuses anything else) and corrected from the history: the
correction dialog as it opens (before: the text sent, after: the correction) and once the
operator has rewritten the body. Nothing is sent after the dialog: the tour cancels it.
"""

from __future__ import annotations

from pathlib import Path

from app.domain import Medium, Urgency
from widgets.confirm_dialog import press_send
from widgets.correction_dialog import CorrectionDialog
from widgets.main_window import COMPOSE_TAB, HISTORY_TAB, MainWindow
from widgets.previews import FaxPreview
from widgets.screenshots import SAMPLE_BODY, SAMPLE_TITLE, save, settle, wait_until

NAMES = ["30-preview-x.png", "31-preview-sms.png", "32-preview-push.png",
         "33-preview-website.png", "34-correction-opened.png", "35-correction-edited.png",
         "36-preview-radio.png", "37-preview-fax.png"]
PREVIEWED = (Medium.X, Medium.SMS, Medium.PUSH, Medium.WEBSITE)
TITLE = "大雨に伴う避難指示（北地区・東地区）"
BODY = (
    "本日18時00分、大雨により川の水位が上がっているため、北地区・東地区に避難指示を"
    "発令しました。\n"
    "対象地区の方は、直ちに最寄りの指定避難所（北小学校・東公民館）へ避難してください。\n"
    "夜間の移動が危険な場合は、建物の2階以上など安全な場所にとどまってください。\n"
    "避難所には食料・毛布を用意しています。常備薬をお持ちください。\n\n"
    "問い合わせ: 防災対策課 0120-000-000"
)
CORRECTED = BODY.replace("北小学校・東公民館", "南中学校・東公民館")


async def media_screenshots(window: MainWindow, folder: Path) -> list[Path]:
    composer = window.composer
    media = tuple(m for m in (Medium.EMAIL, *PREVIEWED) if m in composer.media_checks)
    if not all(m in media for m in PREVIEWED):
        return []  # a console without these media has nothing of them to show
    paths: list[Path] = []
    window.tabs.setCurrentIndex(COMPOSE_TAB)
    if not composer.training_check.isChecked():
        composer.training_check.setChecked(True)
    composer.fill(title=TITLE, body=BODY, urgency=Urgency.EMERGENCY, media=media)
    await wait_until(lambda: window.last_prepared is not None
                     and window.last_prepared.draft.title == TITLE
                     and set(window.last_prepared.draft.media) == set(media))
    await settle(0.3)
    tabs = window.previews.other_tabs
    for name, medium in zip(NAMES[:4], PREVIEWED, strict=True):
        tabs.setCurrentWidget(window.previews.previews[medium])
        await settle(0.2)
        paths.append(save(window, folder / name))

    # Sent as a drill, then corrected from the history.
    window.open_confirmation()
    await wait_until(lambda: window.confirm_dialog is not None
                     and window.confirm_dialog.isVisible())
    confirm = window.confirm_dialog
    assert confirm is not None
    if not confirm.prepared.draft.training:  # never a real send from a screenshot run
        confirm.reject()
        raise RuntimeError("screenshot tour refused: the draft is not a drill")
    earlier = window.monitor.message_id  # the tour's first send
    await press_send(confirm)
    await wait_until(lambda: window.monitor.message_id not in (None, earlier))
    message_id = window.monitor.message_id
    await wait_until(lambda: window.monitor.done, timeout=120)
    assert message_id is not None

    window.tabs.setCurrentIndex(HISTORY_TAB)
    history = window.history
    history.model.reload()
    await wait_until(lambda: history.select_message(message_id))
    await wait_until(history.correct_button.isEnabled)
    history.correct_button.click()
    dialog = window.correction_dialog
    assert isinstance(dialog, CorrectionDialog)
    await wait_until(lambda: dialog.prepare_count >= 1)
    await settle(0.3)
    paths.append(save(dialog, folder / NAMES[4]))
    shown = dialog.prepare_count
    dialog.body_edit.setPlainText(CORRECTED)
    dialog.medium_combo.setCurrentIndex(max(0, dialog.medium_combo.findData(Medium.SMS.value)))
    await wait_until(lambda: dialog.prepare_count > shown and dialog.follow_up is not None
                     and dialog.send_button.isEnabled())
    await settle(0.3)
    paths.append(save(dialog, folder / NAMES[5]))
    dialog.reject()
    window.tabs.setCurrentIndex(COMPOSE_TAB)
    paths.extend(await voice_previews(window, folder))
    # back to the tour's sample (e-mail and LINE) for the screens that follow
    composer.fill(title=SAMPLE_TITLE, body=SAMPLE_BODY, urgency=Urgency.EMERGENCY)
    await wait_until(lambda: window.last_prepared is not None
                     and window.last_prepared.draft.title == SAMPLE_TITLE)
    return paths


async def voice_previews(window: MainWindow, folder: Path) -> list[Path]:
    """The radio programme's running order and the FAX page (drawn once typing pauses)."""
    composer = window.composer
    media = (Medium.EMAIL, Medium.RADIO, Medium.FAX)
    if not all(m in composer.media_checks for m in media):
        return []
    composer.fill(title=TITLE, body=BODY, urgency=Urgency.EMERGENCY, areas="北地区, 東地区",
                  media=media)
    await wait_until(lambda: window.last_prepared is not None
                     and set(window.last_prepared.draft.media) == set(media))
    tabs, previews = window.previews.other_tabs, window.previews.previews
    tabs.setCurrentWidget(previews[Medium.RADIO])
    await settle(0.3)
    paths = [save(window, folder / NAMES[6])]
    fax = previews[Medium.FAX]
    tabs.setCurrentWidget(fax)
    assert isinstance(fax, FaxPreview)
    await wait_until(lambda: not fax.thumbnails.pending() and fax.thumbnails.shown_pages() > 0)
    await settle(0.2)
    paths.append(save(window, folder / NAMES[7]))
    return paths
