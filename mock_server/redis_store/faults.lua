-- One request's faults, taken from an account's fault plan (the admin API's Faults JSON) as
-- mock_server/model/faults.py's Faults.decide takes them: an operation's own part of a kind
-- (latency, drop, status) replaces the plan's part of that kind, with its own count; a drop
-- comes before a status. Shared by redis_store/faults.py's TAKE and act.lua (prepended).
-- Returns low ms (-1: no latency), high ms, drop (1|0), status (0: none), code ('' : the
-- status), ratio as text ('' : counted), whether the plan changed (a count was used).
-- save_plan writes a changed plan back (deleted when empty) and tells the change feed.
local function take_faults(plan, operation)
  local ops = plan.operations
  local own = nil
  if ops and operation ~= nil and operation ~= '' then own = ops[operation] end
  local function part(kind)
    if own and own[kind] then return own[kind], own end
    return plan[kind], plan
  end
  local function used_up(kind, holder)
    holder[kind] = nil
    if holder == own and next(own) == nil then
      ops[operation] = nil
      if next(ops) == nil then plan.operations = nil end
    end
  end
  local low, high, drop, status, code, ratio, changed = -1, -1, 0, 0, '', '', false
  local latency = part('latency')
  if latency then
    if latency.fixedMs then
      low, high = latency.fixedMs, latency.fixedMs
    else
      low, high = latency.minMs, latency.maxMs
    end
  end
  local dropped, holder = part('drop')
  if dropped then
    drop = 1
    dropped.count = dropped.count - 1
    if dropped.count <= 0 then used_up('drop', holder) end
    changed = true
  else
    local forced, owner = part('status')
    if forced then
      status = forced.status
      code = forced.code or ''
      if forced.ratio then
        ratio = tostring(forced.ratio)
      else
        forced.count = forced.count - 1
        if forced.count <= 0 then used_up('status', owner) end
        changed = true
      end
    end
  end
  return low, high, drop, status, code, ratio, changed
end

local function save_plan(plan_key, channel, plan)
  if next(plan) == nil then
    redis.call('DEL', plan_key)
  else
    redis.call('SET', plan_key, cjson.encode(plan))
  end
  redis.call('PUBLISH', channel, cjson.encode({kind = 'faults', payload = plan}))
end
