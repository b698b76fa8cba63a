--[[
  A service integration call that waits after it (`.waitForTaskToken`, `.sync`) went through:
  record TaskSubmitted once, or only mark the task as past its call when the call submitted
  nothing (it failed, a mock answered). Answers to such a task wait for this mark, so the
  history keeps TaskStarted -> TaskSubmitted -> TaskSucceeded even when the answer is fast.

  KEYS[1] execution hash
  KEYS[2] history list
  ARGV[1] the task's nonce
  ARGV[2] now (ms)
  ARGV[3] taskSubmittedEventDetails as JSON, or '' for the mark alone
  ARGV[4] the event's previousEventId

  Returns  1 recorded (the event, or the mark alone)
           0 recorded before (a replayed invoke job)
          -1 the task is gone (closed execution, timed out, answered)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if not redis.call('HGET', KEYS[1], 't:' .. ARGV[1]) then return -1 end
local mark = 'u:' .. ARGV[1]
-- 'due' since the task was scheduled; anything else means recorded already. (A task scheduled
-- before submissions were kept has no mark: it is recorded now all the same.)
local was = redis.call('HGET', KEYS[1], mark)
if was and was ~= 'due' then return 0 end
if ARGV[3] == '' then
  redis.call('HSET', KEYS[1], mark, 0)
  return 1
end
-- Outside a step: the sequence moves, so a step committing concurrently is fenced and retried.
local id = tonumber(redis.call('HGET', KEYS[1], 'seq')) + 1
local event = '{"id":' .. id .. ',"previousEventId":' .. ARGV[4] .. ',"timestamp":' .. ARGV[2] ..
  ',"type":"TaskSubmitted","taskSubmittedEventDetails":' .. ARGV[3] .. '}'
redis.call('RPUSH', KEYS[2], event)
redis.call('HSET', KEYS[1], 'seq', id, mark, id)
return 1
