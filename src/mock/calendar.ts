/** Every UTC offset in use is a multiple of 15 minutes, so a day changes only on these boundaries. */
const BUCKET_MS = 15 * 60 * 1000;

/**
 * Gives the calendar day (`'YYYY-MM-DD'`) of an instant in a time zone, with
 * daylight saving handled by `Intl`. Cheap on repeated calls: the answer is
 * cached per 15-minute slice of time.
 *
 * @param timeZone - an IANA zone, e.g. `'America/Los_Angeles'`; throws `RangeError` if unknown.
 */
export function createDayOf(timeZone: string): (epochMs: number) => string {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  let cachedBucket = Number.NaN;
  let cachedDay = '';
  return (epochMs) => {
    const bucket = Math.floor(epochMs / BUCKET_MS);
    if (bucket !== cachedBucket) {
      const parts = format.formatToParts(epochMs);
      const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
      cachedDay = `${part('year')}-${part('month')}-${part('day')}`;
      cachedBucket = bucket;
    }
    return cachedDay;
  };
}
