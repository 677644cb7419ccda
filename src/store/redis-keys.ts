import type { QuotaTarget } from './types.js';

/** The default prefix of every Redis key keyrelay writes: `'keyrelay:'`. */
export const DEFAULT_REDIS_PREFIX = 'keyrelay:';

const part = (name: string): string => encodeURIComponent(name);

/**
 * The names of a {@link RedisStore}'s keys, all under `<prefix><service>:`
 * (names are URI-encoded, so a `:` in a group or model cannot collide):
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `…:budget:<group>:<model>` | hash | window state: `first`, `next`, `last`, `h:/r:/t:<span>` |
 * | `…:log:<group>:<model>` | hash | dispatch buckets: `<seq>` → `"<time> <requests> <tokens>"` |
 * | `…:day:<group>:<model>:<YYYY-MM-DD>` | hash | `requests`, `tokens` of that calendar day |
 * | `…:holds` | hash | `<group>:<model>` → `"<cooling\|parked> <until>"` |
 * | `…:disabled` | hash | key name → reason (names only, never a secret) |
 * | `…:disabled:events` | channel | `{ name, reason }` when a key is disabled |
 *
 * @internal
 */
export class RedisKeyspace {
  readonly #base: string;

  constructor(prefix: string, service: string) {
    this.#base = `${prefix}${part(service)}:`;
  }

  /** The hash of holds (cooldowns and parks) of every target. */
  get holds(): string {
    return `${this.#base}holds`;
  }

  /** The hash of disabled key names and why. */
  get disabled(): string {
    return `${this.#base}disabled`;
  }

  /** The pub/sub channel announcing disabled keys. */
  get disabledChannel(): string {
    return `${this.#base}disabled:events`;
  }

  /** A target's window state. */
  state(target: QuotaTarget): string {
    return `${this.#base}budget:${part(target.group)}:${part(target.model)}`;
  }

  /** A target's bucket log. */
  log(target: QuotaTarget): string {
    return `${this.#base}log:${part(target.group)}:${part(target.model)}`;
  }

  /** A target's counts on the calendar day `date` (`YYYY-MM-DD`). */
  day(target: QuotaTarget, date: string): string {
    return `${this.#base}day:${part(target.group)}:${part(target.model)}:${date}`;
  }

  /** A target's field in the holds hash. */
  holdField(target: QuotaTarget): string {
    return `${part(target.group)}:${part(target.model)}`;
  }
}
