"""Machine translation through deep-translator, with plain answers when it cannot work.

deep-translator's requests carry no timeout and an LGWAN terminal has no route out, so before
the first request a short TCP probe asks whether the provider (or the proxy) is reachable at
all; if not, ``OfflineError`` says so plainly and nothing waits for minutes. Each request also
runs on a daemon thread with a deadline, so a stalled connection cannot hold the console.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit

from app.translation.languages import SOURCE, Language
from app.translation.settings import PROVIDERS, TranslationSettings

log = logging.getLogger("issei.translation")

# Where each provider lives, for the reachability probe (libre uses its configured URL).
PROVIDER_HOSTS: dict[str, tuple[str, int]] = {
    "google": ("translate.google.com", 443),
    "deepl": ("api-free.deepl.com", 443),
    "microsoft": ("api.cognitive.microsofttranslator.com", 443),
}

OFFLINE_MESSAGE = (
    "インターネットに接続できないため、機械翻訳は使えません（LGWAN端末など）。"
    "定型文の確認済みの訳と翻訳メモリは使えます。訳は手で入力することもできます。"
)


class TranslationError(RuntimeError):
    """A translation could not be made; the message is Japanese, for the operator."""


class OfflineError(TranslationError):
    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(OFFLINE_MESSAGE)


class DisabledError(TranslationError):
    def __init__(self) -> None:
        super().__init__("機械翻訳は使わない設定です。定型文の訳か手入力を使ってください。")


class Backend(Protocol):
    def translate(self, text: str) -> str: ...


BackendFactory = Callable[[TranslationSettings, Language], Backend]


def probe_address(settings: TranslationSettings) -> tuple[str, int]:
    url = settings.proxy or (settings.url if settings.provider == "libre" else "")
    if url:
        parts = urlsplit(url)
        default = 443 if parts.scheme == "https" else 80
        return parts.hostname or "", parts.port or default
    return PROVIDER_HOSTS[settings.provider]


def reachable(settings: TranslationSettings) -> None:
    """Raise OfflineError unless a TCP connection to the provider (or proxy) opens in time."""
    host, port = probe_address(settings)
    try:
        with socket.create_connection((host, port), timeout=settings.probe_timeout):
            return
    except OSError as exc:  # DNS failure, refused, unreachable, timed out
        log.info("translation provider %s unreachable: %s", settings.provider, exc)
        raise OfflineError(f"{host}:{port}: {exc}") from None


def deep_translator_backend(settings: TranslationSettings, language: Language) -> Backend:
    """The deep-translator object for one target language (imported late: it pulls requests)."""
    from deep_translator import (
        DeeplTranslator,
        GoogleTranslator,
        LibreTranslator,
        MicrosoftTranslator,
    )
    from deep_translator.exceptions import BaseError

    target = language.code_for(settings.provider)
    proxies = {"http": settings.proxy, "https": settings.proxy} if settings.proxy else None
    key = settings.api_key()
    try:
        if settings.provider == "google":
            return GoogleTranslator(source=SOURCE, target=target, proxies=proxies)
        if settings.provider == "libre":
            # deep-translator insists on a key; a server of our own may not need one.
            return LibreTranslator(source=SOURCE, target=target, api_key=key or "-",
                                   custom_url=settings.url.rstrip("/") + "/")
        if not key:
            raise TranslationError(
                f"{PROVIDERS[settings.provider]}のAPIキーがありません"
                "（環境変数 ISSEI_TRANSLATION_API_KEY かOSのキーリング）"
            )
        if settings.provider == "deepl":
            return DeeplTranslator(source=SOURCE, target=target, api_key=key)
        if settings.provider == "microsoft":
            return MicrosoftTranslator(source=SOURCE, target=target, api_key=key,
                                       region=settings.region or None, proxies=proxies)
    except BaseError as exc:  # e.g. the provider does not know this language
        raise TranslationError(
            f"{PROVIDERS[settings.provider]}は{language.label}に対応していません"
        ) from exc
    raise TranslationError(f"翻訳の provider「{settings.provider}」は使えません")


def _with_deadline(fn: Callable[[], str], seconds: float) -> str:
    answer: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def run() -> None:
        try:
            answer.put((True, fn()))
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
            answer.put((False, exc))

    threading.Thread(target=run, name="issei-translate", daemon=True).start()
    try:
        ok, value = answer.get(timeout=seconds)
    except queue.Empty:
        raise TranslationError(f"翻訳サービスが{seconds:.0f}秒以内に答えませんでした") from None
    if ok:
        return str(value)
    raise value


class MachineTranslator:
    """Translates Japanese text into one language at a time with the configured provider."""

    def __init__(
        self, settings: TranslationSettings, backend: BackendFactory = deep_translator_backend
    ) -> None:
        self.settings = settings
        self.backend = backend
        self._checked = False

    @property
    def provider(self) -> str:
        return self.settings.provider

    def check(self) -> None:
        """Raise DisabledError or OfflineError before any text is sent anywhere."""
        if self.settings.provider == "none":
            raise DisabledError()
        reachable(self.settings)
        self._checked = True

    def translate(self, text: str, language: Language) -> str:
        if not language.machine:
            raise TranslationError(
                f"{language.label}は機械翻訳できません。定型文の訳を使うか、手で入力してください"
            )
        if not text.strip():
            return ""
        if not self._checked:
            self.check()

        def call() -> str:
            backend = self.backend(self.settings, language)
            return backend.translate(text)

        try:
            result = _with_deadline(call, self.settings.timeout)
        except TranslationError:
            raise
        except OSError as exc:  # requests' ConnectionError is an OSError too
            raise OfflineError(str(exc)) from exc
        except Exception as exc:
            log.warning("machine translation failed: %r", exc)
            raise TranslationError(
                f"{PROVIDERS.get(self.provider, self.provider)}で{language.label}に"
                f"翻訳できませんでした: {exc}"
            ) from exc
        if not result.strip():
            raise TranslationError(f"{language.label}の翻訳結果が空でした")
        return result
