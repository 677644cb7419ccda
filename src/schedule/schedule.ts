import { isObservable, Observable } from 'rxjs';
import type { KeyPool } from '../pool/key-pool.js';
import { classifyGenericError } from './classify-generic.js';
import { Dispatcher, type ResolvedCallSpec } from './dispatcher.js';
import { estimateTokens } from './estimate-tokens.js';
import { resolveScheduleSettings, type ScheduleOptions } from './options.js';
import type { CallFn, CallSpec, ScheduleResult } from './types.js';

/** What {@link schedule} accepts as its source: an Observable, or an AsyncIterable pulled on demand. */
export type RequestSource<Req> = Observable<Req> | AsyncIterable<Req>;

/** The operator {@link schedule} returns: usable in `pipe()` and on an AsyncIterable directly. */
export type ScheduleOperator<Req, Res> = (
  source: RequestSource<Req>,
) => Observable<ScheduleResult<Req, Res>>;

/**
 * Sends every request of the source through the pool's keys, as fast as their
 * budgets allow and never faster, and emits one result per request.
 *
 * - Keys are taken round-robin among those whose quota group has budget for
 *   the request and is not cooling, parked or disabled. When none can take it,
 *   one timer is armed for the earliest moment one can.
 * - A per-minute 429 cools the key's group for the server's retry delay and
 *   the request goes again first; a per-day 429 parks the group until the next
 *   day boundary in the pool's time zone; an invalid key is disabled and its
 *   request goes to another key; transient failures back off with jitter.
 * - A failed request is a value (`ok: false`), never an error that ends the
 *   stream. The output errors only when nothing can ever be served (no keys,
 *   every key disabled) or the source errors.
 * - An AsyncIterable source is pulled on demand, at most `readAhead` requests
 *   ahead of dispatch. Unsubscribing aborts every call in flight (through the
 *   `AbortSignal` given to `call`) and cancels the timer.
 *
 * @param pool - the keys and their budgets.
 * @param call - sends one request on one key: a function, or a {@link CallSpec}
 *   that also says how to classify errors and read token usage (e.g. `geminiProvider()`).
 * @param options - see {@link ScheduleOptions}; invalid values throw at once.
 *
 * @example
 * ```ts
 * const results$ = from(prompts).pipe(
 *   map((prompt) => ({ prompt })),
 *   schedule(pool, geminiProvider({ baseUrl })),
 * );
 * ```
 */
export function schedule<Req, Res>(
  pool: KeyPool,
  call: CallFn<Req, Res> | CallSpec<Req, Res>,
  options: ScheduleOptions<Req, Res> = {},
): ScheduleOperator<Req, Res> {
  const settings = resolveScheduleSettings(options as ScheduleOptions<unknown, unknown>);
  const spec = resolveCallSpec(call, options);
  return (source) =>
    new Observable<ScheduleResult<Req, Res>>((subscriber) => {
      const dispatcher = new Dispatcher(pool, spec, settings, subscriber);
      if (!dispatcher.start()) return;
      if (isObservable(source)) {
        const subscription = source.subscribe({
          next: (request) => dispatcher.enqueue(request),
          error: (error: unknown) => dispatcher.sourceError(error),
          complete: () => dispatcher.sourceComplete(),
        });
        return () => {
          subscription.unsubscribe();
          dispatcher.teardown();
        };
      }
      const iterator = source[Symbol.asyncIterator]();
      let pulling = false;
      // Made once, not per pull: one pull per request is the hot path.
      const onStep = (step: IteratorResult<Req>): void => {
        pulling = false;
        if (dispatcher.closed) return;
        // Both pump, which pulls again while the read-ahead has room.
        if (step.done === true) dispatcher.sourceComplete();
        else dispatcher.enqueue(step.value);
      };
      const onPullError = (error: unknown): void => {
        pulling = false;
        dispatcher.sourceError(error);
      };
      dispatcher.pullMore = () => {
        if (pulling) return;
        pulling = true;
        iterator.next().then(onStep, onPullError);
      };
      dispatcher.pump();
      return () => {
        const wasOpen = !dispatcher.closed;
        dispatcher.teardown();
        if (wasOpen) void iterator.return?.()?.catch?.(() => undefined);
      };
    });
}

function resolveCallSpec<Req, Res>(
  call: CallFn<Req, Res> | CallSpec<Req, Res>,
  options: ScheduleOptions<Req, Res>,
): ResolvedCallSpec<Req, Res> {
  const spec: CallSpec<Req, Res> = typeof call === 'function' ? { call } : call;
  if (typeof spec.call !== 'function') {
    throw new TypeError(
      'schedule(pool, call): `call` must be a function or an object with a `call` function.',
    );
  }
  return {
    call: spec.call,
    classifyError: options.classifyError ?? spec.classifyError ?? classifyGenericError,
    readUsage: options.readUsage ?? spec.readUsage,
    modelOf: options.modelOf ?? spec.modelOf ?? defaultModelOf,
    estimateTokens: options.estimateTokens ?? spec.estimateTokens ?? estimateTokens,
  };
}

function defaultModelOf(request: unknown): string {
  const model = (request as { model?: unknown } | null)?.model;
  return typeof model === 'string' && model !== '' ? model : 'default';
}
