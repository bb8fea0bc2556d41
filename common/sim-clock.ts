/**
 * Simulated time. Every app timer (server sweeper, buddy ping, request poll, weather refresh,
 * think times) is written in simulated milliseconds and scheduled here. With time scale S
 * (simulated ms per real ms), a 10 s ping at S = 600 fires every 16.7 real ms, so a 25-hour soak
 * takes 2.5 real minutes while each simulated hour sees the events a real hour would.
 *
 * All processes of one run share the epoch (a wall-clock instant, `Date.now()` ms) and the scale,
 * so simulated time agrees across the harness, the server and the load workers.
 *
 * Timers are real Node/DOM timers underneath: a leaked interval stays visible to
 * `process.getActiveResourcesInfo()` and to the clock's own live counts.
 *
 * Periodic timers have a real-time floor (`minIntervalRealMs`). Left unfloored, the every-10-s
 * presence ping and buddy-request poll of 100 users at S = 500 would be 10,000 socket events per
 * real second, 16× the users' actions; no 2-core machine serves that. The floor keeps every
 * interval alive and firing (so a leaked interval is still counted and still multiplies its
 * user's ping rate), but no more often than the floor in real time: the harness chooses it so the
 * timers' events fit their share of capacity, and reports the effective simulated period.
 * One-shot timers (think times, back-off) are never floored: they are the scenario's actions.
 */

export interface SimClockOptions {
  /** Simulated ms per real ms. @default 1 */
  readonly scale?: number;
  /** Wall-clock ms (Date.now()) at simulated time 0. @default Date.now() at construction */
  readonly epochMs?: number;
  /** Smallest real delay handed to the runtime, ms; guards against a 0 ms busy loop. @default 1 */
  readonly minRealDelayMs?: number;
  /** Smallest real period of a `setInterval`, ms (see the module comment). @default minRealDelayMs */
  readonly minIntervalRealMs?: number;
}

/** What a child process needs to rebuild the run's clock. */
export interface ClockSpec {
  readonly scale: number;
  readonly epochMs: number;
  readonly minIntervalRealMs?: number;
}

export type SimTimer = ReturnType<typeof setTimeout>;

export class SimClock {
  readonly scale: number;
  readonly epochMs: number;
  readonly minRealDelayMs: number;
  readonly minIntervalRealMs: number;
  readonly #timeouts = new Set<SimTimer>();
  readonly #intervals = new Set<SimTimer>();

  constructor(options: SimClockOptions = {}) {
    const scale = options.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new RangeError(`time scale must be a positive number, got ${String(scale)}`);
    }
    this.scale = scale;
    this.epochMs = options.epochMs ?? Date.now();
    this.minRealDelayMs = options.minRealDelayMs ?? 1;
    const floor = options.minIntervalRealMs ?? this.minRealDelayMs;
    if (!Number.isFinite(floor) || floor < 0) {
      throw new RangeError(`interval floor must be a non-negative number of ms, got ${String(floor)}`);
    }
    this.minIntervalRealMs = Math.max(this.minRealDelayMs, floor);
  }

  /** The spec children rebuild this clock from. */
  spec(): ClockSpec {
    return { scale: this.scale, epochMs: this.epochMs, minIntervalRealMs: this.minIntervalRealMs };
  }

  /** Simulated ms since the epoch. */
  now(): number {
    return (Date.now() - this.epochMs) * this.scale;
  }

  /** Simulated hours since the epoch. */
  hours(): number {
    return this.now() / 3_600_000;
  }

  /** The simulated wall-clock date: the epoch plus simulated elapsed time. */
  date(): Date {
    return new Date(this.epochMs + this.now());
  }

  /** Real ms for a simulated duration (floored at minRealDelayMs). */
  toReal(simMs: number): number {
    return Math.max(this.minRealDelayMs, simMs / this.scale);
  }

  /** Simulated ms for a real duration. */
  toSim(realMs: number): number {
    return realMs * this.scale;
  }

  setTimeout(fn: () => void, simMs: number): SimTimer {
    const handle: SimTimer = setTimeout(() => {
      this.#timeouts.delete(handle);
      fn();
    }, this.toReal(simMs));
    this.#timeouts.add(handle);
    return handle;
  }

  clearTimeout(handle: SimTimer | undefined | null): void {
    if (handle == null) return;
    clearTimeout(handle);
    this.#timeouts.delete(handle);
  }

  /** Real ms between fires of an interval of `simMs` simulated ms (the floor applied). */
  intervalRealMs(simMs: number): number {
    return Math.max(this.minIntervalRealMs, simMs / this.scale);
  }

  /** Simulated ms between fires of an interval of `simMs` (longer than asked when floored). */
  intervalSimMs(simMs: number): number {
    return this.intervalRealMs(simMs) * this.scale;
  }

  setInterval(fn: () => void, simMs: number): SimTimer {
    const handle = setInterval(fn, this.intervalRealMs(simMs));
    this.#intervals.add(handle);
    return handle;
  }

  clearInterval(handle: SimTimer | undefined | null): void {
    if (handle == null) return;
    clearInterval(handle);
    this.#intervals.delete(handle);
  }

  /** Resolves after a simulated duration. */
  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimeout(resolve, simMs));
  }

  /** Live timers created through this clock and not yet cleared/fired. */
  live(): { timeouts: number; intervals: number } {
    return { timeouts: this.#timeouts.size, intervals: this.#intervals.size };
  }

  /** Clears every timer this clock created (used at teardown, never by app code). */
  clearAll(): void {
    for (const t of this.#timeouts) clearTimeout(t);
    for (const t of this.#intervals) clearInterval(t);
    this.#timeouts.clear();
    this.#intervals.clear();
  }
}

/** Environment variables through which a run hands its clock to child processes. */
export const CLOCK_ENV = Object.freeze({ scale: 'SOAK_TIME_SCALE', epoch: 'SOAK_SIM_EPOCH', intervalFloor: 'SOAK_INTERVAL_FLOOR_MS' });

/** The env a child process needs for `clockFromEnv` to rebuild `spec`. */
export function clockEnv(spec: ClockSpec): Record<string, string> {
  return {
    [CLOCK_ENV.scale]: String(spec.scale),
    [CLOCK_ENV.epoch]: String(spec.epochMs),
    ...(spec.minIntervalRealMs === undefined ? {} : { [CLOCK_ENV.intervalFloor]: String(spec.minIntervalRealMs) }),
  };
}

/**
 * Builds a clock from `SOAK_TIME_SCALE` / `SOAK_SIM_EPOCH` / `SOAK_INTERVAL_FLOOR_MS`
 * (defaults: scale 1, epoch now, no interval floor beyond 1 ms).
 */
export function clockFromEnv(env: Record<string, string | undefined>): SimClock {
  const scaleText = env[CLOCK_ENV.scale];
  const epochText = env[CLOCK_ENV.epoch];
  const scale = scaleText === undefined || scaleText === '' ? 1 : Number(scaleText);
  const epochMs = epochText === undefined || epochText === '' ? Date.now() : Number(epochText);
  if (!Number.isFinite(epochMs)) throw new RangeError(`${CLOCK_ENV.epoch} must be a number of ms, got ${epochText}`);
  const floorText = env[CLOCK_ENV.intervalFloor];
  const floor = floorText === undefined || floorText === '' ? undefined : Number(floorText);
  if (floor !== undefined && !(floor >= 0)) throw new RangeError(`${CLOCK_ENV.intervalFloor} must be a non-negative number of ms, got ${floorText}`);
  return new SimClock({ scale, epochMs, ...(floor === undefined ? {} : { minIntervalRealMs: floor }) });
}
