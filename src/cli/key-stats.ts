import type { UsageEvent } from '../usage/index.js';
import { formatClock, formatDuration } from './format.js';

/** What one key did in this run, and what it is doing now. */
export interface KeyStat {
  readonly name: string;
  readonly group: string;
  /** Attempts sent on it. */
  calls: number;
  successes: number;
  /** HTTP 429 answers. */
  rateLimited: number;
  inputTokens: number;
  outputTokens: number;
  /** Its state now. */
  state: 'active' | 'cooling' | 'parked' | 'disabled';
  /** For `cooling` and `parked`: until when (ms since the epoch). */
  until: number;
}

/**
 * Per-key counters and states of this run, folded from `pool.usage$`: shown
 * live by the progress display and at the end by the summary. A cooldown or a
 * park holds a whole quota group, so it is shown on every key of the group.
 */
export class KeyStats {
  readonly #keys = new Map<string, KeyStat>();
  readonly #timeZone: string;

  constructor(keys: readonly { name: string; group: string }[], timeZone: string) {
    this.#timeZone = timeZone;
    for (const key of keys) {
      this.#keys.set(key.name, {
        name: key.name,
        group: key.group,
        calls: 0,
        successes: 0,
        rateLimited: 0,
        inputTokens: 0,
        outputTokens: 0,
        state: 'active',
        until: 0,
      });
    }
  }

  /** Every key, in pool order. */
  get all(): readonly KeyStat[] {
    return [...this.#keys.values()];
  }

  /** Folds one usage event in. */
  add(event: UsageEvent): void {
    const key = this.#keys.get(event.key);
    switch (event.type) {
      case 'dispatched':
        if (key !== undefined) key.calls++;
        break;
      case 'succeeded':
        if (key !== undefined) {
          key.successes++;
          key.inputTokens += event.inputTokens;
          key.outputTokens += event.outputTokens;
        }
        break;
      case 'rate_limited':
        if (key !== undefined) key.rateLimited++;
        break;
      case 'cooled':
      case 'parked':
        for (const other of this.#keys.values()) {
          if (other.group !== event.group || other.state === 'disabled') continue;
          if (other.state === 'parked' && event.type === 'cooled' && other.until > event.at)
            continue;
          other.state = event.type === 'cooled' ? 'cooling' : 'parked';
          other.until = event.until;
        }
        break;
      case 'disabled':
        if (key !== undefined) key.state = 'disabled';
        break;
      case 'resumed':
        for (const other of this.#keys.values()) {
          if (other.group === event.group && other.state !== 'disabled') other.state = 'active';
        }
        break;
      default:
        break;
    }
  }

  /** A key's state in words at `now`: `'active'`, `'cooling for 12s'`, `'parked until 00:00 PT'`, `'disabled'`. */
  describe(key: KeyStat, now: number): string {
    if (key.state === 'disabled') return 'disabled';
    if (key.state === 'parked' && key.until > now) {
      return `parked until ${formatClock(key.until, this.#timeZone)}`;
    }
    if (key.state === 'cooling' && key.until > now)
      return `cooling for ${formatDuration(key.until - now)}`;
    return 'active';
  }
}
