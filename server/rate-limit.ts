/**
 * Per-socket token bucket in simulated time. Refill is computed from SimClock.now() on each
 * take, so no timer is needed and the limit means the same per simulated second at any scale.
 */
import type { SimClock } from '../common/sim-clock.js';

export interface RateLimitOptions {
  /** Burst size, events. @default 120 */
  readonly capacity?: number;
  /** Sustained rate, events per simulated second. @default 5 */
  readonly refillPerSimSecond?: number;
}

/**
 * Defaults: the seed's client sends a ping and a request poll every 10 simulated s (0.2/s),
 * plus IMs, read receipts and drags; 5/s sustained with a burst of 120 leaves room for a busy
 * user and for the duplicated events of the client-side leaks, which the server must process.
 */
export const RATE_LIMIT_DEFAULTS = Object.freeze({ capacity: 120, refillPerSimSecond: 5 });

export class TokenBucket {
  readonly #clock: SimClock;
  readonly #capacity: number;
  readonly #refillPerMs: number;
  #tokens: number;
  #lastMs: number;

  constructor(clock: SimClock, options: RateLimitOptions = {}) {
    this.#clock = clock;
    this.#capacity = options.capacity ?? RATE_LIMIT_DEFAULTS.capacity;
    this.#refillPerMs = (options.refillPerSimSecond ?? RATE_LIMIT_DEFAULTS.refillPerSimSecond) / 1000;
    this.#tokens = this.#capacity;
    this.#lastMs = clock.now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#lastMs) * this.#refillPerMs);
    this.#lastMs = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
