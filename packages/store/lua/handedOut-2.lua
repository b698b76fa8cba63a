--[[
  The hand-out of a taken activity task is recorded (or the task was stale): the entry leaves
  the hand-out list and its pushed marker goes, in one step.

  KEYS[1] the activity's hand-out list
  KEYS[2] the activity's pushed-task markers
  ARGV[1] the entry as it sits in the hand-out list
  ARGV[2] the task's nonce

  Returns 1
]]
redis.call('LREM', KEYS[1], 1, ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
return 1
