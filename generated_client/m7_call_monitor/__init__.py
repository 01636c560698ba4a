"""A client that signs like the vendor, for the 7moor V7 call-monitoring OpenAPI.

Import everything from here; the underscore modules are private and may move::

    from m7_call_monitor import CallMonitor, CallStateError

    with CallMonitor() as monitor:  # M7_BASE_URL, M7_APP_KEY, M7_SECRET_KEY
        monitor.listen(supervisor="2002", agent="9527")

Method names and the vendor's: ``listen`` = listen (监听), ``whisper`` = whisper (耳语),
``barge`` = lootCall (强插), ``hangup`` = hangupChannel (强拆), ``pickup`` =
pickupChannel (抢接).
"""

from ._auth import M7Auth
from ._client import AsyncCallMonitor, CallMonitor
from ._config import Credentials, Settings, load_credentials, load_settings
from ._errors import (
    AuthError,
    CallStateError,
    ConfigError,
    M7Error,
    RateLimited,
    RequestError,
    ServerError,
    TransportError,
)
from ._version import VERSION as __version__
from .signing import HEADER_NAMES, sign, signature_matches, signed_headers

__all__ = [
    "HEADER_NAMES",
    "AsyncCallMonitor",
    "AuthError",
    "CallMonitor",
    "CallStateError",
    "ConfigError",
    "Credentials",
    "M7Auth",
    "M7Error",
    "RateLimited",
    "RequestError",
    "ServerError",
    "Settings",
    "TransportError",
    "__version__",
    "load_credentials",
    "load_settings",
    "sign",
    "signature_matches",
    "signed_headers",
]
