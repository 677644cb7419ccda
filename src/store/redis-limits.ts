import { defaultSafetyMargin } from '../budget/safety-margin.js';
import { type NormalizedRules, resolveLimits } from './limit-rules.js';
import type { RedisKeyspace } from './redis-keys.js';
import { encodeNumber } from './redis-lua-prelude.js';
import type { QuotaTarget } from './types.js';

/** One target as the scripts need it: its keys and its limits as script arguments. @internal */
export interface EncodedTarget {
  readonly target: QuotaTarget;
  readonly stateKey: string;
  readonly logKey: string;
  readonly holdField: string;
  /** `holdField`, daily limit, window count, then `requests`, `tokens`, `span` per window. */
  readonly args: readonly string[];
}

/**
 * Encodes targets for the acquire script once per group and model (limits
 * resolved with {@link resolveLimits}, each window's span = `per` + margin).
 *
 * @internal
 */
export class TargetEncoder {
  readonly #rules: NormalizedRules;
  readonly #safetyMarginMs: number | undefined;
  readonly #keys: RedisKeyspace;
  readonly #cache = new Map<string, Map<string, EncodedTarget>>();

  constructor(rules: NormalizedRules, safetyMarginMs: number | undefined, keys: RedisKeyspace) {
    this.#rules = rules;
    this.#safetyMarginMs = safetyMarginMs;
    this.#keys = keys;
  }

  /** The encoding of `target` (cached). */
  encode(target: QuotaTarget): EncodedTarget {
    let models = this.#cache.get(target.group);
    if (models === undefined) {
      models = new Map();
      this.#cache.set(target.group, models);
    }
    let encoded = models.get(target.model);
    if (encoded === undefined) {
      encoded = this.#build({ group: target.group, model: target.model });
      models.set(target.model, encoded);
    }
    return encoded;
  }

  #build(target: QuotaTarget): EncodedTarget {
    const limits = resolveLimits(this.#rules, target);
    const holdField = this.#keys.holdField(target);
    const args = [
      holdField,
      encodeNumber(limits.requestsPerDay ?? Number.POSITIVE_INFINITY),
      String(limits.windows.length),
    ];
    for (const w of limits.windows) {
      const margin = this.#safetyMarginMs ?? defaultSafetyMargin(w.per);
      args.push(
        encodeNumber(w.requests ?? Number.POSITIVE_INFINITY),
        encodeNumber(w.tokens ?? Number.POSITIVE_INFINITY),
        String(w.per + margin),
      );
    }
    return {
      target,
      stateKey: this.#keys.state(target),
      logKey: this.#keys.log(target),
      holdField,
      args,
    };
  }
}
