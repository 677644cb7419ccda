/**
 * Where the examples send their requests: the local Gemini server (started
 * here, with demo keys) unless GEMINI_BASE_URL is set, in which case the
 * keys come from the environment and `.env` as usual and go to that URL.
 * No example ever touches Google or a real key unless you set both.
 */
import type { EnvVars } from '../../src/keys/index.js';
import {
  type MockGeminiOptions,
  type MockGeminiServer,
  startMockGemini,
} from '../../src/mock/index.js';

/** One demo key of the local server: its variable name, secret and project. */
export interface DemoKey {
  readonly name: string;
  readonly secret: string;
  readonly project: string;
}

/** What an example talks to. */
export interface Backend {
  /** The API's base URL: pass it to the SDK or to `geminiProvider({ baseUrl })`. */
  readonly baseUrl: string;
  /** True when it is the local server started here. */
  readonly offline: boolean;
  /** Where keys are read from: the demo keys as variables, or `process.env`. */
  readonly env: EnvVars;
  /** The `.env` file to read: none offline, `'.env'` otherwise. */
  readonly envFile: string | false;
  /** The local server, when offline. */
  readonly mock: MockGeminiServer | undefined;
  /** Stops the local server (if any). */
  close(): Promise<void>;
}

/** Options of {@link openBackend}. */
export interface BackendOptions {
  /** The demo keys. Default: three keys, two in `demo-project-a` and one in `demo-project-b`. */
  readonly keys?: readonly DemoKey[];
  /** The local server's limits. Default: none. */
  readonly limits?: MockGeminiOptions['limits'];
  /** The local server's latency in ms. Default: `[5, 20]`. */
  readonly latencyMs?: MockGeminiOptions['latencyMs'];
  /** The local server's clock. Default: `Date.now`. */
  readonly now?: () => number;
}

/** The default demo keys: fake secrets that only the local server knows. */
export const DEMO_KEYS: readonly DemoKey[] = [
  { name: 'GEMINI_API_KEY_1', secret: 'demo-secret-1', project: 'demo-project-a' },
  { name: 'GEMINI_API_KEY_2', secret: 'demo-secret-2', project: 'demo-project-a' },
  { name: 'GEMINI_API_KEY_3', secret: 'demo-secret-3', project: 'demo-project-b' },
];

/** The demo keys as environment variables, with their `_PROJECT` (quota group) variables. */
export function demoEnv(keys: readonly DemoKey[]): EnvVars {
  const env: Record<string, string> = {};
  for (const key of keys) {
    env[key.name] = key.secret;
    env[`${key.name}_PROJECT`] = key.project;
  }
  return env;
}

/** Starts the local server, or uses GEMINI_BASE_URL when it is set. */
export async function openBackend(options: BackendOptions = {}): Promise<Backend> {
  const external = process.env.GEMINI_BASE_URL;
  if (external !== undefined && external !== '') {
    return {
      baseUrl: external,
      offline: false,
      env: process.env,
      envFile: '.env',
      mock: undefined,
      close: () => Promise.resolve(),
    };
  }
  const keys = options.keys ?? DEMO_KEYS;
  const mock = await startMockGemini({
    keys: keys.map((key) => ({ key: key.secret, project: key.project, name: key.name })),
    latencyMs: options.latencyMs ?? [5, 20],
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    baseUrl: mock.url,
    offline: true,
    env: demoEnv(keys),
    envFile: false,
    mock,
    close: () => mock.close(),
  };
}

/** Where examples write report files: `KEYRELAY_REPORTS_DIR`, or `'reports/api_usage'`. */
export function reportsDir(): string {
  return process.env.KEYRELAY_REPORTS_DIR ?? 'reports/api_usage';
}

/** Prints where requests go. */
export function describeBackend(backend: Backend): string {
  return backend.offline
    ? `local Gemini server at ${backend.baseUrl} (demo keys; set GEMINI_BASE_URL to use another)`
    : `GEMINI_BASE_URL ${backend.baseUrl} with keys from the environment`;
}
