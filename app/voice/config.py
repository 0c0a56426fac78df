"""The ``[voice]``, ``[radio]``, ``[dialer]`` and ``[jalert]`` tables of the configuration.

Parsed here from the file as read (``Config.raw``), typed and checked, with Japanese messages.
Ports are pyserial URLs (``COM5``, ``/dev/ttyUSB0``, ``rfc2217://host:port``), audio devices
are chosen by a part of their name. In training mode (the embedded default, or
``[app] training = true``) every device is replaced by its simulator, whatever is written here.

Example::

    [voice]
    dictionary = "yomi.toml"          # 読み辞書: issei voice word 月見里 ヤマナシ
    input_device = "USB Audio"

    [radio]
    backend = "contact"               # contact | vendor | simulator
    port = "rfc2217://10.0.0.20:4001" # or COM5, /dev/ttyUSB0
    audio_device = "USB Audio"
    key_line = "rts"                  # 起動接点
    on_air_line = "cts"               # 放送中接点
    zones = { "東地区" = "dtr" }      # contact: one zone group on the free output line
    tx_limit = 300

    [radio.vendor]                    # backend = "vendor": from the vendor's interface spec
    framing = "7E1"
    checksum = "sum8"
    zone_codes = { "東地区" = "01", "西地区" = "02" }

    [dialer]
    backend = "v253"
    ports = ["COM7", "COM8"]          # one modem per line, called in parallel
    profile = "usr5637"               # generic | usr5637 | conexant | zoom3095
    # backend = "sip": sip_server = "pbx.example.lg.jp:5060", sip_user = "6001", lines = 4

    [fax]
    backend = "email"                 # email | efax | drill
    gateway_host = "fax-gw.example.lg.jp"
    address_template = "{number}@fax.example.lg.jp"
    # backend = "efax": device = "/dev/ttyUSB1", fax_class = "2"

    [jalert]
    port = "COM9"                     # the receiver's contact on CTS/DSR/CD/RI
    line = "dsr"
    smtp_port = 2525                  # the receiver's rule e-mail
    allowed_senders = ["jalert@town.example.lg.jp"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.config import Config, ConfigError


@dataclass
class VoiceSettings:
    dictionary: str = "yomi.toml"  # place-name dictionary, relative to the data folder
    speed: float = 1.0
    cache_dir: str = ""  # default: <data>/voice-cache
    opening_chime: str = ""  # a site's own chime (WAV); default: generated
    closing_chime: str = ""
    input_device: str = ""  # the operator's microphone (part of its name); empty: default


@dataclass
class RadioSettings:
    backend: str = "simulator"  # contact | vendor | simulator
    port: str = ""
    audio_device: str = ""  # part of the output device's name; empty: simulator sink
    on_air_timeout: float = 5.0
    tx_limit: float = 300.0
    play_chimes: bool = True  # false when the console plays its own chime
    key_line: str = "rts"
    on_air_line: str = "cts"
    on_air_active_high: bool = True
    zones: dict[str, Any] = field(default_factory=dict)  # contact: 地区 -> line
    vendor: dict[str, Any] = field(default_factory=dict)  # vendor profile table


@dataclass
class DialerSettings:
    backend: str = "simulator"  # v253 | sip | simulator
    ports: list[Any] = field(default_factory=list)
    # backend = "sip": calls through a PBX or SIP trunk (UDP); the password lives in the
    # keyring (issei secret set dialer sip_password) or ISSEI_DIALER_SIP_PASSWORD
    sip_server: str = ""  # host[:port], default port 5060
    sip_user: str = ""
    sip_domain: str = ""  # default: the server's host
    sip_register: bool = False  # REGISTER before calling (most trunks accept calls without)
    lines: int = 1  # simultaneous SIP calls (channels the trunk allows)
    profile: str = "generic"
    country: str = "00"  # T.35 code for AT+GCI: 00 Japan
    max_attempts: int = 3
    retry_delay: float = 60.0
    answer_timeout: float = 60.0  # dial to VCON
    confirm_timeout: float = 90.0  # message loops until the digit or this
    confirm_digit: str = "1"
    pace: float = 1.0  # audio sent at real-time rate; 0 only for a simulator on a pty


@dataclass
class JAlertSettings:
    port: str = ""  # contact input (pyserial URL); empty: none
    line: str = "cts"
    active_high: bool = True
    debounce: float = 0.3
    smtp_port: int = 0  # 0: no mail listener
    smtp_host: str = "127.0.0.1"
    allowed_senders: list[Any] = field(default_factory=list)  # empty: any sender
    supply_line: str = ""  # rts/dtr raised to feed the dry contact, if wired so
    dial_flagged: bool = False  # follow-up: call the residents flagged for phone calls
    dial_text: str = ("Jアラートを受信しました。テレビやラジオで情報を確認し、"
                      "身の安全を確保してください。")


@dataclass
class FaxSettings:
    backend: str = "drill"  # email (e-mail-to-FAX gateway) | efax (fax modem) | drill
    gateway_host: str = ""
    gateway_port: int = 25
    sender: str = "bousai@example.jp"
    address_template: str = "{number}@fax.example.jp"
    starttls: bool = False
    username: str = ""  # the password lives in the keyring: issei secret set fax password
    font: str = ""  # a Japanese font file; default: Meiryo / Noto Sans CJK
    sender_name: str = ""  # the footer of every page (e.g. 〇〇市 防災対策課)
    max_attempts: int = 3
    retry_delay: float = 60.0
    device: str = ""  # efax: the fax modem's serial device (/dev/ttyS0, /dev/ttyUSB0)
    efax: str = "efax"  # the efax program (Debian package efax)
    fax_class: str = "2"  # efax: 1 | 2 | 2.0
    station_id: str = ""  # efax: our number as the far machine shows it (-l)


@dataclass
class HardwareConfig:
    voice: VoiceSettings
    radio: RadioSettings
    dialer: DialerSettings
    jalert: JAlertSettings
    fax: FaxSettings
    data_dir: Path
    training: bool

    @property
    def cache_dir(self) -> Path:
        return Path(self.voice.cache_dir) if self.voice.cache_dir else (
            self.data_dir / "voice-cache")

    def path(self, value: str) -> Path:
        p = Path(value).expanduser()
        return p if p.is_absolute() else self.data_dir / p


def _fill(target: Any, table: Any, where: str) -> None:
    if not isinstance(table, dict):
        raise ConfigError(f"[{where}] は表である必要があります")
    names = {f.name: f for f in fields(target)}
    for key, value in table.items():
        if key not in names:
            raise ConfigError(f"[{where}] {key}: 知らない設定項目です")
        expected = type(getattr(target, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"[{where}] {key}: {expected.__name__} 型の値が必要です（{value!r}）")
        setattr(target, key, value)


def hardware_config(config: Config) -> HardwareConfig:
    raw = config.raw
    result = HardwareConfig(VoiceSettings(), RadioSettings(), DialerSettings(),
                            JAlertSettings(), FaxSettings(), config.data_dir, config.training)
    for name, target in (("voice", result.voice), ("radio", result.radio),
                         ("dialer", result.dialer), ("jalert", result.jalert),
                         ("fax", result.fax)):
        if name in raw:
            _fill(target, raw[name], name)
    r, d = result.radio, result.dialer
    if r.backend not in ("contact", "vendor", "simulator"):
        raise ConfigError("[radio] backend は contact・vendor・simulator のいずれかです")
    if r.backend != "simulator" and not r.port:
        raise ConfigError("[radio] port を指定してください（例: COM5、rfc2217://host:port）")
    if not 1 <= r.tx_limit <= 3600 or r.on_air_timeout <= 0:
        raise ConfigError("[radio] tx_limit は 1〜3600 秒、on_air_timeout は正の秒数です")
    if d.backend not in ("v253", "sip", "simulator"):
        raise ConfigError("[dialer] backend は v253・sip・simulator のいずれかです")
    if d.backend == "sip" and not (d.sip_server and d.sip_user):
        raise ConfigError("[dialer] backend = \"sip\" には sip_server（PBXのホスト[:ポート]）と"
                          "sip_user を書いてください")
    if d.sip_server and not re.fullmatch(r"[A-Za-z0-9.\-]+(:\d{1,5})?", d.sip_server):
        raise ConfigError(f"[dialer] sip_server「{d.sip_server}」は ホスト名[:ポート] で"
                          "書いてください（例: pbx.example.lg.jp:5060）")
    if not 1 <= d.lines <= 64:
        raise ConfigError("[dialer] lines（同時に発信する回線数）は 1〜64 です")
    if d.backend == "v253" and not d.ports:
        raise ConfigError("[dialer] ports にモデムのポートを1つ以上書いてください")
    if not all(isinstance(p, str) for p in d.ports):
        raise ConfigError("[dialer] ports は文字列の配列です")
    if len(d.confirm_digit) != 1 or d.confirm_digit not in "0123456789*#":
        raise ConfigError("[dialer] confirm_digit は 0〜9・*・# の1文字です")
    if not 1 <= d.max_attempts <= 10:
        raise ConfigError("[dialer] max_attempts は 1〜10 です")
    f = result.fax
    if f.backend not in ("email", "efax", "drill"):
        raise ConfigError("[fax] backend は email・efax・drill のいずれかです")
    if f.backend == "efax" and not f.device:
        raise ConfigError("[fax] device（FAXモデムのポート、例: /dev/ttyUSB0）を指定してください")
    if f.fax_class not in ("1", "2", "2.0"):
        raise ConfigError("[fax] fax_class は 1・2・2.0 のいずれかです")
    if f.backend == "email" and not f.gateway_host:
        raise ConfigError("[fax] gateway_host（メールFAXゲートウェイ）を指定してください")
    if "{number}" not in f.address_template:
        raise ConfigError("[fax] address_template には {number} を含めてください")
    return result
