--[[
  Retention: removes a closed execution's own keys if it closed before the cutoff, checked in
  the same step, so an execution redriven since the sweep read it (RUNNING again) is kept. A
  record already gone (an earlier sweep died part-way) counts as removed; what it left goes.
  The map runs hash is left to the caller, which reads it to remove the map runs' own keys.

  KEYS[1] execution hash
  KEYS[2] history list
  KEYS[3] meta string
  KEYS[4] cursor string
  KEYS[5] map run limits hash
  KEYS[6] outbox hash
  ARGV[1] cutoff (ms): only an execution closed before it goes

  Returns  1 removed (or gone already)
           0 kept: running, or closed since the cutoff
]]
local fields = redis.call('HMGET', KEYS[1], 'status', 'stopDate')
local status, stopDate = fields[1], fields[2]
if status then
  if status ~= 'SUCCEEDED' and status ~= 'FAILED' and status ~= 'TIMED_OUT' and status ~= 'ABORTED' then return 0 end
  if not stopDate or tonumber(stopDate) >= tonumber(ARGV[1]) then return 0 end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1
