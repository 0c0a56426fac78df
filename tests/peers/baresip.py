"""baresip (Debian package baresip-core) as the far-end phone of a SIP call.

A private config folder, SIP on 127.0.0.1, one account per number with auto-answer and PCMU
only, the sndfile filter writing what baresip decoded from our RTP to WAV files, and the
``cons`` UDP console to press keys: ``1`` then KEYCODE_REL (0x04) sends the digit as
RFC 4733 telephone-events (start, updates, end). ``call_max_calls`` makes a second
simultaneous call get ``486 Max Calls`` (busy). baresip does not challenge calls (no digest
auth as a server): that part is tested against tests/peers/sip_uas.py.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import wave
from pathlib import Path

import numpy as np

BARESIP = shutil.which("baresip")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _free_sip_port() -> int:
    """baresip listens on UDP and TCP at the port and TLS at the port + 1."""
    for _ in range(50):
        port = _free_udp_port()
        try:
            for kind, p in ((socket.SOCK_STREAM, port), (socket.SOCK_STREAM, port + 1)):
                with socket.socket(socket.AF_INET, kind) as s:
                    s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair for baresip")


class Baresip:
    def __init__(self, folder: Path, numbers: list[str], *, press: str = "",
                 max_calls: int = 4) -> None:
        self.folder = folder
        self.press = press  # the key pressed once each call is established ("" none)
        self.sip_port, self.cons_port = _free_sip_port(), _free_udp_port()
        self.address = f"127.0.0.1:{self.sip_port}"
        self.snd = folder / "snd"
        self.snd.mkdir(parents=True, exist_ok=True)
        source = folder / "voice.wav"  # what the resident "says": 60 s of a quiet tone
        t = np.arange(8000 * 60) / 8000
        with wave.open(str(source), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes((0.05 * np.sin(2 * np.pi * 400 * t) * 32767).astype("<i2").tobytes())
        (folder / "config").write_text(
            "poll_method epoll\n"
            f"sip_listen 127.0.0.1:{self.sip_port}\n"
            "net_interface 127.0.0.1\n"
            f"call_max_calls {max_calls}\n"
            "audio_player aubridge,play\naudio_alert aubridge,alert\n"
            f"audio_source aufile,{source}\n"
            "module_path /usr/lib/baresip/modules\n"
            "module cons.so\nmodule g711.so\nmodule aufile.so\nmodule aubridge.so\n"
            "module sndfile.so\nmodule_app account.so\nmodule_app menu.so\n"
            f"cons_listen 127.0.0.1:{self.cons_port}\nsnd_path {self.snd}\n",
            encoding="utf-8")
        (folder / "accounts").write_text("".join(
            f"<sip:{n}@127.0.0.1>;regint=0;answermode=auto;audio_codecs=PCMU\n"
            for n in numbers), encoding="utf-8")
        (folder / "contacts").write_text("", encoding="utf-8")
        self.log_path = folder / "baresip.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self.established = 0

    def start(self) -> Baresip:
        assert BARESIP is not None
        log = self.log_path.open("wb")
        self.process = subprocess.Popen([BARESIP, "-f", str(self.folder), "-v"],
                                        stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while b"baresip is ready" not in self.log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("baresip did not start:\n" + self.log())
            time.sleep(0.05)
        self._watcher.start()
        return self

    def log(self) -> str:
        return self.log_path.read_bytes().decode("utf-8", "replace")

    def key(self, keys: bytes) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(keys, ("127.0.0.1", self.cons_port))

    def _watch(self) -> None:
        while not self._stop.is_set():
            count = self.log_path.read_bytes().count(b"Call established")
            if count > self.established:
                self.established = count
                if self.press:
                    time.sleep(0.3)  # the resident listens a moment, then presses
                    self.key(self.press.encode() + b"\x04")  # key, then KEYCODE_REL
            time.sleep(0.05)

    def decoded(self) -> list[np.ndarray]:
        """What baresip decoded from our RTP, one array a call (sndfile's *-dec.wav)."""
        out = []
        for path in sorted(self.snd.glob("*-dec.wav")):
            with wave.open(str(path)) as w:
                out.append(np.frombuffer(w.readframes(w.getnframes()), "<i2")
                           .astype(np.float32) / 32768)
        return out

    def close(self) -> None:
        self._stop.set()
        if self._watcher.is_alive():
            self._watcher.join(2)
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
