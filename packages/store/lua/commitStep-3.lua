--[[
  Commits one step of an execution: appends its history events, replaces its cursor and
  updates its record, only if nobody committed since the caller read it (the fence).

  KEYS[1] execution hash (small mutable fields)
  KEYS[2] history list
  KEYS[3] cursor string
  ARGV[1] expected sequence (history length the caller read)
  ARGV[2] expected version (commits the caller read; a step may add no event, so the sequence
          alone cannot fence concurrent steps of one execution)
  ARGV[3] the new cursor as JSON, '' to delete it (the execution succeeded), or '=' to keep
          it (an abort or a timeout: the frames stay for a redrive)
  ARGV[4] n: number of events, then ARGV[5 .. 4+n] the events as JSON
  ARGV[5+n] m: number of fields to delete, then m field names
  then field/value pairs to set

  Returns  1 committed
          -1 no such execution
          -2 fenced: the sequence or the version moved, or the execution is closed
]]
local seq = redis.call('HGET', KEYS[1], 'seq')
if not seq then return -1 end
if seq ~= ARGV[1] then return -2 end
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -2 end
if (redis.call('HGET', KEYS[1], 'v') or '0') ~= ARGV[2] then return -2 end
redis.call('HINCRBY', KEYS[1], 'v', 1)

if ARGV[3] == '' then
  redis.call('DEL', KEYS[3])
elseif ARGV[3] ~= '=' then
  redis.call('SET', KEYS[3], ARGV[3])
end
local n = tonumber(ARGV[4])
local i = 5
-- In chunks: Lua's unpack() refuses a few thousand values at once (a large Map step).
local last = i + n - 1
while i <= last do
  local upto = math.min(i + 999, last)
  redis.call('RPUSH', KEYS[2], unpack(ARGV, i, upto))
  i = upto + 1
end
local m = tonumber(ARGV[i])
i = i + 1
if m > 0 then
  redis.call('HDEL', KEYS[1], unpack(ARGV, i, i + m - 1))
end
i = i + m
if i <= #ARGV then
  redis.call('HSET', KEYS[1], unpack(ARGV, i, #ARGV))
end
return 1
