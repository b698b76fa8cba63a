--[[
  A worker took an activity task (GetActivityTask): record ActivityStarted once.

  KEYS[1] execution hash
  KEYS[2] history list
  ARGV[1] task nonce
  ARGV[2] now (ms)
  ARGV[3] activityStartedEventDetails as JSON

  Returns  1 started
          -1 the task is gone (closed execution, timed out, answered) or was already started
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if redis.call('HGET', KEYS[1], 'tok') ~= ARGV[1] then return -1 end
if redis.call('HGET', KEYS[1], 'tokState') ~= 'scheduled' then return -1 end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local id = seq + 1
local event = '{"id":' .. id .. ',"previousEventId":' .. seq .. ',"timestamp":' .. ARGV[2] ..
  ',"type":"ActivityStarted","activityStartedEventDetails":' .. ARGV[3] .. '}'
redis.call('RPUSH', KEYS[2], event)
redis.call('HSET', KEYS[1], 'seq', id, 'tokState', 'started', 'tokStart', ARGV[2])
return 1
