"""Settings shared by every suite: the Hypothesis profiles.

`make test` uses the `default` profile (quick enough for the whole suite to stay within a few
minutes on 2 cores); `make test-thorough` sets HYPOTHESIS_PROFILE=thorough for far more
examples. Example databases are kept out of the repo (.hypothesis/ is ignored).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("ci", parent=settings.get_profile("default"), derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The in-process mock fixtures (``mock``, ``monitor``, ``next_nonce``) of the property and
# stateful suites; a folder's own conftest may override them. The real Redis server of the
# Redis-backend tests (started on first use, stopped at the end of the session).
pytest_plugins = [
    "tests.support.fixtures",
    "tests.support.redis_fixtures",
    "tests.support.centers",
]
