import type { MockMethod } from './types.js';

/** What the request line asks for. */
export interface Route {
  /** The model name, without `models/`, e.g. `'gemini-2.0-flash'`. */
  readonly model: string;
  readonly method: MockMethod;
  /** Whether the query asks for server-sent events (`alt=sse`). */
  readonly sse: boolean;
  /** The key given in the query (`?key=`), if any. */
  readonly queryKey: string | undefined;
}

const PATH =
  /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/;

/** The path of a request URL without its query (which may hold a key, so never echo it). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Matches `POST /{v1beta|v1|v1alpha}/models/{model}:{method}[?alt=sse][&key=…]`.
 *
 * @returns the route, or `undefined` for anything the server does not serve.
 */
export function matchRoute(
  httpMethod: string | undefined,
  url: string | undefined,
): Route | undefined {
  if (httpMethod !== 'POST' || url === undefined) return undefined;
  const path = pathOf(url);
  const match = PATH.exec(path);
  if (match === null) return undefined;
  let model: string;
  try {
    model = decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
  const query =
    path.length < url.length ? new URLSearchParams(url.slice(path.length + 1)) : undefined;
  return {
    model,
    method: match[2] as MockMethod,
    sse: query?.get('alt') === 'sse',
    queryKey: query?.get('key') ?? undefined,
  };
}
