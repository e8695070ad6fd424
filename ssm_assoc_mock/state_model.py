"""moto's state-manager model ``ssm::association``: its name and default transition.

Kept apart from ``models/runs.py`` (which runs it) and free of imports, so the hook can
register the default with moto's state manager as soon as moto loads it, before anything
imports the models: ``state_manager.get_transition("ssm::association")`` answers the same
whether or not an association call has happened yet.
"""

from __future__ import annotations

from typing import Any

RUN_MODEL_NAME = "ssm::association"
# Nothing runs by itself unless a test sets a transition (see models/runs.py).
DEFAULT_RUN_TRANSITION: dict[str, Any] = {"progression": "manual", "times": 2**62}


def register_default_transition(state_manager: Any) -> None:
    """Register the model's default transition with moto's ``state_manager``; idempotent."""
    state_manager.register_default_transition(RUN_MODEL_NAME, transition=dict(DEFAULT_RUN_TRANSITION))
