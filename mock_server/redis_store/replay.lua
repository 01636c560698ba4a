-- The vendor's replay rule on Redis, shared by redis_store/replay.py's script and act.lua
-- (prepended by act_script.py): a sign + nonce is remembered for the window on the account's
-- clock (its key holds that end, in ms), and at most the window in real time (EX: Redis's
-- memory is bounded whatever the clock does). True for a replay; else the key is recorded.
local function replayed(key, now, window)
  local remembered = redis.call('GET', key)
  if remembered and tonumber(remembered) > now then return true end
  redis.call('SET', key, string.format('%d', now + window * 1000), 'EX', window)
  return false
end
