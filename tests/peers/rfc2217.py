"""A real RFC 2217 server (pyserial's own ``PortManager``) in front of a scripted device.

ptys carry no modem-control lines and no parity (HARDWARE.md §2.4); RFC 2217 carries both,
end to end, exactly as a LAN serial server in a town hall does. The driver under test opens
``rfc2217://127.0.0.1:<port>`` with its real code; the device object sees what a radio
console's contacts would see (RTS/DTR, line settings, bytes) and drives CTS/DSR/CD/RI back.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

import pytest
import serial.rfc2217

# pyserial 3.5's rfc2217:// client names and daemonises its reader thread with the deprecated
# Thread.setName()/setDaemon(). Those two warnings are in pyserial, not in Issei: tests that
# open rfc2217:// let exactly these through and nothing else.
RFC2217_CLIENT_WARNINGS = [
    pytest.mark.filterwarnings(r"ignore:setDaemon\(\) is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings(r"ignore:setName\(\) is deprecated:DeprecationWarning"),
]


class FakeDevice:
    """The far side of the cable. ``PortManager`` sets line settings and RTS/DTR on it."""

    def __init__(self) -> None:
        self.baudrate = 9600
        self.bytesize = 8
        self.parity = "N"
        self.stopbits = 1
        self.rtscts = False
        self.xonxoff = False
        self.break_condition = False
        self.cts = False
        self.dsr = False
        self.ri = False
        self.cd = False
        self._rts = False
        self._dtr = False
        self.lines: list[tuple[float, str, bool]] = []  # every RTS/DTR change, timestamped
        self.received = bytearray()
        self._outbox = bytearray()
        self._lock = threading.Lock()
        self.on_lines: Callable[[FakeDevice], None] | None = None
        self.on_bytes: Callable[[FakeDevice, bytes], None] | None = None

    @property
    def rts(self) -> bool:
        return self._rts

    @rts.setter
    def rts(self, value: bool) -> None:
        self._rts = bool(value)
        self.lines.append((time.monotonic(), "rts", self._rts))
        if self.on_lines:
            self.on_lines(self)

    @property
    def dtr(self) -> bool:
        return self._dtr

    @dtr.setter
    def dtr(self, value: bool) -> None:
        self._dtr = bool(value)
        self.lines.append((time.monotonic(), "dtr", self._dtr))
        if self.on_lines:
            self.on_lines(self)

    def reset_input_buffer(self) -> None:
        pass

    def reset_output_buffer(self) -> None:
        pass

    def send(self, data: bytes) -> None:
        """Bytes from the device to the client."""
        with self._lock:
            self._outbox += data

    def take_outbox(self) -> bytes:
        with self._lock:
            data, self._outbox = bytes(self._outbox), bytearray()
        return data

    def deliver(self, data: bytes) -> None:
        self.received += data
        if self.on_bytes:
            self.on_bytes(self, data)

    def ever(self, line: str, value: bool = True) -> bool:
        return any(name == line and v is value for _, name, v in self.lines)


class _Connection:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self.lock:
            self.sock.sendall(data)


class Rfc2217Server:
    """Serves one device on 127.0.0.1; one client at a time, like a real serial server."""

    def __init__(self, device: FakeDevice) -> None:
        self.device = device
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connections = 0

    @property
    def url(self) -> str:
        return f"rfc2217://127.0.0.1:{self.port}?poll_modem"

    def start(self) -> Rfc2217Server:
        thread = threading.Thread(target=self._accept, name="rfc2217-accept", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def _accept(self) -> None:
        self.listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._serve(sock)

    def _serve(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(0.01)
        connection = _Connection(sock)
        manager = serial.rfc2217.PortManager(self.device, connection)
        try:
            while not self._stop.is_set():
                try:
                    data = sock.recv(4096)
                    if not data:
                        break
                    payload = b"".join(manager.filter(data))
                    if payload:
                        self.device.deliver(payload)
                except TimeoutError:
                    pass
                manager.check_modem_lines()
                out = self.device.take_outbox()
                if out:
                    connection.write(b"".join(manager.escape(out)))
        except OSError:
            pass
        finally:
            sock.close()

    def close(self) -> None:
        self._stop.set()
        self.listener.close()
        for thread in self._threads:
            thread.join(timeout=2)
