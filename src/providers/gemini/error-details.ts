/**
 * Reading Gemini's `error.details[]` (google.rpc status details), shared by
 * both SDKs' error classification. Details are found by the suffix of their
 * `@type`, never by position; every field may be missing or malformed, and
 * nothing here throws.
 */

/** One entry of `error.details[]`: an object with an `@type`. */
export type ErrorDetail = Readonly<Record<string, unknown>>;

/** The parts of a Gemini error body keyrelay uses; any may be missing. */
export interface GeminiErrorBody {
  /** `error.code`, the HTTP status. */
  readonly code?: number;
  /** `error.message`, the server's explanation. */
  readonly message?: string;
  /** `error.status`, e.g. `'RESOURCE_EXHAUSTED'`. */
  readonly status?: string;
  /** `error.details[]`. Default: `[]`. */
  readonly details: readonly ErrorDetail[];
}

/**
 * Parses an error body (`{"error":{code,message,status,details}}`) from its
 * text; also accepts the text with a prefix before the JSON. Returns
 * `undefined` when no such object can be read.
 */
export function parseErrorBody(text: string): GeminiErrorBody | undefined {
  let json = parseJsonFrom(text, text.search(/[[{]/));
  if (json === undefined) json = parseJsonFrom(text, text.indexOf('{'));
  if (Array.isArray(json)) json = json[0]; // some proxies wrap the error in an array
  if (!isRecord(json)) return undefined;
  return errorBodyOf(isRecord(json.error) ? json.error : json);
}

function parseJsonFrom(text: string, start: number): unknown {
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start)) as unknown;
  } catch {
    return undefined;
  }
}

/** The {@link GeminiErrorBody} of an already parsed `error` object. */
export function errorBodyOf(error: Readonly<Record<string, unknown>>): GeminiErrorBody {
  const body: { code?: number; message?: string; status?: string; details: ErrorDetail[] } = {
    details: asDetails(error.details),
  };
  if (typeof error.code === 'number') body.code = error.code;
  if (typeof error.message === 'string') body.message = error.message;
  if (typeof error.status === 'string') body.status = error.status;
  return body;
}

/** The entries of `value` that are objects, when it is an array; else `[]`. */
export function asDetails(value: unknown): ErrorDetail[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/**
 * The details whose `@type` ends with `typeName`, e.g. `'google.rpc.QuotaFailure'`
 * matches `'type.googleapis.com/google.rpc.QuotaFailure'`.
 */
export function findDetails(details: readonly ErrorDetail[], typeName: string): ErrorDetail[] {
  return details.filter((detail) => {
    const type = detail['@type'];
    return typeof type === 'string' && (type === typeName || type.endsWith(`/${typeName}`));
  });
}

/** Every `QuotaFailure.violations[].quotaId`, in order. */
export function quotaIdsOf(details: readonly ErrorDetail[]): string[] {
  const ids: string[] = [];
  for (const failure of findDetails(details, 'google.rpc.QuotaFailure')) {
    const violations = failure.violations;
    if (!Array.isArray(violations)) continue;
    for (const violation of violations) {
      if (isRecord(violation) && typeof violation.quotaId === 'string') ids.push(violation.quotaId);
    }
  }
  return ids;
}

/** True when a quota id names a daily quota (it contains `PerDay`). */
export function isPerDayQuotaId(quotaId: string): boolean {
  return /PerDay/i.test(quotaId);
}

/** `RetryInfo.retryDelay` in ms (rounded up), or `undefined` when absent or unreadable. */
export function retryDelayMsOf(details: readonly ErrorDetail[]): number | undefined {
  for (const info of findDetails(details, 'google.rpc.RetryInfo')) {
    const ms = durationToMs(info.retryDelay);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

/** Every `ErrorInfo.reason`, e.g. `'API_KEY_INVALID'`. */
export function errorInfoReasonsOf(details: readonly ErrorDetail[]): string[] {
  return findDetails(details, 'google.rpc.ErrorInfo')
    .map((info) => info.reason)
    .filter((reason): reason is string => typeof reason === 'string');
}

/**
 * A protobuf `Duration` in ms, rounded up: its JSON form `"20s"`, `"45.83s"`,
 * `"1.5s"` (also `"500ms"`), or an object `{ seconds, nanos }` whose fields may
 * be numbers or strings; a bare number is seconds. `undefined` when unreadable
 * or negative.
 */
export function durationToMs(value: unknown): number | undefined {
  let seconds: number | undefined;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?\s*$/i.exec(value);
    if (match?.[1] !== undefined) {
      const amount = Number(match[1]);
      seconds = match[2]?.toLowerCase() === 'ms' ? amount / 1000 : amount;
    }
  } else if (isRecord(value)) {
    const whole = value.seconds === undefined ? 0 : toNumber(value.seconds);
    const nanos = value.nanos === undefined ? 0 : toNumber(value.nanos);
    const given = value.seconds !== undefined || value.nanos !== undefined;
    if (given && whole !== undefined && nanos !== undefined) seconds = whole + nanos / 1e9;
  }
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  // Rounded up to the ms, after dropping float noise (45.83 * 1000 = 45830.000000000004).
  return Math.ceil(Number((seconds * 1000).toFixed(6)));
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
