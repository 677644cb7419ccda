import { formatInZone } from '../schedule/format-time.js';

/**
 * `at` as `YYYY-MM-DD HH:mm:ss` in `timeZone`, plus how far it is from `now`,
 * for error messages: `'2026-03-09 00:00:00 America/Los_Angeles (in 5 h 3 min)'`.
 */
export function describeMoment(at: number, now: number, timeZone: string): string {
  return `${formatInZone(at, timeZone, true)} ${timeZone} (in ${describeDuration(at - now)})`;
}

/** A duration in ms as `'850 ms'`, `'3.2 s'`, `'4 min 5 s'` or `'5 h 3 min'`. */
export function describeDuration(ms: number): string {
  const d = Math.max(0, ms);
  if (d < 1000) return `${Math.ceil(d)} ms`;
  if (d < 60_000) return `${(d / 1000).toFixed(1)} s`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} min ${Math.round((d % 60_000) / 1000)} s`;
  return `${Math.floor(d / 3_600_000)} h ${Math.round((d % 3_600_000) / 60_000)} min`;
}
