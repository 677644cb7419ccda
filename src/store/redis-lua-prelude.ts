/**
 * Lua helpers every keyrelay script starts with (Redis runs Lua 5.1).
 *
 * - `num(s)` reads a number written by {@link encodeNumber} or `fmt`
 *   (`'inf'` and `'-inf'` included); `nil`/`false` stay `nil`.
 * - `fmt(x)` writes a number so that it reads back bit for bit
 *   (`%.17g`), `'inf'` / `'-inf'` for the infinities. Every number a script
 *   stores or returns goes through it: Redis would truncate a Lua number in
 *   a reply to an integer.
 * - `clock(mode, callerNow)` is the script's `now` in ms: Redis's own `TIME`
 *   when `mode` is `'redis'` (one timeline for every machine), else the
 *   caller's number (tests in virtual time).
 * - `pickDay(now, b)` finds `d` in 1..3 with `b[d] <= now < b[d + 1]` among
 *   the three calendar days the caller sent (the day before, the day of and
 *   the day after its estimate of Redis's time); `nil` when `now` is outside
 *   them (clocks more than a day apart).
 *
 * @internal
 */
export const LUA_PRELUDE = `
local INF = math.huge
local function num(s)
  if s == nil or s == false then return nil end
  if s == 'inf' then return INF end
  if s == '-inf' then return -INF end
  return tonumber(s)
end
local function fmt(x)
  if x == INF then return 'inf' end
  if x == -INF then return '-inf' end
  return string.format('%.17g', x)
end
local function clock(mode, callerNow)
  if mode == 'redis' then
    if redis.replicate_commands then pcall(redis.replicate_commands) end
    local t = redis.call('TIME')
    return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return num(callerNow)
end
local function pickDay(now, b)
  for d = 1, 3 do
    if b[d] <= now and now < b[d + 1] then return d end
  end
  return nil
end
`;

/**
 * A number as the scripts read it: `'inf'` / `'-inf'` for the infinities,
 * else JavaScript's shortest round-trip form.
 *
 * @internal
 */
export function encodeNumber(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

/**
 * A number a script wrote with `fmt`.
 *
 * @internal
 */
export function decodeNumber(value: unknown): number {
  if (value === 'inf') return Number.POSITIVE_INFINITY;
  if (value === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(value);
}
