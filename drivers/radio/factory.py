"""The radio station the configuration describes. Training mode never keys a real radio."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from app.voice.config import HardwareConfig
from drivers.radio.procedure import AudioOut, ProcedureSettings, RadioBackend, RadioState
from drivers.radio.station import RadioStation


def build_station(hw: HardwareConfig, sessions: sessionmaker[Session] | None, console: str,
                  on_state: Callable[[RadioState, str], None] | None = None) -> RadioStation:
    r = hw.radio
    backend: RadioBackend
    if hw.training or r.backend == "simulator":
        from drivers.radio.simulator import SimulatedRadio

        backend = SimulatedRadio(zones=tuple(r.zones))
    elif r.backend == "contact":
        from drivers.radio.contact import ContactBackend, ContactWiring

        backend = ContactBackend(r.port, ContactWiring(
            key_line=r.key_line, on_air_line=r.on_air_line,
            on_air_active_high=r.on_air_active_high,
            zone_lines={str(k): str(v) for k, v in r.zones.items()}))
    else:
        from drivers.radio.vendor import VendorBackend, VendorProfile

        backend = VendorBackend(r.port, VendorProfile.from_table(r.vendor))
    audio: AudioOut
    if r.audio_device and not backend.simulated:
        from drivers.audio.devices import SoundDeviceOut

        audio = SoundDeviceOut(r.audio_device)
    else:
        from drivers.audio.sinks import PacedSink

        audio = PacedSink(pace=0.0)  # the simulator keeps the audio, it does not wait for it
    settings = ProcedureSettings(on_air_timeout=r.on_air_timeout, tx_limit=r.tx_limit,
                                 play_chimes=r.play_chimes)
    return RadioStation(backend, audio, settings, sessions=sessions, console=console,
                        training=hw.training, on_state=on_state)
