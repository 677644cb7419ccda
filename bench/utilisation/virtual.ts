import { delay as delayBy, Observable, of, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import type { LimitRule } from '../../src/budget/index.js';
import { KeyPool } from '../../src/pool/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/events.js';
import { num, type RunOptions, type Section, table } from '../support/section.js';
import { dayOfDemand } from './demand.js';
import { countViolations, type GroupSpec, referenceCeiling } from './limits.js';

/** 2025-06-10 00:00 in America/Los_Angeles (PDT, UTC-7), and the next midnight 24 h later. */
const DAY_START = Date.UTC(2025, 5, 10, 7);
const DAY_MS = 86_400_000;
const TOKENS = 1_000;
const PROMPT = 'x'.repeat(TOKENS * 4);
const MINUTE = 60_000;

/** Four quota groups, each bound by a different limit, ten keys. */
const GROUPS: readonly GroupSpec[] = [
  {
    group: 'project-rpm',
    keys: 4,
    windows: [{ label: 'RPM', limit: 15, span: MINUTE }],
    perDay: 1_000_000,
  },
  {
    group: 'project-tpm',
    keys: 3,
    windows: [
      { label: 'RPM', limit: 30, span: MINUTE },
      { label: 'TPM', limit: 10_000, span: MINUTE, tokens: true },
    ],
    perDay: Number.POSITIVE_INFINITY,
  },
  {
    group: 'project-rpd',
    keys: 2,
    windows: [{ label: 'RPM', limit: 15, span: MINUTE }],
    perDay: 500,
  },
  {
    group: 'project-10min',
    keys: 1,
    windows: [
      { label: 'RPM', limit: 15, span: MINUTE },
      { label: '10-min window', limit: 100, span: 10 * MINUTE },
    ],
    perDay: Number.POSITIVE_INFINITY,
  },
];

function limitRules(): LimitRule[] {
  return [
    { group: 'project-rpm', requestsPerMinute: 15, requestsPerDay: 1_000_000 },
    { group: 'project-tpm', requestsPerMinute: 30, tokensPerMinute: 10_000 },
    { group: 'project-rpd', requestsPerMinute: 15, requestsPerDay: 500 },
    {
      group: 'project-10min',
      requestsPerMinute: 15,
      windows: [{ requests: 100, per: 10 * MINUTE }],
    },
  ];
}

interface Outcome {
  readonly dispatched: number;
  readonly succeeded: number;
  readonly violations: number;
  readonly perGroup: ReadonlyMap<string, number>;
  readonly timersArmed: number;
}

/** Runs keyrelay over the day in virtual time; its calls answer (as Observables) after `latencyMs`. */
function runKeyrelay(arrivals: readonly number[], latencyMs: number): Outcome {
  const scheduler = new VirtualTimeScheduler(VirtualAction, Number.POSITIVE_INFINITY);
  scheduler.frame = DAY_START;
  let timersArmed = 0;
  const counting = {
    now: () => scheduler.now(),
    schedule: ((work, delay, state) => {
      timersArmed++;
      return scheduler.schedule(work, delay, state);
    }) as VirtualTimeScheduler['schedule'],
  };
  const keys = GROUPS.flatMap((spec) =>
    Array.from({ length: spec.keys }, (_, i) => ({
      name: `${spec.group}-key-${i}`,
      secret: `virtual-secret-${spec.group}-${i}`,
      group: spec.group,
    })),
  );
  const pool = KeyPool.fromKeys('bench', keys, { limits: limitRules(), safetyMarginMs: 0 });
  const times = new Map<string, number[]>(GROUPS.map((g) => [g.group, []]));
  const tokens = new Map<string, number[]>(GROUPS.map((g) => [g.group, []]));
  let dispatched = 0;
  pool.usage$.subscribe((event: UsageEvent) => {
    if (event.type !== 'dispatched' || event.at >= DAY_START + DAY_MS) return;
    dispatched++;
    times.get(event.group)?.push(event.at);
    tokens.get(event.group)?.push(event.estimatedTokens);
  });
  // The demand: each burst is pushed at its virtual time.
  const source = new Observable<{ prompt: string }>((subscriber) => {
    let index = 0;
    const step = (): void => {
      const now = scheduler.now();
      while (index < arrivals.length && arrivals[index]! <= now) {
        subscriber.next({ prompt: PROMPT });
        index++;
      }
      if (index === arrivals.length) subscriber.complete();
      else subscription.add(scheduler.schedule(step, arrivals[index]! - now));
    };
    const subscription = scheduler.schedule(step, arrivals[0]! - scheduler.now());
    return subscription;
  });
  let succeeded = 0;
  const subscription = source
    .pipe(
      schedule(pool, () => of({ text: 'ok' }).pipe(delayBy(latencyMs, scheduler)), {
        scheduler: counting,
        concurrency: 128,
      }),
    )
    .subscribe((result) => {
      if (result.ok && result.startedAt < DAY_START + DAY_MS) succeeded++;
    });
  scheduler.schedule(() => subscription.unsubscribe(), DAY_MS + latencyMs);
  scheduler.flush();
  let violations = 0;
  const perGroup = new Map<string, number>();
  for (const spec of GROUPS) {
    const groupTimes = times.get(spec.group) ?? [];
    perGroup.set(spec.group, groupTimes.length);
    violations += countViolations(spec, groupTimes, tokens.get(spec.group) ?? []);
  }
  return { dispatched, succeeded, violations, perGroup, timersArmed };
}

/**
 * Benchmark 2a: budget utilisation in virtual time. Four quota groups (ten
 * keys), each bound by a different limit, a day of demand that is below the
 * ceiling at night and far above it in the afternoon.
 */
export async function virtualUtilisationBenchmark({ quick, log }: RunOptions): Promise<Section> {
  const total = quick ? 40_000 : 60_000;
  const arrivals = dayOfDemand(DAY_START, DAY_MS, total);
  const ceiling = referenceCeiling(GROUPS, arrivals, TOKENS, DAY_START + DAY_MS);
  const started = performance.now();
  const outcome = runKeyrelay(arrivals, 800);
  const wallMs = performance.now() - started;
  const ratio = outcome.dispatched / ceiling;
  log(
    `  virtual day: ${outcome.dispatched} / ${ceiling} = ${ratio.toFixed(4)}, ${outcome.violations} violations`,
  );
  const rows = GROUPS.map((spec) => [
    spec.group,
    String(spec.keys),
    [
      ...spec.windows.map((w) => `${w.label} ${num(w.limit)}`),
      ...(Number.isFinite(spec.perDay) ? [`RPD ${num(spec.perDay)}`] : []),
    ].join(', '),
    num(outcome.perGroup.get(spec.group) ?? 0),
  ]);
  const body = [
    `Virtual time (an RxJS \`VirtualTimeScheduler\` starting at 2025-06-10 00:00 America/Los_Angeles; calls return an Observable answering after 800 virtual ms). ${GROUPS.reduce((a, g) => a + g.keys, 0)} keys in ${GROUPS.length} quota groups, each bound by a different limit; every request is ${num(TOKENS)} input tokens; \`safetyMarginMs: 0\` (there is no transit in virtual time). Demand: ${num(arrivals.length)} requests in bursts every 5 minutes over the day, quiet at night and well above the ceiling in the afternoon.`,
    '',
    `The ceiling is computed by an independent reference model of the same limits (each request, in arrival order, at the earliest moment any group admits it; optimal for unit requests). Violations are counted from keyrelay's \`dispatched\` events: for every dispatch, the span of each window ending at it, and the day's count.`,
    '',
    table(['quota group', 'keys', 'limits', 'dispatched in the day'], rows),
    '',
    table(
      [
        'demand',
        'ceiling (reference)',
        'keyrelay dispatched',
        'ratio',
        'window violations',
        'timers armed',
        'wall time',
      ],
      [
        [
          num(arrivals.length),
          num(ceiling),
          num(outcome.dispatched),
          ratio.toFixed(4),
          String(outcome.violations),
          num(outcome.timersArmed),
          `${num(wallMs)} ms`,
        ],
      ],
    ),
  ].join('\n');
  return {
    title: '2a. Budget utilisation in virtual time',
    body,
    targets: [
      {
        name: 'virtual day: completed / ceiling = 1.000',
        met: ratio.toFixed(3) === '1.000',
        figure: ratio.toFixed(4),
      },
      {
        name: 'virtual day: zero window violations',
        met: outcome.violations === 0,
        figure: String(outcome.violations),
      },
    ],
  };
}
