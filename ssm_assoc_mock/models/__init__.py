"""Association state and behaviour, per account and region.

The backend lives in a moto ``BackendDict``, so moto's reset (start of a mock,
``POST /moto-api/reset``) clears it with every other service, and requests are routed to
it by the account (``MOTO_ACCOUNT_ID``, the account header, STS credentials) and region
of the caller. It is one class composed from a room per concern:

- ``associations``: lifecycle, versions, limits and the rules of create and update;
- ``runs``: executions and per-resource outcomes, moto's ``ssm::association`` state model;
- ``nodes``: managed nodes and the per-node views;
- ``tags``: the tags of associations and managed instances;
- ``compliance``: compliance items per node and type (PutComplianceItems and the list calls, and
  the items AUTO associations' runs write);
- ``events``: the EventBridge events runs and compliance changes put through moto's events backend;
- ``output``: the ``stdout`` / ``stderr`` objects a run writes to its S3 OutputLocation, and its OutputUrl;
- ``documents``: the AWS-owned documents as moto's document API shows them (read-only);

with ``filters`` (request filters as predicates), ``clock`` (State Manager's time: every time
the rooms record comes from it), ``room`` (the account, region and lock every room shares) and
``association_resource`` (``AWS::SSM::Association`` for moto's CloudFormation, which drives the
backend through its public methods) beside them.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import Any

from moto.core.base_backend import BackendDict
from moto.core.models import DEFAULT_ACCOUNT_ID

from ..state_model import RUN_MODEL_NAME
from .associations import SETTING_MEMBERS, Association, AssociationsRoom
from .clock import at_reported_precision, reported_now, state_manager_clock
from .compliance import ComplianceRoom
from .documents import DocumentsRoom
from .events import EventsRoom
from .nodes import NodesRoom
from .output import OutputRoom
from .runs import TARGET_STATUSES, Execution, RunOutcome, RunsRoom, start_due_runs
from .tags import TagsRoom

__all__ = [
    "RUN_MODEL_NAME",
    "SETTING_MEMBERS",
    "TARGET_STATUSES",
    "Association",
    "Execution",
    "RunOutcome",
    "SSMAssociationBackend",
    "advance_clock",
    "association_backends",
    "default_account_id",
    "reported_now",
]


class SSMAssociationBackend(
    NodesRoom, RunsRoom, AssociationsRoom, TagsRoom, ComplianceRoom, OutputRoom, DocumentsRoom, EventsRoom
):
    """State Manager associations of one account in one region."""


association_backends: BackendDict[SSMAssociationBackend] = BackendDict(SSMAssociationBackend, "ssm")


def default_account_id() -> str:
    """The account moto serves a request without an account header or STS credentials from."""
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)


def advance_clock(delta: timedelta) -> tuple[datetime, list[dict[str, Any]]]:
    """Move State Manager's clock forward by ``delta`` and start every run due by then.

    Runs start in time order across every account and region, each recorded at its due time;
    one advance at a time. Returns the new time and the executions started, oldest first.
    """
    the_clock = state_manager_clock()
    with the_clock.advancing:
        start = reported_now()
        until = at_reported_precision(the_clock.move_forward(delta))
        backends = [backend for regions in list(association_backends.values()) for backend in list(regions.values())]
        return until, start_due_runs(backends, start, until)
