/**
 * The server's side of ROUTES.clockStart. The harness spawns the server before it knows the
 * run's simulated time 0 (seeding and the baseline heap snapshot come first), so the server runs
 * on a provisional epoch (`SOAK_SIM_EPOCH=pending`, server/config.ts) until the harness posts the
 * run's. Without it the server's clock ran ~9 s real ahead of the harness's and the load's, and
 * changed time scale that much early: at the commute's end it was already at the night's
 * S = 3600 while the harness still counted 434, and a time-driven leak showed a step there.
 */
import type { ClockStartResponse } from '../common/http.js';
import type { SimClock } from '../common/sim-clock.js';
import { AppFailure } from './errors.js';
import { tokenMatches } from './token.js';

/**
 * How far, real ms, a posted epoch may lie from the server's own Date.now(). The harness posts
 * its run clock's epoch, Date.now() + 3 s (LOAD_START_ALLOWANCE_MS), on the same machine, a few
 * ms after choosing it; 5 min leaves room for a slow machine and refuses what no harness sends
 * (`{ epochMs: 0 }` was 3×10^8 simulated hours, where presence timers' toISOString() threw).
 */
export const MAX_EPOCH_SKEW_MS = 5 * 60_000;

export class ClockStart {
  readonly #clock: SimClock;
  #pending: boolean;
  readonly #onStart: (() => void)[] = [];
  /** The one-time token the harness generated and passed in SOAK_CLOCK_TOKEN; null once used. */
  #token: string | null;

  /** `token` is required while pending: without one nobody may start the clock. */
  constructor(clock: SimClock, pending: boolean, token: string | null = null) {
    this.#clock = clock;
    this.#pending = pending;
    this.#token = token;
  }

  /** True until the run's epoch has been set. */
  get pending(): boolean {
    return this.#pending;
  }

  /** Runs `fn` once simulated time has its run's epoch: now, or when the start request comes. */
  whenStarted(fn: () => void): void {
    if (this.#pending) this.#onStart.push(fn);
    else fn();
  }

  /** Throws `forbidden` unless `token` is the unused one-time token. */
  authorize(token: string | undefined): void {
    if (this.#token === null || !tokenMatches(token, this.#token)) throw new AppFailure('forbidden', 'missing, wrong or used clock-start token');
  }

  /**
   * Sets the run's epoch once. `forbidden` without the one-time token, with a wrong one or with
   * one already used; `bad-request` for an epoch not within MAX_EPOCH_SKEW_MS of now or one that
   * would move time back.
   */
  start(epochMs: number, token: string | undefined): ClockStartResponse {
    this.authorize(token);
    if (!this.#pending) throw new AppFailure('conflict', 'the clock has started already');
    if (!Number.isFinite(epochMs) || Math.abs(epochMs - Date.now()) > MAX_EPOCH_SKEW_MS) {
      throw new AppFailure('bad-request', `epochMs must be within ${MAX_EPOCH_SKEW_MS / 60_000} min of the server's clock`);
    }
    let jumpedSimMs: number;
    try {
      jumpedSimMs = this.#clock.startAt(epochMs);
    } catch (err) {
      throw new AppFailure('bad-request', (err as Error).message);
    }
    this.#pending = false;
    this.#token = null;
    for (const fn of this.#onStart.splice(0)) fn();
    return { simMs: this.#clock.now(), jumpedSimMs };
  }
}
