"""Where the client's settings come from: arguments first, then the environment.

One place decides this so the library and the ``m7`` command agree, and so the secret key
is held in exactly one kind of object, whose repr hides it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from attrs import field, frozen

from ._errors import ConfigError

__all__ = [
    "APP_KEY_ENV",
    "BASE_URL_ENV",
    "SECRET_KEY_ENV",
    "Credentials",
    "Settings",
    "load_credentials",
    "load_settings",
]

BASE_URL_ENV = "M7_BASE_URL"
APP_KEY_ENV = "M7_APP_KEY"
SECRET_KEY_ENV = "M7_SECRET_KEY"  # noqa: S105 - the variable's name, not a secret


@frozen
class Credentials:
    """The app key and the secret key; the secret never shows in repr."""

    app_key: str
    secret_key: str = field(repr=False)


@frozen
class Settings:
    """Everything needed to reach the API and sign for one account."""

    base_url: str
    credentials: Credentials


def _resolve(given: Mapping[str, str | None], env: Mapping[str, str] | None) -> dict[str, str]:
    """Each setting from its argument, else its environment variable; empty counts as missing.

    Every missing setting is named at once, so a user fixes them in one go.

    This frame and those of its callers hold the bare secret, and a ConfigError is raised
    through them: they are hidden from pytest's tracebacks, which print a frame's arguments
    and, with ``--showlocals``, its locals.
    """
    __tracebackhide__ = True
    source = os.environ if env is None else env
    found: dict[str, str] = {}
    missing: list[str] = []
    for name, argument in given.items():
        value = argument if argument is not None else source.get(name)
        if value:
            found[name] = value
        else:
            missing.append(name)
    if missing:
        hint = " (keep the secret key in the environment or a file)" * (SECRET_KEY_ENV in missing)
        raise ConfigError(
            f"missing setting {', '.join(missing)}: pass it as an argument "
            f"or set the environment variable{hint}",
            missing=tuple(missing),
        )
    return found


def load_credentials(
    app_key: str | None = None,
    secret_key: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Credentials:
    """The app key and secret key from the arguments or ``M7_APP_KEY`` / ``M7_SECRET_KEY``."""
    __tracebackhide__ = True  # it holds the secret (see _resolve)
    found = _resolve({APP_KEY_ENV: app_key, SECRET_KEY_ENV: secret_key}, env)
    return Credentials(app_key=found[APP_KEY_ENV], secret_key=found[SECRET_KEY_ENV])


def load_settings(
    base_url: str | None = None,
    app_key: str | None = None,
    secret_key: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """All settings, from the arguments or ``M7_BASE_URL``, ``M7_APP_KEY``, ``M7_SECRET_KEY``.

    There is no default base URL on purpose: these calls hang up and take over live calls,
    so talking to production (``https://v7openapi.7moor.com``) must be a stated choice.
    """
    __tracebackhide__ = True  # it holds the secret (see _resolve)
    found = _resolve(
        {BASE_URL_ENV: base_url, APP_KEY_ENV: app_key, SECRET_KEY_ENV: secret_key}, env
    )
    url = found[BASE_URL_ENV]
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{BASE_URL_ENV} must start with http:// or https://, got {url!r}")
    credentials = Credentials(app_key=found[APP_KEY_ENV], secret_key=found[SECRET_KEY_ENV])
    return Settings(base_url=url.rstrip("/"), credentials=credentials)
