--[[
  SendTaskHeartbeat: note the time if the task is still pending.

  KEYS[1] execution hash
  ARGV[1] the task's state field (t:<nonce>)
  ARGV[2] the task's heartbeat field (b:<nonce>)
  ARGV[3] now (ms)

  Returns 1, or -1 when the task is no longer pending
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if not redis.call('HGET', KEYS[1], ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1
