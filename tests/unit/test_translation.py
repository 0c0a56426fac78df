"""Translation: reviewed text only in other languages, memory, machine suggestions through a
real local LibreTranslate-compatible server, and a plain answer when there is no internet."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.compose.render import render_all
from app.db.session import make_engine, session_factory, upgrade
from app.domain import Draft, Medium, Severity
from app.templates import load_library
from app.translation import memory
from app.translation.compose import MultilingualDraft, Origin, TextTranslation, localise
from app.translation.languages import LANGUAGES, label, language
from app.translation.machine import (
    OFFLINE_MESSAGE,
    DisabledError,
    MachineTranslator,
    OfflineError,
    TranslationError,
)
from app.translation.models import TranslationMemoryEntry
from app.translation.service import (
    remember_reviewed,
    suggest,
    template_translations,
)
from app.translation.settings import (
    TranslationSettings,
    TranslationSettingsError,
    load_settings,
    save_settings,
)
from tests.peers.translate_peer import TranslatePeer, block_internet


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    block_internet(monkeypatch)


@pytest.fixture
def sessions(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'tm.sqlite3'}")
    upgrade(engine)
    yield session_factory(engine)
    engine.dispose()


def _reviewed(language: str, title: str, body: str, source: tuple[str, str]) -> TextTranslation:
    return TextTranslation(language, title, body, *source, Origin.MANUAL, reviewed=True)


def test_other_languages_render_only_reviewed_matching_text() -> None:
    source = ("避難所を開設", "北小学校を開設しました")
    english = _reviewed("en", "Shelter open", "Kita Elementary School is open", source)
    draft = MultilingualDraft(*source, (Medium.EMAIL, Medium.LINE),
                              languages=("ja", "en", "ko"), translations=(english,))
    by_key = {(r.medium, r.language): r for r in render_all(draft)}
    assert by_key[(Medium.EMAIL, "ja")].payload["subject"] == "避難所を開設"
    assert by_key[(Medium.EMAIL, "en")].payload["subject"] == "Shelter open"
    assert "Kita Elementary School is open" in str(by_key[(Medium.LINE, "en")].payload)
    assert not by_key[(Medium.EMAIL, "en")].has_errors
    korean = by_key[(Medium.EMAIL, "ko")].findings
    assert [f.code for f in korean] == ["translation_missing"]
    assert korean[0].severity is Severity.ERROR and "韓国語" in korean[0].message

    edited = MultilingualDraft("避難所を開設", "北小学校と南小学校を開設しました",
                               (Medium.EMAIL,), languages=("ja", "en"),
                               translations=(english,))
    _same, findings = localise(edited, "en")
    assert [f.code for f in findings] == ["translation_stale"]

    unreviewed = TextTranslation("en", "t", "b", *source, Origin.MACHINE)
    pending = MultilingualDraft(*source, (Medium.EMAIL,), languages=("ja", "en"),
                                translations=(unreviewed,))
    assert [f.code for f in localise(pending, "en")[1]] == ["translation_unreviewed"]
    plain = Draft(*source, (Medium.EMAIL,), languages=("ja", "en"))
    assert [f.code for f in localise(plain, "en")[1]] == ["translation_missing"]


def test_reviewing_an_edit_makes_it_manual_and_keeps_an_unedited_origin() -> None:
    machine = TextTranslation("en", "Evacuate", "Go now", "避難", "今すぐ", Origin.MACHINE)
    kept = machine.reviewed_as("Evacuate", "Go now\n", "sato")
    assert kept.reviewed and kept.origin is Origin.MACHINE and kept.reviewed_by == "sato"
    edited = machine.reviewed_as("Evacuate now", "Go now", "sato")
    assert edited.origin is Origin.MANUAL and edited.title == "Evacuate now"


def test_languages_cover_the_issue_list() -> None:
    labels = {lang.label for lang in LANGUAGES}
    assert labels >= {"英語", "中国語（簡体字）", "中国語（繁体字）", "韓国語", "ベトナム語",
                      "ポルトガル語", "スペイン語", "タガログ語", "ネパール語", "インドネシア語",
                      "タイ語", "やさしい日本語"}
    assert not language("ja-easy").machine
    assert label("ja") == "日本語"
    with pytest.raises(ValueError, match="xx"):
        language("xx")


def test_machine_suggestion_through_a_libretranslate_server(sessions) -> None:  # type: ignore[no-untyped-def]
    dictionary = {"給水のお知らせ": "Water supply notice",
                  "東公園で給水します。": "Water at East Park.",
                  "容器をお持ちください。": "Please bring containers."}
    with TranslatePeer(dictionary) as peer:
        machine = MachineTranslator(TranslationSettings(provider="libre", url=peer.url))
        found = suggest(sessions, machine, "給水のお知らせ",
                        "東公園で給水します。\n\n容器をお持ちください。", ["en", "ja-easy", "th"])
    assert peer.violations == []
    english = found.translations["en"]
    assert english.title == "Water supply notice"
    assert english.body == "Water at East Park.\n\nPlease bring containers."  # lines kept
    assert english.origin is Origin.MACHINE and not english.reviewed
    assert english.provider == "libre"
    assert "機械翻訳できません" in found.problems["ja-easy"]
    assert "対応していません" in found.problems["th"]  # LibreTranslate has no Thai here
    assert not found.offline
    assert {r["source"] for r in peer.requests} == {"ja"}
    # The machine answer is remembered unreviewed: the same text needs no second request,
    # but a suggestion still waits for review.
    with sessions() as session:
        remembered = memory.lookup(session, "給水のお知らせ", "en")
    assert remembered is not None and not remembered.reviewed


def test_reviewed_translation_comes_back_from_memory_offline(sessions) -> None:  # type: ignore[no-untyped-def]
    source = ("断水のお知らせ", "東地区で断水しています。")
    remember_reviewed(sessions, _reviewed("en", "Water outage", "Water is off in East.",
                                          source), "sato")
    offline = MachineTranslator(TranslationSettings(provider="google", probe_timeout=1))
    started = time.monotonic()
    found = suggest(sessions, offline, *source, ["en", "vi", "ko"])
    assert time.monotonic() - started < 5  # no waiting on a dead network
    english = found.translations["en"]
    assert (english.title, english.body) == ("Water outage", "Water is off in East.")
    assert english.origin is Origin.MEMORY and english.reviewed and english.reviewed_by == "sato"
    assert found.offline and found.offline_message == OFFLINE_MESSAGE
    assert found.problems == {"vi": OFFLINE_MESSAGE, "ko": OFFLINE_MESSAGE}
    assert "インターネットに接続できない" in OFFLINE_MESSAGE


def test_machine_output_never_overwrites_a_reviewed_memory(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        memory.remember(session, "避難", "en", "Evacuate", origin="manual", reviewed=True,
                        reviewed_by="sato")
    with sessions.begin() as session:
        memory.remember(session, "避難\r\n", "en", "Refuge", origin="machine", reviewed=False)
    with sessions() as session:
        found = memory.lookup(session, " 避難 ", "en")
        rows = session.scalar(select(func.count()).select_from(TranslationMemoryEntry))
    assert found is not None and found.text == "Evacuate" and found.reviewed
    assert rows == 1


def test_offline_and_disabled_are_said_plainly() -> None:
    with pytest.raises(OfflineError) as caught:
        MachineTranslator(TranslationSettings(provider="google", probe_timeout=1)).check()
    assert str(caught.value) == OFFLINE_MESSAGE
    with pytest.raises(DisabledError, match="使わない設定"):
        MachineTranslator(TranslationSettings(provider="none")).check()
    closed = TranslationSettings(provider="libre", url="http://127.0.0.1:9/", probe_timeout=1)
    with pytest.raises(OfflineError):
        MachineTranslator(closed).translate("避難", language("en"))


def test_provider_errors_and_keys_are_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    with TranslatePeer(status=500) as peer:
        machine = MachineTranslator(TranslationSettings(provider="libre", url=peer.url))
        with pytest.raises(TranslationError, match="翻訳できませんでした"):
            machine.translate("避難", language("en"))
    monkeypatch.delenv("ISSEI_TRANSLATION_API_KEY", raising=False)
    monkeypatch.setattr("app.translation.settings.read_secret", lambda *_a: None)
    deepl = MachineTranslator(TranslationSettings(provider="deepl"))
    deepl._checked = True  # past the probe: the key is what is missing
    with pytest.raises(TranslationError, match="APIキーがありません"):
        deepl.translate("避難", language("en"))


def test_settings_round_trip_and_refuse_secrets(tmp_path: Path) -> None:
    assert load_settings(tmp_path).provider == "google"
    save_settings(tmp_path, TranslationSettings(provider="libre", url="http://10.0.0.5:5000/",
                                                timeout=20))
    loaded = load_settings(tmp_path)
    assert (loaded.provider, loaded.url, loaded.timeout) == ("libre", "http://10.0.0.5:5000/",
                                                             20.0)
    (tmp_path / "translation.toml").write_text('[translation]\napi_key = "x"\n', "utf-8")
    with pytest.raises(TranslationSettingsError, match="ISSEI_TRANSLATION_API_KEY"):
        load_settings(tmp_path)
    (tmp_path / "translation.toml").write_text('[translation]\nprovider = "babel"\n', "utf-8")
    with pytest.raises(TranslationSettingsError, match="babel"):
        load_settings(tmp_path)


def test_reviewed_template_translations_are_reused_filled() -> None:
    template = load_library()["避難指示"]
    values = {"発令時刻": "18時00分", "地区": "北地区", "理由": "土砂災害", "避難所": "北小学校"}
    found = template_translations(template, values)
    assert set(found) == {"ja-easy", "en"}
    english = found["en"]
    assert english.reviewed and english.origin is Origin.TEMPLATE
    assert english.title == "[Alert Level 4] Evacuation Order for 北地区"
    assert "北小学校" in english.body and "{" not in english.body
    title, body = template.fill(values)
    assert english.matches(title, body)
    draft = MultilingualDraft(title, body, (Medium.EMAIL,), languages=("ja", "en", "ja-easy"),
                              translations=tuple(found.values()))
    assert not any(r.has_errors for r in render_all(draft))
