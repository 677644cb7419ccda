import { KeyPool } from '../../src/pool/index.js';
import { classifyGeminiError, usageFromMetadata } from '../../src/providers/gemini/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { CallSpec } from '../../src/schedule/types.js';
import { type GenerateAnswer, generateContent } from '../support/http-gemini.js';
import { type BenchRequest, lazySource } from '../support/lazy-source.js';
import { REAL_PROMPT, type RealClientCounts, type RealContender } from './real-config.js';

/**
 * keyrelay as its user would set it up: the keys with their projects as quota
 * groups, the limit per group, the provider's error classification and usage
 * reading, over the same node:http transport as the others.
 */
export const keyrelayReal: RealContender = (config) =>
  new Promise((resolve, reject) => {
    const pool = KeyPool.fromKeys(
      'bench',
      config.keys.map((key) => ({ name: key.name, secret: key.secret, group: key.project })),
      {
        limits: { windows: [{ requests: config.limit, per: config.windowMs }] },
        ...(config.safetyMarginMs === undefined ? {} : { safetyMarginMs: config.safetyMarginMs }),
      },
    );
    const counts = { succeeded: 0, rateLimited: 0, otherErrors: 0 };
    pool.usage$.subscribe((event) => {
      if (event.type === 'rate_limited') counts.rateLimited++;
    });
    const spec: CallSpec<BenchRequest, GenerateAnswer> = {
      call: (key, request, { signal }) =>
        generateContent(config.url, key.reveal(), config.model, request.prompt, signal),
      classifyError: classifyGeminiError,
      readUsage: (answer) => usageFromMetadata(answer.usageMetadata),
    };
    const operator = schedule(pool, spec, { concurrency: 256, readAhead: 256 });
    const subscription = operator(lazySource(Number.POSITIVE_INFINITY, REAL_PROMPT)).subscribe({
      next: (result) => {
        if (result.ok) counts.succeeded++;
        else counts.otherErrors++;
      },
      error: reject,
    });
    setTimeout(() => {
      subscription.unsubscribe();
      resolve(counts satisfies RealClientCounts);
    }, config.durationMs);
  });
