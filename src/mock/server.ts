import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { notFound } from './error-bodies.js';
import { Gateway } from './gateway.js';
import { resolveOptions } from './options.js';
import { createPrng } from './prng.js';
import { type Reply, sendJson, sendReply } from './reply.js';
import { matchRoute, pathOf } from './route.js';
import type { MockGeminiOptions, MockGeminiServer } from './types.js';

/** Bodies above this size are refused with a 400 rather than buffered. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Starts a local Gemini-compatible server that enforces per-project, per-model
 * quotas (RPM and input TPM in a sliding window, RPD per calendar day) and
 * answers like the real service, so that both Gemini SDKs work against it
 * unchanged.
 *
 * Serves `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent` (`?alt=sse`) and `:countTokens`; the key is read
 * from the `x-goog-api-key` header or the `key` query parameter.
 *
 * @example
 * ```ts
 * const server = await startMockGemini({
 *   keys: [{ key: 'k1', project: 'p1' }],
 *   limits: { rpm: 5, windowMs: 1000 },
 * });
 * const model = new GoogleGenerativeAI('k1').getGenerativeModel(
 *   { model: 'gemini-2.0-flash' },
 *   { baseUrl: server.url },
 * );
 * await model.generateContent('Hi'); // text: 'Echo: Hi'
 * await server.close();
 * ```
 * @throws InvalidOptionError for invalid options (before listening).
 */
export async function startMockGemini(options: MockGeminiOptions): Promise<MockGeminiServer> {
  const opts = resolveOptions(options);
  const gateway = new Gateway(opts);
  const latencyRandom = createPrng(opts.seed ^ 0x9e3779b9);
  const [latencyMin, latencyMax] = opts.latency;
  const timers = new Set<NodeJS.Timeout>();

  function latency(): number {
    if (latencyMax === 0) return 0;
    return latencyMin === latencyMax
      ? latencyMin
      : latencyMin + latencyRandom() * (latencyMax - latencyMin);
  }

  function later(req: IncomingMessage, res: ServerResponse, delayMs: number, reply: Reply): void {
    if (delayMs <= 0) {
      sendReply(req, res, reply);
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      res.off('close', cancel);
      sendReply(req, res, reply);
    }, delayMs);
    timers.add(timer);
    // The client went away while the answer was pending: forget it.
    const cancel = () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
    res.once('close', cancel);
  }

  const server = createServer((req, res) => {
    const route = matchRoute(req.method, req.url);
    if (route === undefined) {
      req.resume();
      const answer = notFound(pathOf(req.url ?? '/'));
      sendJson(res, answer.status, answer.body);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('error', () => {
      // A client that aborts mid-body: nothing to answer.
    });
    req.on('end', () => {
      const header = req.headers['x-goog-api-key'];
      const headerKey = Array.isArray(header) ? header[0] : header;
      const rawBody =
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      const reply = gateway.decide(route, headerKey, rawBody, tooLarge);
      const extra = reply.kind === 'json' || reply.kind === 'stream' ? (reply.extraDelay ?? 0) : 0;
      later(req, res, latency() + extra, reply);
    });
  });
  server.on('clientError', (_error, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${host}:${address.port}`,
    get log() {
      return gateway.log;
    },
    injectNext(fault) {
      gateway.inject(fault);
    },
    resetLog() {
      gateway.resetLog();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
