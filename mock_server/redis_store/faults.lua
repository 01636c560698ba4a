-- One request's faults, taken from an account's fault plan (the admin API's Faults JSON) as
-- mock_server/model/faults.py's Faults.decide takes them: an operation's own part of a kind
-- (latency, drop, status) replaces the plan's part of that kind, with its own count; a drop
-- comes before a status. Shared by redis_store/faults.py's TAKE and act.lua (prepended).
-- Returns low ms (-1: no latency), high ms, drop (1|0), status (0: none), code ('' : the
-- status), ratio as text ('' : counted, or decided by the seed), whether the plan changed
-- (a count was used), whether the seeded draws moved.
-- save_plan writes a changed plan back (deleted when empty) and tells the change feed.
-- With a seed, take_faults draws what chance decides itself, from the plan's sequence
-- (mock_server/model/faults.py's seeded_draw: Park and Miller's minimal standard generator,
-- exact in Lua's doubles), and returns the latency as fixed and a ratio as decided.
local function seeded_draw(plan)
  local state = plan.drawState or (plan.seed % 2147483646) + 1
  state = (48271 * state) % 2147483647
  plan.drawState = state
  return state / 2147483647
end

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
  local drawn = false
  local seeded = plan.seed ~= nil
  local latency = part('latency')
  if latency then
    if latency.fixedMs then
      low, high = latency.fixedMs, latency.fixedMs
    else
      low, high = latency.minMs, latency.maxMs
    end
    if seeded and low < high then
      low = low + math.floor(seeded_draw(plan) * (high - low + 1))
      high, drawn = low, true
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
      if forced.ratio and seeded then
        drawn = true
        if seeded_draw(plan) >= forced.ratio then status, code = 0, '' end
      elseif forced.ratio then
        ratio = tostring(forced.ratio)
      else
        forced.count = forced.count - 1
        if forced.count <= 0 then used_up('status', owner) end
        changed = true
      end
    end
  end
  return low, high, drop, status, code, ratio, changed, drawn
end

-- Writes the plan back; tells the change feed unless only the draws moved (quiet).
local function save_plan(plan_key, channel, plan, quiet)
  if next(plan) == nil then
    redis.call('DEL', plan_key)
  else
    redis.call('SET', plan_key, cjson.encode(plan))
  end
  if not quiet then
    local shown = cjson.decode(cjson.encode(plan))
    shown.drawState = nil
    redis.call('PUBLISH', channel, cjson.encode({kind = 'faults', payload = shown}))
  end
end
