--[[
  Puts back tasks a poller took from an activity's list but never handed out (its poller left,
  or its api process died between the two): each one still in the hand-out list goes back to
  the head of the task list, in one step, so a task is never in neither list. The ready channel
  hears of it, as of a push.

  KEYS[1] the activity's task list
  KEYS[2] its hand-out list
  ARGV[1] the ready channel
  ARGV[2..] the entries to put back (as they sit in the hand-out list)

  Returns the number put back (an entry recorded meanwhile is left alone).
]]
local n = 0
for i = #ARGV, 2, -1 do
  if redis.call('LREM', KEYS[2], 1, ARGV[i]) == 1 then
    redis.call('LPUSH', KEYS[1], ARGV[i])
    n = n + 1
  end
end
if n > 0 then redis.call('PUBLISH', ARGV[1], KEYS[1]) end
return n
