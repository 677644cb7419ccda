import { resolve } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { emitKeyrelayWarning } from '../warnings.js';
import { buildKeys, type KeyCandidate, validGroupName } from './build-keys.js';
import { NoKeysError } from './errors.js';
import { type EnvFileContents, readEnvFile } from './read-env-file.js';
import type { LoadedKeys, LoadKeysOptions } from './types.js';
import { validateLoadOptions } from './validate-load-options.js';
import { classifyVariable, compareKeyVariables, keyVariablePrefix } from './variable-names.js';

/** A variable kept after merging the environment over the `.env` file. */
interface Setting {
  readonly value: string;
  readonly from: 'env' | 'envFile';
  /** Also set in the `.env` file but overridden by the environment. */
  readonly shadowsFile: boolean;
}

/**
 * Loads a service's API keys from the environment and a `.env` file.
 *
 * Variables (with `SERVICE` = `service` upper-cased, every character other
 * than a letter or digit turned into `_`):
 * - `<SERVICE>_API_KEY` (the single key) and `<SERVICE>_API_KEY_<n>`; a
 *   key's name is its variable's name.
 * - optional `<SERVICE>_API_KEY_PROJECT` and `<SERVICE>_API_KEY_<n>_PROJECT`:
 *   the key's quota group (keys of one Google Cloud project share one budget).
 *   The `groups` option wins over them; a key in no group is its own group.
 *
 * The environment wins over the `.env` file for the same variable (dotenv's
 * convention); `process.env` is never changed. Keys come back unnumbered key
 * first, then by number (`_2` before `_10`). A value set twice is loaded once,
 * as the first of its variables, with a warning naming both. Values are
 * trimmed.
 *
 * @example
 * ```ts
 * // .env:
 * //   GEMINI_API_KEY_1 = first_api_key
 * //   GEMINI_API_KEY_2=second_api_key
 * const { keys } = loadKeysFromEnv('gemini');
 * keys.map(String); // ['GEMINI_API_KEY_1', 'GEMINI_API_KEY_2']
 * ```
 *
 * @throws {@link NoKeysError} when no key variable is set; the message lists
 *   the names looked for and where.
 * @throws {@link EmptyKeyError} when a key variable's value is empty or blank.
 * @throws {@link EnvFileError} when an explicit `envFile` is missing, or a
 *   `.env` file cannot be read.
 * @throws {@link InvalidKeyConfigError} when a `_PROJECT` variable is empty.
 * @throws {@link InvalidOptionError} when an option is malformed, or `groups`
 *   names a key that is not set.
 */
export function loadKeysFromEnv(service: string, options: LoadKeysOptions = {}): LoadedKeys {
  const prefix = keyVariablePrefix(service);
  validateLoadOptions(options);
  const env = options.env ?? process.env;
  const onWarning = options.onWarning ?? emitKeyrelayWarning;
  const file =
    options.envFile === false
      ? undefined
      : readEnvFile(
          resolve(options.cwd ?? process.cwd(), options.envFile ?? '.env'),
          options.envFile !== undefined,
        );

  const settings = mergeSettings(prefix, env, file);
  const keyVars: { name: string; number: string | undefined }[] = [];
  const projectVars = new Map<string, string>();
  for (const name of settings.keys()) {
    const kind = classifyVariable(prefix, name);
    if (kind?.kind === 'key') keyVars.push({ name, number: kind.number });
    else if (kind?.kind === 'project') projectVars.set(kind.keyName, name);
  }
  if (keyVars.length === 0) throw noKeys(service, prefix, file);
  keyVars.sort(compareKeyVariables);

  const keyNames = new Set(keyVars.map((k) => k.name));
  const groups = options.groups ?? {};
  for (const name of Object.keys(groups)) {
    if (!keyNames.has(name))
      throw new InvalidOptionError(
        `groups.${name}`,
        `the name of a key that is set; ${name} is not (set: ${[...keyNames].join(', ')})`,
        groups[name],
      );
  }
  for (const [keyName, variable] of projectVars) {
    if (!keyNames.has(keyName))
      onWarning(`${variable} is set but ${keyName} is not; ${variable} is ignored.`);
  }

  const candidates: KeyCandidate[] = keyVars.map(({ name }) => {
    const setting = settings.get(name)!;
    const projectVar = projectVars.get(name);
    const projectSetting = projectVar === undefined ? undefined : settings.get(projectVar);
    const group =
      groups[name]?.trim() ??
      (projectVar === undefined || projectSetting === undefined
        ? undefined
        : validGroupName(projectSetting.value, `${projectVar} ${where(projectSetting, file)}`));
    return { name, secret: setting.value, group, where: where(setting, file) };
  });
  const keys = buildKeys(candidates, onWarning);

  const fromEnv: string[] = [];
  const fromFile: string[] = [];
  for (const [name, setting] of settings) (setting.from === 'env' ? fromEnv : fromFile).push(name);
  return {
    service,
    keys,
    sources: {
      env: fromEnv,
      envFile:
        file === undefined
          ? undefined
          : { path: file.path, found: file.found, variables: fromFile },
    },
  };
}

/** The prefix's variables, the environment's over the file's. */
function mergeSettings(
  prefix: string,
  env: Readonly<Record<string, string | undefined>>,
  file: EnvFileContents | undefined,
): Map<string, Setting> {
  const settings = new Map<string, Setting>();
  if (file !== undefined)
    for (const [name, value] of Object.entries(file.vars))
      if (classifyVariable(prefix, name) !== undefined)
        settings.set(name, { value, from: 'envFile', shadowsFile: false });
  for (const name of Object.keys(env)) {
    const value = env[name];
    if (typeof value !== 'string' || classifyVariable(prefix, name) === undefined) continue;
    settings.set(name, { value, from: 'env', shadowsFile: settings.has(name) });
  }
  return settings;
}

/** Where a variable was set, for messages. */
function where(setting: Setting, file: EnvFileContents | undefined): string {
  if (setting.from === 'envFile') return `in ${file?.path ?? 'the .env file'}`;
  return setting.shadowsFile
    ? `in the environment (which wins over ${file?.path ?? 'the .env file'})`
    : 'in the environment';
}

/** The error for "no key variable is set", saying where we looked and how to fix it. */
function noKeys(service: string, prefix: string, file: EnvFileContents | undefined): NoKeysError {
  const variables = [prefix, `${prefix}_<n>`];
  const places =
    file === undefined
      ? 'in the environment only (envFile is false)'
      : `in the environment and in ${file.path} (${file.found ? 'which exists but sets neither' : 'file not found'})`;
  const target =
    file === undefined ? 'in the environment' : `in the environment or in ${file.path}`;
  return new NoKeysError(
    service,
    `No ${service} API key found. Looked for ${prefix} and ${prefix}_<n> (n = 1, 2, 3, …) ${places}. ` +
      `To fix it, set ${prefix}=<your key> ${target}, or ${prefix}_1, ${prefix}_2, … for several keys.`,
    {
      variables,
      envFile: file === undefined ? undefined : { path: file.path, found: file.found },
    },
  );
}
