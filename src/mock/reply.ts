import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorAnswer } from './error-bodies.js';
import { SSE_HEADERS, sseEvent } from './sse.js';

const JSON_TYPE = 'application/json; charset=UTF-8';

/** What to answer once the latency has passed. */
export type Reply =
  | { readonly kind: 'error'; readonly answer: ErrorAnswer }
  | { readonly kind: 'drop' }
  | { readonly kind: 'json'; readonly body: string; readonly extraDelay?: number }
  | {
      readonly kind: 'stream';
      readonly chunks: readonly string[];
      readonly sse: boolean;
      readonly extraDelay: number;
    };

/** Sends a JSON answer, unless the response is already gone. */
export function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Carries out a {@link Reply}: an answer, a stream, or a dropped connection. */
export function sendReply(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.writableEnded) return;
  switch (reply.kind) {
    case 'error':
      sendJson(res, reply.answer.status, reply.answer.body);
      return;
    case 'drop':
      req.socket.destroy();
      return;
    case 'json':
      sendJson(res, 200, reply.body);
      return;
    case 'stream':
      if (!reply.sse) {
        // Without `alt=sse` Gemini streams one JSON array.
        sendJson(res, 200, `[${reply.chunks.join(',\r\n')}]`);
        return;
      }
      res.writeHead(200, SSE_HEADERS);
      for (const chunk of reply.chunks) res.write(sseEvent(chunk));
      res.end();
      return;
  }
}
