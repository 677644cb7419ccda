import { z } from 'zod';
import type { DailyReport } from './report.js';
import { REPORT_VERSION } from './report.js';

const count = z.number().finite();
const isoOrNull = z.string().nullable();

const countersSchema = z.object({
  totalCalls: count,
  successes: count,
  failures: z.record(z.string(), count),
  rateLimited: count,
  inputTokens: count,
  outputTokens: count,
  cost: count,
  firstUsedAt: isoOrNull,
  lastUsedAt: isoOrNull,
});

const keyStateSchema = z.object({
  state: z.enum(['active', 'cooled', 'parked', 'disabled']),
  since: z.string(),
  until: z.string().optional(),
  reason: z.string().optional(),
});

const reportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  service: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  timeZone: z.string(),
  updatedAt: z.string(),
  keys: z.record(
    z.string(),
    countersSchema.extend({ group: z.string(), state: keyStateSchema.optional() }),
  ),
  quota: z.record(
    z.string(),
    z.record(z.string(), z.object({ requests: count, inputTokens: count })),
  ),
  totals: countersSchema,
});

/**
 * Checks that `value` (parsed JSON) is a {@link DailyReport} of this
 * version. Returns the report, or a one-line reason it is not one.
 */
export function parseDailyReport(
  value: unknown,
): { ok: true; report: DailyReport } | { ok: false; reason: string } {
  const result = reportSchema.safeParse(value);
  if (result.success) {
    // Parsed from JSON, an optional field is absent rather than `undefined`.
    return { ok: true, report: result.data as DailyReport };
  }
  const issue = result.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
  return {
    ok: false,
    reason: `not a version ${REPORT_VERSION} report${where}: ${issue?.message ?? 'invalid'}`,
  };
}
