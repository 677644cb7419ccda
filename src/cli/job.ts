import type { GeminiRequest } from '../providers/gemini/index.js';

/** A job's id: from the line's `id` field, or the line number when it has none. */
export type JobId = string | number;

/** One request of a bulk job, read from one input line. */
export interface Job {
  /** The line's `id`, or its line number. */
  readonly id: JobId;
  /** The id as a map key (`JSON.stringify(id)`), so `"7"` and `7` differ. */
  readonly idKey: string;
  /** The line number in the input, from 1. */
  readonly line: number;
  /** Every field of the line other than `id`, `prompt` and `request`; passed through to the output. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** What is sent: `{ prompt }` or `{ request }`. */
  readonly request: GeminiRequest;
}

/** A line that cannot be sent: it becomes an `invalid_input` failure line. */
export interface InvalidLine {
  readonly id: JobId;
  readonly idKey: string;
  readonly line: number;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Why, naming the line, e.g. `'line 7: not valid JSON (Unexpected token …)'`. */
  readonly message: string;
}

/** What one input line is. */
export type ParsedLine =
  | { readonly kind: 'job'; readonly job: Job }
  | { readonly kind: 'invalid'; readonly invalid: InvalidLine };

/** The map key of an id. */
export function idKeyOf(id: JobId): string {
  return JSON.stringify(id);
}

/** True for an id keyrelay accepts: a non-empty string or a finite number. */
export function isJobId(value: unknown): value is JobId {
  return (
    (typeof value === 'string' && value !== '') ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

/**
 * Reads one input line: `{"id": "...", "prompt": "..."}` or
 * `{"id": "...", "request": {...generateContent body...}}`, any other field
 * kept as metadata. Returns `undefined` for a blank line (skipped).
 */
export function parseJobLine(text: string, line: number): ParsedLine | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return invalid(line, line, {}, `line ${line}: not valid JSON (${reason})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(
      line,
      line,
      {},
      `line ${line}: expected a JSON object with "prompt" or "request"`,
    );
  }
  const { id: rawId, prompt, request, ...metadata } = value as Record<string, unknown>;
  if (rawId !== undefined && !isJobId(rawId)) {
    return invalid(
      line,
      line,
      metadata,
      `line ${line}: "id" must be a non-empty string or a number`,
    );
  }
  const id = rawId ?? line;
  if (prompt !== undefined && request !== undefined) {
    return invalid(id, line, metadata, `line ${line}: has both "prompt" and "request"; give one`);
  }
  if (prompt === undefined && request === undefined) {
    return invalid(id, line, metadata, `line ${line}: has neither "prompt" nor "request"`);
  }
  if (prompt !== undefined) {
    if (typeof prompt !== 'string' || prompt === '') {
      return invalid(id, line, metadata, `line ${line}: "prompt" must be a non-empty string`);
    }
    return job(id, line, metadata, { prompt });
  }
  const contents = (request as { contents?: unknown } | null)?.contents;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return invalid(
      id,
      line,
      metadata,
      `line ${line}: "request" must be a generateContent request body (an object)`,
    );
  }
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid(
      id,
      line,
      metadata,
      `line ${line}: "request.contents" must be a non-empty array`,
    );
  }
  return job(id, line, metadata, { request: request as NonNullable<GeminiRequest['request']> });
}

function job(
  id: JobId,
  line: number,
  metadata: Record<string, unknown>,
  request: GeminiRequest,
): ParsedLine {
  return { kind: 'job', job: { id, idKey: idKeyOf(id), line, metadata, request } };
}

function invalid(
  id: JobId,
  line: number,
  metadata: Record<string, unknown>,
  message: string,
): ParsedLine {
  return { kind: 'invalid', invalid: { id, idKey: idKeyOf(id), line, metadata, message } };
}
