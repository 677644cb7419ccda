import { ApiKey } from './api-key.js';
import { EmptyKeyError, InvalidKeyConfigError } from './errors.js';
import type { WarningHandler } from './types.js';

/** One key before validation, in the order keys should be loaded. */
export interface KeyCandidate {
  /** The key's name (its variable). */
  readonly name: string;
  /** The raw value; trimmed here. */
  readonly secret: string;
  /** The quota group, if one was given (already validated). */
  readonly group: string | undefined;
  /** Where it was set, for messages, e.g. `'in the environment'`. */
  readonly where: string;
}

/**
 * Turns ordered candidates into keys: trims each secret, rejects an empty
 * one, and loads a repeated secret once (the first), warning with both names.
 *
 * @throws {@link EmptyKeyError} naming the first key whose value is empty.
 */
export function buildKeys(
  candidates: readonly KeyCandidate[],
  onWarning: WarningHandler,
): ApiKey[] {
  const firstBySecret = new Map<string, string>();
  const keys: ApiKey[] = [];
  for (const candidate of candidates) {
    const secret = candidate.secret.trim();
    if (secret === '')
      throw new EmptyKeyError(
        candidate.name,
        `${candidate.name} is empty ${candidate.where}. Give it the API key as its value, or remove it.`,
      );
    const first = firstBySecret.get(secret);
    if (first !== undefined) {
      onWarning(
        `${candidate.name} has the same value as ${first}; that key is loaded once, as ${first}. Remove ${candidate.name} or give it a different key.`,
      );
      continue;
    }
    firstBySecret.set(secret, candidate.name);
    keys.push(new ApiKey({ name: candidate.name, secret, group: candidate.group }));
  }
  return keys;
}

/**
 * Validates a quota group name: a non-empty string, trimmed.
 *
 * @param value - the group name as given.
 * @param what - what set it, for the message, e.g. `'GEMINI_API_KEY_1_PROJECT in the environment'`.
 * @throws {@link InvalidKeyConfigError} when it is not a string or is empty.
 */
export function validGroupName(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidKeyConfigError(
      `${what} must be a non-empty quota group name (e.g. the Google Cloud project's name), received ${
        typeof value === 'string' ? 'an empty string' : typeof value
      }.`,
    );
  return value.trim();
}
