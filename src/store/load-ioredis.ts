import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';

let redisClass: typeof Redis | undefined;

/**
 * ioredis's `Redis` class, loaded on first use: a program that never makes a
 * {@link RedisStore} from a URL does not pay for ioredis (about 20 MB of
 * resident memory). ioredis is CommonJS, so it loads synchronously and the
 * store's constructor stays synchronous.
 */
export function loadRedisClass(): typeof Redis {
  redisClass ??= (createRequire(import.meta.url)('ioredis') as typeof import('ioredis')).Redis;
  return redisClass;
}
