import { startMockGemini } from './server.js';
import type { MockGeminiServer, MockKey } from './types.js';

/** Options of {@link runMockCommand} (the `keyrelay mock` command). */
export interface RunMockOptions {
  /** Port to listen on. Default: `0` (a free port). */
  port?: number;
  /** Interface to listen on. Default: `'127.0.0.1'`. */
  host?: string;
  /** Number of demo keys. Default: `4`. */
  keys?: number;
  /** Number of projects the keys are spread over, round-robin. Default: `2`. */
  projects?: number;
  /** Requests per window per project and model. Default: `15` (the free tier's). */
  rpm?: number;
  /** Input tokens per window per project and model. Default: `1000000`. */
  tpm?: number;
  /** Requests per day per project and model. Default: `1500`. */
  rpd?: number;
  /** Length of the quota "minute" in ms. Default: `60000`. */
  windowMs?: number;
  /** Receives each line of output. */
  print: (line: string) => void;
}

/** `'project-a'`, `'project-b'`, … `'project-z'`, `'project-aa'`, … */
function projectName(index: number): string {
  let name = '';
  let n = index;
  do {
    name = String.fromCharCode(97 + (n % 26)) + name;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return `project-${name}`;
}

/**
 * Starts the local Gemini server with generated demo keys (`mock-key-1`, …,
 * fake and valid only here) spread over `project-a`, `project-b`, …, and prints
 * its address, its keys and an environment block to point keyrelay at it.
 *
 * @returns the running server; the caller closes it.
 */
export async function runMockCommand(options: RunMockOptions): Promise<MockGeminiServer> {
  const keyCount = options.keys ?? 4;
  const projectCount = options.projects ?? 2;
  const keys: MockKey[] = [];
  for (let index = 0; index < keyCount; index++) {
    keys.push({
      key: `mock-key-${index + 1}`,
      project: projectName(index % Math.max(1, projectCount)),
      name: `GEMINI_API_KEY_${index + 1}`,
    });
  }
  const limits = {
    rpm: options.rpm ?? 15,
    tpm: options.tpm ?? 1_000_000,
    rpd: options.rpd ?? 1500,
    windowMs: options.windowMs ?? 60_000,
  };
  const server = await startMockGemini({
    keys,
    limits,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  const { print } = options;
  print(`Local Gemini server listening on ${server.url}`);
  print(
    `Limits per project and model: ${limits.rpm} requests and ${limits.tpm} input tokens per ${limits.windowMs} ms, ${limits.rpd} requests per day (America/Los_Angeles).`,
  );
  print('Keys (fake demo keys, valid only on this server):');
  for (const key of keys) print(`  ${key.name}  ${key.key}  ${key.project}`);
  print('Environment to point keyrelay at it:');
  print(`  GEMINI_BASE_URL=${server.url}`);
  for (const key of keys) {
    print(`  ${key.name}=${key.key}`);
    print(`  ${key.name}_PROJECT=${key.project}`);
  }
  return server;
}
