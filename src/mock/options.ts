import { InvalidOptionError } from '../errors.js';
import type { ResolvedLimits } from './quota.js';
import type { MockFaults, MockGeminiOptions, MockKey, MockLimits } from './types.js';

/** Default length of the quota "minute", in ms. */
export const DEFAULT_WINDOW_MS = 60_000;
/** Default extra delay of a slow answer, in ms. */
export const DEFAULT_SLOW_MS = 2000;
/** Default time zone of the RPD day. */
export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';

const LIMIT_FIELDS = ['rpm', 'tpm', 'rpd', 'windowMs'] as const;

/** A key as the server holds it: name and project resolved. */
export interface KnownKey {
  readonly name: string;
  readonly project: string;
}

/** Options checked and filled with defaults. */
export interface ResolvedOptions {
  readonly keys: ReadonlyMap<string, KnownKey>;
  readonly limitsFor: (model: string) => ResolvedLimits;
  readonly host: string;
  readonly port: number;
  readonly latency: readonly [number, number];
  readonly faults: MockFaults;
  readonly slowMs: number;
  readonly seed: number;
  readonly timeZone: string;
  readonly now: () => number;
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function checkLimits(limits: MockLimits, path: string): ResolvedLimits {
  if (limits === null || typeof limits !== 'object') {
    throw new InvalidOptionError(path, 'an object like { rpm, tpm, rpd, windowMs }', limits);
  }
  for (const field of ['rpm', 'tpm', 'rpd'] as const) {
    const value = limits[field];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new InvalidOptionError(
        `${path}.${field}`,
        'an integer >= 1 or undefined (unlimited)',
        value,
      );
    }
  }
  const windowMs = limits.windowMs ?? DEFAULT_WINDOW_MS;
  if (!(typeof windowMs === 'number' && Number.isFinite(windowMs) && windowMs > 0)) {
    throw new InvalidOptionError(`${path}.windowMs`, 'a number of milliseconds > 0', windowMs);
  }
  return {
    rpm: limits.rpm ?? Number.POSITIVE_INFINITY,
    tpm: limits.tpm ?? Number.POSITIVE_INFINITY,
    rpd: limits.rpd ?? Number.POSITIVE_INFINITY,
    windowMs,
  };
}

function isSingleLimits(limits: object): limits is MockLimits {
  const keys = Object.keys(limits);
  return keys.length === 0 || keys.some((k) => (LIMIT_FIELDS as readonly string[]).includes(k));
}

function resolveLimits(limits: MockGeminiOptions['limits']): (model: string) => ResolvedLimits {
  if (limits === undefined) {
    const unlimited = checkLimits({}, 'limits');
    return () => unlimited;
  }
  if (limits === null || typeof limits !== 'object') {
    throw new InvalidOptionError('limits', 'an object of limits or of limits per model', limits);
  }
  if (isSingleLimits(limits)) {
    const all = checkLimits(limits, 'limits');
    return () => all;
  }
  const perModel = new Map<string, ResolvedLimits>();
  for (const [model, value] of Object.entries(limits as Record<string, MockLimits>)) {
    perModel.set(model, checkLimits(value, `limits.${model}`));
  }
  const fallback = perModel.get('*') ?? checkLimits({}, 'limits');
  return (model) => perModel.get(model) ?? fallback;
}

function resolveKeys(keys: readonly MockKey[]): Map<string, KnownKey> {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new InvalidOptionError('keys', 'a non-empty array of { key, project, name? }', keys);
  }
  const known = new Map<string, KnownKey>();
  const names = new Set<string>();
  keys.forEach((entry: MockKey, index) => {
    if (entry === null || typeof entry !== 'object') {
      throw new InvalidOptionError(`keys[${index}]`, 'an object { key, project, name? }', entry);
    }
    if (typeof entry.key !== 'string' || entry.key.length === 0) {
      // Never echo the value: it is a secret.
      throw new InvalidOptionError(`keys[${index}].key`, 'a non-empty string', typeof entry.key);
    }
    if (typeof entry.project !== 'string' || entry.project.length === 0) {
      throw new InvalidOptionError(`keys[${index}].project`, 'a non-empty string', entry.project);
    }
    const name = entry.name ?? `key-${index}`;
    if (typeof name !== 'string' || name.length === 0 || names.has(name)) {
      throw new InvalidOptionError(
        `keys[${index}].name`,
        'a non-empty string used by no other key',
        name,
      );
    }
    if (known.has(entry.key)) {
      throw new InvalidOptionError(
        `keys[${index}].key`,
        'a key not listed before',
        `the key of ${name}`,
      );
    }
    names.add(name);
    known.set(entry.key, { name, project: entry.project });
  });
  return known;
}

function resolveLatency(latency: MockGeminiOptions['latencyMs']): readonly [number, number] {
  if (latency === undefined) return [0, 0];
  if (isNonNegative(latency)) return [latency, latency];
  if (Array.isArray(latency) && latency.length === 2) {
    const [min, max] = latency as readonly [unknown, unknown];
    if (isNonNegative(min) && isNonNegative(max) && min <= max) return [min, max];
  }
  throw new InvalidOptionError(
    'latencyMs',
    'a number >= 0 or [min, max] with 0 <= min <= max',
    latency,
  );
}

function resolveFaults(faults: MockFaults | undefined): MockFaults {
  if (faults === undefined) return {};
  if (faults === null || typeof faults !== 'object') {
    throw new InvalidOptionError('faults', 'an object of rates', faults);
  }
  for (const field of ['overloadedRate', 'internalErrorRate', 'dropRate', 'slowRate'] as const) {
    const value = faults[field];
    if (value !== undefined && !(isNonNegative(value) && value <= 1)) {
      throw new InvalidOptionError(`faults.${field}`, 'a number from 0 to 1', value);
    }
  }
  const total =
    (faults.overloadedRate ?? 0) + (faults.internalErrorRate ?? 0) + (faults.dropRate ?? 0);
  if (total > 1) {
    throw new InvalidOptionError(
      'faults',
      'overloadedRate + internalErrorRate + dropRate <= 1',
      Number(total.toFixed(6)),
    );
  }
  if (faults.slowMs !== undefined && !isNonNegative(faults.slowMs)) {
    throw new InvalidOptionError('faults.slowMs', 'a number of milliseconds >= 0', faults.slowMs);
  }
  return faults;
}

/** Checks {@link MockGeminiOptions} and fills in defaults; throws `InvalidOptionError`. */
export function resolveOptions(options: MockGeminiOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError('options', 'an object with at least `keys`', options);
  }
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new InvalidOptionError(
      'timeZone',
      'an IANA time zone like "America/Los_Angeles"',
      timeZone,
    );
  }
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new InvalidOptionError('port', 'an integer from 0 to 65535', port);
  }
  const seed = options.seed ?? 1;
  if (!(typeof seed === 'number' && Number.isFinite(seed))) {
    throw new InvalidOptionError('seed', 'a finite number', seed);
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new InvalidOptionError('now', 'a function returning epoch milliseconds', options.now);
  }
  const faults = resolveFaults(options.faults);
  return {
    keys: resolveKeys(options.keys),
    limitsFor: resolveLimits(options.limits),
    host: options.host ?? '127.0.0.1',
    port,
    latency: resolveLatency(options.latencyMs),
    faults,
    slowMs: faults.slowMs ?? DEFAULT_SLOW_MS,
    seed,
    timeZone,
    now: options.now ?? Date.now,
  };
}
