"""The time the behaviour layer reads, at the precision the API reports it."""

from __future__ import annotations

from datetime import datetime, timezone

from moto.core.utils import utcnow


def reported_now() -> datetime:
    """Now (naive UTC, as moto keeps time) at the millisecond precision the API reports.

    Stored so, a time a caller read back compares equal to its source in a filter: "after
    the last execution I saw" does not return that execution again.
    """
    moment = utcnow()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def epoch_to_datetime(value: float) -> datetime:
    """A request timestamp (epoch seconds) as the naive UTC datetime moto uses."""
    return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)
