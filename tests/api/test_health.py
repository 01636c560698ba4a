"""``GET /__mock/health``: ready, open without the admin token, the same answer everywhere.

Scripts and CI poll it after starting the mock in the background, so it must answer without
the admin token in every configuration, and, being open, reveal nothing: the body is the
same whatever the settings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mock_server.app import create_app
from mock_server.settings import Settings
from tests.api.helpers import ALL_INTERFACES, client_for

CONFIGURATIONS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "admin-token": {"admin_token": "t0ken"},
    "admin-disabled": {"host": ALL_INTERFACES},
    "auth-off-own-credentials": {"auth_mode": "off", "credentials": {"42": "s3cret"}},
}


@pytest.mark.parametrize("changes", CONFIGURATIONS.values(), ids=list(CONFIGURATIONS))
async def test_health_is_ready_without_a_token_and_reveals_nothing(
    make_settings: Callable[..., Settings], changes: dict[str, Any]
) -> None:
    async with client_for(create_app(make_settings(**changes))) as client:
        response = await client.get("/__mock/health")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ready"}


async def test_only_the_health_path_itself_is_open(
    make_settings: Callable[..., Settings],
) -> None:
    async with client_for(create_app(make_settings(admin_token="t0ken"))) as client:
        for path in ("/__mock/health/x", "/__mock/healthz", "/__mock/state"):
            assert (await client.get(path)).status_code == 401, path
        assert (await client.post("/__mock/health")).status_code == 405
