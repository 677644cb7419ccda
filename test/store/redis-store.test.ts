import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOfNextDay } from '../../src/budget/time-zone.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { ApiKey } from '../../src/keys/index.js';
import { KeyPool } from '../../src/pool/key-pool.js';
import { schedule } from '../../src/schedule/index.js';
import {
  MemoryStore,
  type QuotaTarget,
  RedisStore,
  RedisStoreError,
  storeFromEnvironment,
} from '../../src/store/index.js';
import {
  describeWithRedis,
  freePort,
  startTestRedis,
  type TestRedis,
  testPrefix,
} from '../support/redis-server.js';

const A: QuotaTarget = { group: 'project-a', model: 'gemini-2.0-flash' };
const B: QuotaTarget = { group: 'project-b', model: 'gemini-2.0-flash' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('RedisStore options', () => {
  it.each([
    [{ redis: 'http://localhost' }, 'redis'],
    [{ redis: 42 }, 'redis'],
    [{ redis: 'redis://127.0.0.1:1', clock: 'wall' }, 'clock'],
    [{ redis: 'redis://127.0.0.1:1', prefix: '' }, 'prefix'],
    [{ redis: 'redis://127.0.0.1:1', service: 7 }, 'service'],
    [{ redis: 'redis://127.0.0.1:1', timeZone: 'Mars/Olympus' }, 'timeZone'],
    [{ redis: 'redis://127.0.0.1:1', safetyMarginMs: -1 }, 'safetyMarginMs'],
    [
      { redis: 'redis://127.0.0.1:1', limits: { requestsPerMinute: 0 } },
      'limits.requestsPerMinute',
    ],
    [{ redis: 'redis://127.0.0.1:1', dayRetentionMs: 1.5 }, 'dayRetentionMs'],
  ])('rejects %j naming `%s`', (options, option) => {
    const attempt = () => new RedisStore(options as never);
    expect(attempt).toThrow(InvalidOptionError);
    expect(attempt).toThrow(`\`${option}\``);
  });

  it('never echoes a password from a bad URL', () => {
    expect(() => new RedisStore({ redis: 'http://user:hunter2@host' })).toThrow(/\*\*\*@/);
    expect(() => new RedisStore({ redis: 'http://user:hunter2@host' })).not.toThrow(/hunter2/);
  });
});

describe('RedisStore without Redis', () => {
  it('rejects at once with RedisStoreError (fail closed), and connect() gives up after its timeout', async () => {
    const port = await freePort();
    const store = new RedisStore({ redis: `redis://127.0.0.1:${port}`, limits: {} });
    const started = Date.now();
    const answer = store.acquireFirst([A], 1, Date.now());
    await expect(answer).rejects.toThrow(RedisStoreError);
    await expect(answer).rejects.toThrow(`127.0.0.1:${port}`);
    expect(Date.now() - started).toBeLessThan(1_000);
    await store.close();
    await expect(
      RedisStore.connect(`redis://127.0.0.1:${port}`, { connectTimeoutMs: 300 }),
    ).rejects.toThrow(/no answer within 300 ms/);
  });
});

describeWithRedis('RedisStore', () => {
  let redis: TestRedis;
  let admin: Redis;
  const open: RedisStore[] = [];
  const make = async (options: Parameters<typeof RedisStore.connect>[1] = {}) => {
    const store = await RedisStore.connect(redis.url, options);
    open.push(store);
    return store;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    admin = new Redis(redis.url);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await admin?.quit();
    await redis?.dispose();
  });

  it('shares windows between processes: what one takes, the other sees', async () => {
    const prefix = testPrefix();
    const limits = { requestsPerMinute: 2 };
    const one = await make({ prefix, limits });
    const two = await make({ prefix, limits });
    const now = Date.now();
    expect((await one.acquireFirst([A], 1, now)).ok).toBe(true);
    expect((await two.acquireFirst([A], 1, now)).ok).toBe(true);
    const third = await one.acquireFirst([A, B], 1, now);
    expect(third.ok && third.index).toBe(1);
    const refused = await two.acquireFirst([A], 1, now);
    expect(refused).toMatchObject({ ok: false, reasons: ['window'] });
  });

  it("counts time by Redis's clock and answers on the caller's", async () => {
    const store = await make({ prefix: testPrefix(), limits: { requestsPerMinute: 1 } });
    const callerNow = Date.now() + 3_600_000; // this machine's clock is an hour ahead
    const first = await store.acquireFirst([A], 1, callerNow);
    expect(first.ok).toBe(true);
    if (first.ok) expect(Math.abs(first.ticket.at - callerNow)).toBeLessThan(200);
    const second = await store.acquireFirst([A], 1, callerNow);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.retryAt - callerNow).toBeGreaterThan(60_500);
    if (!second.ok) expect(second.retryAt - callerNow).toBeLessThanOrEqual(61_000);
  });

  it('shares holds: a cooldown set by one process holds back the others', async () => {
    const prefix = testPrefix();
    const one = await make({ prefix });
    const two = await make({ prefix });
    const now = Date.now();
    await one.hold(A, { reason: 'cooling', until: now + 5_000 });
    await one.hold(A, { reason: 'cooling', until: now + 1_000 }); // a shorter one does not end it
    const refused = await two.acquireFirst([A], 1, now);
    expect(refused).toMatchObject({ ok: false, reasons: ['cooling'] });
    if (!refused.ok) expect(Math.abs(refused.retryAt - (now + 5_000))).toBeLessThan(200);
    expect(await two.holdOf(A, now)).toMatchObject({ reason: 'cooling' });
    expect(await two.holdOf(B, now)).toBeUndefined();
  });

  it('shares disabled keys: loaded at connect, announced to the running ones; the first reason stays', async () => {
    const prefix = testPrefix();
    const one = await make({ prefix });
    const two = await make({ prefix });
    await one.disableKey('GEMINI_API_KEY_2', 'API_KEY_INVALID');
    expect(one.disabledReason('GEMINI_API_KEY_2')).toBe('API_KEY_INVALID');
    await eventually(() => two.disabledReason('GEMINI_API_KEY_2') !== undefined);
    await two.disableKey('GEMINI_API_KEY_2', 'another reason');
    const three = await make({ prefix });
    expect(three.disabledReason('GEMINI_API_KEY_2')).toBe('API_KEY_INVALID');
    expect(three.disabledReason('GEMINI_API_KEY_1')).toBeUndefined();
    const otherService = await make({ prefix, service: 'other' });
    expect(otherService.disabledReason('GEMINI_API_KEY_2')).toBeUndefined();
  });

  it('keeps daily counts per service, group, model and day, expiring after the day; a later process sees them', async () => {
    const prefix = testPrefix();
    const one = await make({ prefix, timeZone: 'UTC', dayRetentionMs: 3_600_000 });
    const now = Date.now();
    const taken = await one.acquireFirst([A], 40, now);
    if (taken.ok) await one.reconcile(taken.ticket, 55, now);
    await one.acquireFirst([A], 10, now);
    const later = await make({ prefix, timeZone: 'UTC' });
    expect(await later.usageOn(A, now)).toEqual({ requests: 2, tokens: 65 });
    expect(await later.usageOn(B, now)).toEqual({ requests: 0, tokens: 0 });

    const date = new Date(now).toISOString().slice(0, 10);
    const key = `${prefix}gemini:day:project-a:gemini-2.0-flash:${date}`;
    expect(await admin.hgetall(key)).toEqual({ requests: '2', tokens: '65' });
    const ttl = await admin.pttl(key);
    const expected = startOfNextDay(now, 'UTC') - now + 3_600_000;
    expect(Math.abs(ttl - expected)).toBeLessThan(5_000);

    await later.seedDay(A, { requests: 1, tokens: 1 }, now); // lower: no change
    await later.seedDay(A, { requests: 7, tokens: 100 }, now);
    await later.seedDay(A, { requests: 7, tokens: 100 }, now); // idempotent
    expect(await one.usageOn(A, now)).toEqual({ requests: 7, tokens: 100 });
  });

  it('issues tickets that show no Redis internals', async () => {
    const store = await make({ prefix: testPrefix() });
    const taken = await store.acquireFirst([A], 12, Date.now());
    expect(taken.ok).toBe(true);
    if (!taken.ok) return;
    expect(Object.keys(JSON.parse(JSON.stringify(taken.ticket))).sort()).toEqual([
      'at',
      'target',
      'tokens',
    ]);
    expect(inspect(taken.ticket)).not.toMatch(/keyrelay|seq|log/);
    // A ticket from another store is ignored.
    await expect(store.reconcile({ ...taken.ticket }, 99, Date.now())).resolves.toBeUndefined();
  });

  it('takes one round trip per dispatch (and one more per success only when the token estimate was off)', async () => {
    const prefix = testPrefix();
    const store = await make({ prefix, limits: { requestsPerMinute: 1_000 } });
    const pool = KeyPool.fromKeys('gemini', [{ name: 'K1', secret: 'secret-value-1' }], { store });
    const run = (usage: 'estimate' | 'other') =>
      firstValueFrom(
        from(Array.from({ length: 40 }, (_, id) => ({ id }))).pipe(
          schedule(pool, {
            call: async (_key: ApiKey, request: { id: number }) => request.id,
            estimateTokens: () => 10,
            readUsage: () => ({ inputTokens: usage === 'estimate' ? 10 : 12, outputTokens: 1 }),
          }),
          toArray(),
        ),
      );
    // Every command a client sends (MONITOR; the commands scripts run inside are not round trips).
    const monitor = await admin.monitor();
    const sent: string[] = [];
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // This store's commands only (the server may be shared with other tests).
      if (source !== 'lua' && args.some((arg) => arg.startsWith(prefix))) {
        sent.push(args[0]!.toLowerCase());
      }
    });
    await sleep(50);
    sent.length = 0;
    expect((await run('estimate')).every((r) => r.ok)).toBe(true);
    await sleep(100);
    const exact = sent.length;
    const exactKinds = new Set(sent);
    sent.length = 0;
    expect((await run('other')).every((r) => r.ok)).toBe(true);
    await sleep(100); // the corrections are sent in the background
    const corrected = sent.length;
    monitor.disconnect();
    console.info(
      `Redis commands for 40 dispatches: ${exact} (estimate right), ${corrected} (estimate off: + background corrections)`,
    );
    expect(exact).toBe(40);
    // EVALSHA; EVAL once per connection, the first time a script is used on it.
    for (const kind of exactKinds) expect(['evalsha', 'eval']).toContain(kind);
    expect(corrected).toBe(80);
  });

  it('never writes a secret to Redis, only key names', async () => {
    const prefix = testPrefix();
    const store = await make({ prefix });
    const pool = KeyPool.fromKeys(
      'gemini',
      [
        { name: 'GOOD', secret: 'AIzaGoodSecretValue000000000000000000' },
        { name: 'BAD', secret: 'AIzaBadSecretValue0000000000000000000' },
      ],
      { store },
    );
    const results = await firstValueFrom(
      from([1, 2, 3]).pipe(
        schedule(pool, {
          call: async (key: ApiKey, n: number) => {
            if (key.name === 'BAD')
              throw Object.assign(new Error('API_KEY_INVALID'), { status: 400 });
            return n;
          },
          classifyError: (error) => ({
            kind: (error as Error).message === 'API_KEY_INVALID' ? 'invalid_key' : 'permanent',
            message: 'API key not valid',
          }),
        }),
        toArray(),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    await eventually(async () => (await admin.hget(`${prefix}gemini:disabled`, 'BAD')) !== null);
    const keys = await admin.keys(`${prefix}*`);
    let everything = keys.join('\n');
    for (const key of keys) {
      const type = await admin.type(key);
      if (type === 'hash') everything += JSON.stringify(await admin.hgetall(key));
    }
    expect(everything).toContain('BAD');
    expect(everything).not.toMatch(/SecretValue|AIza/);
  });

  it('storeFromEnvironment: Redis with a URL or KEYRELAY_REDIS_URL, memory without', async () => {
    const memory = await storeFromEnvironment({ env: {} });
    expect(memory).toBeInstanceOf(MemoryStore);
    const shared = await storeFromEnvironment({
      env: { KEYRELAY_REDIS_URL: redis.url },
      prefix: testPrefix(),
    });
    expect(shared).toBeInstanceOf(RedisStore);
    open.push(shared as RedisStore);
  });
});

describeWithRedis(
  'RedisStore while Redis is down',
  () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis({ own: true });
    });
    afterAll(async () => {
      await redis?.dispose();
    });

    it('rejects, then writes the holds and disables decided meanwhile once Redis is back', async () => {
      const prefix = testPrefix();
      const store = await RedisStore.connect(redis.url, { prefix });
      await redis.stop();
      const now = Date.now();
      await expect(store.acquireFirst([A], 1, now)).rejects.toThrow(RedisStoreError);
      await expect(store.hold(A, { reason: 'parked', until: now + 60_000 })).rejects.toThrow(
        RedisStoreError,
      );
      await expect(store.disableKey('K9', 'API_KEY_INVALID')).rejects.toThrow(RedisStoreError);
      expect(store.disabledReason('K9')).toBe('API_KEY_INVALID');
      await redis.start();
      const other = await RedisStore.connect(redis.url, { prefix });
      try {
        await eventually(async () => (await other.holdOf(A, Date.now())) !== undefined);
        await eventually(async () => {
          const fresh = await RedisStore.connect(redis.url, { prefix });
          const seen = fresh.disabledReason('K9') !== undefined;
          await fresh.close();
          return seen;
        });
        expect((await store.acquireFirst([A], 1, Date.now())).ok).toBe(false);
      } finally {
        await other.close();
        await store.close();
      }
    });
  },
  true,
);
