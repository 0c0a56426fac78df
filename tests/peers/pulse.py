"""A private PulseAudio daemon with a null sink: a real sound server without a sound card.

The test plays into ``issei_sink`` and records ``issei_sink.monitor`` (what the sink
"hears"), through PortAudio → ALSA's pulse plugin → this daemon. The daemon runs as the
current user (root in CI: PulseAudio warns but runs with ``-n`` and its own runtime dir), on a
private socket, and is stopped by the fixture. Nothing touches a desktop's own sound server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SINK = "issei_sink"
SINE_SOURCE = "fake_mic"


@dataclass
class PulseDaemon:
    runtime: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str]

    @property
    def log(self) -> str:
        path = self.runtime / "pulse.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def pactl(self, *args: str) -> str:
        result = subprocess.run(["pactl", *args], env=self.env, capture_output=True,
                                text=True, timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)}: {result.stderr.strip()}")
        return result.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        shutil.rmtree(self.runtime, ignore_errors=True)


def pulse_available() -> bool:
    return shutil.which("pulseaudio") is not None and shutil.which("pactl") is not None


def start_pulse(rate: int = 48_000) -> PulseDaemon:
    runtime = Path(tempfile.mkdtemp(prefix="issei-pulse-"))
    runtime.chmod(0o700)
    socket_path = runtime / "native"
    env = dict(os.environ)
    env.update({
        "XDG_RUNTIME_DIR": str(runtime),
        "PULSE_RUNTIME_PATH": str(runtime),
        "PULSE_STATE_PATH": str(runtime / "state"),
        "HOME": str(runtime),  # no cookie or config from the real home
        "PULSE_SERVER": f"unix:{socket_path}",
    })
    env.pop("PULSE_SINK", None)
    env.pop("PULSE_SOURCE", None)
    process = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "-n",
         "--use-pid-file=no", "--disable-shm=yes",
         f"--load=module-native-protocol-unix socket={socket_path} auth-anonymous=1",
         f"--load=module-null-sink sink_name={SINK} rate={rate} channels=1",
         f"--log-target=file:{runtime / 'pulse.log'}"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    daemon = PulseDaemon(runtime, process, env)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = daemon.log
            daemon.stop()
            raise RuntimeError(f"pulseaudio exited ({process.returncode}): {log[-2000:]}")
        if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
            daemon.pactl("set-default-sink", SINK)
            daemon.pactl("set-default-source", f"{SINK}.monitor")
            return daemon
        time.sleep(0.05)
    daemon.stop()
    raise RuntimeError("pulseaudio did not answer within 10 s")


@contextlib.contextmanager
def sounddevice_on_pulse(rate: int = 48_000) -> Iterator[PulseDaemon]:
    """A private daemon that this process's sounddevice (PortAudio) plays to and records
    from, for the duration; the environment and PortAudio are put back afterwards."""
    daemon = start_pulse(rate)
    keys = [k for k in daemon.env if k.startswith(("PULSE_", "XDG_RUNTIME_DIR", "HOME"))]
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: daemon.env[k] for k in keys})
    import sounddevice as sd

    sd._terminate()  # PortAudio lists devices once; make it see this server
    sd._initialize()
    try:
        yield daemon
    finally:
        sd._terminate()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sd._initialize()
        daemon.stop()
