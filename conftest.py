"""Root conftest: the test suite's hypothesis profiles.

The ``ci`` profile (default) keeps property tests fast; ``HYPOTHESIS_PROFILE=deep``
runs many more examples on demand.
"""

from __future__ import annotations

import os

# pytester: tests/test_fixtures.py runs a user's test file in a pytest of its own.
pytest_plugins = ("pytester",)

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra
    pass
else:
    settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("deep", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
