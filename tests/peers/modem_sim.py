"""A V.253 voice modem on the far side of a real pty (os.openpty).

The dialer opens the pty's slave path with pyserial, exactly as it opens /dev/ttyACM0; this
simulator answers on the master side like a voice modem: AT commands, ``AT+VSM=?`` in the
style of the model, ``ATD`` answered with VCON/BUSY/NO ANSWER/NO DIALTONE by a script per
number, ``AT+VTX`` with the DLE-shielded audio decoded and kept (raw wire bytes too, so the
test can check the escaping byte for byte), and DTMF sent back as <DLE>digit, the DLE and
the digit in separate writes so the driver must survive the chunk boundary.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

DLE, ETX = 0x10, 0x03

USR_VSM = [b'128,"8-BIT LINEAR",(7200,8000,11025)', b'129,"ADPCM",(7200)',
           b'130,"UNSIGNED PCM",(7200,8000,11025)']
V253_VSM = [b'+VSM: 0,"SIGNED PCM",8,0,(8000),(0),(0)',
            b'+VSM: 1,"UNSIGNED PCM",8,0,(8000),(0),(0)',
            b'+VSM: 4,"G.711U",8,0,(8000),(0),(0)']


@dataclass
class Plan:
    """What happens when a number is dialled, attempt by attempt."""

    results: list[str]  # VCON | BUSY | NO ANSWER | NO DIALTONE, one per attempt (last repeats)
    dtmf: str = ""  # pressed during playback
    dtmf_after: int = 0  # audio bytes received (in that call) before the digit is pressed


@dataclass
class Transmission:
    number: str
    wire: bytearray = field(default_factory=bytearray)  # bytes as they arrived
    audio: bytearray = field(default_factory=bytearray)  # after DLE decoding
    end_dles: int = 0  # how many DLEs preceded the ETX


class ModemSimulator:
    def __init__(self, plans: dict[str, Plan], *, vsm: list[bytes] | None = None,
                 dial_delay: float = 0.05) -> None:
        self.plans = plans
        self.vsm = vsm or V253_VSM
        self.dial_delay = dial_delay
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty survives between the driver's opens
        self.commands: list[str] = []
        self.dialled: list[str] = []
        self.transmissions: list[Transmission] = []
        self.errors: list[str] = []
        self._attempts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="modem-sim", daemon=True)
        self._line = bytearray()
        self._vtx: Transmission | None = None
        self._dle = 0  # 1 after a DLE during +VTX
        self._call_audio = 0
        self._current: str | None = None
        self._pressed = False
        # A modem's DLE and digit leave one transmitter back to back: nothing may come
        # between them, only time (a later read).
        self._out_lock = threading.Lock()

    def start(self) -> ModemSimulator:
        self._thread.start()
        return self

    def drop_dtr(self) -> None:
        """What a modem set to &D2 does when the computer's DTR drops (its process died):
        hang up and return to command mode. A pty carries no DTR, so a test that kills the
        dialer calls this, as the line would."""
        with self._out_lock:
            self._vtx = None
            self._dle = 0
            self._current = None
            self._line.clear()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)

    def _send(self, data: bytes) -> None:
        with self._out_lock:
            os.write(self.master, data)

    def _result(self, text: str) -> None:
        self._send(b"\r\n" + text.encode() + b"\r\n")

    def _loop(self) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            for byte in data:
                if self._vtx is not None:
                    self._vtx_byte(byte)
                else:
                    self._command_byte(byte)

    def _command_byte(self, byte: int) -> None:
        if byte in (0x0D, 0x0A):
            if self._line:
                self._command(self._line.decode("ascii", "replace"))
                self._line.clear()
            return
        self._line.append(byte)

    def _command(self, text: str) -> None:
        self.commands.append(text)
        upper = text.upper()
        if upper == "AT+VSM=?":
            for line in self.vsm:
                self._send(b"\r\n" + line)
            self._result("OK")
        elif upper.startswith("ATD"):
            number = text[3:].strip()
            self.dialled.append(number)
            plan = self.plans.get(number, Plan(["NO ANSWER"]))
            attempt = self._attempts.get(number, 0)
            self._attempts[number] = attempt + 1
            result = plan.results[min(attempt, len(plan.results) - 1)]
            time.sleep(self.dial_delay)
            if result == "VCON":
                self._current, self._call_audio, self._pressed = number, 0, False
            self._result(result)
        elif upper == "AT+VTX":
            if self._current is None:
                self._result("ERROR")
                return
            self._vtx = Transmission(self._current)
            self._dle = 0
            self._result("CONNECT")
        elif upper.startswith("ATH"):
            self._current = None
            self._result("OK")
        elif upper.startswith("AT"):
            self._result("OK")
        else:
            self.errors.append(f"not a command: {text!r}")

    def _vtx_byte(self, byte: int) -> None:
        """V.253 shielding as a modem reads it: DLE DLE is one 0x10 sample, DLE ETX ends."""
        vtx = self._vtx
        assert vtx is not None
        vtx.wire.append(byte)
        if self._dle:
            self._dle = 0
            if byte == DLE:
                self._audio(vtx, DLE)
            elif byte == ETX:
                run = 0
                for b in reversed(vtx.wire[:-1]):
                    if b != DLE:
                        break
                    run += 1
                vtx.end_dles = run
                self.transmissions.append(vtx)
                self._vtx = None
                self._result("OK")
            else:
                self.errors.append(f"DLE followed by 0x{byte:02x}: audio not DLE-escaped")
            return
        if byte == DLE:
            self._dle = 1
            return
        self._audio(vtx, byte)

    def _audio(self, vtx: Transmission, byte: int) -> None:
        vtx.audio.append(byte)
        self._call_audio += 1
        plan = self.plans.get(vtx.number)
        if plan and plan.dtmf and not self._pressed and self._call_audio >= plan.dtmf_after:
            self._pressed = True
            threading.Thread(target=self._press, args=(plan.dtmf,), daemon=True).start()

    def _press(self, digits: str) -> None:
        for digit in digits:
            with self._out_lock:
                os.write(self.master, bytes([DLE]))
                time.sleep(0.03)  # the digit arrives in a later read than its DLE
                os.write(self.master, digit.encode())
