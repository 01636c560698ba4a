"""The contract command's configuration: a secret that is no text is refused, never shown."""

from __future__ import annotations

import pytest

from m7_contract.client import ContractConfigError, target_from_environment

SECRET = "top-secret-\udcff-value"  # how os.environ holds a byte that is not UTF-8


def test_a_secret_that_is_not_text_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("M7_CONTRACT_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("M7_APP_KEY", "2100147")
    monkeypatch.setenv("M7_SECRET_KEY", SECRET)  # held as the byte 0xff, read back as above
    with pytest.raises(ContractConfigError) as refused:
        target_from_environment()
    assert "M7_SECRET_KEY" in str(refused.value)
    assert "top-secret" not in str(refused.value)
