--[[
  Takes up to n tasks from the head of an activity's list for as many waiting polls, moving each
  to the hand-out list in the same step: a process killed before it records a hand-out loses
  nothing (recovery puts the entry back).

  KEYS[1] the activity's task list
  KEYS[2] its hand-out list
  ARGV[1] n, at most how many to take

  Returns the entries taken, oldest first (none when the list is empty).
]]
local taken = {}
for _ = 1, tonumber(ARGV[1]) do
  local raw = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not raw then break end
  taken[#taken + 1] = raw
end
return taken
