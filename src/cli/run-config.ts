import type { Limits } from '../budget/index.js';
import { validateTimeZone } from '../budget/index.js';
import { DEFAULT_GEMINI_MODEL, type GeminiSdk } from '../providers/gemini/options.js';
import { UsageError } from './errors.js';
import { limitsFromFlags, parseCount, parseDuration } from './parse-flags.js';

/** `keyrelay run`'s flags as commander hands them over. */
export interface RunFlags {
  readonly out?: string;
  readonly model?: string;
  readonly rpm?: string;
  readonly tpm?: string;
  readonly rpd?: string;
  readonly limit?: string[];
  readonly concurrency?: string;
  readonly maxAttempts?: string;
  readonly baseUrl?: string;
  readonly redis?: string;
  readonly safetyMargin?: string;
  readonly envFile?: string;
  readonly service?: string;
  readonly sdk?: string;
  readonly reportsDir?: string;
  readonly timeZone?: string;
  readonly onDailyExhaustion?: string;
  readonly dryRun?: boolean;
  readonly retryFailed?: boolean;
  readonly quiet?: boolean;
  readonly shutdownTimeout?: string;
  readonly requestTimeout?: string;
}

/** The defaults of `keyrelay run`'s flags. */
export const RUN_DEFAULTS = {
  model: DEFAULT_GEMINI_MODEL,
  concurrency: '32',
  maxAttempts: '5',
  envFile: '.env',
  service: 'gemini',
  sdk: 'generative-ai',
  reportsDir: 'reports/api_usage',
  timeZone: 'America/Los_Angeles',
  onDailyExhaustion: 'stop',
  shutdownTimeout: '30s',
  requestTimeout: '10m',
} as const;

/** `keyrelay run`'s settings, validated. */
export interface RunConfig {
  readonly input: string;
  readonly out: string | undefined;
  readonly model: string;
  readonly limits: Limits;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly baseUrl: string | undefined;
  /** A Redis URL whose store the budgets are shared through; `undefined` for in memory. */
  readonly redisUrl: string | undefined;
  /** Extra ms per sliding window (the server counts arrivals); `undefined` for the default. */
  readonly safetyMarginMs: number | undefined;
  readonly envFile: string;
  readonly service: string;
  readonly sdk: GeminiSdk;
  readonly reportsDir: string;
  readonly timeZone: string;
  readonly onDailyExhaustion: 'wait' | 'stop';
  readonly dryRun: boolean;
  readonly retryFailed: boolean;
  readonly quiet: boolean;
  readonly shutdownTimeoutMs: number;
  readonly requestTimeoutMs: number;
}

const SERVICE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Validates every flag of `keyrelay run` before anything is read or written.
 *
 * @throws {@link UsageError} naming the flag and the fix.
 */
export function resolveRunConfig(input: string, flags: RunFlags): RunConfig {
  const dryRun = flags.dryRun === true;
  if (!dryRun && (flags.out === undefined || flags.out === '')) {
    throw new UsageError(
      'Missing --out <results.jsonl>: the file the results are appended to (re-running with the same --out resumes). Add --out, or --dry-run to only estimate the job.',
      { flag: '--out' },
    );
  }
  const model = (flags.model ?? RUN_DEFAULTS.model).trim();
  if (model === '')
    throw new UsageError(
      'Invalid value for --model: expected a model name such as gemini-2.0-flash.',
      { flag: '--model' },
    );
  const sdk = flags.sdk ?? RUN_DEFAULTS.sdk;
  if (sdk !== 'generative-ai' && sdk !== 'genai') {
    throw new UsageError(
      `Invalid value for --sdk: expected generative-ai or genai, received ${JSON.stringify(sdk)}.`,
      { flag: '--sdk' },
    );
  }
  const exhaustion = flags.onDailyExhaustion ?? RUN_DEFAULTS.onDailyExhaustion;
  if (exhaustion !== 'wait' && exhaustion !== 'stop') {
    throw new UsageError(
      `Invalid value for --on-daily-exhaustion: expected stop or wait, received ${JSON.stringify(exhaustion)}.`,
      { flag: '--on-daily-exhaustion' },
    );
  }
  const service = flags.service ?? RUN_DEFAULTS.service;
  if (!SERVICE.test(service)) {
    throw new UsageError(
      `Invalid value for --service: expected a name of letters, digits, ".", "_" or "-" (e.g. gemini), received ${JSON.stringify(service)}.`,
      {
        flag: '--service',
      },
    );
  }
  let timeZone: string;
  try {
    timeZone = validateTimeZone(flags.timeZone ?? RUN_DEFAULTS.timeZone, '--time-zone');
  } catch {
    throw new UsageError(
      `Invalid value for --time-zone: expected an IANA time zone such as America/Los_Angeles or UTC, received ${JSON.stringify(flags.timeZone)}.`,
      { flag: '--time-zone' },
    );
  }
  const baseUrl =
    flags.baseUrl === undefined || flags.baseUrl === '' ? undefined : checkUrl(flags.baseUrl);
  const redisUrl =
    flags.redis === undefined || flags.redis === '' ? undefined : checkRedisUrl(flags.redis);
  return {
    input,
    out: flags.out,
    model,
    limits: limitsFromFlags(flags),
    concurrency: parseCount('--concurrency', flags.concurrency ?? RUN_DEFAULTS.concurrency, '8'),
    maxAttempts: parseCount('--max-attempts', flags.maxAttempts ?? RUN_DEFAULTS.maxAttempts, '5'),
    baseUrl,
    redisUrl,
    safetyMarginMs:
      flags.safetyMargin === undefined
        ? undefined
        : parseDuration('--safety-margin', flags.safetyMargin, true),
    envFile: flags.envFile ?? RUN_DEFAULTS.envFile,
    service,
    sdk,
    reportsDir: flags.reportsDir ?? RUN_DEFAULTS.reportsDir,
    timeZone,
    onDailyExhaustion: exhaustion,
    dryRun,
    retryFailed: flags.retryFailed !== false,
    quiet: flags.quiet === true,
    shutdownTimeoutMs: parseDuration(
      '--shutdown-timeout',
      flags.shutdownTimeout ?? RUN_DEFAULTS.shutdownTimeout,
      true,
    ),
    requestTimeoutMs: parseDuration(
      '--request-timeout',
      flags.requestTimeout ?? RUN_DEFAULTS.requestTimeout,
    ),
  };
}

function checkRedisUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'redis:' || url.protocol === 'rediss:') return value;
  } catch {
    // fall through
  }
  throw new UsageError(
    'Invalid value for --redis (or KEYRELAY_REDIS_URL): expected a Redis URL such as redis://127.0.0.1:6379.',
    { flag: '--redis' },
  );
}

function checkUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // fall through
  }
  throw new UsageError(
    `Invalid value for --base-url (or GEMINI_BASE_URL): expected an http(s) URL such as http://127.0.0.1:8080, received ${JSON.stringify(value)}.`,
    { flag: '--base-url' },
  );
}
