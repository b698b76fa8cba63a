--[[
  SendTaskHeartbeat: note the time if the task is still pending.

  KEYS[1] execution hash
  ARGV[1] task nonce
  ARGV[2] now (ms)

  Returns 1, or -1 when the task is no longer pending
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if redis.call('HGET', KEYS[1], 'tok') ~= ARGV[1] then return -1 end
redis.call('HSET', KEYS[1], 'tokBeat', ARGV[2])
return 1
