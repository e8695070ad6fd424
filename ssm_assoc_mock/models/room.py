"""What every room of the backend shares: its account and region, and one lock.

The backend moto's ``BackendDict`` holds is one class composed from a room per concern
(associations, runs, nodes, tags, compliance). Each room is a ``Room``: moto's ``BaseBackend`` gives it
the account and region, and the one re-entrant lock every write holds, because moto's
server is threaded and an update must never be lost. A room names, as annotations, the
few members it reads from another room, so the contract between rooms is written down.
"""

from __future__ import annotations

import threading

from moto.core.base_backend import BaseBackend


class Room(BaseBackend):
    """The base of every room of ``SSMAssociationBackend``."""

    def __init__(self, region_name: str, account_id: str) -> None:
        super().__init__(region_name, account_id)
        self.lock = threading.RLock()
