import type { LimitRule, Limits } from '../budget/limits.js';
import { type NormalizedLimits, normalizeLimits } from '../budget/normalize.js';
import { InvalidOptionError } from '../errors.js';
import type { QuotaTarget } from './types.js';

/**
 * Validated limit rules, indexed by specificity for {@link resolveLimits}.
 * Build it with {@link normalizeLimitRules}.
 */
export interface NormalizedRules {
  /** Rules with both `group` and `model`: group, then model. */
  readonly byGroupAndModel: ReadonlyMap<string, ReadonlyMap<string, NormalizedLimits>>;
  /** Rules with only `model`. */
  readonly byModel: ReadonlyMap<string, NormalizedLimits>;
  /** Rules with only `group`. */
  readonly byGroup: ReadonlyMap<string, NormalizedLimits>;
  /** The rule with neither, if any. */
  readonly fallback: NormalizedLimits | undefined;
}

/** No limit at all: what a target that no rule matches gets. */
export const UNLIMITED: NormalizedLimits = Object.freeze({ windows: Object.freeze([]) });

function checkName(value: unknown, optionPath: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(optionPath, 'a non-empty string, or undefined for "every"', value);
  }
  return value;
}

/**
 * Validate limits given as one {@link Limits} object (it applies to every
 * group and model) or as a list of {@link LimitRule}s, and index them.
 *
 * @param optionPath - How the caller names the option in error messages. Default: `'limits'`.
 * @throws {@link InvalidOptionError} naming the offending option (e.g.
 *   `limits[2].requestsPerMinute`), also when two rules have the same `group` and `model`.
 */
export function normalizeLimitRules(
  limits: Limits | readonly LimitRule[],
  optionPath = 'limits',
): NormalizedRules {
  const list: readonly unknown[] = Array.isArray(limits) ? limits : [limits];
  const pathOf = (i: number) => (Array.isArray(limits) ? `${optionPath}[${i}]` : optionPath);
  const byGroupAndModel = new Map<string, Map<string, NormalizedLimits>>();
  const byModel = new Map<string, NormalizedLimits>();
  const byGroup = new Map<string, NormalizedLimits>();
  let fallback: NormalizedLimits | undefined;
  const seen = new Map<string, string>();

  list.forEach((rule, i) => {
    const path = pathOf(i);
    const normalized = normalizeLimits(rule as Limits, path);
    const { group: rawGroup, model: rawModel } = rule as LimitRule;
    const group = checkName(rawGroup, `${path}.group`);
    const model = checkName(rawModel, `${path}.model`);
    const id = JSON.stringify([group ?? null, model ?? null]);
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      throw new InvalidOptionError(
        path,
        `at most one rule per group and model (${earlier} already has group ${group ?? '(every)'} and model ${model ?? '(every)'})`,
        rule,
      );
    }
    seen.set(id, path);
    if (group !== undefined && model !== undefined) {
      let models = byGroupAndModel.get(group);
      if (models === undefined) {
        models = new Map();
        byGroupAndModel.set(group, models);
      }
      models.set(model, normalized);
    } else if (model !== undefined) byModel.set(model, normalized);
    else if (group !== undefined) byGroup.set(group, normalized);
    else fallback = normalized;
  });
  return { byGroupAndModel, byModel, byGroup, fallback };
}

/**
 * The limits for `target`: the most specific matching rule wins (group and
 * model, then model, then group, then a rule with neither); no matching rule
 * means no limit ({@link UNLIMITED}).
 */
export function resolveLimits(rules: NormalizedRules, target: QuotaTarget): NormalizedLimits {
  return (
    rules.byGroupAndModel.get(target.group)?.get(target.model) ??
    rules.byModel.get(target.model) ??
    rules.byGroup.get(target.group) ??
    rules.fallback ??
    UNLIMITED
  );
}
