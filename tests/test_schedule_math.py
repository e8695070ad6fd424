"""When a schedule falls due next: rate intervals, cron matches in UTC (to the second), at() once.

2026-01-01 is a Thursday; calendars in the comments are UTC.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from ssm_assoc_mock.schedule import parse_schedule


def next_times(expression: str, start: datetime, count: int) -> list[datetime]:
    schedule = parse_schedule(expression)
    times: list[datetime] = []
    moment = start
    for _ in range(count):
        found = schedule.next_after(moment)
        assert found is not None
        times.append(found)
        moment = found
    return times


def test_rate_runs_one_interval_after_the_previous_run() -> None:
    previous = datetime(2026, 1, 1, 9, 17, 23, 456000)
    assert parse_schedule("rate(30 minutes)").next_after(previous) == datetime(2026, 1, 1, 9, 47, 23, 456000)
    assert parse_schedule("rate(1 hour)").next_after(previous) == datetime(2026, 1, 1, 10, 17, 23, 456000)
    assert parse_schedule("rate(30 days)").next_after(previous) == datetime(2026, 1, 31, 9, 17, 23, 456000)


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        # Sundays at 02:00 (day-of-week 1 is Sunday): from a Thursday, the coming Sunday.
        ("cron(0 2 ? * SUN *)", datetime(2026, 1, 1, 12, 0), datetime(2026, 1, 4, 2, 0)),
        ("cron(0 2 ? * 1 *)", datetime(2026, 1, 4, 1, 59, 59, 999000), datetime(2026, 1, 4, 2, 0)),
        # Exactly at a match: the next one (strictly after).
        ("cron(0 2 ? * SUN *)", datetime(2026, 1, 4, 2, 0), datetime(2026, 1, 11, 2, 0)),
        # A match that is a few milliseconds past is missed.
        ("cron(0 2 ? * SUN *)", datetime(2026, 1, 4, 2, 0, 0, 1000), datetime(2026, 1, 11, 2, 0)),
        # Every 30 minutes, with the optional seconds field.
        ("cron(0 0/30 * * * ? *)", datetime(2026, 1, 1, 0, 0, 0, 5000), datetime(2026, 1, 1, 0, 30)),
        ("cron(0/30 * * * ? *)", datetime(2026, 1, 1, 23, 45), datetime(2026, 1, 2, 0, 0)),
        # Every 4 hours, daily at 10:00, Mondays 13:15.
        ("cron(0 0/4 * * ? *)", datetime(2026, 1, 1, 21, 0), datetime(2026, 1, 2, 0, 0)),
        ("cron(0 10 * * ? *)", datetime(2026, 1, 1, 10, 0, 1), datetime(2026, 1, 2, 10, 0)),
        ("cron(15 13 ? * MON *)", datetime(2026, 1, 1), datetime(2026, 1, 5, 13, 15)),
        # Third Tuesday 23:30 and second Thursday midnight (the documented examples).
        ("cron(30 23 ? * TUE#3 *)", datetime(2026, 1, 1), datetime(2026, 1, 20, 23, 30)),
        ("cron(0 0 ? * THU#2 *)", datetime(2026, 1, 8, 0, 0), datetime(2026, 2, 12, 0, 0)),
        # Last Tuesday (3L) and last Friday (6L) of the month.
        ("cron(0 0 ? * 3L *)", datetime(2026, 1, 1), datetime(2026, 1, 27, 0, 0)),
        ("cron(15 10 ? * 6L *)", datetime(2026, 2, 1), datetime(2026, 2, 27, 10, 15)),
        # Last day of the month, in a leap year and not; the last weekday (May 31st 2026 is a Sunday).
        ("cron(0 2 L * ? *)", datetime(2026, 2, 1), datetime(2026, 2, 28, 2, 0)),
        ("cron(0 2 L * ? *)", datetime(2028, 2, 1), datetime(2028, 2, 29, 2, 0)),
        ("cron(0 2 LW * ? *)", datetime(2026, 5, 1), datetime(2026, 5, 29, 2, 0)),
        # The 31st: months without one are skipped.
        ("cron(0 0 31 * ? *)", datetime(2026, 4, 1), datetime(2026, 5, 31, 0, 0)),
        # Day ranges that wrap past Saturday, lists, and steps over days.
        ("cron(0 0 ? * FRI-MON *)", datetime(2026, 1, 6), datetime(2026, 1, 9, 0, 0)),
        ("cron(0 6,18 ? * MON,WED *)", datetime(2026, 1, 5, 6, 0), datetime(2026, 1, 5, 18, 0)),
        ("cron(0 0 1/10 * ? *)", datetime(2026, 1, 21, 0, 0), datetime(2026, 1, 31, 0, 0)),
        # Years: a later year jumps there; none left means never.
        ("cron(0 0 1 * ? 2030)", datetime(2026, 1, 1), datetime(2030, 1, 1, 0, 0)),
        ("cron(0 12 ? * SUN 2027-2029/2)", datetime(2026, 12, 31), datetime(2027, 1, 3, 12, 0)),
    ],
)
def test_cron_next_match_to_the_second(expression: str, after: datetime, expected: datetime) -> None:
    assert parse_schedule(expression).next_after(after) == expected


def test_cron_with_no_year_left_never_runs_again() -> None:
    assert parse_schedule("cron(0 0 1 * ? 2026)").next_after(datetime(2026, 12, 1, 0, 0)) is None
    assert parse_schedule("cron(0 0 ? * SUN *)").next_after(datetime(2199, 12, 31)) is None


def test_cron_matches_in_sequence() -> None:
    assert next_times("cron(0 0/30 * * * ? *)", datetime(2026, 1, 1, 23, 10), 3) == [
        datetime(2026, 1, 1, 23, 30),
        datetime(2026, 1, 2, 0, 0),
        datetime(2026, 1, 2, 0, 30),
    ]
    assert next_times("cron(30 23 ? * TUE#3 *)", datetime(2026, 1, 1), 3) == [
        datetime(2026, 1, 20, 23, 30),
        datetime(2026, 2, 17, 23, 30),
        datetime(2026, 3, 17, 23, 30),
    ]


def test_cron_far_matches_cost_jumps_not_minutes() -> None:
    # February 29th falls on a Sunday in 2032 only: the search jumps over months, not minutes.
    schedule = parse_schedule("cron(0 0 29 * ? *)")
    sundays_29th = [
        moment
        for moment in next_times("cron(0 0 29 * ? *)", datetime(2026, 1, 1), 400)
        if moment.month == 2 and moment.weekday() == 6
    ]
    assert sundays_29th[0] == datetime(2032, 2, 29)
    assert schedule.next_after(datetime(2026, 3, 29)) == datetime(2026, 4, 29)


def test_at_runs_once_at_its_time() -> None:
    schedule = parse_schedule("at(2026-07-07T15:55:00)")
    assert schedule.next_after(datetime(2026, 1, 1)) == datetime(2026, 7, 7, 15, 55)
    assert schedule.next_after(datetime(2026, 7, 7, 15, 55)) is None
    assert schedule.next_after(datetime(2027, 1, 1)) is None


def test_every_cron_the_parser_accepts_finds_its_next_match() -> None:
    # One search per documented example; each lands on a time its own fields allow.
    for expression in (
        "cron(0 */30 * * * ? *)",
        "cron(0 0/4 * * ? *)",
        "cron(0 10 ? * * *)",
        "cron(0 0 ? * 1-5 *)",
        "cron(0 0 */2 * ? *)",
        "cron(0 8 ? * MON-FRI 2026)",
    ):
        found = parse_schedule(expression).next_after(datetime(2026, 3, 1, 12, 34, 56))
        assert found is not None and found > datetime(2026, 3, 1, 12, 34, 56), expression
        assert found.second == 0 and found.microsecond == 0, expression
    assert parse_schedule("cron(0 0 ? * 1-5 *)").next_after(datetime(2026, 3, 1)) == datetime(2026, 3, 2)
    assert parse_schedule("cron(0 8 ? * MON-FRI 2026)").next_after(datetime(2026, 12, 31, 8)) is None
