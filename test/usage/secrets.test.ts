import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../src/usage/events.js';
import { usageEventFromRecord } from '../../src/usage/record.js';
import { reportPath } from '../../src/usage/report-path.js';
import { ReportWriter } from '../../src/usage/report-writer.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { ev, reduceAll } from './helpers.js';

const SECRETS = [
  'AIzaSyA-FAKE-secret-value-000000000001',
  'AIzaSyB-FAKE-secret-value-000000000002',
];
const NAMES = ['GEMINI_API_KEY_1', 'GEMINI_API_KEY_2'];
const AT = Date.UTC(2026, 4, 1, 12);

let dir: string;
tempDirPerTest('keyrelay-usage-', (created) => {
  dir = created;
});

/** Every string in a JSON value, keys included. */
function stringsOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsOf(v, out);
    }
  return out;
}

describe('secrets', () => {
  it('a report built from events holds key names, never anything else about a key', async () => {
    const [k1, k2] = NAMES as [string, string];
    const events: UsageEvent[] = [
      ev.dispatched({ key: k1, group: 'project-a', at: AT }),
      ev.succeeded({ key: k1, group: 'project-a', at: AT + 1 }),
      ev.dispatched({ key: k2, group: 'project-a', at: AT + 2 }),
      ev.failed({ key: k2, group: 'project-a', at: AT + 3 }, 'invalid_key'),
      ev.rateLimited({ key: k1, group: 'project-a', at: AT + 4 }),
      // A careless reason that quotes a secret is redacted before it reaches a report.
      {
        ...ev.dispatched({ key: k2, group: 'project-a', at: AT + 5 }),
        type: 'disabled',
        reason: `bad key ${SECRETS[1]}`,
      } as unknown as UsageEvent,
      ...usageEventFromRecord({
        service: 'gemini',
        keyName: k1,
        success: true,
        cost: 1,
        at: AT + 6,
      }),
    ];
    const writer = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC' });
    writer.update(reduceAll(events, 'UTC'));
    await writer.close();
    const text = await readFile(reportPath(dir, 'gemini', '2026-05-01'), 'utf8');

    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/AIza/);
    const allowed = new Set([
      ...NAMES,
      'project-a',
      'gemini',
      'gemini-2.0-flash',
      'unknown',
      '2026-05-01',
      'UTC',
      'invalid_key',
      'disabled',
      'bad key [redacted]',
    ]);
    const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    const fields =
      /^(version|service|date|timeZone|updatedAt|keys|quota|totals|group|totalCalls|successes|failures|rateLimited|inputTokens|outputTokens|cost|firstUsedAt|lastUsedAt|state|since|until|reason|requests)$/;
    const unexpected = stringsOf(JSON.parse(text)).filter(
      (s) => !allowed.has(s) && !isoTime.test(s) && !fields.test(s),
    );
    expect(unexpected).toEqual([]);
    expect(Object.keys(JSON.parse(text).keys).sort()).toEqual(NAMES);
  });
});
