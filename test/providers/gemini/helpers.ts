import { from, lastValueFrom } from 'rxjs';
import { ApiKey } from '../../../src/keys/api-key.js';
import type { CallContext, CallSpec } from '../../../src/schedule/types.js';

/** Calls `spec.call` as the scheduler would (first attempt, the spec's model) and awaits it. */
export function callOnce<Req, Res>(
  spec: CallSpec<Req, Res>,
  key: ApiKey,
  request: Req,
  signal: AbortSignal = new AbortController().signal,
): Promise<Res> {
  const context: CallContext = {
    signal,
    attempt: 1,
    model: spec.modelOf?.(request) ?? 'default',
  };
  return lastValueFrom(from(spec.call(key, request, context)));
}

/** Runs `promise`, expecting it to reject; resolves with the error. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, got a value');
}

export function keyOf(name: string, secret: string, group = 'project-a'): ApiKey {
  return new ApiKey({ name, secret, group });
}
