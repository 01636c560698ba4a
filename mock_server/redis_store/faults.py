"""The fault plan of one account in Redis, its counts taken atomically by every worker.

The plan is the admin API's ``Faults`` JSON under the account's ``faults`` key. Deciding a
request's faults is one Lua script (``TAKE``): it reads the plan, consumes one of a drop's or
a counted status's count, and writes the plan back; so "fail the next 3" fails exactly 3
requests across all workers. What chance decides (a latency in a range, a status by ratio)
is drawn by the worker, as in memory.
"""

from __future__ import annotations

import random
from typing import Final

import orjson
import redis.asyncio

from mock_server.model.faults import Decision, FaultPlan
from mock_server.redis_store.connection import LOST, lost
from mock_server.redis_store.keys import AccountKeys
from mock_server.redis_store.messages import event_message

__all__ = ["RedisFaults"]


#: KEYS[1] the plan, KEYS[2] the events channel (told when a count is used). Returns
#: {min ms, max ms, drop 0/1, status or 0, ratio as text or ""}; min ms is -1 without latency. The drop comes before the status, as in ``Faults``.
TAKE: Final = """
local raw = redis.call('GET', KEYS[1])
if not raw then return {-1, -1, 0, 0, ''} end
local plan = cjson.decode(raw)
local low, high, drop, status, ratio = -1, -1, 0, 0, ''
if plan.latency then
  if plan.latency.fixedMs then
    low = plan.latency.fixedMs
    high = low
  else
    low = plan.latency.minMs
    high = plan.latency.maxMs
  end
end
local changed = false
if plan.drop then
  drop = 1
  plan.drop.count = plan.drop.count - 1
  if plan.drop.count <= 0 then plan.drop = nil end
  changed = true
elseif plan.status then
  status = plan.status.status
  if plan.status.ratio then
    ratio = tostring(plan.status.ratio)
  else
    plan.status.count = plan.status.count - 1
    if plan.status.count <= 0 then plan.status = nil end
    changed = true
  end
end
if changed then
  if next(plan) == nil then
    redis.call('DEL', KEYS[1])
  else
    redis.call('SET', KEYS[1], cjson.encode(plan))
  end
  redis.call('PUBLISH', KEYS[2], cjson.encode({kind = 'faults', payload = plan}))
end
return {low, high, drop, status, ratio}
"""


class RedisFaults:
    """``Faults``' methods, async, on the plan shared by every worker."""

    #: The decision is settled inside the action's script (``mock_server.model.owed``).
    defers = True

    def __init__(
        self,
        client: redis.asyncio.Redis,
        keys: AccountKeys,
        rng: random.Random,
        *,
        where: str = "redis",
    ) -> None:
        self._client = client
        self._keys = keys
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
        pipe = self._client.pipeline(transaction=True)
        if data:
            pipe.set(self._keys.faults, orjson.dumps(data))
        else:
            pipe.delete(self._keys.faults)
        pipe.publish(self._keys.events, event_message("faults", data))
        try:
            await pipe.execute()
        except LOST as exc:
            raise lost(self._where, exc) from None

    async def clear(self) -> None:
        await self.set(FaultPlan())

    async def decide(self) -> Decision:
        """This request's faults, consuming one of each count that fires."""
        try:
            low, high, drop, status, ratio = await self._take(
                keys=[self._keys.faults, self._keys.events]
            )
        except LOST as exc:
            raise lost(self._where, exc) from None
        delay = self._rng.randint(low, high) / 1000 if low >= 0 else 0.0
        forced: int | None = int(status) or None
        if forced is not None and ratio and self._rng.random() >= float(ratio):
            forced = None
        return Decision(delay, drop=bool(drop), status=forced)
