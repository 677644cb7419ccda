import { KeyrelayError } from '../errors.js';

/**
 * Every key of the pool is disabled (invalid or unauthorised), so no request
 * can ever be served. The message names each key and why.
 */
export class AllKeysDisabledError extends KeyrelayError {
  override name = 'AllKeysDisabledError';
  /** Each key's name and the reason it was disabled. */
  readonly keys: readonly { readonly name: string; readonly reason: string }[];

  constructor(
    service: string,
    keys: readonly { readonly name: string; readonly reason: string }[],
  ) {
    const list = keys.map((key) => `${key.name} (${key.reason})`).join('; ');
    super(
      `Every ${service} key is disabled, so no request can be served: ${list}. ` +
        'Check these keys in your environment or .env file (are they valid, and is the API enabled for their project?), or add a working key.',
    );
    this.keys = keys;
  }
}

/** The pool has no keys at all. */
export class EmptyPoolError extends KeyrelayError {
  override name = 'EmptyPoolError';

  constructor(service: string) {
    super(
      `The ${service} pool has no keys, so no request can be served. Add keys to the pool (see KeyPool.fromEnv).`,
    );
  }
}
