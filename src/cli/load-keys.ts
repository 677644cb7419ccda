import { isKeyrelayError } from '../errors.js';
import { type LoadedKeys, loadKeysFromEnv } from '../keys/index.js';
import type { CliContext } from './context.js';
import { UsageError } from './errors.js';

/**
 * Loads the service's keys from the environment and `--env-file`, printing
 * warnings (never secrets) on standard error.
 *
 * @throws {@link UsageError} when no key is found or the keys are misconfigured
 *   (the message says where it looked and how to fix it).
 */
export function loadKeys(service: string, envFile: string, ctx: CliContext): LoadedKeys {
  try {
    return loadKeysFromEnv(service, {
      env: ctx.env,
      envFile,
      onWarning: (message) => ctx.err(`warning: ${message}`),
    });
  } catch (error) {
    if (isKeyrelayError(error)) {
      const hint = error.name === 'EnvFileError' ? ' Check --env-file.' : '';
      throw new UsageError(`${error.message}${hint}`, { flag: '--env-file', cause: error });
    }
    throw error;
  }
}
