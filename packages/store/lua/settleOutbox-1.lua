--[[
  Obligations carried out leave the outbox. Whoever carried one out (the committing process, a
  retried job, a reader, the reconciler) removes it; removing one twice is harmless.

  KEYS[1] outbox hash
  ARGV    the obligation ids carried out

  Returns the number of obligations still waiting
]]
redis.call('HDEL', KEYS[1], unpack(ARGV))
return redis.call('HLEN', KEYS[1])
