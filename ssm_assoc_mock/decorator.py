"""``mock_ssm``: moto's ``mock_aws`` with association support guaranteed.

Usable like moto's own decorator: ``@mock_ssm``, ``@mock_ssm(config=...)``, on a class,
or as ``with mock_ssm():``. It nests inside an outer ``mock_aws`` the way moto's mocks do.
"""

from __future__ import annotations

from typing import Any, Callable, TypeVar, overload

from .hook import arm

F = TypeVar("F", bound=Callable[..., Any])


@overload
def mock_ssm(func: F) -> F: ...


@overload
def mock_ssm(func: None = None, config: Any = None) -> Any: ...


def mock_ssm(func: Any = None, config: Any = None) -> Any:
    from moto import mock_aws  # here, so importing the package does not import moto

    arm()  # the actions attach when moto imports its SSM service (at once if it has)
    if func is not None:
        return mock_aws(func)
    return mock_aws(config=config)
