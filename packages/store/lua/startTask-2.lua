--[[
  A worker took an activity task (GetActivityTask): record ActivityStarted once.

  KEYS[1] execution hash
  KEYS[2] history list
  ARGV[1] the task's state field (t:<nonce>)
  ARGV[2] the task's start field (s:<nonce>)
  ARGV[3] now (ms)
  ARGV[4] activityStartedEventDetails as JSON

  Returns  1 started
          -1 the task is gone (closed execution, timed out, answered) or was already started
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= 'scheduled' then return -1 end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local id = seq + 1
local event = '{"id":' .. id .. ',"previousEventId":' .. seq .. ',"timestamp":' .. ARGV[3] ..
  ',"type":"ActivityStarted","activityStartedEventDetails":' .. ARGV[4] .. '}'
redis.call('RPUSH', KEYS[2], event)
redis.call('HSET', KEYS[1], 'seq', id, ARGV[1], 'started', ARGV[2], ARGV[3])
return 1
