"""Association state and behaviour, per account and region.

The backend lives in a moto ``BackendDict``, so moto's reset (start of a mock,
``POST /moto-api/reset``) clears it with every other service, and requests are routed to
it by the account (``MOTO_ACCOUNT_ID``, the account header, STS credentials) and region
of the caller. It is one class composed from a room per concern:

- ``associations``: lifecycle, versions, limits and the rules of create and update;
- ``runs``: executions and per-resource outcomes, moto's ``ssm::association`` state model;
- ``nodes``: managed nodes and the per-node views;
- ``tags``: the tags of associations and managed instances;

with ``filters`` (request filters as predicates), ``clock`` (the time the API reports) and
``room`` (the account, region and lock every room shares) beside them.
"""

from __future__ import annotations

import os

from moto.core.base_backend import BackendDict
from moto.core.models import DEFAULT_ACCOUNT_ID

from .associations import SETTING_MEMBERS, Association, AssociationsRoom
from .nodes import NodesRoom
from .runs import RUN_MODEL_NAME, TARGET_STATUSES, Execution, RunsRoom
from .tags import TagsRoom

__all__ = [
    "RUN_MODEL_NAME",
    "SETTING_MEMBERS",
    "TARGET_STATUSES",
    "Association",
    "Execution",
    "SSMAssociationBackend",
    "association_backends",
    "default_account_id",
]


class SSMAssociationBackend(NodesRoom, RunsRoom, AssociationsRoom, TagsRoom):
    """State Manager associations of one account in one region."""


association_backends: BackendDict[SSMAssociationBackend] = BackendDict(SSMAssociationBackend, "ssm")


def default_account_id() -> str:
    """The account moto serves a request without an account header or STS credentials from."""
    return os.environ.get("MOTO_ACCOUNT_ID", DEFAULT_ACCOUNT_ID)
