import { setMaxListeners } from 'node:events';
import { firstValueFrom, from } from 'rxjs';
import type { ApiKey } from '../keys/index.js';
import type { GeminiRequest, GeminiResponse } from '../providers/gemini/index.js';
import type { CallContext, CallSpec } from '../schedule/index.js';
import type { Job } from './job.js';
import type { WriteAhead } from './write-ahead.js';

/**
 * The provider's call spec, taking {@link Job}s instead of bare requests;
 * with a `writeAhead`, every request is counted in the report file before it
 * is sent (see {@link WriteAhead}).
 */
export function jobCallSpec(
  provider: CallSpec<GeminiRequest, GeminiResponse>,
  writeAhead: WriteAhead | undefined,
  inFlight: InFlight,
): CallSpec<Job, GeminiResponse> {
  const widened = new WeakSet<AbortSignal>();
  return {
    call: async (key, job, context) => {
      inFlight.count++;
      try {
        return await send(key, job, context);
      } finally {
        inFlight.count--;
      }
    },
    ...(provider.classifyError === undefined ? {} : { classifyError: provider.classifyError }),
    ...(provider.readUsage === undefined ? {} : { readUsage: provider.readUsage }),
    modelOf: (job) => provider.modelOf?.(job.request) ?? 'default',
    estimateTokens: (job) => provider.estimateTokens?.(job.request) ?? 1,
  };

  async function send(key: ApiKey, job: Job, context: CallContext): Promise<GeminiResponse> {
    // The scheduler shares one signal among all calls; each SDK call adds a
    // listener to it, which would print MaxListenersExceededWarning.
    if (!widened.has(context.signal)) {
      setMaxListeners(0, context.signal);
      widened.add(context.signal);
    }
    if (writeAhead !== undefined) await writeAhead.persist();
    context.signal.throwIfAborted();
    return firstValueFrom(from(provider.call(key, job.request, context)));
  }
}

/** How many calls are on their way (counted by {@link jobCallSpec}). */
export interface InFlight {
  count: number;
}
