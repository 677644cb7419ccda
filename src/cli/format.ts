/** Small text formatters shared by progress, summary and reports. */

/** A count with thousands separators: `1234567` → `'1,234,567'`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/**
 * A duration for people: `'450ms'`, `'12s'`, `'3m 05s'`, `'2h 03m'`, `'1d 4h'`.
 * `Infinity` is `'∞'`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '∞';
  if (ms < 0) return formatDuration(0);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const seconds = totalSeconds % 60;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${String(seconds).padStart(2, '0')}s`;
  const minutes = totalMinutes % 60;
  const totalHours = Math.floor(totalMinutes / 60);
  if (totalHours < 24) return `${totalHours}h ${String(minutes).padStart(2, '0')}m`;
  return `${Math.floor(totalHours / 24)}d ${totalHours % 24}h`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached(
  map: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  let format = map.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', ...options });
    map.set(timeZone, format);
  }
  return format;
}

/** The wall-clock time of `at` in `timeZone` with the zone's short name: `'00:00 PT'`. */
export function formatClock(at: number, timeZone: string): string {
  const parts = cached(clockFormats, timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'shortGeneric',
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  const zone = /^(Etc\/)?(UTC|GMT|UCT|Zulu|Universal)$/.test(timeZone)
    ? 'UTC'
    : get('timeZoneName');
  return `${get('hour')}:${get('minute')} ${zone}`.trim();
}

/** The date and time of `at` in `timeZone`: `'2026-03-09 00:00 PT'`. */
export function formatDateTime(at: number, timeZone: string): string {
  const parts = cached(dateFormats, timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${formatClock(at, timeZone)}`;
}

/** A rate per minute: `'58.2/min'`. */
export function formatRate(perMinute: number): string {
  if (!Number.isFinite(perMinute)) return '∞/min';
  return `${perMinute >= 100 ? Math.round(perMinute) : perMinute.toFixed(1)}/min`;
}

/** Left-aligned columns: each row's cells padded to the widest cell of its column. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd(),
  );
}
