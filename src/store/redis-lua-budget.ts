/**
 * Lua helpers over one quota target's budget in Redis, the same data as the
 * in-memory `Budget` (`src/budget`):
 *
 * - the **log** (a hash): one field per bucket, its sequence number, with the
 *   value `"<time> <requests> <tokens>"`; requests recorded at the same
 *   millisecond share a bucket, exactly as in `BucketLog`;
 * - the **state** (a hash): `first` (oldest stored bucket), `next` (the next
 *   bucket's number), `last` (latest time recorded), and per window length
 *   (`span` = `per` + safety margin, in ms) three fields `h:<span>` (the oldest
 *   bucket still in that window), `r:<span>` and `t:<span>` (its running sums
 *   of requests and tokens).
 *
 * Windows are keyed by their length, not by their place in a configuration,
 * so processes with different limits still share one consistent state, and
 * the log is trimmed below the oldest bucket any window still counts: memory
 * stays bounded by the distinct milliseconds in the longest window.
 *
 * Each helper reads a bucket at most once per script (`cache`).
 *
 * @internal
 */
export const LUA_BUDGET = `
local function loadState(key)
  local flat = redis.call('HGETALL', key)
  local s = { first = 0, next = 0, last = -INF, spans = {}, order = {}, exists = #flat > 0 }
  for i = 1, #flat, 2 do
    local f, v = flat[i], flat[i + 1]
    if f == 'first' then s.first = num(v)
    elseif f == 'next' then s.next = num(v)
    elseif f == 'last' then s.last = num(v)
    else
      local kind, span = string.match(f, '^([hrt]):(.+)$')
      if kind then
        local w = s.spans[span]
        if not w then
          w = { span = num(span), h = 0, r = 0, t = 0 }
          s.spans[span] = w
          s.order[#s.order + 1] = span
        end
        w[kind] = num(v)
      end
    end
  end
  return s
end

local function readBucket(logKey, cache, seq)
  local b = cache[seq]
  if b then return b end
  local raw = redis.call('HGET', logKey, fmt(seq))
  if raw then
    local t, r, k = string.match(raw, '^(%S+) (%S+) (%S+)$')
    b = { t = num(t), r = num(r), k = num(k) }
  else
    -- A bucket that went missing (evicted by maxmemory): it leaves every
    -- window at once and subtracts nothing, so the sums err on the safe side
    -- until the window is empty again and they reset.
    b = { t = -INF, r = 0, k = 0 }
  end
  cache[seq] = b
  return b
end

local function writeBucket(logKey, cache, seq, b)
  cache[seq] = b
  redis.call('HSET', logKey, fmt(seq), fmt(b.t) .. ' ' .. fmt(b.r) .. ' ' .. fmt(b.k))
end

local function saveState(stateKey, logKey, s, ttlExtra)
  local fields = { 'first', fmt(s.first), 'next', fmt(s.next), 'last', fmt(s.last) }
  local longest = 0
  for _, key in ipairs(s.order) do
    local w = s.spans[key]
    fields[#fields + 1] = 'h:' .. key
    fields[#fields + 1] = fmt(w.h)
    fields[#fields + 1] = 'r:' .. key
    fields[#fields + 1] = fmt(w.r)
    fields[#fields + 1] = 't:' .. key
    fields[#fields + 1] = fmt(w.t)
    if w.span > longest then longest = w.span end
  end
  redis.call('HSET', stateKey, unpack(fields))
  local ttl = math.floor(longest + ttlExtra)
  redis.call('PEXPIRE', stateKey, ttl)
  redis.call('PEXPIRE', logKey, ttl)
end

-- Drop the buckets that have left window w at now (sliding-window.ts: evict).
local function evict(w, s, logKey, cache, now)
  local cutoff = now - w.span
  local head = w.h
  if head >= s.next or readBucket(logKey, cache, head).t > cutoff then return false end
  repeat
    local b = readBucket(logKey, cache, head)
    w.r = w.r - b.r
    w.t = w.t - b.k
    head = head + 1
  until head >= s.next or readBucket(logKey, cache, head).t > cutoff
  w.h = head
  if head >= s.next then
    w.r = 0
    w.t = 0
  end
  return true
end

-- Delete the buckets no window counts any more.
local function trim(s, logKey)
  local oldest = s.next
  for _, key in ipairs(s.order) do
    if s.spans[key].h < oldest then oldest = s.spans[key].h end
  end
  if oldest <= s.first then return end
  local batch = {}
  for q = s.first, oldest - 1 do
    batch[#batch + 1] = fmt(q)
    if #batch == 500 then
      redis.call('HDEL', logKey, unpack(batch))
      batch = {}
    end
  end
  if #batch > 0 then redis.call('HDEL', logKey, unpack(batch)) end
  s.first = oldest
end
`;
