import type { QuotaTarget, Ticket } from './types.js';

/** Where a {@link RedisTicket}'s reservation lives in Redis. @internal */
export interface RedisReservation {
  /** The store that issued it. */
  readonly owner: object;
  /** The target's state, log and day hash keys. */
  readonly keys: readonly [state: string, log: string, day: string];
  /** The bucket's sequence number in the log; `-1` when nothing was logged. */
  readonly seq: number;
  /** The bucket's time on Redis's timeline (the script checks it before correcting). */
  readonly bucketAt: number;
  /** The tokens currently counted for the request (the estimate, then each correction). */
  tokens: number;
}

/**
 * The {@link Ticket} of {@link RedisStore}. Besides the public fields it
 * holds, in a private field that neither `JSON.stringify` nor `util.inspect`
 * show, where its reservation lives in Redis.
 */
export class RedisTicket implements Ticket {
  readonly target: QuotaTarget;
  readonly tokens: number;
  /** When the budget was taken, on the caller's clock (ms since the epoch). */
  readonly at: number;
  readonly #reservation: RedisReservation;

  /** @internal */
  constructor(target: QuotaTarget, at: number, reservation: RedisReservation) {
    this.target = target;
    this.tokens = reservation.tokens;
    this.at = at;
    this.#reservation = reservation;
  }

  /**
   * The reservation behind `ticket` when `owner` issued it, else `undefined`.
   *
   * @internal
   */
  static reservationOf(ticket: Ticket, owner: object): RedisReservation | undefined {
    if (!(ticket instanceof RedisTicket)) return undefined;
    const reservation = ticket.#reservation;
    return reservation.owner === owner ? reservation : undefined;
  }
}
