/**
 * The default input-token estimate of a request: a quarter of the characters
 * of its text (the rule of thumb for Gemini and most tokenizers), at least 1.
 * Strings count as themselves; for objects and arrays, the string values
 * found in them up to 8 levels deep (prompt, contents' parts' text, system
 * instruction) are counted; keys, numbers and a `model` field are not.
 *
 * It runs once per request on the scheduler's hot path: enumerable
 * properties are walked with `for...in` (inherited enumerable ones count
 * too, which plain objects and class instances do not have).
 *
 * @example `estimateTokens({ prompt: 'Hello world!' }) // 3`
 */
export function estimateTokens(request: unknown): number {
  return Math.max(1, Math.ceil(countTextCharacters(request, 0) / 4));
}

function countTextCharacters(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length;
  if (depth > 8 || value === null || typeof value !== 'object') return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) total += countTextCharacters(value[i], depth + 1);
    return total;
  }
  const record = value as Record<string, unknown>;
  for (const name in record) {
    if (name === 'model') continue;
    const item = record[name];
    if (typeof item === 'string') total += item.length;
    else if (typeof item === 'object' && item !== null)
      total += countTextCharacters(item, depth + 1);
  }
  return total;
}
