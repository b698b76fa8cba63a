--[[
  Records the answer to a pending task (SendTaskSuccess/Failure, or a service call's result)
  with the execution, before the job that applies it is enqueued. A task's time-out that falls
  due before that job runs (its worker died holding it) then applies the answer instead: an
  acknowledged answer is never overtaken by a later time-out. The first answer stands. What the
  task's metrics need comes back in the same step.

  KEYS[1] execution hash
  ARGV[1] the task's nonce
  ARGV[2] the answer as JSON

  Returns -1 the task is gone (closed execution, timed out, answered and applied), else
          {1 recorded or 0 answered before (this answer re-sent, or another one first),
           when it was handed out (ms) or false, 'scheduledMs|activity' or false}
]]
local n = ARGV[1]
local f = redis.call('HMGET', KEYS[1], 'status', 't:' .. n, 's:' .. n, 'a:' .. n)
if f[1] ~= 'RUNNING' or not f[2] then return -1 end
return {redis.call('HSETNX', KEYS[1], 'r:' .. n, ARGV[2]), f[3], f[4]}
