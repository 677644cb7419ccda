/** Longest message keyrelay keeps from a provider error, in characters. */
export const MAX_MESSAGE_LENGTH = 300;

/**
 * Makes text from a server or SDK safe and short for an `AttemptFailure`
 * message: one line, at most {@link MAX_MESSAGE_LENGTH} characters, with
 * query strings of URLs, `key=` parameters, `x-goog-api-key` header values and
 * anything that looks like a Google API key (`AIza…`) removed.
 */
export function secretFree(text: string): string {
  const line = text
    .replace(/\b(https?:\/\/[^\s?#"']+)[?#][^\s"']*/gi, '$1')
    .replace(/([?&\s]key=)[^&\s"']+/gi, '$1<redacted>')
    .replace(/(x-goog-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1<redacted>')
    .replace(/AIza[0-9A-Za-z_-]{8,}/g, 'AIza<redacted>')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : line;
}
