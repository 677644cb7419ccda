import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/**
 * Real Redis for the tests.
 *
 * - `KEYRELAY_REDIS_URL` set: the tests use that server (never flushed: every
 *   test works under its own random key prefix). Tests that stop and start
 *   Redis still need a local `redis-server`.
 * - Else a throwaway `redis-server` on a free loopback port, without
 *   persistence, in a temporary directory, stopped after.
 * - Neither: the Redis suites are skipped with a warning saying why, or,
 *   with `KEYRELAY_REQUIRE_REDIS=1` (CI), fail.
 */

/** The command that runs Redis: `KEYRELAY_REDIS_SERVER` or `redis-server` on the PATH. */
export const REDIS_SERVER_BINARY = process.env.KEYRELAY_REDIS_SERVER ?? 'redis-server';

/** True when a local `redis-server` can be started. */
export function hasRedisServerBinary(): boolean {
  const probe = spawnSync(REDIS_SERVER_BINARY, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /Redis server/i.test(probe.stdout);
}

/** Whether the Redis tests can run here, and if not, why. */
export function redisAvailability(needsBinary = false): { available: boolean; reason: string } {
  const url = process.env.KEYRELAY_REDIS_URL;
  if (!needsBinary && url !== undefined && url !== '') {
    return { available: true, reason: `using KEYRELAY_REDIS_URL` };
  }
  if (hasRedisServerBinary()) return { available: true, reason: `using ${REDIS_SERVER_BINARY}` };
  return {
    available: false,
    reason: `no \`${REDIS_SERVER_BINARY}\` on the PATH${needsBinary ? ' (this suite stops and starts Redis)' : ' and KEYRELAY_REDIS_URL is not set'}; install it (Debian: apt-get install redis-server, or scripts/ensure-redis.sh)`,
  };
}

/**
 * `describe` for suites that need Redis: runs them when Redis is available;
 * otherwise skips them with a warning, or fails when `KEYRELAY_REQUIRE_REDIS=1`.
 *
 * @param needsBinary - The suite starts and stops its own server (a URL is not enough).
 */
export function describeWithRedis(name: string, body: () => void, needsBinary = false): void {
  const { available, reason } = redisAvailability(needsBinary);
  if (available) {
    describe(name, body);
    return;
  }
  if (process.env.KEYRELAY_REQUIRE_REDIS === '1') {
    describe(name, () => {
      it('needs Redis (KEYRELAY_REQUIRE_REDIS=1)', () => {
        throw new Error(`Redis tests cannot run: ${reason}.`);
      });
    });
    return;
  }
  console.warn(`[keyrelay] SKIPPED Redis suite "${name}": ${reason}.`);
  describe.skip(name, body);
}

/** A free TCP port on 127.0.0.1 (bind to port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** A Redis server for a test. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>` (or `KEYRELAY_REDIS_URL`). */
  readonly url: string;
  /** True when this is `KEYRELAY_REDIS_URL`'s server, which the tests do not own. */
  readonly external: boolean;
  /**
   * Stop the server (owned servers only). With `save`, it writes its data to
   * disk first (`SHUTDOWN SAVE`) so that {@link TestRedis.start} brings it back
   * with its data, like a restarted production Redis.
   */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Start it again on the same port and directory (owned servers only). */
  start(): Promise<void>;
  /** Stop it for good and delete its directory. */
  dispose(): Promise<void>;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}

function send(port: number, command: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
    socket.connect(port, '127.0.0.1', () => socket.write(`${command}\r\n`));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start a throwaway `redis-server` (or use `KEYRELAY_REDIS_URL` unless `own` is set). */
export async function startTestRedis(options: { own?: boolean } = {}): Promise<TestRedis> {
  const url = process.env.KEYRELAY_REDIS_URL;
  if (options.own !== true && url !== undefined && url !== '') {
    const refuse = () => Promise.reject(new Error('cannot stop or start KEYRELAY_REDIS_URL'));
    return { url, external: true, stop: refuse, start: refuse, dispose: async () => undefined };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'keyrelay-redis-'));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    const proc = spawn(
      REDIS_SERVER_BINARY,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2_000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) {
        throw new Error(`redis-server exited with ${proc.exitCode}: ${output}`);
      }
      if (await ping(port)) return;
      await sleep(20);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within 10 s: ${output}`);
  };

  const stop = async ({ save = false } = {}): Promise<void> => {
    const proc = child;
    if (proc === undefined || proc.exitCode !== null) return;
    await send(port, save ? 'SHUTDOWN SAVE' : 'SHUTDOWN NOSAVE');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    child = undefined;
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    external: false,
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A random key prefix, so that tests sharing a server never see each other's keys. */
export function testPrefix(label = 'test'): string {
  return `keyrelay-${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}:`;
}
