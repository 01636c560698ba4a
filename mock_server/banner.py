"""The start-up banner: where the mock listens and how to call it.

Prints the demo secret only while the demo credentials are the ones accepted (it is public,
and a first-time user needs it to sign); never a secret read from a file or the environment.
"""

from __future__ import annotations

from mock_server.documents.facts import ADMIN_BASE_PATH
from mock_server.settings import DEMO_APP_KEY, DEMO_SECRET, Settings

__all__ = ["banner"]


def base_url(host: str, port: int) -> str:
    """``http://host:port``, with IPv6 addresses in brackets."""
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def _auth_line(settings: Settings) -> str:
    window = settings.auth_window_seconds
    if settings.auth_mode == "strict":
        return f"strict (signature, clock within {window} s, replays refused for {window} s)"
    if settings.auth_mode == "presence":
        return "presence (the four m7-* headers must be present and well-formed; not verified)"
    return "off (no authentication)"


def _admin_line(settings: Settings, url: str) -> str:
    where = f"{url}{ADMIN_BASE_PATH}/  (Swagger UI {url}{ADMIN_BASE_PATH}/ui/)"
    if settings.admin_disabled:
        return (
            f"{where}\n              DISABLED: bound to a non-loopback address without "
            "--admin-token, every admin request gets 401"
        )
    if settings.admin_token is not None:
        return f"{where}\n              requires Authorization: Bearer <the --admin-token>"
    return f"{where}\n              open (loopback only)"


def _credentials_lines(settings: Settings) -> list[str]:
    if settings.demo_credentials_in_use:
        return [
            f"  Credentials DEMO app key {DEMO_APP_KEY}, secret key {DEMO_SECRET}",
            "              (DEMO values, public; use --credentials for your own)",
        ]
    count = len(settings.credentials)
    keys = ", ".join(sorted(settings.credentials)[:5]) + (", ..." if count > 5 else "")
    return [
        f"  Credentials {count} app key(s) from {settings.credentials_source}: {keys}",
        "              (secrets not shown)",
    ]


def _signing_note(settings: Settings) -> str:
    if settings.auth_mode == "off":
        return ""
    if settings.pages_sign:
        return "  (signs every request in the page)"
    return "  (in-page signing off: --page-signing on allows it)"


def banner(settings: Settings) -> str:
    """The banner text for ``settings``."""
    url = base_url(settings.host, settings.port)
    lines = [
        "m7 mock server: 7moor V7 call-monitoring API (监听 强拆 强插 耳语 抢接)",
        f"  API         {url}",
        f"  Start page  {url}/  (the UIs, documents and guides)",
        f"  Swagger UI  {url}/ui/{_signing_note(settings)}",
        f"  Console     {url}{ADMIN_BASE_PATH}/console/",
        f"  Admin API   {_admin_line(settings, url)}",
        f"  Health      {url}{ADMIN_BASE_PATH}/health",
        f"  Auth mode   {_auth_line(settings)}",
        *_credentials_lines(settings),
        f"  Scenario    {settings.scenario_source}",
        f"  CORS        {', '.join(settings.cors_origins)}",
    ]
    return "\n".join(lines)
