import { format, inspect } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { ApiKey, fingerprintOf, loadKeysFromEnv } from '../../src/keys/index.js';
import { captureError, dirWithEnvFile } from './helpers.js';

const SECRET_1 = 'AIzaSyLeakCanary_one_0123456789';
const SECRET_2 = 'AIzaSyLeakCanary_two_9876543210';

describe('secrets never leave ApiKey', () => {
  it('String, template strings, JSON, util.inspect and console.log show the name, not the secret', async () => {
    const cwd = await dirWithEnvFile(
      `GEMINI_API_KEY_1 = ${SECRET_1}\nGEMINI_API_KEY_2=${SECRET_2}\n`,
    );
    const loaded = loadKeysFromEnv('gemini', { cwd, env: {} });
    const [first] = loaded.keys;
    if (first === undefined) throw new Error('no key loaded');

    expect(String(first)).toBe('GEMINI_API_KEY_1');
    expect(`${first}`).toBe('GEMINI_API_KEY_1');
    expect(JSON.parse(JSON.stringify(first))).toEqual({
      name: 'GEMINI_API_KEY_1',
      group: 'GEMINI_API_KEY_1',
      fingerprint: fingerprintOf(SECRET_1),
    });

    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const printed: string[] = [];
    try {
      console.log(first);
      console.log(loaded);
      console.log('%o %j', loaded.keys, loaded.keys);
      printed.push(...log.mock.calls.map((args) => format(...(args as [unknown, ...unknown[]]))));
    } finally {
      log.mockRestore();
    }
    const outputs = [
      JSON.stringify(loaded),
      inspect(loaded, { depth: Infinity, showHidden: true }),
      inspect(first, { depth: Infinity, showHidden: true, customInspect: true }),
      ...printed,
    ];
    expect(printed[0]).toContain("name: 'GEMINI_API_KEY_1'");
    for (const output of outputs) {
      expect(output).not.toContain(SECRET_1);
      expect(output).not.toContain(SECRET_2);
    }
    expect(Object.keys(first)).not.toContain('secret');
    expect(first.reveal()).toBe(SECRET_1);
  });

  it('the fingerprint is short and does not reveal the secret', () => {
    const key = new ApiKey({ name: 'K', secret: SECRET_1 });
    expect(key.fingerprint).toMatch(/^sha256:[0-9a-f]{8}$/);
    expect(key.fingerprint).not.toBe(new ApiKey({ name: 'K', secret: SECRET_2 }).fingerprint);
  });

  it('errors and warnings name variables, never values', async () => {
    const warnings: string[] = [];
    loadKeysFromEnv('gemini', {
      envFile: false,
      env: {
        GEMINI_API_KEY_1: SECRET_1,
        GEMINI_API_KEY_2: SECRET_1,
        GEMINI_API_KEY_3_PROJECT: SECRET_2,
      },
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toHaveLength(2);

    const cwd = await dirWithEnvFile(`GEMINI_API_KEY_1=${SECRET_1}\nGEMINI_API_KEY_1_PROJECT=\n`);
    const errors = [
      captureError(() => loadKeysFromEnv('gemini', { cwd, env: {} })),
      captureError(() =>
        loadKeysFromEnv('gemini', {
          cwd,
          env: { GEMINI_API_KEY_1_PROJECT: 'p', GEMINI_API_KEY_2: ' ' },
        }),
      ),
      captureError(() =>
        loadKeysFromEnv('gemini', {
          cwd,
          env: { GEMINI_API_KEY_1_PROJECT: 'p' },
          groups: { GEMINI_API_KEY_7: SECRET_2 },
        }),
      ),
      captureError(() => loadKeysFromEnv('gemini', { cwd, env: {}, envFile: SECRET_2 })),
    ];
    for (const text of [
      ...warnings,
      ...errors.flatMap((e) => [e.message, inspect(e), String(e.stack)]),
    ]) {
      expect(text).not.toContain(SECRET_1);
    }
    expect(errors.map((e) => e.name)).toEqual([
      'InvalidKeyConfigError',
      'EmptyKeyError',
      'InvalidOptionError',
      'EnvFileError',
    ]);
  });
});
