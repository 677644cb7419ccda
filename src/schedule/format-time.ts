const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * `YYYY-MM-DD HH:mm` (or `HH:mm:ss` with `withSeconds`) of a moment in an
 * IANA time zone, for messages. Formatters are cached per zone.
 */
export function formatInZone(at: number, timeZone: string, withSeconds = false): string {
  const id = `${timeZone}\0${withSeconds}`;
  let format = formats.get(id);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' as const } : {}),
      hourCycle: 'h23',
    });
    formats.set(id, format);
  }
  return format.format(at).replace(',', '');
}
