"""Builds the driver sets from the configuration: real media, and the drill set for training."""

from __future__ import annotations

from app.config import Config, EmailChannel
from app.dispatch.driver import Driver, DriverSet
from app.domain import Medium
from drivers import network_media, publishing, voice_media
from drivers.drill import LOOPBACK, DrillSink
from drivers.email_smtp import EmailDriver, EmailSettings
from drivers.line import LineDriver

DRILL_LINE_TOKEN = "drill-token"  # the drill endpoint accepts anything; never a real token


def real_drivers(config: Config) -> DriverSet:
    drivers: dict[Medium, Driver] = {}
    if "email" in config.configured_media:
        drivers[Medium.EMAIL] = EmailDriver(
            EmailSettings.from_channel(config.email, config.secret("email", "password"))
        )
    if "line" in config.configured_media:
        line = config.line
        drivers[Medium.LINE] = LineDriver(
            line.base_url, config.secret("line", "access_token"), mode=line.mode,
            requests_per_second=line.requests_per_second, concurrency=line.concurrency,
            timeout=line.timeout,
        )
    drivers.update(publishing.real_drivers(config))  # website, CAP, L-Alert
    drivers.update(network_media.real_drivers(config))  # SMS, X, Facebook, push, chat …
    drivers.update(voice_media.real_drivers(config))  # radio, phone, FAX (configured ones)
    return DriverSet(drivers, training=False)


def drill_drivers(config: Config, sink: DrillSink) -> DriverSet:
    """The same drivers, pointed at the local drill sink. Nothing else is reachable from here."""
    email = EmailChannel(
        host=LOOPBACK, port=sink.smtp_port, security="none",
        from_address=config.email.from_address, from_name=config.email.from_name,
        recipients_per_transaction=config.email.recipients_per_transaction,
        connections=config.email.connections,
    )
    drivers: dict[Medium, Driver] = {
        Medium.EMAIL: EmailDriver(EmailSettings.from_channel(email, None), simulated=True),
        Medium.LINE: LineDriver(
            sink.http_url("line"), DRILL_LINE_TOKEN, mode=config.line.mode,
            requests_per_second=config.line.requests_per_second,
            concurrency=config.line.concurrency, simulated=True,
        ),
    }
    drivers.update(publishing.drill_drivers(config, sink))  # website, CAP, L-Alert
    drivers.update(network_media.drill_drivers(config, sink))  # SMS, X, Facebook, push …
    drivers.update(voice_media.drill_drivers(config))  # radio, phone, FAX simulators
    return DriverSet(drivers, training=True)
