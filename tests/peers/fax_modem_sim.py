"""A class 2 / 2.0 fax modem on the far side of a real pty (os.openpty), for efax.

efax opens the pty's slave path exactly as it opens /dev/ttyS0; this simulator answers on the
master side with the subset of the T.32 (class 2.0) and SP-2388 (class 2) command set a
one-page send uses: ``AT+FCLASS``, capability queries, ``ATD`` answered with +FCON/+FDIS (or
BUSY / NO CARRIER by plan), ``AT+FDT`` with +FDCS, CONNECT and XON, the page data with DLE
shielding removed until <DLE><ETX> (class 2.0: <DLE> and the page punctuation . , or ;),
``AT+FET`` with +FPTS, ``AT+FK`` with +FHNG. It keeps the page data so the test can decode
it back into an image and compare it with what was sent.
"""

from __future__ import annotations

import os
import select
import threading
from dataclasses import dataclass, field
from typing import Any

DLE, ETX, XON = 0x10, 0x03, 0x11
PAGE_PUNCTUATION = {ord(","): "MPS", ord(";"): "EOM", ord("."): "EOP"}  # class 2.0


@dataclass
class FaxCall:
    number: str
    pages: list[bytearray] = field(default_factory=list)  # unshielded page data, as sent
    hangup: str = ""  # the +FHNG code we reported


class FaxModemSimulator:
    def __init__(self, results: dict[str, str] | None = None, *, fax_class: str = "2",
                 line_bps: int = 9600) -> None:
        self.results = results or {}  # number -> CONNECT (default) | BUSY | NO CARRIER
        self.fax_class = fax_class  # what the modem claims: "2" or "2.0"
        self.line_bps = line_bps  # how fast the page "leaves"; a test may shorten it
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave
        self.commands: list[str] = []
        self.calls: list[FaxCall] = []
        self.errors: list[str] = []
        self._line = bytearray()
        self._data: bytearray | None = None  # page data while receiving
        self._dle = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="fax-modem-sim", daemon=True)

    def start(self) -> FaxModemSimulator:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)

    def _send(self, data: bytes) -> None:
        os.write(self.master, data)

    def _result(self, *lines: str) -> None:
        self._send(b"".join(b"\r\n" + line.encode() + b"\r\n" for line in lines))

    def _loop(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for byte in data:
                if self._data is not None:
                    self._data_byte(byte)
                else:
                    self._command_byte(byte)

    def _command_byte(self, byte: int) -> None:
        if byte in (0x0D, 0x0A):
            if self._line:
                self._command(self._line.decode("ascii", "replace").strip())
                self._line.clear()
            return
        self._line.append(byte)

    def _data_byte(self, byte: int) -> None:
        assert self._data is not None
        if self._dle:
            self._dle = False
            if byte == DLE:
                self._data.append(DLE)
            elif byte in PAGE_PUNCTUATION and self.fax_class == "2.0":
                self._end_page(PAGE_PUNCTUATION[byte])  # T.32: <DLE>. ends page and document
            elif byte == ETX:
                self._end_page("")
            else:
                self.errors.append(f"DLE followed by 0x{byte:02x}: data not DLE-shielded")
            return
        if byte == DLE:
            self._dle = True
            return
        self._data.append(byte)

    def _end_page(self, punctuation: str) -> None:
        page = self._data
        assert page is not None
        self.calls[-1].pages.append(page)
        self._data = None
        answer: tuple[str, ...] = ("OK",)
        if punctuation == "EOP":
            self.calls[-1].hangup = "+FHS:00"
            answer = ("+FPS:1", "+FHS:00", "OK")
        elif punctuation:
            answer = ("+FPS:1", "OK")
        # A real modem answers when the page has left at the line rate. efax divides by the
        # elapsed whole seconds, so an OK within the same second makes it die of SIGFPE:
        # never less than a second, as on any real line.
        threading.Timer(max(1.05, len(page) * 8 / self.line_bps), self._result,
                        args=answer).start()

    def _command(self, text: str) -> None:
        self.commands.append(text)
        upper = text.upper()
        two_oh = self.fax_class == "2.0"
        if not upper.startswith("AT"):
            self.errors.append(f"not a command: {text!r}")
            return
        body = upper[2:]
        if body == "+FCLASS=?":
            self._result("0,1,2,2.0" if two_oh else "0,1,2", "OK")
        elif body.startswith("+FCLASS="):
            wanted = body.split("=", 1)[1]
            self._result("OK" if wanted in ("0", "1", "2", "2.0") else "ERROR")
        elif body.startswith("D"):
            number = "".join(c for c in text[3:] if c.isdigit())
            outcome = self.results.get(number, "CONNECT")
            if outcome != "CONNECT":
                self.calls.append(FaxCall(number, hangup=outcome))
                self._result(outcome)
                return
            self.calls.append(FaxCall(number))
            if two_oh:
                self._result("+FCO", "+FIS:1,5,0,2,0,0,0,0", "OK")
            else:
                self._result("+FCON", "+FDIS:1,5,0,2,0,0,0,0", "OK")
        elif body == "+FDT":
            if not self.calls or self.calls[-1].hangup:
                self._result("ERROR")
                return
            self._result("+FCS:1,3,0,2,0,0,0,0" if two_oh else "+FDCS:1,3,0,2,0,0,0,0",
                         "CONNECT")
            self._data = bytearray()
            if not two_oh:  # class 2: XON says "ready for the page data"
                self._send(bytes([XON]))
        elif body.startswith("+FET="):
            pps = "+FPS:1" if two_oh else "+FPTS:1"  # 1: page good (MCF)
            if body.endswith("=2") and two_oh:  # end of document: the line is released
                self.calls[-1].hangup = "+FHS:00"
                self._result(pps, "+FHS:00", "OK")
            else:
                # Class 2 (SP-2388 as efax 0.9a reads it): the status of the page now, the
                # hang-up status (+FHNG) when the DTE ends the session with +FK.
                self._result(pps, "OK")
        elif body.startswith("+FKS") or body.startswith("+FK"):
            if self.calls and not self.calls[-1].hangup:
                self.calls[-1].hangup = "+FHNG:0"
                self._result("+FHNG:0", "OK")
            else:
                self._result("OK")
        elif body.endswith("?"):
            self._result("OK")
        else:
            self._result("OK")


def decode_page(data: bytes, height: int, width: int = 1728) -> Any:
    """The page data as the far fax machine would print it: T.4 1-D (MH) coded lines, least
    significant bit first (the class 2 transmission order), decoded by libtiff through
    Pillow. Returns a mode "1" image of ``height`` lines (efax adds its header lines)."""
    import io
    import struct

    from PIL import Image

    entries = [(256, 4, width), (257, 4, height), (258, 3, 1), (259, 3, 3), (262, 3, 0),
               (266, 3, 2), (273, 4, 8), (277, 3, 1), (278, 4, height), (279, 4, len(data)),
               (292, 4, 0)]  # CCITT G3, FillOrder 2 (LSB first), T4Options 0 (1-D)
    pad = len(data) % 2
    out = b"II*\x00" + struct.pack("<I", 8 + len(data) + pad) + data + b"\x00" * pad
    out += struct.pack("<H", len(entries))
    for tag, kind, value in entries:
        out += struct.pack("<HHI", tag, kind, 1)
        out += struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
    out += struct.pack("<I", 0)
    image = Image.open(io.BytesIO(out))
    image.load()
    return image.convert("1")
