import { type Budget, reconcileTake } from '../budget/budget.js';
import type { BudgetEntry } from '../budget/entry.js';
import type { QuotaTarget, Ticket } from './types.js';

/**
 * The {@link Ticket} of the in-memory store. Besides the public fields it
 * holds, in private fields that neither `JSON.stringify` nor `util.inspect`
 * show, the budget and the window entry to correct on reconciliation.
 */
export class MemoryTicket implements Ticket {
  readonly target: QuotaTarget;
  readonly tokens: number;
  readonly at: number;
  readonly #budget: Budget;
  readonly #entry: BudgetEntry;

  constructor(target: QuotaTarget, budget: Budget, entry: BudgetEntry) {
    this.target = target;
    this.tokens = entry.tokens;
    this.at = entry.at;
    this.#budget = budget;
    this.#entry = entry;
  }

  /**
   * Correct the reservation behind `ticket` to `actualTokens`.
   *
   * @returns `false` when `ticket` did not come from a {@link MemoryStore}.
   */
  static reconcile(ticket: Ticket, actualTokens: number): boolean {
    if (!(ticket instanceof MemoryTicket)) return false;
    reconcileTake(ticket.#budget, ticket.#entry, actualTokens);
    return true;
  }
}
