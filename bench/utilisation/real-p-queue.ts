import PQueue from 'p-queue';
import { classifyGeminiError } from '../../src/providers/gemini/index.js';
import { generateContent } from '../support/http-gemini.js';
import { lazySource } from '../support/lazy-source.js';
import { REAL_PROMPT, type RealConfig, type RealContender } from './real-config.js';

/**
 * p-queue as a user would set it up, not knowing that keys of one project
 * share a quota: one queue per key with the limit (`intervalCap` per
 * `interval`; `strict` for p-queue's sliding window), requests round-robin,
 * a 429 sent again through its queue after the server's `retryDelay`.
 */
export function pQueueReal(strict: boolean): RealContender {
  return async (config: RealConfig) => {
    const counts = { succeeded: 0, rateLimited: 0, otherErrors: 0 };
    let stopped = false;
    const queues = config.keys.map(
      () => new PQueue({ intervalCap: config.limit, interval: config.windowMs, strict }),
    );
    const send = (index: number, prompt: string): void => {
      const key = config.keys[index]!;
      queues[index]!.add(() => generateContent(config.url, key.secret, config.model, prompt)).then(
        () => {
          counts.succeeded++;
        },
        (error: unknown) => {
          const failure = classifyGeminiError(error);
          if (failure.kind !== 'rate_limited') {
            counts.otherErrors++;
            return;
          }
          counts.rateLimited++;
          const wait = failure.retryAfterMs ?? config.windowMs;
          setTimeout(() => {
            if (!stopped) send(index, prompt);
          }, wait);
        },
      );
    };
    const feed = async (): Promise<void> => {
      let next = 0;
      for await (const request of lazySource(Number.POSITIVE_INFINITY, REAL_PROMPT)) {
        if (stopped) return;
        const queue = queues[next]!;
        if (queue.size >= config.limit) await queue.onSizeLessThan(config.limit);
        if (stopped) return;
        send(next, request.prompt);
        next = (next + 1) % queues.length;
      }
    };
    void feed();
    await new Promise((resolve) => setTimeout(resolve, config.durationMs));
    stopped = true;
    for (const queue of queues) {
      queue.clear();
      queue.pause();
    }
    return counts;
  };
}
