import { createPrng } from './prng.js';
import type { MockFaults, MockInjected, MockInjectedKind } from './types.js';

/** A fault decided for one request: an injected or random one. */
export interface FaultDecision {
  readonly kind: MockInjectedKind;
  /** Only for injected 429s: the `retryDelay` to send, in ms. */
  readonly retryDelayMs?: number;
}

/**
 * Decides, per generate request, whether to answer with a fault: first from
 * the {@link MockInjected} queue, else drawn with a seeded PRNG at the
 * configured rates. Deterministic for a given seed and request order.
 */
export class FaultPicker {
  readonly #queue: MockInjected[] = [];
  readonly #random: () => number;
  readonly #drop: number;
  readonly #overloaded: number;
  readonly #internal: number;
  readonly #slow: number;
  readonly #active: boolean;

  constructor(faults: MockFaults, seed: number) {
    this.#random = createPrng(seed);
    this.#drop = faults.dropRate ?? 0;
    this.#overloaded = this.#drop + (faults.overloadedRate ?? 0);
    this.#internal = this.#overloaded + (faults.internalErrorRate ?? 0);
    this.#slow = faults.slowRate ?? 0;
    this.#active = this.#internal > 0 || this.#slow > 0;
  }

  /** Queues a forced answer. */
  inject(fault: MockInjected): void {
    this.#queue.push({ ...fault });
  }

  /**
   * The fault for a request on the key named `keyName`, or `undefined` for a
   * normal answer. Draws from the PRNG only when a rate is set and nothing
   * injected applies.
   */
  pick(keyName: string): FaultDecision | undefined {
    if (this.#queue.length > 0) {
      const index = this.#queue.findIndex((f) => f.key === undefined || f.key === keyName);
      if (index >= 0) {
        const [fault] = this.#queue.splice(index, 1);
        return fault;
      }
    }
    if (!this.#active) return undefined;
    const draw = this.#random();
    if (draw < this.#drop) return { kind: 'dropped' };
    if (draw < this.#overloaded) return { kind: 'overloaded' };
    if (draw < this.#internal) return { kind: 'internal' };
    if (this.#slow > 0 && this.#random() < this.#slow) return { kind: 'slow' };
    return undefined;
  }
}
