--[[
  Creates an execution with its ExecutionStarted event, unless one with that name exists.

  KEYS[1] execution hash
  KEYS[2] history list
  ARGV[1] the ExecutionStarted event as JSON
  then field/value pairs of the new record

  Returns  1 created
           {status, input, origin} of the existing execution (StartExecution's idempotency rule
           needs them; origin tells whether the caller's own start job created it)
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HMGET', KEYS[1], 'status', 'input', 'org')
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2, #ARGV))
return 1
