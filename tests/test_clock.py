"""State Manager's clock: moto's time (which freezegun moves) plus the test's advances; reset with moto."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from freezegun import freeze_time
from moto import mock_aws

from ssm_assoc_mock.models.clock import as_timedelta, reported_now, state_manager_clock

FROZEN = datetime(2026, 1, 1, 9, 0, 0)


def test_the_clock_is_moto_time_plus_the_advances() -> None:
    with freeze_time(FROZEN), mock_aws():
        assert reported_now() == FROZEN
        assert state_manager_clock().move_forward(timedelta(hours=2)) == FROZEN + timedelta(hours=2)
        assert reported_now() == FROZEN + timedelta(hours=2)


def test_freezegun_moves_the_clock_under_the_advances() -> None:
    with freeze_time(FROZEN) as frozen, mock_aws():
        state_manager_clock().move_forward(timedelta(minutes=30))
        frozen.tick(timedelta(hours=1))
        assert reported_now() == FROZEN + timedelta(hours=1, minutes=30)


def test_times_are_kept_at_the_millisecond_the_api_reports() -> None:
    with freeze_time(datetime(2026, 1, 1, 9, 0, 0, 123456)), mock_aws():
        assert reported_now() == datetime(2026, 1, 1, 9, 0, 0, 123000)


def test_a_moto_reset_returns_the_clock_to_moto_time() -> None:
    with freeze_time(FROZEN):
        with mock_aws():
            state_manager_clock().move_forward(timedelta(days=3))
        with mock_aws():  # a new mock starts from a reset, as POST /moto-api/reset does
            assert reported_now() == FROZEN


def test_the_clock_only_moves_forward() -> None:
    with mock_aws(), pytest.raises(ValueError, match="only moves forward"):
        state_manager_clock().move_forward(timedelta(seconds=-1))


@pytest.mark.parametrize(("given", "expected"), [(90, timedelta(seconds=90)), (0.5, timedelta(milliseconds=500))])
def test_an_advance_is_seconds_or_a_timedelta(given: float, expected: timedelta) -> None:
    assert as_timedelta(given) == expected
    assert as_timedelta(expected) == expected


@pytest.mark.parametrize("given", ["60", None, True, float("nan"), float("inf")])
def test_an_advance_that_is_not_a_duration_is_refused(given: object) -> None:
    with pytest.raises((TypeError, ValueError), match="Advance the clock by"):
        as_timedelta(given)  # type: ignore[arg-type]
