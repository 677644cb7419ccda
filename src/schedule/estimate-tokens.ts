/**
 * The default input-token estimate of a request: a quarter of the characters
 * of its text (the rule of thumb for Gemini and most tokenizers), at least 1.
 * Strings count as themselves; for objects, the string values found in them
 * (prompt, contents' parts' text, system instruction) are counted, keys are not.
 */
export function estimateTokens(request: unknown): number {
  return Math.max(1, Math.ceil(countTextCharacters(request, 0) / 4));
}

function countTextCharacters(value: unknown, depth: number): number {
  if (typeof value === 'string') return value.length;
  if (depth > 8 || value === null || typeof value !== 'object') return 0;
  let total = 0;
  if (Array.isArray(value)) {
    for (const item of value) total += countTextCharacters(item, depth + 1);
    return total;
  }
  const record = value as Record<string, unknown>;
  for (const name in record) {
    if (name === 'model' || !Object.hasOwn(record, name)) continue;
    const item = record[name];
    if (typeof item === 'string') total += item.length;
    else if (typeof item === 'object' && item !== null)
      total += countTextCharacters(item, depth + 1);
  }
  return total;
}
