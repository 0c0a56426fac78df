"""Backend (a): the generic interface every console accepts — contacts and line audio.

Outputs are the serial port's RTS and DTR driving relays (起動 and, if wired, one zone group);
the input is one of CTS/DSR/CD/RI wired to the console's 放送中/ready contact. Which line does
what is configuration, because every town wires it differently. Two output lines are all a
serial port has: towns with more zone groups use the vendor profile or a DIO board.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import serial

from drivers.radio.procedure import RadioError
from drivers.radio.serial_lines import INPUT_LINES, OUTPUT_LINES, get_line, open_quiet, set_line

log = logging.getLogger("issei.radio.contact")


@dataclass(frozen=True)
class ContactWiring:
    key_line: str = "rts"  # 起動接点
    on_air_line: str = "cts"  # 放送中接点
    on_air_active_high: bool = True  # False: the contact opens when on air
    zone_lines: dict[str, str] = field(default_factory=dict)  # 地区名 -> output line

    def __post_init__(self) -> None:
        if self.key_line not in OUTPUT_LINES:
            raise ValueError(f"[radio] key_line は rts か dtr です（{self.key_line}）")
        if self.on_air_line not in INPUT_LINES:
            raise ValueError(f"[radio] on_air_line は cts・dsr・cd・ri のいずれかです"
                             f"（{self.on_air_line}）")
        for zone, line in self.zone_lines.items():
            if line not in OUTPUT_LINES or line == self.key_line:
                raise ValueError(f"[radio] 地区「{zone}」の信号線 {line} は使えません"
                                 f"（起動接点 {self.key_line} 以外の rts/dtr）")


class ContactBackend:
    simulated = False

    def __init__(self, url: str, wiring: ContactWiring) -> None:
        self.url = url
        self.wiring = wiring
        self.name = f"接点 {url}"
        self.port: serial.SerialBase | None = None

    def open(self) -> None:
        try:
            self.port = open_quiet(self.url, timeout=0.2)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise RadioError(f"無線の接点ポート {self.url} を開けません: {exc}") from exc

    def close(self) -> None:
        if self.port is not None:
            try:  # closing drops the lines too; say it explicitly for adapters that do not
                self.port.rts = False
                self.port.dtr = False
            finally:
                self.port.close()
                self.port = None

    def _port(self) -> serial.SerialBase:
        if self.port is None:
            raise RadioError("無線の接点ポートが開かれていません")
        return self.port

    def select_zones(self, zones: tuple[str, ...]) -> None:
        port = self._port()
        unknown = [z for z in zones if z not in self.wiring.zone_lines]
        if unknown:
            known = "、".join(self.wiring.zone_lines) or "なし（一括のみ）"
            raise RadioError(f"この接点インタフェースでは地区「{'、'.join(unknown)}」を選べません"
                             f"（選べる地区: {known}）")
        wanted = {self.wiring.zone_lines[z] for z in zones}
        for line in sorted(set(self.wiring.zone_lines.values())):
            set_line(port, line, line in wanted)

    def clear_zones(self) -> None:
        for line in sorted(set(self.wiring.zone_lines.values())):
            set_line(self._port(), line, False)

    def key(self, on: bool) -> None:
        set_line(self._port(), self.wiring.key_line, on)

    def on_air(self) -> bool:
        value = get_line(self._port(), self.wiring.on_air_line)
        return value if self.wiring.on_air_active_high else not value
