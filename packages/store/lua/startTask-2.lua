--[[
  A worker took an activity task (GetActivityTask): record ActivityStarted once. The hand-out's
  id is kept with the task, so a re-sent command whose answer was lost (Redis restarted) finds
  its own hand-out and answers as the first time instead of handing the task to nobody.

  KEYS[1] execution hash
  KEYS[2] history list
  ARGV[1] the task's nonce
  ARGV[2] now (ms)
  ARGV[3] activityStartedEventDetails as JSON
  ARGV[4] this hand-out's id

  Returns  1 started (now, or by this same hand-out before)
          -1 the task is gone (closed execution, timed out, answered) or another hand-out started it
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
local state = redis.call('HGET', KEYS[1], 't:' .. ARGV[1])
if state == 'started' and redis.call('HGET', KEYS[1], 'ho:' .. ARGV[1]) == ARGV[4] then return 1 end
if state ~= 'scheduled' then return -1 end
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local id = seq + 1
local event = '{"id":' .. id .. ',"previousEventId":' .. seq .. ',"timestamp":' .. ARGV[2] ..
  ',"type":"ActivityStarted","activityStartedEventDetails":' .. ARGV[3] .. '}'
redis.call('RPUSH', KEYS[2], event)
redis.call('HSET', KEYS[1], 'seq', id, 't:' .. ARGV[1], 'started', 's:' .. ARGV[1], ARGV[2], 'ho:' .. ARGV[1], ARGV[4])
return 1
