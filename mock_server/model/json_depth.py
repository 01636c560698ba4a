"""How deeply a JSON text nests, found without parsing it.

Validators and serialisers recurse: jsonschema-rs gives up around 255 levels, orjson at
1024 when parsing and 255 when writing, each with an exception that would be a 500. The
mock refuses (and the journal shows as text) a body nested deeper than its limit before
any of them sees it. Written here because no library answers "how deep" without parsing.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["nests_deeper_than"]

#: A JSON string (escapes included) or one bracket.
_TOKEN: Final = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def nests_deeper_than(text: bytes, limit: int) -> bool:
    """Whether arrays and objects in ``text`` nest more than ``limit`` levels.

    Brackets inside strings do not count. Text that is not JSON gets an answer too (the
    parser refuses it later); only its brackets are counted.
    """
    if text.count(b"[") + text.count(b"{") <= limit:  # the common case, at C speed
        return False
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth = max(depth - 1, 0)
    return False
