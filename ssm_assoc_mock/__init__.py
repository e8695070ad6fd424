"""SSM State Manager associations for moto.

Importing this package adds the association actions to moto's SSM service, so plain
``@mock_aws`` works; the pytest plugin imports it for you. The import itself loads nothing
of moto, boto3 or the server: the actions are attached when moto imports its SSM service
(hook.py), and the names below that need moto are imported on first use.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Mapping

from .decorator import mock_ssm
from .hook import arm as _arm
from .hook import install, is_installed, uninstall

if TYPE_CHECKING:  # imported on first use (module __getattr__ below): they import moto's services
    from .models import SSMAssociationBackend, association_backends
    from .targets import ManagedInstance

__version__ = "0.1.0"
__all__ = [
    "ManagedInstance",
    "SSMAssociationBackend",
    "__version__",
    "advance_clock",
    "association_backends",
    "backend",
    "install",
    "is_installed",
    "mock_ssm",
    "register_managed_instance",
    "set_run_outcome",
    "simulate_run",
    "uninstall",
]


# Public names whose modules import moto's services: imported when first asked for.
_LAZY = {
    "ManagedInstance": ".targets",
    "SSMAssociationBackend": ".models",
    "association_backends": ".models",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def default_region_name() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"


def backend(account_id: str | None = None, region_name: str | None = None) -> SSMAssociationBackend:
    """The association backend of an account and region (defaults: moto's account, the env's region)."""
    from .models import association_backends, default_account_id

    return association_backends[account_id or default_account_id()][region_name or default_region_name()]


def register_managed_instance(
    instance_id: str,
    *,
    account_id: str | None = None,
    region_name: str | None = None,
    tags: Mapping[str, str] | None = None,
    platform_type: str = "Linux",
    platform_name: str | None = None,
    platform_version: str = "",
    computer_name: str | None = None,
) -> ManagedInstance:
    """Make ``instance_id`` a managed node, as SSM Agent's registration does on a real node.

    Call it inside an active mock: moto's reset at the start of a mock clears it.
    Instance ids are ``i-`` plus 8 or 17 characters, or ``mi-`` plus 17 (hybrid nodes);
    another id, or a platform type outside the model's, is a ``ValueError``.
    """
    from .targets import ManagedInstance

    instance = ManagedInstance(
        instance_id=instance_id,
        platform_type=platform_type,
        platform_name=platform_name or "",
        platform_version=platform_version,
        tags=dict(tags or {}),
        computer_name=computer_name or "",
    )
    return backend(account_id, region_name).register_managed_instance(instance)


def simulate_run(
    association_id: str,
    *,
    status: str = "Success",
    instance_statuses: Mapping[str, str] | None = None,
    detailed_status: str | None = None,
    output: str | Mapping[str, str] | None = None,
    error_output: str | Mapping[str, str] | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> dict[str, Any]:
    """Run an association now, as SSM Agent would, with the outcomes you choose.

    The association's targets are resolved now (InstanceIds, tags, ``*``, resource groups).
    Every target gets ``status`` unless ``instance_statuses`` maps its id to another outcome
    (Success, Failed, Pending, InProgress, TimedOut, Cancelled, Skipped). The run is recorded
    as an execution with targets and updates Overview, LastExecutionDate,
    LastSuccessfulExecutionDate, the legacy Status and each instance's association status.
    ``detailed_status`` overrides Overview.DetailedStatus (e.g. "AutomationExecutionLimitExceeded").
    With an S3 OutputLocation, each node the run finished on writes ``stdout`` (and ``stderr`` when
    it failed) to moto's S3: ``output`` / ``error_output`` give their text, one for every node or
    a mapping of instance ids to texts (a node not named gets a one-line default).
    Returns the execution as DescribeAssociationExecutions lists it.
    """
    return backend(account_id, region_name).run_association(
        association_id,
        status=status,
        instance_statuses=instance_statuses,
        detailed_status=detailed_status,
        output=output,
        error_output=error_output,
    )


def advance_clock(delta: float | timedelta) -> list[dict[str, Any]]:
    """Move State Manager's clock forward and start every association run that falls due meanwhile.

    ``delta`` is seconds or a ``datetime.timedelta``; ``advance_clock(0)`` starts what is due now.
    The clock is moto's time (freezegun and time-machine move it) plus every advance so far;
    moto's reset (a new mock) returns it to moto's time. Runs start in time order in every
    account and region, each recorded at its due time: the creation run (unless
    ApplyOnlyAtCronInterval), the run after an update, ``rate()`` / ``cron()`` / ``at()``
    schedules, and nodes that newly match or answer again. Returns the executions started,
    oldest first, as DescribeAssociationExecutions lists them.
    """
    from .models import advance_clock as advance
    from .models.clock import as_timedelta

    return advance(as_timedelta(delta))[1]


def set_run_outcome(
    association_id: str,
    *,
    status: str = "Success",
    instance_statuses: Mapping[str, str] | None = None,
    output: str | Mapping[str, str] | None = None,
    error_output: str | Mapping[str, str] | None = None,
    account_id: str | None = None,
    region_name: str | None = None,
) -> None:
    """Choose how the association's later runs turn out, whoever starts them (the clock,
    StartAssociationsOnce, moto's state manager): ``status`` on every target, unless
    ``instance_statuses`` names it (Success, Failed, Pending, InProgress, TimedOut, Cancelled,
    Skipped). Pending and InProgress targets stay unfinished (a Duration cancels them).
    ``output`` / ``error_output``: the ``stdout`` / ``stderr`` text written to the S3
    OutputLocation, as for ``simulate_run``.
    """
    from .models import RunOutcome

    outcome = RunOutcome(status, instance_statuses, output, error_output)
    backend(account_id, region_name).set_run_outcome(association_id, outcome)


_arm()  # attaches when moto imports its SSM service, at once if it has
