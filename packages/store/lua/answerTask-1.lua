--[[
  Records the answer to a pending task (SendTaskSuccess/Failure, or a service call's result)
  with the execution, before the job that applies it is enqueued. A task's time-out that falls
  due before that job runs (its worker died holding it) then applies the answer instead: an
  acknowledged answer is never overtaken by a later time-out. The first answer stands.

  KEYS[1] execution hash
  ARGV[1] the task's nonce
  ARGV[2] the answer as JSON

  Returns  1 recorded
           0 answered before (this answer re-sent, or another one first)
          -1 the task is gone (closed execution, timed out, answered and applied)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return -1 end
if not redis.call('HGET', KEYS[1], 't:' .. ARGV[1]) then return -1 end
if redis.call('HSETNX', KEYS[1], 'r:' .. ARGV[1], ARGV[2]) == 0 then return 0 end
return 1
