"""The public-information media of issue 3 this module wires: website, CAP and L-Alert.

``drivers.registry`` calls :func:`real_drivers` and :func:`drill_drivers`; each medium appears
only when its ``[channels.<name>]`` table exists (real) or always (drill, pointed at the local
sink, with files written under the drill folder — never to a published feed or an L-Alert
hand-off folder).
"""

from __future__ import annotations

import dataclasses

from app.compose import links
from app.config import Config
from app.dispatch.driver import Driver
from app.domain import Medium
from drivers.cap import CapDriver, CapSettings
from drivers.drill import DrillSink
from drivers.lalert import LAlertDriver, LAlertSettings
from drivers.website import WebsiteDriver, WebsiteSettings

DRILL_WEBSITE_PASSWORD = "drill-application-password"  # the sink accepts anything
DRILL_CAP_SENDER = "drill@issei.invalid"


def real_drivers(config: Config) -> dict[Medium, Driver]:
    drivers: dict[Medium, Driver] = {}
    if "website" in config.configured_media:
        settings = WebsiteSettings.from_config(config)
        links.configure(settings.link_wait_seconds)
        drivers[Medium.WEBSITE] = WebsiteDriver(
            settings, config.secret("website", "application_password"),
        )
    if "cap" in config.configured_media:
        drivers[Medium.CAP] = CapDriver(CapSettings.from_config(config),
                                        config.secret("cap", "token"))
    if "lalert" in config.configured_media:
        drivers[Medium.LALERT] = LAlertDriver(LAlertSettings.from_config(config),
                                              config.secret("lalert", "token"))
    return drivers


def drill_drivers(config: Config, sink: DrillSink) -> dict[Medium, Driver]:
    folder = sink.recorder.folder
    website = (WebsiteSettings.from_config(config) if "website" in config.configured_media
               else WebsiteSettings(username="drill"))
    website = dataclasses.replace(website, base_url=sink.http_url("website"), verify_tls=True,
                                  ca_file="", timeout=10.0)
    links.configure(website.link_wait_seconds)
    cap = (CapSettings.from_config(config) if "cap" in config.configured_media
           else CapSettings(sender=DRILL_CAP_SENDER, feed_file="x"))
    cap = dataclasses.replace(cap, base_url=sink.http_url("cap"),
                              feed_file=str(folder / "cap" / "feed.xml"), feed_url="",
                              ca_file="", timeout=10.0)
    lalert = (LAlertSettings.from_config(config) if "lalert" in config.configured_media
              else LAlertSettings(organization_code="000000",
                                  organization_name="訓練用団体", out_dir="x"))
    # A drill never waits for hand entry: what the operator would type is in the file.
    lalert = dataclasses.replace(lalert, base_url=sink.http_url("lalert"),
                                 out_dir=str(folder / "lalert"), manual=False, ca_file="",
                                 timeout=10.0)
    return {
        Medium.WEBSITE: WebsiteDriver(website, DRILL_WEBSITE_PASSWORD, simulated=True),
        Medium.CAP: CapDriver(cap, None, simulated=True),
        Medium.LALERT: LAlertDriver(lalert, None, simulated=True),
    }
