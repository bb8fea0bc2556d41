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

export class ClockStart {
  readonly #clock: SimClock;
  #pending: boolean;
  readonly #onStart: (() => void)[] = [];

  constructor(clock: SimClock, pending: boolean) {
    this.#clock = clock;
    this.#pending = pending;
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

  /** Sets the run's epoch once (`conflict` after that, `bad-request` if it would move time back). */
  start(epochMs: number): ClockStartResponse {
    if (!this.#pending) throw new AppFailure('conflict', 'the clock has started already');
    let jumpedSimMs: number;
    try {
      jumpedSimMs = this.#clock.startAt(epochMs);
    } catch (err) {
      throw new AppFailure('bad-request', (err as Error).message);
    }
    this.#pending = false;
    for (const fn of this.#onStart.splice(0)) fn();
    return { simMs: this.#clock.now(), jumpedSimMs };
  }
}
