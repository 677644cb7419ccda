import { LUA_BUDGET } from './redis-lua-budget.js';
import { LUA_PRELUDE } from './redis-lua-prelude.js';

/**
 * Token correction of one reservation, atomically (`reconcileTake`): the
 * bucket (if still stored and still the ticket's: its time must match, so a
 * budget that expired and started over is never corrected by mistake), every
 * window that still counts it, and the day's tokens (if the day's hash still
 * exists).
 *
 * KEYS: state, log, day. ARGV: seq, the bucket's time, delta (tokens).
 *
 * @internal
 */
export const RECONCILE_SCRIPT = `${LUA_PRELUDE}${LUA_BUDGET}
local seq, at, delta = num(ARGV[1]), num(ARGV[2]), num(ARGV[3])
if seq >= 0 then
  local s = loadState(KEYS[1])
  if s.exists and seq >= s.first and seq < s.next then
    local raw = redis.call('HGET', KEYS[2], fmt(seq))
    if raw then
      local t, r, k = string.match(raw, '^(%S+) (%S+) (%S+)$')
      if num(t) == at then
        redis.call('HSET', KEYS[2], fmt(seq), t .. ' ' .. r .. ' ' .. fmt(num(k) + delta))
        for _, key in ipairs(s.order) do
          local w = s.spans[key]
          if w.h <= seq then redis.call('HSET', KEYS[1], 't:' .. key, fmt(w.t + delta)) end
        end
      end
    end
  end
end
if redis.call('EXISTS', KEYS[3]) == 1 then
  local tokens = num(redis.call('HGET', KEYS[3], 'tokens')) or 0
  redis.call('HSET', KEYS[3], 'tokens', fmt(tokens + delta))
end
return 1
`;

/**
 * Put a hold on a target unless one that ends later is in place.
 *
 * KEYS: the holds hash. ARGV: the target's field, reason, until.
 * Reply: 1 when set, 0 when a later hold stays.
 *
 * @internal
 */
export const HOLD_SCRIPT = `${LUA_PRELUDE}
local current = redis.call('HGET', KEYS[1], ARGV[1])
local untilAt = num(ARGV[3])
if current then
  local _, untilText = string.match(current, '^(%S+) (%S+)$')
  if untilAt < num(untilText) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. fmt(untilAt))
return 1
`;

/**
 * The hold in force on a target; an expired one is deleted.
 *
 * KEYS: the holds hash. ARGV: clock mode, the caller's now, the target's field.
 * Reply: `{now}` or `{now, reason, until}`.
 *
 * @internal
 */
export const HOLD_OF_SCRIPT = `${LUA_PRELUDE}
local now = clock(ARGV[1], ARGV[2])
local current = redis.call('HGET', KEYS[1], ARGV[3])
if not current then return { fmt(now) } end
local reason, untilText = string.match(current, '^(%S+) (%S+)$')
if now < num(untilText) then return { fmt(now), reason, untilText } end
redis.call('HDEL', KEYS[1], ARGV[3])
return { fmt(now) }
`;

/**
 * The day's counts of a target (the day that contains Redis's now).
 *
 * KEYS: the three day hashes. ARGV: clock mode, the caller's now, the four
 * day bounds. Reply: `{'ok', now, requests, tokens}` or `{'skew', now}`.
 *
 * @internal
 */
export const USAGE_SCRIPT = `${LUA_PRELUDE}
local now = clock(ARGV[1], ARGV[2])
local d = pickDay(now, { num(ARGV[3]), num(ARGV[4]), num(ARGV[5]), num(ARGV[6]) })
if not d then return { 'skew', fmt(now) } end
local day = redis.call('HMGET', KEYS[d], 'requests', 'tokens')
return { 'ok', fmt(now), fmt(num(day[1]) or 0), fmt(num(day[2]) or 0) }
`;

/**
 * Raise the day's counts to at least the given ones (idempotent seeding).
 *
 * KEYS: the three day hashes. ARGV: clock mode, the caller's now, the four
 * day bounds, requests, tokens, how long the counts outlive the day (ms).
 * Reply: `{'ok', now}` or `{'skew', now}`.
 *
 * @internal
 */
export const SEED_SCRIPT = `${LUA_PRELUDE}
local now = clock(ARGV[1], ARGV[2])
local bounds = { num(ARGV[3]), num(ARGV[4]), num(ARGV[5]), num(ARGV[6]) }
local d = pickDay(now, bounds)
if not d then return { 'skew', fmt(now) } end
local day = redis.call('HMGET', KEYS[d], 'requests', 'tokens')
local requests = math.max(num(day[1]) or 0, num(ARGV[7]))
local tokens = math.max(num(day[2]) or 0, num(ARGV[8]))
redis.call('HSET', KEYS[d], 'requests', fmt(requests), 'tokens', fmt(tokens))
redis.call('PEXPIRE', KEYS[d], math.max(1, math.floor(bounds[d + 1] - now + num(ARGV[9]))))
return { 'ok', fmt(now) }
`;

/**
 * Disable a key for every process: the first reason stays, and a newly
 * disabled key is announced on the channel as JSON `{ name, reason }`.
 *
 * KEYS: the disabled-keys hash. ARGV: channel, key name, reason.
 * Reply: 1 when newly disabled, else 0.
 *
 * @internal
 */
export const DISABLE_SCRIPT = `
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return 0 end
redis.call('PUBLISH', ARGV[1], cjson.encode({ name = ARGV[2], reason = ARGV[3] }))
return 1
`;
