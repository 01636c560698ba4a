"""The fault plan of one account in Redis, its counts taken atomically by every worker.

The plan is the admin API's ``Faults`` JSON under the account's ``faults`` key. Deciding a
request's faults is one Lua script (``TAKE``): it reads the plan, consumes one of a drop's or
a counted status's count, and writes the plan back; so "fail the next 3" fails exactly 3
requests across all workers. What chance decides (a latency in a range, a status by ratio)
is drawn by the worker, as in memory.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Final

import orjson
import redis.asyncio

from mock_server.model.faults import Decision, FaultPlan
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.guard import Guard, set_or_delete
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message

__all__ = ["RedisFaults"]


#: How one request's faults are taken (``faults.lua``, also prepended to ``act.lua``).
TAKE_FAULTS: Final = (Path(__file__).with_name("faults.lua")).read_text(encoding="utf-8")

#: KEYS[1] the plan, KEYS[2] the events channel (told when a count is used); ARGV[1] the
#: operation. Returns {min ms, max ms, drop 0/1, status or 0, code or "", ratio as text or
#: ""}; min ms is -1 without latency.
TAKE: Final = (
    TAKE_FAULTS
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return {-1, -1, 0, 0, '', ''} end
local plan = cjson.decode(raw)
local low, high, drop, status, code, ratio, changed, drawn = take_faults(plan, ARGV[1])
if changed or drawn then save_plan(KEYS[1], KEYS[2], plan, not changed) end
return {low, high, drop, status, code, ratio}
"""
)


class RedisFaults:
    """``Faults``' methods, async, on the plan shared by every worker."""

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        rng: random.Random,
        *,
        where: str = "redis",
        guard: Guard | None = None,
    ) -> None:
        self._client = client
        self._keys = keys
        #: An account made at run time: a change is written only to its creation (``guard``).
        self._guard = guard
        self._rng = rng
        self._where = where
        self._take = client.register_script(TAKE)

    async def plan(self) -> FaultPlan:
        try:
            raw = await self._client.get(self._keys.faults)
        except LOST as exc:
            raise lost(self._where, exc) from None
        return FaultPlan() if raw is None else FaultPlan.from_dict(orjson.loads(raw))

    async def set(self, plan: FaultPlan) -> None:
        data = plan.to_dict()
        await set_or_delete(
            self._client,
            self._keys,
            self._keys.faults,
            orjson.dumps(data) if data else b"",
            event_message("faults", data),
            self._guard,
            where=self._where,
        )

    async def clear(self) -> None:
        await self.set(FaultPlan())

    async def decide(self, operation: str | None = None) -> Decision:
        """This request's faults (``operation``'s own first), consuming one of each count
        that fires."""
        try:
            low, high, drop, status, code, ratio = await self._take(
                keys=[self._keys.faults, self._keys.events], args=[operation or ""]
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        delay = self._rng.randint(low, high) / 1000 if low >= 0 else 0.0
        forced: int | None = int(status) or None
        if forced is not None and ratio and self._rng.random() >= float(ratio):
            forced = None
        if forced is None:
            return Decision(delay, drop=bool(drop))
        return Decision(delay, status=forced, code=code.decode() if code else str(forced))
