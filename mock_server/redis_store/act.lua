-- One supervisor action on an account's call center, atomically (Redis runs a script alone).
-- The rules are those of mock_server/model/callcenter.py (its docstring's table, steps 1-9,
-- in order); the unit tests of the call center run against both, so the two cannot drift.
-- What the request still owes (mock_server/model/owed.py) is settled first, in the order of
-- the in-memory layers: its faults, then its replay check; and when the action is accepted,
-- its journal entry is written here too. So an accepted request costs one round trip.
--
-- KEYS: 1 the center hash (fields: redis_store/center_fields.py), 2 the account's events
--       channel, 3 the fault plan,
--       4 the journal stream, 5 the request's replay key
-- ARGV (positional: each packed in C by hiredis, none decoded here): 1 action
--       (listen|whisper|loot_call|hangup_channel|pickup_channel), 2 supervisor, 3 agent,
--       4 field (the supervisor's field name), 5 now (the clock in ms), 6 faults (1: decide
--       them), 7 slept (1: the latency was waited), 8 replay (1: check it), 9 window (the
--       replay window in s), 10 and 11 two uniform draws (the latency, a status ratio),
--       12 operation (operationId, for its own faults), 13 mediaServer (the one the response
--       names), 14 capacity (the journal's), 15 the journal entry of the success response,
--       as stored ('' : none), written only when the action is accepted and the center's
--       media server is the response's, 16 its change-feed message.
--       take_faults and save_plan come from faults.lua, prepended.
-- Returns {'ok', call (JSON, after the action; as it was for a hangup), mediaServer,
--   journaled (1|0)}, {'refused', status, code, field, message}, {'latency', ms} (wait, then
--   call again with slept), {'drop'}, {'status', status, code ('' : the status)},
--   {'replay'}, or {'missing'} (no such account).
-- A call is [id, customer, agent, state, supervisor, mode, startedMs, answeredMs]. Only the
-- fields this action needs are read and written (the indexes on:<agent> and mon:<supervisor>
-- find the calls), so an action costs the same whatever the size of the call center.
local C = KEYS[1]
local action, sup, agent, field = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local got = redis.call('HMGET', C, 'media', 'a:' .. sup, 'a:' .. agent, 'on:' .. agent,
  'on:' .. sup, 'mon:' .. sup)
local media = got[1]
if not media then return {'missing'} end
local null = cjson.null

if ARGV[6] == '1' then
  local raw_plan = redis.call('GET', KEYS[3])
  if raw_plan then
    local plan = cjson.decode(raw_plan)
    local low, high, drop, status, code, ratio, changed = take_faults(plan, ARGV[12])
    if low >= 0 and ARGV[7] ~= '1' then
      return {'latency', low + math.floor(tonumber(ARGV[10]) * (high - low + 1))}
    end
    if changed then save_plan(KEYS[3], KEYS[2], plan) end
    if drop == 1 then
      return {'drop'}
    elseif status > 0 and (ratio == '' or tonumber(ARGV[11]) < tonumber(ratio)) then
      return {'status', status, code}
    end
  end
end
if ARGV[8] == '1' then
  if not redis.call('SET', KEYS[5], '1', 'NX', 'EX', ARGV[9]) then
    return {'replay'}
  end
end
local function refuse(status, code, at, message)
  return {'refused', status, code, at, message}
end

if sup == agent then
  return refuse(400, '40001', field,
    field .. ': supervisor and agentNumber are the same agent ' .. sup)
end
if not got[2] then return refuse(404, '40401', field, field .. ': no agent ' .. sup) end
if not got[3] then
  return refuse(404, '40402', 'agentNumber', 'agentNumber: no agent ' .. agent)
end
local supervisor = cjson.decode(got[2])
if supervisor[3] ~= 'supervisor' then
  return refuse(403, '40301', field, field .. ': agent ' .. sup .. ' is not a supervisor')
end
if not supervisor[4] then
  return refuse(409, '40901', field, field .. ': supervisor ' .. sup .. ' is offline')
end
local call_id, own_id, monitored_id = got[4], got[5], got[6]
if own_id then
  return refuse(409, '40902', field,
    field .. ': supervisor ' .. sup .. ' is busy on call ' .. own_id)
end
if monitored_id and monitored_id ~= call_id then
  return refuse(409, '40902', field,
    field .. ': supervisor ' .. sup .. ' is busy monitoring call ' .. monitored_id)
end
if not call_id then
  return refuse(409, '40903', 'agentNumber', 'agentNumber: agent ' .. agent .. ' has no live call')
end
local call = cjson.decode(redis.call('HGET', C, 'c:' .. call_id))
local mode = ({listen = 'listen', whisper = 'whisper', loot_call = 'barge'})[action]
if mode and call[4] == 'ringing' then
  return refuse(409, '40904', 'agentNumber',
    'agentNumber: call ' .. call[1] .. ' of agent ' .. agent .. ' is still ringing')
end
if mode and call[5] ~= null and call[5] ~= sup then
  return refuse(409, '40905', 'agentNumber',
    'agentNumber: call ' .. call[1] .. ' of agent ' .. agent .. ' is monitored by supervisor '
    .. call[5])
end

local shown
if action == 'hangup_channel' then
  shown = cjson.encode(call)
  redis.call('HDEL', C, 'c:' .. call_id, 'on:' .. agent)
  if call[5] ~= null then redis.call('HDEL', C, 'mon:' .. call[5]) end
  local order = cjson.decode(redis.call('HGET', C, 'calls'))
  for i, id in ipairs(order) do
    if id == call_id then table.remove(order, i) break end
  end
  redis.call('HSET', C, 'calls', #order > 0 and cjson.encode(order) or '[]')
elseif action == 'pickup_channel' then
  if call[5] ~= null then redis.call('HDEL', C, 'mon:' .. call[5]) end
  call[3] = sup
  if call[4] == 'ringing' then
    call[4] = 'talking'
    call[8] = tonumber(ARGV[5])
  end
  call[5] = null
  call[6] = null
  shown = cjson.encode(call)
  redis.call('HDEL', C, 'on:' .. agent)
  redis.call('HSET', C, 'c:' .. call_id, shown, 'on:' .. sup, call_id)
elseif mode then
  call[5] = sup
  call[6] = mode
  shown = cjson.encode(call)
  redis.call('HSET', C, 'c:' .. call_id, shown, 'mon:' .. sup, call_id)
else
  return redis.error_reply('unknown action ' .. action)
end
redis.call('PUBLISH', KEYS[2], cjson.encode({
  kind = 'callcenter',
  payload = {action = action, supervisor = sup, agent = agent, callId = call[1]},
}))
local journaled = 0
if ARGV[15] ~= '' and media == ARGV[13] then
  redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[14], '*', 'e', ARGV[15])
  redis.call('PUBLISH', KEYS[2], ARGV[16])
  journaled = 1
end
return {'ok', shown, media, journaled}
