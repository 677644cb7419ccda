import { isKeyrelayError } from '../errors.js';
import { KeyPool } from '../pool/index.js';
import { geminiProvider } from '../providers/gemini/index.js';
import { RedisStore } from '../store/index.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';
import { loadKeys } from './load-keys.js';
import { OutputLock } from './output-lock.js';
import type { RunConfig } from './run-config.js';
import { runJob } from './run-job.js';

/**
 * The real `keyrelay run` once the flags, input and output are checked:
 * loads the keys, makes the pool (in memory, or on the Redis of `--redis`)
 * and the Gemini provider, locks the output and runs the job.
 *
 * @returns the exit code.
 * @throws {@link UsageError} for bad keys, an unreachable Redis or limits the pool rejects.
 */
export async function startRun(config: RunConfig, ctx: CliContext): Promise<number> {
  const out = config.out!;
  const { keys } = loadKeys(config.service, config.envFile, ctx);
  let pool: KeyPool;
  let provider: ReturnType<typeof geminiProvider>;
  const store = config.redisUrl === undefined ? undefined : await connectStore(config);
  try {
    pool = new KeyPool(
      config.service,
      keys,
      store === undefined
        ? {
            limits: config.limits,
            timeZone: config.timeZone,
            ...(config.safetyMarginMs === undefined
              ? {}
              : { safetyMarginMs: config.safetyMarginMs }),
          }
        : { store },
    );
    provider = geminiProvider({
      sdk: config.sdk,
      model: config.model,
      timeoutMs: config.requestTimeoutMs,
      ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
    });
  } catch (error) {
    await store?.close();
    if (isKeyrelayError(error)) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const lock = OutputLock.acquire(out);
  try {
    return await runJob(config, out, pool, provider, lock, ctx);
  } finally {
    lock.release();
    pool.close();
    await store?.close();
  }
}

/** Connects the shared store of `--redis`; an unreachable Redis is a usage error naming the fix. */
async function connectStore(config: RunConfig): Promise<RedisStore> {
  try {
    return await RedisStore.connect(config.redisUrl!, {
      limits: config.limits,
      timeZone: config.timeZone,
      service: config.service,
      ...(config.safetyMarginMs === undefined ? {} : { safetyMarginMs: config.safetyMarginMs }),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(
      `Could not use the Redis store of --redis (or KEYRELAY_REDIS_URL): ${reason} Start Redis, fix the URL, or leave --redis out to keep budgets in memory.`,
      { flag: '--redis' },
    );
  }
}
