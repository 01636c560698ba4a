"""Each of the mock's defaults, stated once.

``mock_server.settings`` (what ``m7-mock`` and ``create_app`` run with) takes its defaults
from here, and so does every part of the state that has one of its own (a test builds a
``ReplayCache`` or a ``Journal`` alone), so a default cannot differ between the two. The
model imports nothing of the layers above it, hence here and not in the settings.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ACCOUNT_JOURNAL_MAX_BYTES",
    "ACCOUNT_REPLAY_MAX_BYTES",
    "JOURNAL_CAPACITY",
    "JOURNAL_MAX_BYTES",
    "JOURNAL_VALUE_CHARS",
    "MAX_ACCOUNTS",
    "MAX_ADMIN_BODY_BYTES",
    "MAX_BODY_BYTES",
    "MAX_DRAIN_BYTES",
    "MAX_HEADER_COUNT",
    "MAX_HEADER_VALUE_CHARS",
    "MAX_HEAD_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_URL_BYTES",
    "REPLAY_MAX_BYTES",
    "REPLAY_WINDOW_SECONDS",
]

#: The vendor's window: clock skew allowed, and how long a ``sign + nonce`` is remembered.
REPLAY_WINDOW_SECONDS: Final = 300
#: Memory the replay memory may use; when full of live entries new requests get 503.
REPLAY_MAX_BYTES: Final = 64 * 1024 * 1024
#: Entries the journal keeps (the oldest fall off first).
JOURNAL_CAPACITY: Final = 1000
#: Bytes the journal may hold in all.
JOURNAL_MAX_BYTES: Final = 8 * 1024 * 1024
#: Longest header value or body text a journal entry keeps; longer ones are cut, marked.
JOURNAL_VALUE_CHARS: Final = 1024
#: Deepest JSON body (arrays and objects nested), checked before the validator (400).
MAX_JSON_DEPTH: Final = 32
#: An over-limit body is read and thrown away up to this many bytes before the 413.
MAX_DRAIN_BYTES: Final = 64 * 1024 * 1024
#: The request line plus every header, in bytes (431 beyond).
MAX_HEAD_BYTES: Final = 64 * 1024
#: Headers in one request (431 beyond); the admin document's journal allows 100.
MAX_HEADER_COUNT: Final = 100
#: Characters in one header value (431 beyond): the journal document's limit.
MAX_HEADER_VALUE_CHARS: Final = 8192
#: The request target, path and query, in bytes (414 beyond).
MAX_URL_BYTES: Final = 8 * 1024
#: Largest request body on the vendor API (the document says 64 KiB).
MAX_BODY_BYTES: Final = 64 * 1024
#: Largest body on the admin API (a scenario can be longer than a call action).
MAX_ADMIN_BODY_BYTES: Final = 1024 * 1024
#: Accounts the admin API may create at once (``POST /__mock/accounts``; 409 beyond).
MAX_ACCOUNTS: Final = 100
#: The journal's and the replay memory's bytes of one account created through the admin
#: API, in this process: at most ``MAX_ACCOUNTS`` x 5 MiB in all (on Redis the journal is
#: bounded by its capacity, the replay keys by the window).
ACCOUNT_JOURNAL_MAX_BYTES: Final = 1024 * 1024
ACCOUNT_REPLAY_MAX_BYTES: Final = 4 * 1024 * 1024
