"""The ``[server]``, ``[logging]``, ``[scheduler]`` and ``[delivery]`` tables: how the process
runs as a service.

``[slack] host`` and ``[slack] port`` (where the one HTTP server listened before it had a table
of its own) are still honoured for one release, with a deprecation notice."""

from __future__ import annotations

from types import MappingProxyType

from bot.config.reader import ConfigError, Table
from bot.config.settings import (
    DeliverySettings,
    LogFormat,
    LoggingSettings,
    SchedulerSettings,
    ServerSettings,
)

LEVELS = ("debug", "info", "warning", "error", "critical")


def read_server(table: Table, *, legacy: Table) -> tuple[ServerSettings, tuple[str, ...]]:
    """``[server]``, and the deprecated ``[slack] host, port`` when ``[server]`` leaves them
    out. Returns the settings and the deprecation notices."""
    default = ServerSettings()
    notices: list[str] = []
    old: dict[str, object] = {}
    if legacy.has("host"):
        old["host"] = legacy.string("host", default.host)
    if legacy.has("port"):
        old["port"] = legacy.integer("port", default.port, low=1, high=65535)
    for key, value in old.items():
        if table.has(key) and table.raw(key) != value:
            raise ConfigError(
                f"{table.source}: [slack] {key} = {value!r} and [server] {key} = "
                f"{table.raw(key)!r} disagree: [slack] {key} is deprecated, keep only "
                f"[server] {key}."
            )
        notices.append(
            f"{table.source}: [slack] {key} is deprecated and will be removed in the next "
            f"release: move it to [server] {key} = {value!r}."
        )
    host = legacy.string("host", default.host) if "host" in old else default.host
    port = legacy.integer("port", default.port, low=1, high=65535) if "port" in old else None
    metrics = table.raw("metrics")
    if metrics is not None and not isinstance(metrics, bool):
        raise table.error("metrics", metrics, "true or false")
    server = ServerSettings(
        host=table.string("host", host),
        port=table.integer("port", default.port if port is None else port, low=1, high=65535),
        metrics=metrics,
        shutdown_grace_seconds=table.number(
            "shutdown_grace_seconds", default.shutdown_grace_seconds, low=1.0, high=3600.0
        ),
    )
    table.finish()
    return server, tuple(notices)


def read_logging(table: Table) -> LoggingSettings:
    default = LoggingSettings()
    format_ = table.choice("format", default.format.value, tuple(f.value for f in LogFormat))
    level = table.choice("level", default.level.lower(), LEVELS)
    per_logger = table.table("levels")
    levels = {name: per_logger.choice(name, "info", LEVELS).upper() for name in per_logger.names()}
    per_logger.finish()
    table.finish()
    return LoggingSettings(
        format=LogFormat(format_), level=level.upper(), levels=MappingProxyType(levels)
    )


def read_scheduler(table: Table) -> SchedulerSettings:
    default = SchedulerSettings()
    scheduler = SchedulerSettings(
        sweep_minutes=table.integer("sweep_minutes", default.sweep_minutes, low=1, high=1440),
        deliver_seconds=table.integer("deliver_seconds", default.deliver_seconds, low=1, high=3600),
        housekeeping_minutes=table.integer(
            "housekeeping_minutes", default.housekeeping_minutes, low=1, high=1440
        ),
        decide_workers=table.integer("decide_workers", default.decide_workers, low=0, high=64),
    )
    table.finish()
    return scheduler


def read_delivery(table: Table) -> DeliverySettings:
    default = DeliverySettings()
    delivery = DeliverySettings(
        max_attempts=table.integer("max_attempts", default.max_attempts, low=1, high=100),
        lease_seconds=table.integer("lease_seconds", default.lease_seconds, low=5, high=3600),
        backoff_base_seconds=table.number(
            "backoff_base_seconds", default.backoff_base_seconds, low=0.0, high=3600.0
        ),
        backoff_max_seconds=table.number(
            "backoff_max_seconds", default.backoff_max_seconds, low=0.0, high=86400.0
        ),
        batch_size=table.integer("batch_size", default.batch_size, low=1, high=1000),
        concurrency=table.integer("concurrency", default.concurrency, low=1, high=64),
        rate_limited_alert_minutes=table.integer(
            "rate_limited_alert_minutes", default.rate_limited_alert_minutes, low=1, high=10080
        ),
        expire_after_days=table.integer(
            "expire_after_days", default.expire_after_days, low=1, high=365
        ),
    )
    table.finish()
    return delivery
