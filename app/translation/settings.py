"""Which machine translator to use, per data folder: ``<data dir>/translation.toml``.

::

    [translation]
    provider = "google"      # google | libre | deepl | microsoft | none
    url = ""                 # libre: the LibreTranslate server (e.g. one inside the LGWAN)
    proxy = ""               # http://proxy.example.lg.jp:8080 when the internet is behind one
    region = ""              # microsoft: the resource's region
    timeout = 15.0           # seconds for one translation
    probe_timeout = 3.0      # seconds to decide that there is no internet

The API key is a secret: environment ``ISSEI_TRANSLATION_API_KEY`` or the OS keyring (service
``issei``, user ``translation.api_key``), never this file.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.config import SECRET_KEYS, read_secret

PROVIDERS: dict[str, str] = {
    "google": "Google 翻訳",
    "libre": "LibreTranslate（自前のサーバー）",
    "deepl": "DeepL",
    "microsoft": "Microsoft Translator",
    "none": "使わない",
}
FILE_NAME = "translation.toml"


class TranslationSettingsError(ValueError):
    """The settings cannot be used; the message is Japanese."""


@dataclass
class TranslationSettings:
    provider: str = "google"
    url: str = ""
    proxy: str = ""
    region: str = ""
    timeout: float = 15.0
    probe_timeout: float = 3.0

    def api_key(self) -> str | None:
        return read_secret("translation", "api_key")

    def validate(self) -> None:
        if self.provider not in PROVIDERS:
            known = "・".join(PROVIDERS)
            raise TranslationSettingsError(
                f"翻訳の provider「{self.provider}」はありません（{known}）"
            )
        if self.provider == "libre" and not self.url.startswith(("http://", "https://")):
            raise TranslationSettingsError("LibreTranslate のサーバーの URL を入れてください")
        if self.proxy and not self.proxy.startswith(("http://", "https://")):
            raise TranslationSettingsError("プロキシは http:// か https:// で始まる URL です")
        if not (0 < self.timeout <= 120 and 0 < self.probe_timeout <= 30):
            raise TranslationSettingsError("timeout は 0〜120 秒、probe_timeout は 0〜30 秒です")


def settings_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load_settings(data_dir: Path) -> TranslationSettings:
    path = settings_path(data_dir)
    settings = TranslationSettings()
    if not path.exists():
        return settings
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TranslationSettingsError(f"{path} を読めません: {exc}") from None
    table = raw.get("translation", {})
    if not isinstance(table, dict):
        raise TranslationSettingsError(f"{path}: [translation] は表である必要があります")
    known = {f.name: f.type for f in fields(TranslationSettings)}
    for key, value in table.items():
        if key in SECRET_KEYS:
            raise TranslationSettingsError(
                f"{path}: {key} は書けません。環境変数 ISSEI_TRANSLATION_API_KEY か"
                "OSのキーリングを使ってください"
            )
        if key not in known:
            raise TranslationSettingsError(f"{path}: 知らない設定項目です: {key}")
        current = getattr(settings, key)
        if isinstance(current, float) and isinstance(value, int):
            value = float(value)
        if not isinstance(value, type(current)):
            raise TranslationSettingsError(f"{path}: {key} の値の型が違います（{value!r}）")
        setattr(settings, key, value)
    settings.validate()
    return settings


def save_settings(data_dir: Path, settings: TranslationSettings) -> Path:
    settings.validate()
    lines = ["[translation]"]
    for key, value in asdict(settings).items():
        if isinstance(value, str):
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'{key} = "{escaped}"')
        else:
            lines.append(f"{key} = {value!r}")
    path = settings_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)  # a crash mid-write must not leave half a file behind
    return path
