/** A quota dimension: requests per window, input tokens per window, requests per day. */
export type QuotaDimension = 'rpm' | 'tpm' | 'rpd';

/** Limits with every field set; `Infinity` means unlimited. */
export interface ResolvedLimits {
  readonly rpm: number;
  readonly tpm: number;
  readonly rpd: number;
  readonly windowMs: number;
}

/** Why a request was refused, and when the limit it hit frees up. */
export interface QuotaRejection {
  /** The limit that was hit. */
  readonly dimension: QuotaDimension;
  /** That limit's value. */
  readonly limit: number;
  /** Milliseconds from the request's arrival until the limit admits it (short for `rpd`). */
  readonly retryDelayMs: number;
}

const COMPACT_AT = 1024;

/**
 * The quota of one project for one model: one sliding window of arrivals
 * (serving both RPM and input TPM) and a counter per calendar day.
 *
 * A request is counted when it arrives; a refused request is not counted.
 */
export class QuotaState {
  readonly #limits: ResolvedLimits;
  readonly #windowed: boolean;
  /** Arrival times in the window, oldest first, from index `#head`. */
  #times: number[] = [];
  /** Input tokens of each arrival, aligned with `#times`. */
  #tokens: number[] = [];
  #head = 0;
  #tokenSum = 0;
  #day = '';
  #dayCount = 0;

  constructor(limits: ResolvedLimits) {
    this.#limits = limits;
    this.#windowed = Number.isFinite(limits.rpm) || Number.isFinite(limits.tpm);
  }

  /**
   * Admits and counts a request arriving at `now` with `tokens` input tokens on
   * calendar day `day`, or says which limit refuses it.
   *
   * @returns `undefined` when admitted (and counted), else the rejection.
   */
  admit(now: number, tokens: number, day: string): QuotaRejection | undefined {
    const { rpm, tpm, rpd } = this.#limits;
    this.#evict(now);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayCount = 0;
    }
    if (this.#dayCount >= rpd) {
      return { dimension: 'rpd', limit: rpd, retryDelayMs: this.#untilFreed(0, now) };
    }
    const count = this.#times.length - this.#head;
    if (count >= rpm) {
      return { dimension: 'rpm', limit: rpm, retryDelayMs: this.#untilFreed(0, now) };
    }
    if (this.#tokenSum + tokens > tpm) {
      let freed = 0;
      let index = this.#head;
      // Find the oldest arrival whose leaving makes room for `tokens`.
      while (
        index < this.#times.length - 1 &&
        this.#tokenSum - freed - this.#tokens[index]! + tokens > tpm
      ) {
        freed += this.#tokens[index]!;
        index++;
      }
      return {
        dimension: 'tpm',
        limit: tpm,
        retryDelayMs: this.#untilFreed(index - this.#head, now),
      };
    }
    this.#dayCount++;
    if (this.#windowed) {
      this.#times.push(now);
      this.#tokens.push(tokens);
      this.#tokenSum += tokens;
    }
    return undefined;
  }

  /** Milliseconds until the `offset`-th arrival in the window leaves it; a whole window if none. */
  #untilFreed(offset: number, now: number): number {
    const time = this.#times[this.#head + offset];
    return time === undefined ? this.#limits.windowMs : time + this.#limits.windowMs - now;
  }

  #evict(now: number): void {
    const edge = now - this.#limits.windowMs;
    const times = this.#times;
    let head = this.#head;
    while (head < times.length && times[head]! <= edge) {
      this.#tokenSum -= this.#tokens[head]!;
      head++;
    }
    if (head === times.length) {
      if (head > 0) {
        this.#times = [];
        this.#tokens = [];
      }
      this.#tokenSum = 0;
      head = 0;
    } else if (head >= COMPACT_AT && head * 2 >= times.length) {
      this.#times = times.slice(head);
      this.#tokens = this.#tokens.slice(head);
      head = 0;
    }
    this.#head = head;
  }
}
