import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { InvalidKeyConfigError, loadKeysFromEnv } from '../../src/keys/index.js';
import { captureError, dirWithEnvFile } from './helpers.js';

const groupsOf = (keys: readonly { name: string; group: string }[]) =>
  Object.fromEntries(keys.map((key) => [key.name, key.group]));

describe('quota groups', () => {
  it('reads <SERVICE>_API_KEY_<n>_PROJECT from the .env file; a key without one is its own group', async () => {
    const cwd = await dirWithEnvFile(
      [
        'GEMINI_API_KEY_1=one',
        'GEMINI_API_KEY_1_PROJECT=project-a',
        'GEMINI_API_KEY_2=two',
        'GEMINI_API_KEY_2_PROJECT = project-a',
        'GEMINI_API_KEY_3=three',
      ].join('\n'),
    );
    const { keys } = loadKeysFromEnv('gemini', { cwd, env: {} });
    expect(keys.map((k) => k.name)).toEqual([
      'GEMINI_API_KEY_1',
      'GEMINI_API_KEY_2',
      'GEMINI_API_KEY_3',
    ]);
    expect(groupsOf(keys)).toEqual({
      GEMINI_API_KEY_1: 'project-a',
      GEMINI_API_KEY_2: 'project-a',
      GEMINI_API_KEY_3: 'GEMINI_API_KEY_3',
    });
  });

  it('reads <SERVICE>_API_KEY_PROJECT for the single key, from the environment', () => {
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: { GEMINI_API_KEY: 'k', GEMINI_API_KEY_PROJECT: ' my-project ' },
    });
    expect(groupsOf(keys)).toEqual({ GEMINI_API_KEY: 'my-project' });
  });

  it('the environment wins over the file for _PROJECT variables too', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1=one\nGEMINI_API_KEY_1_PROJECT=from-file\n');
    const { keys } = loadKeysFromEnv('gemini', {
      cwd,
      env: { GEMINI_API_KEY_1_PROJECT: 'from-env' },
    });
    expect(groupsOf(keys)).toEqual({ GEMINI_API_KEY_1: 'from-env' });
  });

  it('the groups option wins over the variables', () => {
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: {
        GEMINI_API_KEY_1: 'one',
        GEMINI_API_KEY_1_PROJECT: 'from-variable',
        GEMINI_API_KEY_2: 'two',
        GEMINI_API_KEY_2_PROJECT: 'kept',
        GEMINI_API_KEY_3: 'three',
      },
      groups: { GEMINI_API_KEY_1: 'from-option', GEMINI_API_KEY_3: 'shared' },
    });
    expect(groupsOf(keys)).toEqual({
      GEMINI_API_KEY_1: 'from-option',
      GEMINI_API_KEY_2: 'kept',
      GEMINI_API_KEY_3: 'shared',
    });
  });

  it('an empty _PROJECT value is an InvalidKeyConfigError naming the variable and file', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1=one\nGEMINI_API_KEY_1_PROJECT=\n');
    const error = captureError(() => loadKeysFromEnv('gemini', { cwd, env: {} }));
    expect(error).toBeInstanceOf(InvalidKeyConfigError);
    expect(error.name).toBe('InvalidKeyConfigError');
    expect(error.message).toContain(`GEMINI_API_KEY_1_PROJECT in ${join(cwd, '.env')}`);
    expect(error.message).toContain('non-empty quota group name');
  });

  it('a groups option naming a key that is not set is an InvalidOptionError', () => {
    const error = captureError(() =>
      loadKeysFromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY_1: 'one' },
        groups: { GEMINI_API_KEY_9: 'p' },
      }),
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error.message).toContain('groups.GEMINI_API_KEY_9');
    expect(error.message).toContain('set: GEMINI_API_KEY_1');
  });

  it('warns about a _PROJECT variable whose key is not set, and ignores it', () => {
    const warnings: string[] = [];
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: { GEMINI_API_KEY_1: 'one', GEMINI_API_KEY_5_PROJECT: 'p' },
      onWarning: (m) => warnings.push(m),
    });
    expect(keys.map((k) => k.name)).toEqual(['GEMINI_API_KEY_1']);
    expect(warnings).toEqual([
      'GEMINI_API_KEY_5_PROJECT is set but GEMINI_API_KEY_5 is not; GEMINI_API_KEY_5_PROJECT is ignored.',
    ]);
  });
});
