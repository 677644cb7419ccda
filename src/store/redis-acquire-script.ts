import { LUA_BUDGET } from './redis-lua-budget.js';
import { LUA_PRELUDE } from './redis-lua-prelude.js';

/** Keys per quota target in {@link ACQUIRE_SCRIPT}: state, log and three day keys. @internal */
export const ACQUIRE_KEYS_PER_TARGET = 5;

/**
 * `acquireFirst` in one atomic step: the same decisions as
 * `MemoryStore.acquireFirst` (`src/budget/budget.ts`: `tryTake`, `refuse`,
 * `sliding-window.ts`), over the data described in {@link LUA_BUDGET}.
 *
 * KEYS: `[1]` the holds hash; then per target `state`, `log` and the day
 * hashes of the day before, the day of and the day after.
 *
 * ARGV: `[1]` clock mode (`'redis'` | `'caller'`), `[2]` the caller's now,
 * `[3]` tokens, `[4]` the number of targets, `[5..8]` the starts of the three
 * days and the end of the last, `[9]` how long a day's counts outlive the day
 * (ms), `[10]` how long a budget outlives its longest window when idle (ms);
 * then per target: its field in the holds hash, its daily request limit,
 * its number of windows and per window `requests`, `tokens`, `span`
 * (limits `'inf'` when they do not bind).
 *
 * Per target, in order, until one admits: a hold in force refuses (retry at
 * its end; an expired one is deleted); every window is brought up to `now`;
 * the day and each window (in the configured order) must admit; then the
 * request is recorded at `max(now, last)` in the log, in every window and in
 * the day's counts. A refusal answers the earliest moment every window and
 * the day admit, or `'never'` for a request larger than a window's token limit.
 *
 * Reply: `{'ok', now, index, at, seq, day}` (index and day from 0),
 * `{'no', now, retryAt, reason...}` (a reason per target), or
 * `{'skew', now}` when Redis's time is outside the three days sent.
 *
 * @internal
 */
export const ACQUIRE_SCRIPT = `${LUA_PRELUDE}${LUA_BUDGET}
local now = clock(ARGV[1], ARGV[2])
local tokens = num(ARGV[3])
local count = tonumber(ARGV[4])
local bounds = { num(ARGV[5]), num(ARGV[6]), num(ARGV[7]), num(ARGV[8]) }
local d = pickDay(now, bounds)
if not d then return { 'skew', fmt(now) } end
local dayEnd = bounds[d + 1]
local dayGrace = num(ARGV[9])
local ttlExtra = num(ARGV[10])
local holdsKey = KEYS[1]

local function tryTarget(i, holdField, dayLimit, limits)
  local k = 2 + (i - 1) * 5
  local stateKey, logKey, dayKey = KEYS[k], KEYS[k + 1], KEYS[k + 1 + d]

  local held = redis.call('HGET', holdsKey, holdField)
  if held then
    local reason, untilText = string.match(held, '^(%S+) (%S+)$')
    local untilAt = num(untilText)
    if now < untilAt then return false, untilAt, reason end
    redis.call('HDEL', holdsKey, holdField)
  end

  local day = redis.call('HMGET', dayKey, 'requests', 'tokens')
  local dayRequests = num(day[1]) or 0
  local dayTokens = num(day[2]) or 0

  local s = loadState(stateKey)
  local cache = {}
  local dirty = false
  for _, l in ipairs(limits) do
    local key = fmt(l.span)
    local w = s.spans[key]
    if not w then
      w = { span = l.span, h = s.first, r = 0, t = 0 }
      for q = s.first, s.next - 1 do
        local b = readBucket(logKey, cache, q)
        w.r = w.r + b.r
        w.t = w.t + b.k
      end
      s.spans[key] = w
      s.order[#s.order + 1] = key
      dirty = true
    end
    l.w = w
  end
  for _, key in ipairs(s.order) do
    if evict(s.spans[key], s, logKey, cache, now) then dirty = true end
  end

  local admitted = dayRequests < dayLimit
  for _, l in ipairs(limits) do
    if not admitted then break end
    admitted = l.w.r < l.req and l.w.t + tokens <= l.tok
  end

  if admitted then
    local at = math.max(now, s.last)
    s.last = at
    local seq = -1
    if #s.order > 0 then
      if s.next > s.first then
        local newest = readBucket(logKey, cache, s.next - 1)
        if newest.t == at then
          seq = s.next - 1
          writeBucket(logKey, cache, seq, { t = at, r = newest.r + 1, k = newest.k + tokens })
        end
      end
      if seq < 0 then
        seq = s.next
        s.next = s.next + 1
        writeBucket(logKey, cache, seq, { t = at, r = 1, k = tokens })
      end
      for _, key in ipairs(s.order) do
        local w = s.spans[key]
        w.r = w.r + 1
        w.t = w.t + tokens
      end
    end
    redis.call('HSET', dayKey, 'requests', fmt(dayRequests + 1), 'tokens', fmt(dayTokens + tokens))
    redis.call('PEXPIRE', dayKey, math.max(1, math.floor(dayEnd - now + dayGrace)))
    trim(s, logKey)
    saveState(stateKey, logKey, s, ttlExtra)
    return true, at, seq
  end

  if dirty then
    trim(s, logKey)
    saveState(stateKey, logKey, s, ttlExtra)
  end
  local daily = dayRequests >= dayLimit
  local retryAt = now
  if daily then retryAt = dayEnd end
  for _, l in ipairs(limits) do
    if tokens > l.tok then return false, INF, 'never' end
    local w = l.w
    local requests, sum = w.r, w.t
    local free = now
    if not (requests < l.req and sum + tokens <= l.tok) then
      local at = now
      for q = w.h, s.next - 1 do
        local b = readBucket(logKey, cache, q)
        requests = requests - b.r
        sum = sum - b.k
        at = b.t
        if requests < l.req and sum + tokens <= l.tok then break end
      end
      free = math.max(at + w.span, now)
    end
    if free > retryAt then retryAt = free end
  end
  if daily then return false, retryAt, 'daily' end
  return false, retryAt, 'window'
end

local retryAt = INF
local reasons = {}
local a = 11
for i = 1, count do
  local holdField = ARGV[a]
  local dayLimit = num(ARGV[a + 1])
  local windows = tonumber(ARGV[a + 2])
  local limits = {}
  for w = 1, windows do
    local base = a + 3 + (w - 1) * 3
    limits[w] = { req = num(ARGV[base]), tok = num(ARGV[base + 1]), span = num(ARGV[base + 2]) }
  end
  a = a + 3 + windows * 3
  local ok, at, third = tryTarget(i, holdField, dayLimit, limits)
  if ok then return { 'ok', fmt(now), tostring(i - 1), fmt(at), fmt(third), tostring(d - 1) } end
  if at < retryAt then retryAt = at end
  reasons[#reasons + 1] = third
end
local reply = { 'no', fmt(now), fmt(retryAt) }
for _, reason in ipairs(reasons) do reply[#reply + 1] = reason end
return reply
`;
