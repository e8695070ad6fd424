"""State Manager schedule expressions: ``cron(...)``, ``rate(...)`` and ``at(...)``.

AWS does not publish its parser; the rules follow the State Manager documentation
(reference section 3): six or seven cron fields, one of day-of-month / day-of-week
must be ``?``, months are not allowed, rates between 30 minutes and 31 days with the
singular unit only for 1, and ``at`` with a UTC timestamp.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from .exceptions import InvalidSchedule

_RATE = re.compile(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)")
_AT = re.compile(r"at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)")
_CRON = re.compile(r"cron\((.*)\)")
_UNIT = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
_SHORTEST_RATE = timedelta(minutes=30)
_LONGEST_RATE = timedelta(days=31)
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

# Per field: the allowed numeric range and the extra tokens AWS cron allows there.
_CRON_FIELDS = {
    "seconds": (0, 0),
    "minutes": (0, 59),
    "hours": (0, 23),
    "day-of-month": (1, 31),
    "month": (1, 12),
    "day-of-week": (1, 7),
    "year": (1970, 2199),
}


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: its kind and, for rates, the interval."""

    kind: str
    expression: str
    interval: timedelta | None = None


def invalid(expression: str, reason: str) -> InvalidSchedule:
    return InvalidSchedule(
        f"Schedule expression {expression} is invalid: {reason}. Verify your cron or rate expression and try again."
    )


def parse_schedule(expression: str) -> Schedule:
    """Parse a ScheduleExpression or raise ``InvalidSchedule`` saying what is wrong."""
    if expression.startswith("rate("):
        return _parse_rate(expression)
    if expression.startswith("at("):
        return _parse_at(expression)
    if expression.startswith("cron("):
        return _parse_cron(expression)
    raise invalid(expression, "use cron(...), rate(...) or at(...)")


def _parse_rate(expression: str) -> Schedule:
    match = _RATE.fullmatch(expression)
    if not match:
        raise invalid(expression, "a rate is 'rate(<value> <minute(s)|hour(s)|day(s)>)'")
    value, unit = int(match.group(1)), match.group(2)
    singular = unit.rstrip("s")
    if (value == 1) != (unit == singular):
        raise invalid(expression, "use the singular unit for a value of 1 and the plural otherwise")
    interval = _UNIT[singular] * value
    if interval < _SHORTEST_RATE or interval >= _LONGEST_RATE:
        raise invalid(expression, "association rates must be at least 30 minutes and less than 31 days")
    return Schedule("rate", expression, interval)


def _parse_at(expression: str) -> Schedule:
    match = _AT.fullmatch(expression)
    if not match:
        raise invalid(expression, "a one-time schedule is 'at(yyyy-MM-ddTHH:mm:ss)'")
    try:
        datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise invalid(expression, "the date and time do not exist") from None
    return Schedule("at", expression)


def _parse_cron(expression: str) -> Schedule:
    match = _CRON.fullmatch(expression)
    fields = match.group(1).split() if match else []
    if len(fields) not in (6, 7):
        raise invalid(expression, "a cron expression has 6 fields (or 7 with leading seconds)")
    names = list(_CRON_FIELDS)[1:] if len(fields) == 6 else list(_CRON_FIELDS)
    values = dict(zip(names, fields))
    for name, value in values.items():
        if not _valid_field(name, value):
            raise invalid(expression, f"the {name} field '{value}' is not valid")
    if _runs_more_often_than_every_30_minutes(values["minutes"]):
        raise invalid(expression, "associations cannot run more often than every 30 minutes")
    if values["month"] != "*":
        raise invalid(expression, "associations cannot be scheduled on specific months; use * for the month")
    if (values["day-of-month"] == "?") == (values["day-of-week"] == "?"):
        raise invalid(expression, "exactly one of day-of-month and day-of-week must be ?")
    return Schedule("cron", expression)


def _runs_more_often_than_every_30_minutes(minutes: str) -> bool:
    if minutes == "*" or len(minutes.split(",")) > 2:
        return True
    _, _, step = minutes.partition("/")
    return "-" in minutes or (step.isdigit() and int(step) < 30)


def _valid_field(name: str, value: str) -> bool:
    if value == "*":
        return True
    if value == "?":
        return name in ("day-of-month", "day-of-week")
    if name == "day-of-month" and value in ("L", "LW"):
        return True
    if name == "day-of-week":
        if re.fullmatch(r"[1-7]L|[A-Z]{3}L", value):
            return _number(name, value[:-1]) is not None
        nth = re.fullmatch(r"([1-7]|[A-Z]{3})#([1-5])", value)
        if nth:
            return _number(name, nth.group(1)) is not None
    return all(_valid_part(name, part) for part in value.split(","))


def _valid_part(name: str, part: str) -> bool:
    base, _, step = part.partition("/")
    if step and (not step.isdigit() or int(step) == 0):
        return False
    if base == "*" and step:
        return True
    low, _, high = base.partition("-")
    first = _number(name, low)
    if first is None:
        return False
    return not high or _number(name, high) is not None


def _number(name: str, token: str) -> int | None:
    if name == "day-of-week" and token in _WEEKDAYS:
        return _WEEKDAYS.index(token) + 1
    if not token.isdigit():
        return None
    low, high = _CRON_FIELDS[name]
    number = int(token)
    return number if low <= number <= high else None
