"""Issue 3's network media (SMS, X, Facebook, app push, Slack, Teams, webhooks, Apprise):
their real drivers from ``[channels.<name>]`` and their drill drivers on the drill sink."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from app.config import Config
from app.dispatch.driver import Driver
from app.domain import Medium
from drivers import apprise_bridge, facebook, push, slack, sms, teams, webhook, x
from drivers.drill import DrillSink

MODULES: dict[Medium, ModuleType] = {
    Medium.SMS: sms,
    Medium.X: x,
    Medium.FACEBOOK: facebook,
    Medium.PUSH: push,
    Medium.SLACK: slack,
    Medium.TEAMS: teams,
    Medium.WEBHOOK: webhook,
    Medium.APPRISE: apprise_bridge,
}


def _builder(medium: Medium) -> Callable[..., Driver]:
    build: Callable[..., Driver] = MODULES[medium].build
    return build


def real_drivers(config: Config) -> dict[Medium, Driver]:
    return {medium: _builder(medium)(config)
            for medium in MODULES if medium.value in config.configured_media}


def drill_drivers(config: Config, sink: DrillSink) -> dict[Medium, Driver]:
    """Every network medium is drillable, configured or not: its driver posts to the sink."""
    return {medium: _builder(medium)(config, base_url=sink.http_url(medium.value),
                                     simulated=True)
            for medium in MODULES}
