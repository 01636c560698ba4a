-- One vendor request on an account's state, atomically (Redis runs a script alone): the one
-- request path of mock_server/model/request_path.py, in its order. The account's faults are
-- taken first, then the request's replay key is recorded, then the call-state rules decide the
-- action and, when it is accepted, its journal entry is written too. So a request costs one
-- round trip.
--
-- No rule is written here. act_script.py prepends, built at start-up from the document's
-- x-call-state-rules table: refusal_of(operation, holds) (the first of the operation's
-- preconditions, in order, whose condition holds: status, code, field, message),
-- effect_of(operation) (its effect, mode and call-center method name), and CALL_* / AGENT_*
-- (the places of a call's and an agent's fields in their stored lists:
-- mock_server/model/callcenter.py's CALL_ROW and AGENT_ROW). What is written here is the
-- table's vocabulary: how to tell each condition (holds) and how to apply each effect.
--
-- KEYS: 1 the center hash (fields: redis_store/center_fields.py), 2 the account's events
--       channel, 3 the fault plan, 4 the journal stream, 5 the request's replay key, 6 the
--       fence (redis_store/keys.py: when the store was found to have lost the account),
--       7 the account's clock setting (absent: the real time)
-- ARGV (positional: each packed in C by hiredis, none decoded here): 1 operation
--       (operationId), 2 act (1: the request asks for the action; 0: its answer is chosen
--       already, only faults and replay apply), 3 supervisor, 4 agent, 5 field (the
--       supervisor's field name), 6 now (the clock in ms), 7 faults (1: decide them),
--       8 slept (1: the latency was waited), 9 replay (1: record it), 10 window (the replay
--       window in s), 11 and 12 two uniform draws (the latency, a status ratio),
--       13 mediaServer (the one the response names), 14 capacity (the journal's), 15 the
--       journal entry of the success response, as stored ('' : none), written only when the
--       action is accepted and the center's media server is the response's, 16 its
--       change-feed message, 17 when the request was signed (its m7-timestamp: the
--       window and the fence), 18 the clock setting as the worker saw it (now, the times
--       of the entry and the response were read from it). take_faults and save_plan come
--       from faults.lua, prepended.
-- Returns {'ok', call (JSON, after the action; as it was for a hangup), mediaServer,
--   journaled (1|0)}, {'passed'} (no action asked), {'refused', status, code, field,
--   message}, {'latency', ms} (wait, then call again with slept), {'drop'},
--   {'status', status, code ('' : the status)}, {'stale', skew} (signed further from the
--   account's clock than the window), {'replay'}, {'unjudged', fence} (signed before the
--   fence), {'clock', setting} (another worker set the clock: read the times again with
--   it, then call again) or {'missing'} (no such account).
local C = KEYS[1]
local operation, sup, agent, field = ARGV[1], ARGV[3], ARGV[4], ARGV[5]
local got = redis.call('HMGET', C, 'media', 'a:' .. sup, 'a:' .. agent, 'on:' .. agent,
  'on:' .. sup, 'mon:' .. sup)
local media = got[1]
if not media then return {'missing'} end
-- Nothing is decided on a clock this worker no longer has: it reads its times again.
local clock = redis.call('GET', KEYS[7]) or ''
if clock ~= ARGV[18] then return {'clock', clock} end
local null = cjson.null

if ARGV[7] == '1' then
  local raw_plan = redis.call('GET', KEYS[3])
  if raw_plan then
    local plan = cjson.decode(raw_plan)
    local low, high, drop, status, code, ratio, changed, drawn = take_faults(plan, operation)
    if low >= 0 and ARGV[8] ~= '1' then
      return {'latency', low + math.floor(tonumber(ARGV[11]) * (high - low + 1))}
    end
    if changed or drawn then save_plan(KEYS[3], KEYS[2], plan, not changed) end
    if drop == 1 then
      return {'drop'}
    elseif status > 0 and (ratio == '' or tonumber(ARGV[12]) < tonumber(ratio)) then
      return {'status', status, code}
    end
  end
end
if ARGV[9] == '1' then
  -- The signature's time against the account's clock, then its replay key (replay.lua).
  local now, window = tonumber(ARGV[6]), tonumber(ARGV[10])
  local skew = math.abs(math.floor(now / 1000) - tonumber(ARGV[17]))
  if skew > window then return {'stale', skew} end
  -- Signed before the store lost its replay memory: whether it was accepted is unknown.
  local fence = redis.call('GET', KEYS[6])
  if fence and tonumber(ARGV[17]) < tonumber(fence) then return {'unjudged', fence} end
  if replayed(KEYS[5], now, window) then return {'replay'} end
end
if ARGV[2] ~= '1' then return {'passed'} end

local supervisor = got[2] and cjson.decode(got[2])
local call_id, own_id, monitored_id = got[4], got[5], got[6]
local call = call_id and cjson.decode(redis.call('HGET', C, 'c:' .. call_id))
local function monitor_of(c)
  if c and c[CALL_supervisor] ~= null then return c[CALL_supervisor] end
  return false
end

-- The conditions the table names (mock_server/model/rules.py's CONDITIONS).
local function holds(condition)
  if condition == 'same-agent' then return sup == agent
  elseif condition == 'unknown-supervisor' then return not supervisor
  elseif condition == 'unknown-agent' then return not got[3]
  elseif condition == 'not-a-supervisor' then
    return supervisor and supervisor[AGENT_role] ~= 'supervisor'
  elseif condition == 'supervisor-offline' then return supervisor and not supervisor[AGENT_online]
  elseif condition == 'supervisor-on-a-call' then return own_id
  elseif condition == 'supervisor-monitors-another-call' then
    return monitored_id and monitored_id ~= call_id
  elseif condition == 'no-live-call' then return not call
  elseif condition == 'call-ringing' then return call and call[CALL_state] == 'ringing'
  elseif condition == 'monitored-by-another' then
    local monitor = monitor_of(call)
    return monitor and monitor ~= sup
  end
  error('unknown condition ' .. condition)
end

local status, code, at, message = refusal_of(operation, holds)
if status then
  -- A placeholder with nothing to show reads as Python's None, as the in-memory center says.
  local values = {field = field, supervisor = sup, agent = agent, call = call_id or 'None',
    own = own_id or 'None', monitored = monitored_id or 'None',
    monitor = monitor_of(call) or 'None'}
  if at == 'supervisor' then at = field end
  return {'refused', status, code, at, (string.gsub(message, '{(%w+)}', values))}
end
if not call then
  return redis.error_reply(operation .. ': the rule table let a request without a call through')
end

local effect, mode, action = effect_of(operation)
local shown
if effect == 'end-call' then
  shown = cjson.encode(call)
  redis.call('HDEL', C, 'c:' .. call_id, 'on:' .. agent)
  if monitor_of(call) then redis.call('HDEL', C, 'mon:' .. call[CALL_supervisor]) end
  local order = cjson.decode(redis.call('HGET', C, 'calls'))
  for i, id in ipairs(order) do
    if id == call_id then table.remove(order, i) break end
  end
  redis.call('HSET', C, 'calls', #order > 0 and cjson.encode(order) or '[]')
elseif effect == 'take-over' then
  if monitor_of(call) then redis.call('HDEL', C, 'mon:' .. call[CALL_supervisor]) end
  call[CALL_agent] = sup
  if call[CALL_state] == 'ringing' then
    call[CALL_state] = 'talking'
    call[CALL_answeredMs] = tonumber(ARGV[6])
  end
  call[CALL_supervisor] = null
  call[CALL_mode] = null
  shown = cjson.encode(call)
  redis.call('HDEL', C, 'on:' .. agent)
  redis.call('HSET', C, 'c:' .. call_id, shown, 'on:' .. sup, call_id)
else -- monitor
  if monitor_of(call) and monitor_of(call) ~= sup then
    redis.call('HDEL', C, 'mon:' .. call[CALL_supervisor])
  end
  call[CALL_supervisor] = sup
  call[CALL_mode] = mode
  shown = cjson.encode(call)
  redis.call('HSET', C, 'c:' .. call_id, shown, 'mon:' .. sup, call_id)
end
redis.call('PUBLISH', KEYS[2], cjson.encode({
  kind = 'callcenter',
  payload = {action = action, supervisor = sup, agent = agent, callId = call[CALL_id]},
}))
local journaled = 0
if ARGV[15] ~= '' and media == ARGV[13] then
  redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[14], '*', 'e', ARGV[15])
  redis.call('PUBLISH', KEYS[2], ARGV[16])
  journaled = 1
end
return {'ok', shown, media, journaled}
