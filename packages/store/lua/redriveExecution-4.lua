--[[
  Redrives a closed execution: appends ExecutionRedriven, puts the resumable cursor in place,
  marks it RUNNING again and writes its obligations (the job that resumes it, its time-out,
  its running index entry), only if nothing moved since the caller read it (the fence). A
  client token already used for a redrive of this execution answers with that redrive's date,
  and so does a re-sent command (same request id) whose answer was lost.

  KEYS[1] execution hash
  KEYS[2] history list
  KEYS[3] cursor string
  KEYS[4] outbox hash
  ARGV[1] expected sequence
  ARGV[2] the ExecutionRedriven event as JSON
  ARGV[3] the cursor to resume from, as JSON
  ARGV[4] now (ms), the redrive date
  ARGV[5] the new redrive count
  ARGV[6] client token, or ''
  ARGV[7] this request's id
  then obligation id/JSON pairs

  Returns  {1, date} redriven (or a repeat of the redrive with this client token or request)
           {-1} no such execution
           {-2, status} fenced or not closed unsuccessfully
]]
if redis.call('EXISTS', KEYS[1]) == 0 then return { -1 } end
if ARGV[6] ~= '' then
  local used = redis.call('HGET', KEYS[1], 'ct:' .. ARGV[6])
  if used then return { 1, used } end
end
if redis.call('HGET', KEYS[1], 'lc') == ARGV[7] then return { 1, redis.call('HGET', KEYS[1], 'rd') } end
local status = redis.call('HGET', KEYS[1], 'status')
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return { -2, status } end
if status ~= 'FAILED' and status ~= 'TIMED_OUT' and status ~= 'ABORTED' then return { -2, status } end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], ARGV[3])
redis.call('HDEL', KEYS[1], 'stopDate', 'output', 'error', 'cause', 'by')
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'seq', tonumber(ARGV[1]) + 1, 'rc', ARGV[5], 'rd', ARGV[4], 'wake', '', 'lc', ARGV[7])
redis.call('HINCRBY', KEYS[1], 'v', 1)
if ARGV[6] ~= '' then redis.call('HSET', KEYS[1], 'ct:' .. ARGV[6], ARGV[4]) end
if #ARGV > 7 then redis.call('HSET', KEYS[4], unpack(ARGV, 8, #ARGV)) end
return { 1, ARGV[4] }
