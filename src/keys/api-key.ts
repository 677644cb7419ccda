import { createHash } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * One API key: its name (the variable it came from, e.g. `GEMINI_API_KEY_2`),
 * its quota group and its secret.
 *
 * The secret is held in a private field and leaves this object only through
 * {@link ApiKey.reveal}, which a provider calls at the moment it builds a
 * request. `toString`, `toJSON`, `util.inspect` and template strings all show
 * the name only.
 *
 * @example
 * ```ts
 * const key = new ApiKey({ name: 'GEMINI_API_KEY_1', secret: 'AIza…', group: 'project-a' });
 * `${key}`;             // 'GEMINI_API_KEY_1'
 * JSON.stringify(key);  // '{"name":"GEMINI_API_KEY_1","group":"project-a","fingerprint":"sha256:…"}'
 * ```
 */
export class ApiKey {
  /** The key's name: the variable it was read from. */
  readonly name: string;
  /**
   * The quota group: keys of one Google Cloud project share one budget.
   * Default: the key's own name (a group of one).
   */
  readonly group: string;
  /** A short, non-reversible fingerprint (`sha256:` and 8 hex digits) to tell keys apart. */
  readonly fingerprint: string;
  readonly #secret: string;

  constructor(init: { name: string; secret: string; group?: string | undefined }) {
    this.name = init.name;
    this.group = init.group ?? init.name;
    this.#secret = init.secret;
    this.fingerprint = fingerprintOf(init.secret);
  }

  /** The secret itself, for the provider that sends it. Never log it. */
  reveal(): string {
    return this.#secret;
  }

  /** The key's name. */
  toString(): string {
    return this.name;
  }

  /** Name, group and fingerprint; never the secret. */
  toJSON(): { name: string; group: string; fingerprint: string } {
    return { name: this.name, group: this.group, fingerprint: this.fingerprint };
  }

  /** What `util.inspect` and `console.log` show: the name, group and fingerprint. */
  [inspect.custom](): string {
    return `ApiKey { name: '${this.name}', group: '${this.group}', fingerprint: '${this.fingerprint}' }`;
  }
}

/** `sha256:` followed by the first 8 hex digits of the secret's SHA-256. */
export function fingerprintOf(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}
