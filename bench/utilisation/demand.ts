/**
 * A day of demand: arrival times (ms, sorted) in bursts every `everyMs`,
 * their sizes following a day's curve (quiet at night, a peak in the
 * afternoon), `total` requests in all. Deterministic.
 */
export function dayOfDemand(
  start: number,
  dayMs: number,
  total: number,
  everyMs = 300_000,
): number[] {
  const bursts = Math.floor(dayMs / everyMs);
  const weights = Array.from({ length: bursts }, (_, i) => {
    const hour = ((i * everyMs) / 3_600_000) % 24;
    // 0.15 at 03:00, 1.85 at 15:00, plus a ripple so that bursts differ.
    return 1 - 0.85 * Math.cos(((hour - 3) / 24) * 2 * Math.PI) + 0.3 * Math.sin(i * 1.7);
  });
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const arrivals: number[] = [];
  let carried = 0;
  weights.forEach((weight, i) => {
    carried += (Math.max(0, weight) / sum) * total;
    const count = Math.floor(carried);
    carried -= count;
    for (let k = 0; k < count; k++) arrivals.push(start + i * everyMs);
  });
  return arrivals;
}
