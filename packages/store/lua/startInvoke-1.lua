--[[
  A worker is about to make a service integration call for a pending task: mark it started
  (its heartbeat clock starts now) and, when a mock test case is active, give the call its
  invocation number for its state (the same number for a replayed call).

  KEYS[1] execution hash
  ARGV[1] the task's nonce
  ARGV[2] now (ms)
  ARGV[3] the Task state's name, or '' without a mock test case

  Returns  the call's 0-based invocation number of its state (0 without a state name)
          -1 the task is gone (closed execution, timed out, answered)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
local t = 't:' .. ARGV[1]
if not redis.call('HGET', KEYS[1], t) then return -1 end
redis.call('HSET', KEYS[1], t, 'started')
redis.call('HSETNX', KEYS[1], 's:' .. ARGV[1], ARGV[2])
if ARGV[3] == '' then return 0 end
local mine = redis.call('HGET', KEYS[1], 'mn:' .. ARGV[1])
if mine then return tonumber(mine) end
local n = redis.call('HINCRBY', KEYS[1], 'mc:' .. ARGV[3], 1) - 1
redis.call('HSET', KEYS[1], 'mn:' .. ARGV[1], n)
return n
