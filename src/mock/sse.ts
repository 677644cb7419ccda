/**
 * One server-sent event as Gemini frames it: `data: <one-line JSON>` and a
 * blank line, with `\r\n` line ends (both SDKs split on `\r\n\r\n`, `\n\n` or `\r\r`).
 */
export function sseEvent(json: string): string {
  return `data: ${json}\r\n\r\n`;
}

/** Response headers of an SSE stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
};
