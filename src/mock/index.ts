/**
 * A local Gemini-compatible HTTP server that enforces quotas like the real
 * service: a stand-in for Google, for tests, demos and benchmarks offline.
 *
 * @packageDocumentation
 */

export { type RunMockOptions, runMockCommand } from './run-mock.js';
export { startMockGemini } from './server.js';
export type {
  MockFaults,
  MockGeminiOptions,
  MockGeminiServer,
  MockInjected,
  MockInjectedKind,
  MockKey,
  MockLimits,
  MockLogEntry,
  MockMethod,
  MockOutcome,
} from './types.js';
