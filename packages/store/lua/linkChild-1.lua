--[[
  Records the child execution a parent's `.sync` Task started, while that task is still pending,
  so the parent can stop the child if it abandons the task (stopped, timed out, branch failed).

  KEYS[1] parent execution hash
  ARGV[1] the task's nonce
  ARGV[2] the child's execution ARN

  Returns  1 linked
           0 the parent no longer waits on that task (the caller stops the child)
]]
if redis.call('HGET', KEYS[1], 'status') ~= 'RUNNING' then return 0 end
if redis.call('HEXISTS', KEYS[1], 't:' .. ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'n:' .. ARGV[1], ARGV[2])
-- A step that read the parent before the link would drop it unseen (and not stop the child):
-- moving the version fences that step, which reads the link when it tries again.
redis.call('HINCRBY', KEYS[1], 'v', 1)
return 1
