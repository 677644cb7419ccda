const formats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm` of a moment in an IANA time zone, for messages. */
export function formatInZone(at: number, timeZone: string): string {
  let format = formats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format.format(at).replace(',', '');
}
