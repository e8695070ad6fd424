"""Run a callback right after a named module is imported, or at once if it already is.

Why this exists: moto imports a service's modules lazily, when the first request for that
service arrives (``import moto`` loads none of them). To add our actions to moto's SSM
dispatch without importing SSM, EC2 and CloudFormation ourselves at import, we attach at
the moment moto imports them. ``when_imported("moto.ssm.responses", attach)`` does that.

How: a finder at the front of ``sys.meta_path`` answers only for the names with pending
callbacks. It asks the other finders for the module's real spec and wraps its loader so
that the callbacks run right after the module's code has run (still inside the import, so
no other thread sees the module before the callbacks are done). The real loader is put back
on the module afterwards. For any other name the finder returns ``None`` at once: one dict
lookup per import.

Thread-safe (one lock guards the pending callbacks; a callback registered while its module
is being imported runs when that import finishes) and idempotent (the same callback is kept
once per module). ``importlib.reload`` does not run callbacks again.
"""

from __future__ import annotations

import importlib
import sys
import threading
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Sequence, cast

if TYPE_CHECKING:  # importlib.abc itself costs more than the rest of the package's import
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

__all__ = ["cancel", "is_pending", "when_imported"]

Callback = Callable[[ModuleType], object]

_lock = threading.RLock()
# module name -> callbacks waiting for its import, in registration order
_pending: dict[str, list[Callback]] = {}


class _CallbackLoader:
    """The module's real loader, then the module's pending callbacks."""

    def __init__(self, name: str, loader: Any) -> None:
        self.name = name
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        create = getattr(self.loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        try:
            self.loader.exec_module(module)
        except BaseException:
            self._restore(module)  # a failed import keeps its callbacks for the next attempt
            raise
        with _lock:
            callbacks = _pending.pop(self.name, [])
            self._restore(module)
        for callback in callbacks:
            callback(module)

    def _restore(self, module: ModuleType) -> None:
        """Give the module its real loader back."""
        spec: Any = module.__spec__
        with _lock:
            if spec is not None and spec.loader is self:
                spec.loader = self.loader
            if getattr(module, "__loader__", None) is self:
                module.__loader__ = self.loader

    def __getattr__(self, attribute: str) -> Any:  # get_source, get_resource_reader, is_package...
        return getattr(self.loader, attribute)


class _PostImportFinder:
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in _pending:
            return None
        for finder in list(sys.meta_path):
            if finder is self or isinstance(finder, _PostImportFinder):
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec: ModuleSpec | None = find_spec(fullname, path, target) if find_spec is not None else None
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = cast("Loader", _CallbackLoader(fullname, spec.loader))
                return spec
        return None


_finder = _PostImportFinder()


def _being_imported_by_us(module: ModuleType | None) -> bool:
    spec = getattr(module, "__spec__", None)
    return isinstance(getattr(spec, "loader", None), _CallbackLoader)


def when_imported(name: str, callback: Callback) -> None:
    """Call ``callback(module)`` right after module ``name`` is imported, or now if it already is.

    A callback already pending for ``name`` is not added twice. An exception from the callback
    propagates to the import (or to this call).
    """
    with _lock:
        module = sys.modules.get(name)
        if module is None or _being_imported_by_us(module):
            callbacks = _pending.setdefault(name, [])
            if callback not in callbacks:
                callbacks.append(callback)
            if _finder not in sys.meta_path:
                sys.meta_path.insert(0, _finder)
            return
    # Imported already (or by another thread that started before we were asked): waiting on
    # the import lock means the callback sees the finished module.
    callback(importlib.import_module(name))


def cancel(name: str, callback: Callback) -> None:
    """Forget ``callback`` for ``name`` if it has not run yet; no-op otherwise."""
    with _lock:
        callbacks = _pending.get(name)
        if callbacks is not None and callback in callbacks:
            callbacks.remove(callback)
            if not callbacks:
                del _pending[name]


def is_pending(name: str, callback: Callback) -> bool:
    """True if ``callback`` waits for the import of ``name``."""
    with _lock:
        return callback in _pending.get(name, ())
