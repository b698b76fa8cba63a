--[[
  Redrives a closed execution: appends ExecutionRedriven, puts the resumable cursor in place and
  marks it RUNNING again, only if nothing moved since the caller read it (the fence). A client
  token already used for a redrive of this execution answers with that redrive's date.

  KEYS[1] execution hash
  KEYS[2] history list
  KEYS[3] cursor string
  ARGV[1] expected sequence
  ARGV[2] the ExecutionRedriven event as JSON
  ARGV[3] the cursor to resume from, as JSON
  ARGV[4] now (ms), the redrive date
  ARGV[5] the new redrive count
  ARGV[6] client token, or ''

  Returns  {1, date} redriven (or a repeat of the redrive with this client token)
           {-1} no such execution
           {-2, status} fenced or not closed unsuccessfully
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return { -1 } end
if ARGV[6] ~= '' then
  local used = redis.call('HGET', KEYS[1], 'ct:' .. ARGV[6])
  if used then return { 1, used } end
end
local status = redis.call('HGET', KEYS[1], 'status')
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return { -2, status } end
if status ~= 'FAILED' and status ~= 'TIMED_OUT' and status ~= 'ABORTED' then return { -2, status } end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HDEL', KEYS[1], 'stopDate', 'output', 'error', 'cause', 'by')
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'seq', tonumber(ARGV[1]) + 1, 'rc', ARGV[5], 'rd', ARGV[4], 'wake', '')
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'ct:' .. ARGV[6], ARGV[4]) end
return { 1, ARGV[4] }
