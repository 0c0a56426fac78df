"""Templates (定型文) and translation in the console: the fill form refuses blanks, reviewed
template translations travel with the message, the Japanese edited afterwards makes them
stale, machine suggestions wait for review, and no internet is said plainly."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain import Medium
from app.templates import parse_template
from app.translation.compose import Origin
from app.translation.machine import OFFLINE_MESSAGE
from app.translation.models import TranslationMemoryEntry
from app.translation.settings import TranslationSettings, save_settings
from tests.gui.helpers import ime_type
from tests.peers.translate_peer import TranslatePeer
from widgets.main_window import MainWindow
from widgets.template_dialogs import TemplateFillDialog
from widgets.translation_dialog import TranslationDialog

VALUES = {"開設時刻": "16時30分", "避難所": "北小学校 体育館", "所在地": "北町1-2-3",
          "問い合わせ先": "防災対策課 0120-000-000"}


def _fill_form(qtbot: QtBot, window: MainWindow, name: str = "避難所開設") -> TemplateFillDialog:
    index = window.composer.template_combo.findData(name)
    assert index > 0, "the shipped template is offered in the picker"
    window.composer.template_combo.activated.emit(index)
    qtbot.waitUntil(lambda: window.template_dialog is not None
                    and window.template_dialog.isVisible(), timeout=3000)
    dialog = window.template_dialog
    assert dialog is not None
    return dialog


def _prepared_title(window: MainWindow, prefix: str) -> bool:
    p = window.last_prepared
    return p is not None and p.draft.title.startswith(prefix)


def _insert_template(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _fill_form(qtbot, window)
    for name, value in VALUES.items():
        ime_type(dialog.fields[name], value)
    qtbot.mouseClick(dialog.insert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _prepared_title(window, "北小学校"), timeout=5000)


def test_template_form_refuses_blanks_and_inserts_reviewed_translations(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = _fill_form(qtbot, window)
    assert list(dialog.fields) == ["避難所", "開設時刻", "所在地", "問い合わせ先"]
    assert dialog.fields["避難所"].placeholderText() == "例: 北小学校 体育館"
    assert not dialog.insert_button.isEnabled()
    assert "未入力: 避難所、開設時刻、所在地、問い合わせ先" in dialog.status_label.text()
    for name, value in VALUES.items():
        ime_type(dialog.fields[name], value if name != "所在地" else "  ")
    assert not dialog.insert_button.isEnabled()  # blanks are not an answer
    assert dialog.status_label.text() == "未入力: 所在地"
    assert "［所在地］" in dialog.body_preview.toPlainText()  # visibly empty, never {所在地}
    # Enter in a field moves on; it never inserts (it also ends IME conversion).
    qtbot.keyClick(dialog.fields["開設時刻"], Qt.Key.Key_Return)
    assert dialog.isVisible()
    dialog.fields["所在地"].clear()
    ime_type(dialog.fields["所在地"], VALUES["所在地"])
    assert dialog.insert_button.isEnabled()
    assert set(dialog.chosen_languages()) == {"ja-easy", "en"}
    qtbot.mouseClick(dialog.insert_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _prepared_title(window, "北小学校"), timeout=5000)

    composer = window.composer
    assert composer.title_edit.text() == "北小学校 体育館を避難所として開設しました"
    assert "場所: 北町1-2-3" in composer.body_edit.toPlainText()
    assert composer.urgency_combo.currentData() == "important"
    assert composer.selected_languages() == ("ja-easy", "en")
    prepared = window.last_prepared
    assert prepared is not None
    assert prepared.draft.languages == ("ja", "ja-easy", "en")
    assert not prepared.errors
    assert composer.send_button.isEnabled()
    assert "✔ やさしい日本語" in composer.translation_label.text()
    assert "✔ 英語" in composer.translation_label.text()
    english = {(r.medium, r.language): r for r in prepared.renditions}[(Medium.EMAIL, "en")]
    assert "Evacuation shelter open: 北小学校 体育館" in str(english.payload["subject"])
    # The previews show any chosen language, from the same renditions.
    window.previews.show_language("en")
    assert "Evacuation shelter open" in window.previews.email.subject_label.text()
    assert "is now open as an evacuation shelter" in window.previews.line.bubble_texts()[0]
    window.previews.show_language("ja")
    assert "避難所として開設" in window.previews.email.subject_label.text()


def test_editing_the_japanese_makes_translations_stale_and_blocks_sending(
    qtbot: QtBot, window: MainWindow
) -> None:
    _insert_template(qtbot, window)
    composer = window.composer
    composer.body_edit.moveCursor(composer.body_edit.textCursor().MoveOperation.End)
    ime_type(composer.body_edit, "\n駐車場は使えません。")
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and "駐車場" in window.last_prepared.draft.body, timeout=5000)
    assert not composer.send_button.isEnabled()
    assert "要再確認" in composer.translation_label.text()
    assert "英語の訳を確認し直してください" in composer.hint_label.text()
    # The previews say so on the spot, before the audience count comes back.
    assert "確認し直してください" in window.previews.email.findings.messages_label.text()


def test_no_internet_is_said_plainly_and_a_typed_translation_can_be_reviewed(
    qtbot: QtBot, window: MainWindow
) -> None:
    composer = window.composer
    composer.fill(title="給水のお知らせ", body="東公園で給水します。", languages=["vi"])
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and window.last_prepared.draft.languages == ("ja", "vi"), timeout=5000)
    assert not composer.send_button.isEnabled()  # Vietnamese chosen, no translation yet
    assert "✖ ベトナム語: 訳なし" in composer.translation_label.text()
    window.open_translation()
    qtbot.waitUntil(lambda: window.translation_dialog is not None
                    and window.translation_dialog.isVisible(), timeout=3000)
    dialog = window.translation_dialog
    assert isinstance(dialog, TranslationDialog)
    assert dialog.state_of("vi") == "missing"
    qtbot.mouseClick(dialog.machine_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.offline_label.isVisible()
    assert dialog.offline_label.text() == OFFLINE_MESSAGE
    assert "インターネットに接続できない" in dialog.offline_label.text()
    assert "手で入力" in dialog.offline_label.text()
    # Typed by hand, then approved.
    ime_type(dialog.title_edit, "Thông báo cấp nước")
    ime_type(dialog.body_edit, "Cấp nước tại công viên phía Đông.")
    assert dialog.state_of("vi") == "unreviewed"
    assert dialog.review_button.isEnabled()
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    assert dialog.state_of("vi") == "reviewed"
    reviewed = dialog.result_translations()["vi"]
    assert reviewed.origin is Origin.MANUAL and reviewed.reviewed_by == window.bridge.operator
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: composer.send_button.isEnabled(), timeout=5000)
    assert "✔ ベトナム語" in composer.translation_label.text()
    # Remembered: the same Japanese gets it again, reviewed, even offline.
    sessions = window.bridge.issei.sessions

    def remembered() -> list[str]:
        with sessions() as session:
            return list(session.scalars(select(TranslationMemoryEntry.translated_text).where(
                TranslationMemoryEntry.target_language == "vi",
                TranslationMemoryEntry.reviewed.is_(True))))

    qtbot.waitUntil(lambda: len(remembered()) == 2, timeout=5000)
    assert set(remembered()) == {"Thông báo cấp nước", "Cấp nước tại công viên phía Đông."}


def test_machine_suggestions_from_a_local_server_wait_for_review(
    qtbot: QtBot, window: MainWindow
) -> None:
    with TranslatePeer({"給水のお知らせ": "Water supply notice",
                        "東公園で給水します。": "Water is supplied at East Park."}) as peer:
        save_settings(window.bridge.issei.config.data_dir,
                      TranslationSettings(provider="libre", url=peer.url))
        composer = window.composer
        composer.fill(title="給水のお知らせ", body="東公園で給水します。", languages=["en"])
        window.open_translation()
        qtbot.waitUntil(lambda: window.translation_dialog is not None, timeout=3000)
        dialog = window.translation_dialog
        assert dialog is not None
        dialog.request_suggestions()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert peer.violations == []
    assert not dialog.offline_label.isVisible()
    assert dialog.state_of("en") == "unreviewed"
    assert dialog.title_edit.text() == "Water supply notice"
    assert "機械翻訳" in dialog.state_label.text()
    # Applied without review, English still blocks the send.
    dialog.accept()
    qtbot.waitUntil(lambda: window.last_prepared is not None
                    and len(window.last_prepared.draft.translations) == 1, timeout=5000)
    assert not composer.send_button.isEnabled()
    assert "未確認" in composer.translation_label.text()


def test_template_editor_saves_the_municipalitys_own_template_as_toml(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.open_template_editor()
    editor = window.template_editor
    assert editor is not None
    qtbot.waitExposed(editor)
    # A shipped template is shown read-only.
    assert not editor.save_button.isEnabled()
    assert editor.read_only_label.isVisible()
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    assert editor.save_button.isEnabled()
    ime_type(editor.name_edit, "公民館の休館")
    ime_type(editor.title_edit, "{施設}の休館")
    ime_type(editor.body_edit, "{施設}は{期間}休館します。")
    assert editor.placeholders_table.rowCount() == 2
    editor.placeholders_table.item(0, 1).setText("例: 中央公民館")
    editor.add_language_combo.setCurrentIndex(editor.add_language_combo.findData("en"))
    qtbot.mouseClick(editor.add_translation_button, Qt.MouseButton.LeftButton)
    tab = editor.tabs_by_code["en"]
    ime_type(tab.title_edit, "{施設} closed")
    ime_type(tab.body_edit, "{施設} is closed {期間}.")
    tab.reviewed_check.setChecked(True)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.status_label.text() == "保存しました"

    folder = window.bridge.issei.config.data_dir / "templates"
    files = list(folder.glob("*.toml"))
    assert [f.name for f in files] == ["公民館の休館.toml"]
    raw = tomllib.loads(files[0].read_text(encoding="utf-8"))
    assert raw["placeholders"] == {"施設": "例: 中央公民館"}
    saved = parse_template(files[0].read_text(encoding="utf-8"))
    assert saved.translations["en"].reviewed
    # The picker offers it at once, marked as the municipality's own.
    assert window.composer.template_combo.findData("公民館の休館") > 0
    index = window.composer.template_combo.findData("公民館の休館")
    assert window.composer.template_combo.itemText(index) == "★ 公民館の休館"
    # A shipped name cannot be taken.
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    ime_type(editor.name_edit, "避難指示")
    ime_type(editor.title_edit, "t")
    ime_type(editor.body_edit, "b")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "同じ名前" in editor.status_label.text()
    assert len(list(folder.glob("*.toml"))) == 1
    editor.accept()


def test_a_broken_file_of_the_municipality_is_reported_not_fatal(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    folder = window.bridge.issei.config.data_dir / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "broken.toml").write_text('name = "x"\ntitle = ', encoding="utf-8")
    window.reload_templates()
    assert "読めない定型文があります" in window.statusBar().currentMessage()
    assert window.composer.template_combo.findData("避難指示") > 0
