import type { Redis } from 'ioredis';
import { ACQUIRE_SCRIPT } from './redis-acquire-script.js';
import {
  DISABLE_SCRIPT,
  HOLD_OF_SCRIPT,
  HOLD_SCRIPT,
  RECONCILE_SCRIPT,
  SEED_SCRIPT,
  USAGE_SCRIPT,
} from './redis-scripts.js';

/** A script command: the number of keys, the keys, then the arguments. @internal */
type ScriptCommand<Reply> = (numberOfKeys: number, ...keysAndArgs: string[]) => Promise<Reply>;

/**
 * keyrelay's Lua scripts as ioredis commands (`defineCommand`: `EVALSHA`,
 * falling back to `EVAL` once per connection when Redis does not know the
 * script yet, e.g. after a restart).
 *
 * @internal
 */
export interface KeyrelayCommands {
  keyrelayAcquire: ScriptCommand<string[]>;
  keyrelayReconcile: ScriptCommand<number>;
  keyrelayHold: ScriptCommand<number>;
  keyrelayHoldOf: ScriptCommand<string[]>;
  keyrelayUsage: ScriptCommand<string[]>;
  keyrelaySeed: ScriptCommand<string[]>;
  keyrelayDisable: ScriptCommand<number>;
}

const SCRIPTS: Readonly<Record<keyof KeyrelayCommands, string>> = {
  keyrelayAcquire: ACQUIRE_SCRIPT,
  keyrelayReconcile: RECONCILE_SCRIPT,
  keyrelayHold: HOLD_SCRIPT,
  keyrelayHoldOf: HOLD_OF_SCRIPT,
  keyrelayUsage: USAGE_SCRIPT,
  keyrelaySeed: SEED_SCRIPT,
  keyrelayDisable: DISABLE_SCRIPT,
};

/**
 * Define keyrelay's scripts on `client` (idempotent) and return it typed with them.
 *
 * @internal
 */
export function defineKeyrelayCommands(client: Redis): KeyrelayCommands {
  for (const [name, lua] of Object.entries(SCRIPTS)) client.defineCommand(name, { lua });
  return client as unknown as KeyrelayCommands;
}
