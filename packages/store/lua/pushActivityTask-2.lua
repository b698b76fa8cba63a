--[[
  Puts a scheduled activity task on its activity's list once per task, whoever pushes it (the
  committing worker, a retried job, the reconciler): a marker per task nonce says it was pushed.
  The marker goes when the task is taken and recorded (see handedOut), so a task lost from the
  list (Redis lost its last second) can be pushed again by the reconciler. A push is announced
  on the ready channel, where api processes with waiting polls listen.

  KEYS[1] the activity's task list
  KEYS[2] the activity's pushed-task markers (hash nonce -> 1)
  ARGV[1] the task's nonce
  ARGV[2] the task entry as JSON
  ARGV[3] the ready channel

  Returns 1 pushed, 0 pushed before
]]
if redis.call('HSETNX', KEYS[2], ARGV[1], 1) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], KEYS[1])
return 1
