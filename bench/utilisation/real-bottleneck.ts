import Bottleneck from 'bottleneck';
import { classifyGeminiError } from '../../src/providers/gemini/index.js';
import { generateContent } from '../support/http-gemini.js';
import { lazySource } from '../support/lazy-source.js';
import { REAL_PROMPT, type RealConfig, type RealContender } from './real-config.js';

/**
 * Bottleneck as its documentation suggests for "N requests per interval",
 * one limiter per key in a `Group` (a reservoir of the limit, refilled every
 * window), requests round-robin, a 429 retried by the `failed` handler after
 * the server's `retryDelay` (Bottleneck retries without going through the
 * reservoir again).
 */
export const bottleneckReal: RealContender = async (config: RealConfig) => {
  const counts = { succeeded: 0, rateLimited: 0, otherErrors: 0 };
  let stopped = false;
  const group = new Bottleneck.Group({
    reservoir: config.limit,
    reservoirRefreshAmount: config.limit,
    reservoirRefreshInterval: config.windowMs,
  });
  group.on('created', (limiter: Bottleneck) => {
    limiter.on('failed', (error: unknown) => {
      const failure = classifyGeminiError(error);
      if (failure.kind !== 'rate_limited' || stopped) return undefined;
      counts.rateLimited++;
      return failure.retryAfterMs ?? config.windowMs;
    });
  });
  const limiters = config.keys.map((key) => group.key(key.name));
  const highWater = config.keys.length * config.limit;
  let pending = 0;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    pending--;
    if (wake !== undefined && pending < highWater) {
      const resume = wake;
      wake = undefined;
      resume();
    }
  };
  const feed = async (): Promise<void> => {
    let next = 0;
    for await (const request of lazySource(Number.POSITIVE_INFINITY, REAL_PROMPT)) {
      if (stopped) return;
      if (pending >= highWater) await new Promise<void>((resolve) => (wake = resolve));
      if (stopped) return;
      const key = config.keys[next]!;
      pending++;
      limiters[next]!.schedule(() =>
        generateContent(config.url, key.secret, config.model, request.prompt),
      )
        .then(
          () => {
            counts.succeeded++;
          },
          () => {
            if (!stopped) counts.otherErrors++;
          },
        )
        .finally(settle);
      next = (next + 1) % limiters.length;
    }
  };
  void feed();
  await new Promise((resolve) => setTimeout(resolve, config.durationMs));
  stopped = true;
  for (const limiter of limiters) void limiter.stop({ dropWaitingJobs: true }).catch(() => {});
  return counts;
};
