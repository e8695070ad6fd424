"""State Manager schedule expressions: ``cron(...)``, ``rate(...)`` and ``at(...)``.

AWS does not publish its parser; the rules follow the State Manager documentation
(reference section 3): six or seven cron fields, one of day-of-month / day-of-week
must be ``?``, months are not allowed, rates between 30 minutes and 31 days with the
singular unit only for 1, and ``at`` with a UTC timestamp.

A parsed schedule also says when it next falls due (``Schedule.next_after``), in UTC as
the model says schedules run. A cron match is found by jumping field by field (year,
day, hour, minute, second), never by stepping through minutes, so the cost does not
depend on how far away the next match is.
"""

from __future__ import annotations

import bisect
import calendar
import functools
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
class CronFields:
    """A cron expression's fields, expanded: the values each time field allows, in order.

    Day-of-month and day-of-week stay as written (one of them is ``?``): which days they
    select depends on the month (``L``, ``LW``, ``3L``, ``TUE#3``).
    """

    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    day_of_month: str
    day_of_week: str
    years: tuple[int, ...]

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time strictly after ``moment`` that the expression selects (None past 2199)."""
        candidate = moment.replace(microsecond=0) + timedelta(seconds=1)
        while True:
            year = _first_at_least(self.years, candidate.year)
            if year is None:
                return None
            if year != candidate.year:
                candidate = datetime(year, 1, 1)
            day = _first_at_least(
                _matching_days(self.day_of_month, self.day_of_week, candidate.year, candidate.month), candidate.day
            )
            if day is None:
                candidate = _first_of_next_month(candidate)
                continue
            if day != candidate.day:
                candidate = datetime(candidate.year, candidate.month, day)
            hour = _first_at_least(self.hours, candidate.hour)
            if hour is None:
                candidate = datetime(candidate.year, candidate.month, candidate.day) + timedelta(days=1)
                continue
            if hour != candidate.hour:
                candidate = candidate.replace(hour=hour, minute=0, second=0)
            minute = _first_at_least(self.minutes, candidate.minute)
            if minute is None:
                candidate = candidate.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if minute != candidate.minute:
                candidate = candidate.replace(minute=minute, second=0)
            second = _first_at_least(self.seconds, candidate.second)
            if second is None:
                candidate = candidate.replace(second=0) + timedelta(minutes=1)
                continue
            return candidate.replace(second=second)


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: its kind and what it selects (a rate's interval, a cron's fields, an at's time)."""

    kind: str
    expression: str
    interval: timedelta | None = None
    cron: CronFields | None = None
    at: datetime | None = None

    def next_after(self, moment: datetime) -> datetime | None:
        """The first time strictly after ``moment`` the schedule selects, or None if it never will again.

        ``rate()``: one interval after ``moment`` (the interval runs from the previous run);
        ``cron()``: the next match in UTC; ``at()``: its time, if that is still ahead.
        """
        if self.interval is not None:
            return moment + self.interval
        if self.cron is not None:
            return self.cron.next_after(moment)
        assert self.at is not None
        return self.at if self.at > moment else None


def invalid(expression: str, reason: str) -> InvalidSchedule:
    return InvalidSchedule(
        f"Schedule expression {expression} is invalid: {reason}. Verify your cron or rate expression and try again."
    )


@functools.lru_cache(maxsize=4096)  # the clock reads an association's schedule at every run; parsed once
def parse_schedule(expression: str) -> Schedule:
    """Parse a ScheduleExpression or raise ``InvalidSchedule`` saying what is wrong (a Schedule is immutable)."""
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
        moment = datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        raise invalid(expression, "the date and time do not exist") from None
    return Schedule("at", expression, at=moment)


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
    fields = CronFields(
        seconds=_expand("seconds", values.get("seconds", "0")),
        minutes=_expand("minutes", values["minutes"]),
        hours=_expand("hours", values["hours"]),
        day_of_month=values["day-of-month"],
        day_of_week=values["day-of-week"],
        years=_expand("year", values["year"]),
    )
    return Schedule("cron", expression, cron=fields)


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


def _expand(name: str, value: str) -> tuple[int, ...]:
    """The sorted values a validated field allows (``*``, lists, ranges, wrap-around ranges, steps)."""
    low, high = _CRON_FIELDS[name]
    if value in ("*", "?"):
        return tuple(range(low, high + 1))
    selected: set[int] = set()
    for part in value.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if base == "*":
            first, last = low, high
        else:
            start, _, end = base.partition("-")
            first = _validated_number(name, start)
            # "5/15" runs from 5 to the field's end; "5" alone is just 5.
            open_end = high if step_text else first
            last = _validated_number(name, end) if end else open_end
        span = last - first if last >= first else last - first + high - low + 1  # FRI-MON wraps around
        for offset in range(0, span + 1, step):
            selected.add(low + (first - low + offset) % (high - low + 1))
    return tuple(sorted(selected))


def _validated_number(name: str, token: str) -> int:
    number = _number(name, token)
    assert number is not None, f"{name} {token} passed validation"
    return number


def _first_at_least(values: tuple[int, ...], minimum: int) -> int | None:
    index = bisect.bisect_left(values, minimum)
    return values[index] if index < len(values) else None


def _first_of_next_month(moment: datetime) -> datetime:
    return datetime(moment.year + 1, 1, 1) if moment.month == 12 else datetime(moment.year, moment.month + 1, 1)


def _weekday_number(year: int, month: int, day: int) -> int:
    """Cron's day-of-week number: 1 is Sunday, 7 is Saturday."""
    return (calendar.weekday(year, month, day) + 1) % 7 + 1


@functools.lru_cache(maxsize=4096)
def _matching_days(day_of_month: str, day_of_week: str, year: int, month: int) -> tuple[int, ...]:
    """The days of a month that the day-of-month and day-of-week fields select, in order."""
    last = calendar.monthrange(year, month)[1]
    days = range(1, last + 1)
    if day_of_month != "?":
        if day_of_month == "L":
            return (last,)
        if day_of_month == "LW":  # the last weekday: back off a weekend
            weekday = calendar.weekday(year, month, last)
            return (last - max(0, weekday - 4),)
        allowed = set(_expand("day-of-month", day_of_month))
        return tuple(day for day in days if day in allowed)
    if day_of_week.endswith("L"):  # 3L / TUEL: the last such weekday of the month
        weekday = _validated_number("day-of-week", day_of_week[:-1])
        return tuple(day for day in days if day + 7 > last and _weekday_number(year, month, day) == weekday)
    if "#" in day_of_week:  # TUE#3: the third Tuesday
        name, _, nth = day_of_week.partition("#")
        weekday = _validated_number("day-of-week", name)
        return tuple(
            day for day in days if (day - 1) // 7 + 1 == int(nth) and _weekday_number(year, month, day) == weekday
        )
    weekdays = set(_expand("day-of-week", day_of_week))
    return tuple(day for day in days if _weekday_number(year, month, day) in weekdays)
