"""Settings come from the arguments, else the environment, and missing ones are named."""

from __future__ import annotations

from typing import Any

import pytest

from m7_call_monitor import AsyncCallMonitor, CallMonitor, ConfigError, M7Error, load_settings


def test_settings_come_from_the_environment(vendor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url + "/")
    monkeypatch.setenv("M7_APP_KEY", vendor.app_key)
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)
    with CallMonitor(transport=vendor.sync_transport()) as vendor_monitor:
        assert vendor_monitor.base_url == vendor.base_url  # trailing slash dropped
        assert vendor_monitor.app_key == vendor.app_key
        assert vendor_monitor.listen(supervisor="2002", agent="9527").success


async def test_the_async_client_reads_the_environment_too(
    vendor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("M7_BASE_URL", vendor.base_url)
    monkeypatch.setenv("M7_APP_KEY", vendor.app_key)
    monkeypatch.setenv("M7_SECRET_KEY", vendor.secret)
    async with AsyncCallMonitor(transport=vendor.async_transport()) as vendor_monitor:
        assert (await vendor_monitor.whisper(supervisor="2002", agent="9527")).success


def test_an_argument_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M7_BASE_URL", "http://from-env")
    monkeypatch.setenv("M7_APP_KEY", "env-key")
    monkeypatch.setenv("M7_SECRET_KEY", "env-secret")
    settings = load_settings("https://from-arg", "arg-key", "arg-secret")
    assert settings.base_url == "https://from-arg"
    assert settings.credentials.app_key == "arg-key"
    assert settings.credentials.secret_key == "arg-secret"


def test_every_missing_setting_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as caught:
        CallMonitor()
    assert caught.value.missing == ("M7_BASE_URL", "M7_APP_KEY", "M7_SECRET_KEY")
    assert "M7_BASE_URL, M7_APP_KEY, M7_SECRET_KEY" in str(caught.value)
    assert isinstance(caught.value, M7Error)
    assert isinstance(caught.value, ValueError)


def test_a_missing_secret_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("M7_SECRET_KEY", "")  # empty counts as missing
    with pytest.raises(ConfigError, match="missing setting M7_SECRET_KEY") as caught:
        load_settings("http://x", "2000103")
    assert caught.value.missing == ("M7_SECRET_KEY",)


def test_the_base_url_needs_a_scheme() -> None:
    with pytest.raises(ConfigError, match="http:// or https://"):
        load_settings("v7openapi.7moor.com", "k", "s")


def test_an_explicit_environment_mapping_can_be_given() -> None:
    env = {"M7_BASE_URL": "https://v7openapi.7moor.com", "M7_APP_KEY": "k", "M7_SECRET_KEY": "s"}
    assert load_settings(env=env).base_url == "https://v7openapi.7moor.com"
