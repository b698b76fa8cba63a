--[[
  Commits one step of an execution with everything it obliges (DESIGN.md rule 1): appends its
  history events, replaces its cursor, updates its record, map runs and map run children, and writes its
  obligations (jobs, activity tasks, a parent's notice, children to stop, index entries) to
  the execution's outbox, all only if nobody committed since the caller read it (the fence).

  KEYS[1] execution hash (small mutable fields)
  KEYS[2] history list
  KEYS[3] cursor string
  KEYS[4] outbox hash (obligation id -> obligation JSON)
  KEYS[5] map runs hash
  KEYS[6] map run limits hash
  KEYS[7] map run children hash (a Distributed Map's children, `<mapRunId13>:<index>` -> the
          child's record as JSON, then its history: a line per step that added to it)
  ARGV[1] expected sequence (history length the caller read)
  ARGV[2] expected version (commits the caller read; a step may add no event, so the sequence
          alone cannot fence concurrent steps of one execution)
  ARGV[3] this commit's id: a re-sent command whose answer was lost finds it and answers 2
  ARGV[4] the new cursor as JSON, '' to delete it (the execution succeeded), or '=' to keep
          it (an abort or a timeout: the frames stay for a redrive)
  then seven counted sections, each a count followed by its values:
    events (JSON), fields to delete, field/value pairs to set, obligation id/JSON pairs,
    map run id/JSON pairs, new children's field/value pairs, and children's field/record/line
    triples (the record replaces the one kept, the line, unless empty, goes after its history);
    then the map run ARNs whose limits go (the rest of ARGV)

  Returns  1 committed
           2 this commit was made before (a replay: its obligations are in the outbox)
          -1 no such execution
          -2 fenced: the sequence or the version moved, or the execution is closed
]]
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then return -1 end
if redis.call('HGET', KEYS[1], 'lc') == ARGV[3] then return 2 end
if seq ~= ARGV[1] then return -2 end
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -2 end
if (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[2] then return -2 end
redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('HSET', KEYS[1], 'lc', ARGV[3])

if ARGV[4] == '' then
  redis.call('DEL', KEYS[3])
elseif ARGV[4] ~= '=' then
  redis.call('SET', KEYS[3], ARGV[4])
end

-- Each section: ARGV[i] = count, then the values. Lua's unpack() refuses a few thousand
-- values at once (a large Map step), so long runs go in chunks of whole entries (a chunk of
-- field/value pairs that split a pair would make HSET fail half-way through the commit).
local i = 5
local function section(apply, per)
  local n = tonumber(ARGV[i]) * per
  local first, last = i + 1, i + n
  while first <= last do
    local upto = math.min(first + 1000 * per - 1, last)
    apply(first, upto)
    first = upto + 1
  end
  i = last + 1
end
section(function(a, b) redis.call('RPUSH', KEYS[2], unpack(ARGV, a, b)) end, 1)
section(function(a, b) redis.call('HDEL', KEYS[1], unpack(ARGV, a, b)) end, 1)
section(function(a, b) redis.call('HSET', KEYS[1], unpack(ARGV, a, b)) end, 2)
section(function(a, b) redis.call('HSET', KEYS[4], unpack(ARGV, a, b)) end, 2)
section(function(a, b) redis.call('HSET', KEYS[5], unpack(ARGV, a, b)) end, 2)
section(function(a, b) redis.call('HSET', KEYS[7], unpack(ARGV, a, b)) end, 2)
section(function(a, b)
  for j = a, b, 3 do
    local kept = redis.call('HGET', KEYS[7], ARGV[j])
    local history = ''
    if kept then
      local at = string.find(kept, '\n', 1, true)
      if at then history = string.sub(kept, at) end
    end
    if ARGV[j + 2] ~= '' then history = history .. '\n' .. ARGV[j + 2] end
    redis.call('HSET', KEYS[7], ARGV[j], ARGV[j + 1] .. history)
  end
end, 3)
if i <= #ARGV then
  redis.call('HDEL', KEYS[6], unpack(ARGV, i, #ARGV))
end
return 1
