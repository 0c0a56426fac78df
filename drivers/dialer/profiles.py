"""Per-model quirks of voice modems (HARDWARE.md §1.3), as data.

What differs between models: which ``+VSM`` codec works (always queried with ``AT+VSM=?``;
the profile only says which to prefer), how many DLEs end a transmission (USR 5637: one;
Zoom 3095: three although its manual says two), and whether ``AT+GCI`` is understood.
These profiles are verified against the simulator only, not against the real modems.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DLE, ETX = 0x10, 0x03


@dataclass(frozen=True)
class ModemProfile:
    name: str
    # Codecs in order of preference: (cml id or None to match by name, our encoding).
    codecs: tuple[tuple[int | None, str], ...] = ((None, "ulaw"), (None, "u8"))
    vsm_suffix: str = ""  # extra +VSM parameters after the rate (Conexant: ",0,0")
    # DLEs before ETX that end +VTX. V.253 says one; a model that misses the end with one
    # gets three (DLE DLE is a 0x10 sample, then DLE ETX), which every modem reads as an end.
    end_dles: int = 1
    country_code: bool = True  # AT+GCI supported
    init: tuple[str, ...] = ("ATE0", "ATV1", "AT+FCLASS=8")
    extra: tuple[str, ...] = field(default=())  # e.g. ("AT+VRA=50", "AT+VRN=100")

    @property
    def end_tx(self) -> bytes:
        return bytes([DLE] * self.end_dles + [ETX])


PROFILES: dict[str, ModemProfile] = {
    "generic": ModemProfile("generic"),
    "usr5637": ModemProfile("usr5637", codecs=((128, "u8"), (None, "u8")), end_dles=1),
    "conexant": ModemProfile("conexant", codecs=((1, "u8"), (None, "u8")),
                             vsm_suffix=",0,0"),
    "zoom3095": ModemProfile("zoom3095", codecs=((1, "u8"), (None, "u8")),
                             vsm_suffix=",0,0", end_dles=3),
}


def profile(name: str) -> ModemProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = "、".join(PROFILES)
        raise ValueError(f"[dialer] profile「{name}」はありません（使えるもの: {known}）") from None
