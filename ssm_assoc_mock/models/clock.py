"""State Manager's clock: moto's current time plus whatever the test advanced it by.

moto reads the time through ``moto.core.utils.utcnow()``, which freezegun and time-machine
move, so a test that already controls time controls State Manager's too. On top of that a
test advances the clock (``ssm_assoc_mock.advance_clock``) to let scheduled runs fall due;
the advance is kept as an offset, one for the whole process (time is not per account).
Every time the behaviour layer records comes from ``reported_now``.

The offset lives in a moto backend, so moto's reset (the start of a mock,
``POST /moto-api/reset``) clears it with every other service: after a reset the clock is
moto's time again, as everything else in the fresh state expects.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from moto.core.base_backend import BackendDict, BaseBackend
from moto.core.utils import utcnow

# The clock is one for the process: a fixed key in its BackendDict, not an account.
_PROCESS = "process"
_GLOBAL = "aws"


class StateManagerClock(BaseBackend):
    """How far the test has moved State Manager's time ahead of moto's."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.offset = timedelta(0)
        # One advance at a time; readers take no lock (the offset is replaced, never mutated).
        self.advancing = threading.RLock()

    def now(self) -> datetime:
        return utcnow() + self.offset

    def move_forward(self, delta: timedelta) -> datetime:
        """Add ``delta`` to the offset; the new time."""
        if delta < timedelta(0):
            raise ValueError(f"The clock only moves forward; {delta} is negative.")
        with self.advancing:
            self.offset = self.offset + delta
            return self.now()


clock_backends: BackendDict[StateManagerClock] = BackendDict(
    StateManagerClock, "ssm", use_boto3_regions=False, additional_regions=[_GLOBAL]
)


def state_manager_clock() -> StateManagerClock:
    """The process's State Manager clock."""
    return clock_backends[_PROCESS][_GLOBAL]


def reported_now() -> datetime:
    """State Manager's now (naive UTC, as moto keeps time) at the millisecond precision the API reports.

    Stored so, a time a caller read back compares equal to its source in a filter: "after
    the last execution I saw" does not return that execution again.
    """
    return at_reported_precision(state_manager_clock().now())


def at_reported_precision(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def as_timedelta(delta: float | timedelta) -> timedelta:
    """A test's advance (seconds or a timedelta) as a timedelta; a clear error for anything else."""
    if isinstance(delta, timedelta):
        return delta
    if isinstance(delta, bool) or not isinstance(delta, (int, float)):
        raise TypeError(f"Advance the clock by seconds (a number) or a datetime.timedelta, not {delta!r}.")
    if delta != delta or delta in (float("inf"), float("-inf")):
        raise ValueError(f"Advance the clock by a finite number of seconds, not {delta!r}.")
    return timedelta(seconds=delta)


def epoch_to_datetime(value: float) -> datetime:
    """A request timestamp (epoch seconds) as the naive UTC datetime moto uses."""
    return datetime.fromtimestamp(value, tz=timezone.utc).replace(tzinfo=None)
