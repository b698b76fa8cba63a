--[[
  Creates a resource hash unless it exists.

  KEYS[1] resource hash
  ARGV    field/value pairs

  Returns 1 created, or the existing hash as a flat field/value list
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.call('HGETALL', KEYS[1])
end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
