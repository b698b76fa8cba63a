--[[
  Creates an execution with its ExecutionStarted event and its obligations (its listing index
  entry, its running index entry), unless one with that name exists.

  KEYS[1] execution hash (small mutable fields)
  KEYS[2] history list
  KEYS[3] meta string (immutable facts: ARNs, names, input, definition hash)
  KEYS[4] outbox hash
  ARGV[1] the ExecutionStarted event as JSON
  ARGV[2] the meta JSON
  ARGV[3] n: number of obligation id/JSON pairs, then the pairs
  then field/value pairs of the new record

  Returns  1 created
           {status, meta JSON} of the existing execution (StartExecution's idempotency rule
           compares input and origin; the same origin is a replay of this create)
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return { redis.call('HGET', KEYS[1], 'status'), redis.call('GET', KEYS[3]) }
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], ARGV[2])
local n = tonumber(ARGV[3]) * 2
if n > 0 then redis.call('HSET', KEYS[4], unpack(ARGV, 4, 3 + n)) end
redis.call('HSET', KEYS[1], unpack(ARGV, 4 + n, #ARGV))
return 1
