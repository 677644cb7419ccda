import { resolve } from 'node:path';
import { readEnvFile } from '../keys/index.js';
import { RUN_DEFAULTS, type RunFlags } from './run-config.js';

/**
 * `keyrelay run`'s settings that may also stand in the `--env-file`, next to
 * the keys (as `keyrelay mock` prints them): `GEMINI_BASE_URL` for
 * `--base-url` and `KEYRELAY_REDIS_URL` for `--redis`. A flag, or the same
 * variable in the environment, wins over the file.
 */
export function withEnvFileSettings(flags: RunFlags): RunFlags {
  if (flags.baseUrl !== undefined && flags.redis !== undefined) return flags;
  let vars: Readonly<Record<string, string>>;
  try {
    vars = readEnvFile(resolve(flags.envFile ?? RUN_DEFAULTS.envFile), false).vars;
  } catch {
    return flags; // an unreadable file is reported with the keys, naming the fix
  }
  const baseUrl = flags.baseUrl ?? vars.GEMINI_BASE_URL;
  const redis = flags.redis ?? vars.KEYRELAY_REDIS_URL;
  return {
    ...flags,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(redis === undefined ? {} : { redis }),
  };
}
