import { createDayOf } from './calendar.js';
import {
  badRequest,
  type ErrorAnswer,
  INTERNAL,
  INVALID_KEY,
  MISSING_KEY,
  OVERLOADED,
  quotaExceeded,
} from './error-bodies.js';
import { FaultPicker } from './faults.js';
import type { KnownKey, ResolvedOptions } from './options.js';
import { QuotaState, type ResolvedLimits } from './quota.js';
import type { Reply } from './reply.js';
import {
  answerText,
  countTokensResponse,
  generateResponse,
  type ParsedPrompt,
  parseCountTokensRequest,
  parseGenerateRequest,
  splitForStream,
  tokensOf,
} from './responses.js';
import type { Route } from './route.js';
import type { MockInjected, MockLogEntry, MockOutcome } from './types.js';

/**
 * What the local Gemini server knows and decides, apart from HTTP: keys,
 * quota per project and model, faults, and the log of requests.
 */
export class Gateway {
  readonly #keys: ReadonlyMap<string, KnownKey>;
  readonly #limitsFor: (model: string) => ResolvedLimits;
  readonly #now: () => number;
  readonly #dayOf: (epochMs: number) => string;
  readonly #faults: FaultPicker;
  readonly #slowMs: number;
  readonly #quotas = new Map<string, QuotaState>();
  #log: MockLogEntry[] = [];
  #responses = 0;

  constructor(options: ResolvedOptions) {
    this.#keys = options.keys;
    this.#limitsFor = options.limitsFor;
    this.#now = options.now;
    this.#dayOf = createDayOf(options.timeZone);
    this.#faults = new FaultPicker(options.faults, options.seed);
    this.#slowMs = options.slowMs;
  }

  /** Every request decided so far, in arrival order. */
  get log(): readonly MockLogEntry[] {
    return this.#log;
  }

  /** Starts a new, empty log. */
  resetLog(): void {
    this.#log = [];
  }

  /** Queues a forced answer for a coming generate request. */
  inject(fault: MockInjected): void {
    this.#faults.inject(fault);
  }

  #quotaOf(project: string, model: string): QuotaState {
    const id = `${project}\u0000${model}`;
    let quota = this.#quotas.get(id);
    if (quota === undefined) {
      quota = new QuotaState(this.#limitsFor(model));
      this.#quotas.set(id, quota);
    }
    return quota;
  }

  /**
   * Decides the answer to a routed request whose body has been read, counts
   * it against quota if admitted, and logs it.
   *
   * @param headerKey - the `x-goog-api-key` header, which wins over `route.queryKey`.
   * @param tooLarge - whether the body was over the size limit (and not kept).
   */
  decide(route: Route, headerKey: string | undefined, rawBody: string, tooLarge: boolean): Reply {
    const at = this.#now();
    const entry: MockLogEntry = {
      at,
      key: 'unknown',
      project: undefined,
      model: route.model,
      method: route.method,
      outcome: 'ok',
      status: 200,
      inputTokens: 0,
      outputTokens: 0,
    };
    this.#log.push(entry);
    const fail = (outcome: MockOutcome, answer: ErrorAnswer): Reply => {
      entry.outcome = outcome;
      entry.status = answer.status;
      return { kind: 'error', answer };
    };

    const secret = headerKey ?? route.queryKey;
    if (secret === undefined || secret === '') return fail('invalid_key', MISSING_KEY);
    const known = this.#keys.get(secret);
    if (known === undefined) return fail('invalid_key', INVALID_KEY);
    entry.key = known.name;
    entry.project = known.project;

    if (tooLarge) return fail('bad_request', badRequest('Request payload size exceeds the limit.'));
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return fail('bad_request', badRequest('Invalid JSON payload received. Unexpected token.'));
    }
    const prompt: ParsedPrompt | string =
      route.method === 'countTokens' ? parseCountTokensRequest(body) : parseGenerateRequest(body);
    if (typeof prompt === 'string') return fail('bad_request', badRequest(prompt));
    const inputTokens = tokensOf(prompt.chars);
    entry.inputTokens = inputTokens;

    if (route.method === 'countTokens') {
      return { kind: 'json', body: countTokensResponse(inputTokens) };
    }

    const fault = this.#faults.pick(known.name);
    let extraDelay = 0;
    if (fault !== undefined) {
      switch (fault.kind) {
        case 'dropped':
          entry.outcome = 'dropped';
          entry.status = 0;
          return { kind: 'drop' };
        case 'overloaded':
          return fail('overloaded', OVERLOADED);
        case 'internal':
          return fail('internal', INTERNAL);
        case 'rate_limited_rpm':
        case 'rate_limited_tpm':
        case 'rate_limited_rpd': {
          const limits = this.#limitsFor(route.model);
          const dimension =
            fault.kind === 'rate_limited_rpm'
              ? 'rpm'
              : fault.kind === 'rate_limited_tpm'
                ? 'tpm'
                : 'rpd';
          const delay = fault.retryDelayMs ?? limits.windowMs;
          return fail(fault.kind, quotaExceeded(dimension, route.model, limits[dimension], delay));
        }
        case 'slow':
          extraDelay = this.#slowMs;
          break;
      }
    }

    const rejection = this.#quotaOf(known.project, route.model).admit(
      at,
      inputTokens,
      this.#dayOf(at),
    );
    if (rejection !== undefined) {
      return fail(
        `rate_limited_${rejection.dimension}`,
        quotaExceeded(rejection.dimension, route.model, rejection.limit, rejection.retryDelayMs),
      );
    }

    const text = answerText(prompt);
    const outputTokens = tokensOf(text.length);
    entry.outputTokens = outputTokens;
    this.#responses++;
    const responseId = `mock-${this.#responses.toString(36)}`;
    if (route.method === 'generateContent') {
      const body = generateResponse(text, route.model, responseId, inputTokens, outputTokens, true);
      return { kind: 'json', body, extraDelay };
    }
    const pieces = splitForStream(text);
    const chunks = pieces.map((piece, index) =>
      generateResponse(
        piece,
        route.model,
        responseId,
        inputTokens,
        outputTokens,
        index === pieces.length - 1,
      ),
    );
    return { kind: 'stream', chunks, sse: route.sse, extraDelay };
  }
}
