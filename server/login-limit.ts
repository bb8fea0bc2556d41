/**
 * Failed logins per username, limited over a sliding window of real time (a password guesser
 * works in real time, whatever the soak's time scale). A username with `maxFailures` failures in
 * the last `windowMs` gets `rate-limited` (HTTP 429 with Retry-After) before any scrypt work,
 * for right and wrong passwords alike (else the limit would only tell a guesser when to stop).
 *
 * What is deliberately not limited, so the soak still sees what it must:
 * - Successful logins: the harness's REST load logs its accounts in again and again with the
 *   right password; a username with no failure is never throttled, however fast it logs in.
 * - Account creation or logins per source address: every virtual user and the REST load come
 *   from 127.0.0.1, so a per-source limit would either throttle the harness or exempt loopback,
 *   which is the only address the reference server listens on.
 * - Concurrent scrypt work: scrypt runs on libuv's thread pool (4 threads by default), which
 *   already bounds it to 4 at a time; a semaphore here would only move that queue. Its cost is
 *   low on purpose (server/auth.ts, ~1 ms) and its input is at most 128 characters (schemas.ts).
 */
import { AppFailure } from './errors.js';

export interface LoginLimitOptions {
  /**
   * Failures per username in the window before it is locked. 10 lets a person mistype a few
   * times (OWASP's guidance is a small single-digit-to-ten threshold) and caps a guesser at
   * 40 passwords per hour per account. @default 10
   */
  readonly maxFailures?: number;
  /** Sliding window, real ms. @default 900_000 (15 min, the usual lockout period) */
  readonly windowMs?: number;
  /**
   * Usernames with failures kept at most; beyond it the least recently failed is forgotten, so a
   * flood of failures over many names cannot grow the server's heap without bound. @default 10_000
   */
  readonly maxTracked?: number;
}

export const LOGIN_LIMIT_DEFAULTS = Object.freeze({ maxFailures: 10, windowMs: 15 * 60_000, maxTracked: 10_000 });

/** `rate-limited` with the seconds until the next attempt may pass (the Retry-After header). */
export class LoginThrottled extends AppFailure {
  readonly retryAfterS: number;
  constructor(retryAfterS: number) {
    super('rate-limited', `too many failed logins for this username; retry after ${retryAfterS} s`);
    this.retryAfterS = retryAfterS;
  }
}

export class LoginLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxTracked: number;
  readonly #now: () => number;
  /** Failure times per username, real ms, oldest first; Map order = least recently failed first. */
  readonly #failures = new Map<string, number[]>();
  /** Attempts in progress for usernames that have failures (they count against the limit). */
  readonly #inFlight = new Map<string, number>();

  constructor(options: LoginLimitOptions = {}, now: () => number = Date.now) {
    this.#max = options.maxFailures ?? LOGIN_LIMIT_DEFAULTS.maxFailures;
    this.#windowMs = options.windowMs ?? LOGIN_LIMIT_DEFAULTS.windowMs;
    this.#maxTracked = options.maxTracked ?? LOGIN_LIMIT_DEFAULTS.maxTracked;
    this.#now = now;
  }

  /**
   * Starts an attempt: throws LoginThrottled when the username is locked, else returns the
   * function to call with its outcome. An attempt for a username that has failures counts as one
   * until it ends, so a burst of concurrent guesses cannot all slip in before the first fails.
   */
  begin(username: string): (ok: boolean) => void {
    const now = this.#now();
    const recent = this.#recent(username, now);
    const counted = recent.length > 0;
    const pending = counted ? (this.#inFlight.get(username) ?? 0) : 0;
    if (recent.length + pending >= this.#max) {
      const oldest = recent[0] ?? now;
      throw new LoginThrottled(Math.max(1, Math.ceil((oldest + this.#windowMs - now) / 1000)));
    }
    if (counted) this.#inFlight.set(username, pending + 1);
    let done = false;
    return (ok) => {
      if (done) return;
      done = true;
      if (counted) {
        const left = (this.#inFlight.get(username) ?? 1) - 1;
        if (left > 0) this.#inFlight.set(username, left);
        else this.#inFlight.delete(username);
      }
      if (ok) this.#failures.delete(username);
      else this.#fail(username);
    };
  }

  /** Usernames with failures in memory (for tests and the bound above). */
  get tracked(): number {
    return this.#failures.size;
  }

  #recent(username: string, now: number): number[] {
    const times = this.#failures.get(username);
    if (!times) return [];
    while (times.length > 0 && times[0]! <= now - this.#windowMs) times.shift();
    if (times.length === 0) this.#failures.delete(username);
    return times;
  }

  #fail(username: string): void {
    const now = this.#now();
    const times = this.#recent(username, now);
    this.#failures.delete(username);
    times.push(now);
    // Only the last maxFailures matter for the limit.
    if (times.length > this.#max) times.splice(0, times.length - this.#max);
    this.#failures.set(username, times);
    while (this.#failures.size > this.#maxTracked) {
      const oldest = this.#failures.keys().next().value as string;
      this.#failures.delete(oldest);
    }
  }
}
