import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import {
  type ApiKey,
  EmptyKeyError,
  EnvFileError,
  keyVariablePrefix,
  loadKeysFromEnv,
  NoKeysError,
} from '../../src/keys/index.js';
import { captureError, dirWithEnvFile, tempDir } from './helpers.js';

const names = (keys: readonly ApiKey[]) => keys.map((key) => key.name);
const secrets = (keys: readonly ApiKey[]) => keys.map((key) => key.reveal());

describe('loadKeysFromEnv: the seed README examples', () => {
  it('loads the single-key .env as written', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY=your_api_key\n');
    const loaded = loadKeysFromEnv('gemini', { cwd, env: {} });
    expect(loaded.service).toBe('gemini');
    expect(names(loaded.keys)).toEqual(['GEMINI_API_KEY']);
    expect(secrets(loaded.keys)).toEqual(['your_api_key']);
    expect(loaded.keys[0]?.group).toBe('GEMINI_API_KEY');
    expect(loaded.sources).toEqual({
      env: [],
      envFile: { path: join(cwd, '.env'), found: true, variables: ['GEMINI_API_KEY'] },
    });
  });

  it('loads the multiple-key .env as written, spaces around = included', async () => {
    const cwd = await dirWithEnvFile(
      'GEMINI_API_KEY_1 = first_api_key\nGEMINI_API_KEY_2=second_api_key\nGEMINI_API_KEY_3=third_api_key\n',
    );
    const { keys } = loadKeysFromEnv('gemini', { cwd, env: {} });
    expect(names(keys)).toEqual(['GEMINI_API_KEY_1', 'GEMINI_API_KEY_2', 'GEMINI_API_KEY_3']);
    expect(secrets(keys)).toEqual(['first_api_key', 'second_api_key', 'third_api_key']);
  });

  it('reads process.env by default and does not change it', async () => {
    const cwd = await dirWithEnvFile('KEYRELAY_TEST_SVC_API_KEY_2=from_file\n');
    const before = { ...process.env };
    vi.stubEnv('KEYRELAY_TEST_SVC_API_KEY_1', 'from_process_env');
    try {
      const { keys } = loadKeysFromEnv('keyrelay-test-svc', { cwd });
      expect(names(keys)).toEqual(['KEYRELAY_TEST_SVC_API_KEY_1', 'KEYRELAY_TEST_SVC_API_KEY_2']);
      expect(secrets(keys)).toEqual(['from_process_env', 'from_file']);
      expect(process.env.KEYRELAY_TEST_SVC_API_KEY_2).toBeUndefined();
    } finally {
      vi.unstubAllEnvs();
    }
    expect(process.env).toEqual(before);
  });
});

describe('loadKeysFromEnv: sources and precedence', () => {
  it('merges environment and file, the environment winning for the same variable', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1=file_one\nGEMINI_API_KEY_2=file_two\n');
    const loaded = loadKeysFromEnv('gemini', {
      cwd,
      env: { GEMINI_API_KEY_2: 'env_two', GEMINI_API_KEY_3: 'env_three' },
    });
    expect(secrets(loaded.keys)).toEqual(['file_one', 'env_two', 'env_three']);
    expect(loaded.sources.env).toEqual(['GEMINI_API_KEY_2', 'GEMINI_API_KEY_3']);
    expect(loaded.sources.envFile?.variables).toEqual(['GEMINI_API_KEY_1']);
  });

  it('an empty value in the environment still wins over the file, and is an error saying so', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1=file_one\n');
    const error = captureError(() =>
      loadKeysFromEnv('gemini', { cwd, env: { GEMINI_API_KEY_1: '' } }),
    );
    expect(error).toBeInstanceOf(EmptyKeyError);
    expect(error.message).toContain('GEMINI_API_KEY_1 is empty in the environment');
    expect(error.message).toContain(join(cwd, '.env'));
    expect(error.message).not.toContain('file_one');
  });

  it('reads a .env path relative to cwd, and an absolute one', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY=nested', 'keys.env');
    expect(secrets(loadKeysFromEnv('gemini', { cwd, env: {}, envFile: 'keys.env' }).keys)).toEqual([
      'nested',
    ]);
    const elsewhere = await tempDir();
    const loaded = loadKeysFromEnv('gemini', {
      cwd: elsewhere,
      env: {},
      envFile: join(cwd, 'keys.env'),
    });
    expect(loaded.sources.envFile?.path).toBe(join(cwd, 'keys.env'));
  });

  it('a missing default .env is fine', async () => {
    const cwd = await tempDir();
    const loaded = loadKeysFromEnv('gemini', { cwd, env: { GEMINI_API_KEY: 'k' } });
    expect(secrets(loaded.keys)).toEqual(['k']);
    expect(loaded.sources.envFile).toEqual({
      path: join(cwd, '.env'),
      found: false,
      variables: [],
    });
  });

  it('a missing .env given explicitly is an EnvFileError naming its absolute path', async () => {
    const cwd = await tempDir();
    const error = captureError(() =>
      loadKeysFromEnv('gemini', { cwd, env: { GEMINI_API_KEY: 'k' }, envFile: 'missing.env' }),
    );
    expect(error).toBeInstanceOf(EnvFileError);
    expect(error.name).toBe('EnvFileError');
    expect((error as EnvFileError).path).toBe(join(cwd, 'missing.env'));
    expect(error.message).toContain(`${join(cwd, 'missing.env')} does not exist`);
  });

  it('a .env that is a directory is an EnvFileError even by default', async () => {
    const cwd = await tempDir();
    await mkdir(join(cwd, '.env'));
    const error = captureError(() => loadKeysFromEnv('gemini', { cwd, env: {} }));
    expect(error).toBeInstanceOf(EnvFileError);
    expect(error.message).toContain('is a directory');
  });

  it('envFile: false reads the environment only', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1=from_file\n');
    const loaded = loadKeysFromEnv('gemini', {
      cwd,
      env: { GEMINI_API_KEY_2: 'e' },
      envFile: false,
    });
    expect(names(loaded.keys)).toEqual(['GEMINI_API_KEY_2']);
    expect(loaded.sources.envFile).toBeUndefined();
  });

  it('ignores other services and look-alike variables', async () => {
    const cwd = await dirWithEnvFile(
      'OPENAI_API_KEY=o\nGEMINI_API_KEY_X=x\nGEMINI_API_KEYS=s\nMY_GEMINI_API_KEY=m\nGEMINI_API_KEY_1_NOTE=n\n',
    );
    const { keys } = loadKeysFromEnv('gemini', { cwd, env: { GEMINI_API_KEY_4: 'four' } });
    expect(names(keys)).toEqual(['GEMINI_API_KEY_4']);
  });

  it('derives the prefix from the service name', () => {
    expect(keyVariablePrefix('gemini')).toBe('GEMINI_API_KEY');
    expect(keyVariablePrefix('google-ai.studio')).toBe('GOOGLE_AI_STUDIO_API_KEY');
    const { keys } = loadKeysFromEnv('google-ai', {
      envFile: false,
      env: { GOOGLE_AI_API_KEY: 'g' },
    });
    expect(names(keys)).toEqual(['GOOGLE_AI_API_KEY']);
    expect(() => keyVariablePrefix('--')).toThrow(InvalidOptionError);
  });

  it('reads dotenv syntax: quotes, comments, export, CRLF', async () => {
    const cwd = await dirWithEnvFile(
      '# my keys\r\nexport GEMINI_API_KEY_1="quoted one"\r\nGEMINI_API_KEY_2=two # a comment\r\n',
    );
    expect(secrets(loadKeysFromEnv('gemini', { cwd, env: {} }).keys)).toEqual([
      'quoted one',
      'two',
    ]);
  });

  it('trims values from the environment', () => {
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: { GEMINI_API_KEY: '  padded\n' },
    });
    expect(secrets(keys)).toEqual(['padded']);
  });
});

describe('loadKeysFromEnv: order', () => {
  it('puts the unnumbered key first, then numbers in numeric order', () => {
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: {
        GEMINI_API_KEY_10: 'ten',
        GEMINI_API_KEY_2: 'two',
        GEMINI_API_KEY: 'plain',
        GEMINI_API_KEY_1: 'one',
        GEMINI_API_KEY_100000000000000000001: 'huge',
        GEMINI_API_KEY_99: 'ninety-nine',
      },
    });
    expect(names(keys)).toEqual([
      'GEMINI_API_KEY',
      'GEMINI_API_KEY_1',
      'GEMINI_API_KEY_2',
      'GEMINI_API_KEY_10',
      'GEMINI_API_KEY_99',
      'GEMINI_API_KEY_100000000000000000001',
    ]);
  });

  it('orders _1 and _01 (the same number) by name, both loaded', () => {
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: { GEMINI_API_KEY_2: 'two', GEMINI_API_KEY_1: 'one', GEMINI_API_KEY_01: 'zero-one' },
    });
    expect(names(keys)).toEqual(['GEMINI_API_KEY_01', 'GEMINI_API_KEY_1', 'GEMINI_API_KEY_2']);
  });

  it('orders across environment and file by number', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_10=ten\nGEMINI_API_KEY_1=one\n');
    const { keys } = loadKeysFromEnv('gemini', { cwd, env: { GEMINI_API_KEY_2: 'two' } });
    expect(secrets(keys)).toEqual(['one', 'two', 'ten']);
  });
});

describe('loadKeysFromEnv: duplicates and empty values', () => {
  it('loads a repeated value once, keeping the first, and warns once naming both variables', async () => {
    const cwd = await dirWithEnvFile(
      'GEMINI_API_KEY_1=same_secret\nGEMINI_API_KEY_2=other\nGEMINI_API_KEY_3=same_secret\n',
    );
    const warnings: string[] = [];
    const { keys } = loadKeysFromEnv('gemini', {
      cwd,
      env: {},
      onWarning: (m) => warnings.push(m),
    });
    expect(names(keys)).toEqual(['GEMINI_API_KEY_1', 'GEMINI_API_KEY_2']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('GEMINI_API_KEY_3');
    expect(warnings[0]).toContain('GEMINI_API_KEY_1');
    expect(warnings[0]).not.toContain('same_secret');
  });

  it('treats values equal after trimming as duplicates', () => {
    const warnings: string[] = [];
    const { keys } = loadKeysFromEnv('gemini', {
      envFile: false,
      env: { GEMINI_API_KEY_1: 'abc', GEMINI_API_KEY_2: ' abc ' },
      onWarning: (m) => warnings.push(m),
    });
    expect(names(keys)).toEqual(['GEMINI_API_KEY_1']);
    expect(warnings).toHaveLength(1);
  });

  it('emits a KeyrelayWarning through process.emitWarning by default', () => {
    const emit = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      loadKeysFromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY_1: 'dup', GEMINI_API_KEY_2: 'dup' },
      });
      expect(emit).toHaveBeenCalledTimes(1);
      expect(emit.mock.calls[0]?.[1]).toEqual({ type: 'KeyrelayWarning' });
      expect(String(emit.mock.calls[0]?.[0])).toContain('GEMINI_API_KEY_2');
    } finally {
      emit.mockRestore();
    }
  });

  it.each([
    ['empty', ''],
    ['whitespace-only', '   \t '],
  ])('an %s value is an EmptyKeyError naming the variable', (_label, value) => {
    const error = captureError(() =>
      loadKeysFromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY_1: 'good', GEMINI_API_KEY_2: value },
      }),
    );
    expect(error).toBeInstanceOf(EmptyKeyError);
    expect(error.name).toBe('EmptyKeyError');
    expect((error as EmptyKeyError).keyName).toBe('GEMINI_API_KEY_2');
    expect(error.message).toContain('GEMINI_API_KEY_2 is empty in the environment');
    expect(error.message).not.toContain('good');
  });

  it('an empty value in the .env file names the variable and the file', async () => {
    const cwd = await dirWithEnvFile('GEMINI_API_KEY_1 =\n');
    const error = captureError(() => loadKeysFromEnv('gemini', { cwd, env: {} }));
    expect(error).toBeInstanceOf(EmptyKeyError);
    expect(error.message).toContain(`GEMINI_API_KEY_1 is empty in ${join(cwd, '.env')}`);
  });
});

describe('loadKeysFromEnv: no keys', () => {
  it('lists the names looked for, the environment and the absolute .env path (missing)', async () => {
    const cwd = await tempDir();
    const error = captureError(() => loadKeysFromEnv('gemini', { cwd, env: { OTHER: 'x' } }));
    expect(error).toBeInstanceOf(NoKeysError);
    expect(error.name).toBe('NoKeysError');
    const path = join(cwd, '.env');
    expect(error.message).toContain('GEMINI_API_KEY and GEMINI_API_KEY_<n>');
    expect(error.message).toContain(`in the environment and in ${path} (file not found)`);
    expect(error.message).toContain('To fix it, set GEMINI_API_KEY=<your key>');
    expect((error as NoKeysError).search).toEqual({
      variables: ['GEMINI_API_KEY', 'GEMINI_API_KEY_<n>'],
      envFile: { path, found: false },
    });
  });

  it('says when the .env file exists but sets no key', async () => {
    const cwd = await dirWithEnvFile('OPENAI_API_KEY=x\n');
    const error = captureError(() => loadKeysFromEnv('gemini', { cwd, env: {} }));
    expect(error).toBeInstanceOf(NoKeysError);
    expect(error.message).toContain(`${join(cwd, '.env')} (which exists but sets neither)`);
  });

  it('says the environment only when envFile is false', () => {
    const error = captureError(() => loadKeysFromEnv('gemini', { envFile: false, env: {} }));
    expect(error).toBeInstanceOf(NoKeysError);
    expect(error.message).toContain('in the environment only (envFile is false)');
    expect((error as NoKeysError).search?.envFile).toBeUndefined();
  });

  it('does not take _PROJECT variables for keys', () => {
    const error = captureError(() =>
      loadKeysFromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY_PROJECT: 'p', GEMINI_API_KEY_1_PROJECT: 'q' },
      }),
    );
    expect(error).toBeInstanceOf(NoKeysError);
  });
});

describe('loadKeysFromEnv: options', () => {
  it.each([
    [{ env: null }, 'env'],
    [{ envFile: '' }, 'envFile'],
    [{ envFile: 3 }, 'envFile'],
    [{ cwd: 7 }, 'cwd'],
    [{ onWarning: 'loud' }, 'onWarning'],
    [{ groups: [] }, 'groups'],
    [{ groups: { GEMINI_API_KEY: '' } }, 'groups.GEMINI_API_KEY'],
  ])('rejects %o naming the option', (options, option) => {
    const error = captureError(() =>
      loadKeysFromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY: 'k' },
        ...options,
      } as never),
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as InvalidOptionError).option).toBe(option);
    expect(error.message).toContain(`\`${option}\``);
  });
});
