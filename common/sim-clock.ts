/**
 * Simulated time. Every app timer (server sweeper, buddy ping, request poll, weather refresh,
 * think times) is written in simulated milliseconds and scheduled here. With time scale S
 * (simulated ms per real ms), a 10 s ping at S = 600 fires every 16.7 real ms, so a 25-hour soak
 * takes 2.5 real minutes while each simulated hour sees the events a real hour would.
 *
 * All processes of one run share the epoch (a wall-clock instant, `Date.now()` ms) and the scale,
 * so simulated time agrees across the harness, the server and the load workers. The server is
 * spawned before the run's epoch is known (seeding and a heap snapshot come first), so it starts
 * with a provisional epoch (`SOAK_SIM_EPOCH=pending`) and `startAt` moves it to the run's.
 *
 * Timers are real Node/DOM timers underneath: a leaked interval stays visible to
 * `process.getActiveResourcesInfo()` and to the clock's own live counts.
 *
 * Periodic timers fire at their simulated period: the harness chooses S so that every timer's
 * events fit this machine with the users' actions (harness/run/time-scale.ts), never the other
 * way round. A real-time floor (`minIntervalRealMs`) exists only for reduced-fidelity runs asked
 * for with `--timer-floor`: every interval stays alive and firing (a leaked interval is still
 * counted and still multiplies its user's ping rate), but no more often than the floor in real
 * time, and the report states each timer type's share of production rate.
 * One-shot timers (think times, back-off) are never floored: they are the scenario's actions.
 *
 * The scale may change with simulated time (`schedule`): a run goes as fast as each phase of its
 * scenario allows, e.g. S = 150 through the busy morning and S = 600 through the idle night. Time
 * is then a piecewise-linear map between real and simulated ms, the same in every process that
 * shares the epoch and the schedule. A timeout's real delay is the real time until its
 * simulated instant, across steps; an interval re-arms after each fire with the scale of the
 * moment (so a 15-minute refresh follows the night's faster clock), floored as above.
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
  /** Scale steps over simulated time; the first must be at simulated 0 and then sets the scale. */
  readonly schedule?: readonly ScaleStep[];
}

/** From simulated instant `fromSimMs` (ms since the epoch) on, the clock runs at `scale`. */
export interface ScaleStep {
  readonly fromSimMs: number;
  readonly scale: number;
  /**
   * A quiet hold (harness/run/checkpoints.ts): until the next step, virtual users start no new
   * action while the app's own timers run on as always; the harness reads its checkpoint then.
   * Only the load reads it (`isHeld`): to a server a hold is just a stretch at its scale.
   */
  readonly hold?: boolean;
}

/** What a child process needs to rebuild the run's clock. */
export interface ClockSpec {
  /** The scale at simulated 0 (the only one without a schedule). */
  readonly scale: number;
  readonly epochMs: number;
  readonly minIntervalRealMs?: number;
  /** Scale steps, the first at simulated 0 with `scale`; absent = constant scale. */
  readonly schedule?: readonly ScaleStep[];
}

export type SimTimer = ReturnType<typeof setTimeout>;

/**
 * Longest delay a native timer takes (2^31 − 1 ms, ~24.8 days); Node fires a longer one after 1 ms
 * with a warning. A simulated timeout further off than that waits in steps of it (setTimeout).
 */
const MAX_NATIVE_DELAY_MS = 2_147_483_647;

/**
 * How far behind (real ms) an interval still catches up its missed deadlines. A loaded 2-core
 * machine delays a timer by tens to hundreds of ms (a sampler's forced GC: median 94 ms, p90
 * 121 ms here); a jump of the epoch (`startAt`, seconds of seeding) must not become a burst.
 */
export const INTERVAL_CATCH_UP_REAL_MS = 1000;

/** An interval's handle: it re-arms a real timeout after each fire, so the scale of the moment applies. */
export class SimInterval {
  /** The pending real timeout (one at a time, so a live interval is one active Timeout). */
  timer: SimTimer | undefined = undefined;
}

interface Step extends ScaleStep {
  /** Real ms since the epoch at which this step begins. */
  readonly fromRealMs: number;
}

/** Checks a schedule and adds each step's real start; a missing or empty one is the constant `scale`. */
function buildSteps(scale: number, schedule: readonly ScaleStep[] | undefined): Step[] {
  const given = schedule && schedule.length > 0 ? schedule : [{ fromSimMs: 0, scale }];
  const steps: Step[] = [];
  let realMs = 0;
  given.forEach((step, i) => {
    if (!Number.isFinite(step.scale) || step.scale <= 0) {
      throw new RangeError(`time scale must be a positive number, got ${String(step.scale)}`);
    }
    const prev = steps[i - 1];
    if (!prev) {
      if (step.fromSimMs !== 0) throw new RangeError(`a time-scale schedule starts at simulated 0, got ${String(step.fromSimMs)}`);
    } else {
      if (!(step.fromSimMs > prev.fromSimMs)) throw new RangeError('time-scale schedule steps must be in increasing simulated time');
      realMs += (step.fromSimMs - prev.fromSimMs) / prev.scale;
    }
    steps.push({ fromSimMs: step.fromSimMs, scale: step.scale, fromRealMs: realMs, ...(step.hold ? { hold: true } : {}) });
  });
  return steps;
}

/** Simulated ms at `realMs` real ms since the epoch (before the epoch: the first step's scale). */
function simAt(steps: readonly Step[], realMs: number): number {
  let step = steps[0] as Step;
  for (const s of steps) if (s.fromRealMs <= realMs) step = s;
  return step.fromSimMs + (realMs - step.fromRealMs) * step.scale;
}

/** Real ms since the epoch at `simMs` simulated ms (the inverse of `simAt`). */
function realAt(steps: readonly Step[], simMs: number): number {
  let step = steps[0] as Step;
  for (const s of steps) if (s.fromSimMs <= simMs) step = s;
  return step.fromRealMs + (simMs - step.fromSimMs) / step.scale;
}

/**
 * Real ms a clock with this schedule spends between two simulated instants (pure; the harness
 * uses it to plan wall time and to check the achieved clock rate).
 */
export function realMsBetween(spec: Pick<ClockSpec, 'scale' | 'schedule'>, fromSimMs: number, toSimMs: number): number {
  const steps = buildSteps(spec.scale, spec.schedule);
  return realAt(steps, toSimMs) - realAt(steps, fromSimMs);
}

export class SimClock {
  /** The scale at simulated 0; with a schedule, `scaleAt` gives the one of any instant. */
  readonly scale: number;
  #epochMs: number;
  readonly minRealDelayMs: number;
  readonly minIntervalRealMs: number;
  readonly schedule: readonly ScaleStep[] | undefined;
  readonly #steps: readonly Step[];
  readonly #timeouts = new Set<SimTimer>();
  /** A timeout that fired early (see setTimeout) → the native timer now standing in for it. */
  readonly #rearmed = new Map<SimTimer, SimTimer>();
  readonly #intervals = new Set<SimInterval>();

  constructor(options: SimClockOptions = {}) {
    const scale = options.schedule?.[0]?.scale ?? options.scale ?? 1;
    if (!Number.isFinite(scale) || scale <= 0) {
      throw new RangeError(`time scale must be a positive number, got ${String(scale)}`);
    }
    this.scale = scale;
    this.#steps = buildSteps(scale, options.schedule);
    this.schedule = this.#steps.length > 1 ? this.#steps.map(({ fromSimMs, scale: s, hold }) => ({ fromSimMs, scale: s, ...(hold ? { hold } : {}) })) : undefined;
    this.#epochMs = options.epochMs ?? Date.now();
    this.minRealDelayMs = options.minRealDelayMs ?? 1;
    const floor = options.minIntervalRealMs ?? this.minRealDelayMs;
    if (!Number.isFinite(floor) || floor < 0) {
      throw new RangeError(`interval floor must be a non-negative number of ms, got ${String(floor)}`);
    }
    this.minIntervalRealMs = Math.max(this.minRealDelayMs, floor);
  }

  /** Wall-clock ms (Date.now()) at simulated time 0. */
  get epochMs(): number {
    return this.#epochMs;
  }

  /**
   * Moves simulated time 0 to `epochMs`, so this clock agrees with one built later in another
   * process (the server's clock runs from its spawn, the run's from after seeding). Simulated time
   * may only jump forward (an earlier or equal epoch): timers that compare instants never see time
   * run back. Live timers keep their real deadlines; an interval re-arms on the new epoch after
   * its next fire. Returns the simulated ms the clock jumped.
   */
  startAt(epochMs: number): number {
    if (!Number.isFinite(epochMs)) throw new RangeError(`an epoch must be a number of ms, got ${String(epochMs)}`);
    if (epochMs > this.#epochMs) {
      throw new RangeError(`an epoch of ${String(epochMs)} would move simulated time back (the clock's epoch is ${String(this.#epochMs)})`);
    }
    const before = this.now();
    this.#epochMs = epochMs;
    return this.now() - before;
  }

  /** The spec children rebuild this clock from. */
  spec(): ClockSpec {
    return { scale: this.scale, epochMs: this.epochMs, minIntervalRealMs: this.minIntervalRealMs, ...(this.schedule ? { schedule: this.schedule } : {}) };
  }

  /** Simulated ms since the epoch. */
  now(): number {
    return simAt(this.#steps, Date.now() - this.epochMs);
  }

  /**
   * Simulated ms at the wall-clock instant `epochMs` (a Date.now() reading): what this clock read
   * or will read then, so a reading another process took can be checked against this clock.
   */
  simAt(epochMs: number): number {
    return simAt(this.#steps, epochMs - this.epochMs);
  }

  /** The scale in force at simulated instant `simMs` (default: now). */
  scaleAt(simMs: number = this.now()): number {
    let scale = this.scale;
    for (const s of this.#steps) if (s.fromSimMs <= simMs) scale = s.scale;
    return scale;
  }

  /** True inside a quiet hold of the schedule (ScaleStep.hold) at simulated `simMs` (default: now). */
  isHeld(simMs: number = this.now()): boolean {
    let held = false;
    for (const s of this.#steps) if (s.fromSimMs <= simMs) held = s.hold === true;
    return held;
  }

  /** Real ms from now until simulated instant `simMs` (negative once it has passed). */
  realUntil(simMs: number): number {
    return realAt(this.#steps, simMs) - (Date.now() - this.epochMs);
  }

  /** Simulated hours since the epoch. */
  hours(): number {
    return this.now() / 3_600_000;
  }

  /** The simulated wall-clock date: the epoch plus simulated elapsed time. */
  date(): Date {
    return new Date(this.epochMs + this.now());
  }

  /** Real ms a simulated duration starting now takes (floored at minRealDelayMs). */
  toReal(simMs: number): number {
    const realNow = Date.now() - this.epochMs;
    return Math.max(this.minRealDelayMs, realAt(this.#steps, simAt(this.#steps, realNow) + simMs) - realNow);
  }

  /** Simulated ms a real duration starting now covers. */
  toSim(realMs: number): number {
    const realNow = Date.now() - this.epochMs;
    return simAt(this.#steps, realNow + realMs) - simAt(this.#steps, realNow);
  }

  /**
   * Runs `fn` once, never before simulated `now() + simMs`. The event loop's timer clock and
   * `Date.now()` (which simulated time reads) both count whole ms and tick at different phases,
   * so a native timeout can end when `Date.now()` has moved a ms less than asked: at S = 1000 a
   * simulated second early (7–9 of 300 short sleeps, tests/common/sim-clock.test.ts). A fire
   * before the deadline re-arms for the rest; the handle returned stays the one to clear.
   */
  setTimeout(fn: () => void, simMs: number): SimTimer {
    const due = this.now() + simMs;
    const fire = (): void => {
      const left = this.realUntil(due);
      if (left > 0) {
        this.#rearmed.set(handle, setTimeout(fire, Math.min(Math.ceil(left), MAX_NATIVE_DELAY_MS)));
        return;
      }
      this.#timeouts.delete(handle);
      this.#rearmed.delete(handle);
      fn();
    };
    const handle: SimTimer = setTimeout(fire, Math.min(this.toReal(simMs), MAX_NATIVE_DELAY_MS));
    this.#timeouts.add(handle);
    return handle;
  }

  clearTimeout(handle: SimTimer | undefined | null): void {
    if (handle == null) return;
    clearTimeout(this.#rearmed.get(handle) ?? handle);
    this.#timeouts.delete(handle);
    this.#rearmed.delete(handle);
  }

  /** Real ms until the next fire of an interval of `simMs` simulated ms starting now (the floor applied). */
  intervalRealMs(simMs: number): number {
    return Math.max(this.minIntervalRealMs, this.toReal(simMs));
  }

  /** Simulated ms between fires of an interval of `simMs` now (longer than asked when floored). */
  intervalSimMs(simMs: number): number {
    return this.toSim(this.intervalRealMs(simMs));
  }

  /**
   * A periodic timer. Without a floor it keeps simulated deadlines (`due`, `due + simMs`, …) and
   * arms each real timeout for the next one, so a fire a millisecond late does not push every
   * later fire back: at S = 1000 a 10 s interval is 10 ms real, and re-arming from each late fire
   * would lose ~10% of its ticks. Missed deadlines are caught up, one per real ms, up to
   * INTERVAL_CATCH_UP_REAL_MS behind; further behind (`startAt` jumped the clock, the process was
   * stopped) they are dropped rather than fired in a burst, and the run's timer fidelity counts
   * the loss. With a floor (`--timer-floor`), each fire re-arms the floored
   * real period from now, as a reduced-fidelity run asks.
   */
  setInterval(fn: () => void, simMs: number): SimInterval {
    const handle = new SimInterval();
    const floored = this.minIntervalRealMs > this.minRealDelayMs;
    let due = this.now() + simMs;
    // Re-armed before `fn` runs, so `fn` may clear its own interval, as with a native one.
    const arm = (): void => {
      const delay = floored ? this.intervalRealMs(simMs) : Math.max(this.minRealDelayMs, this.realUntil(due));
      handle.timer = setTimeout(() => {
        due += simMs;
        if (this.realUntil(due) < -INTERVAL_CATCH_UP_REAL_MS) due = this.now() + simMs;
        arm();
        fn();
      }, delay);
    };
    arm();
    this.#intervals.add(handle);
    return handle;
  }

  clearInterval(handle: SimInterval | undefined | null): void {
    if (handle == null) return;
    clearTimeout(handle.timer);
    handle.timer = undefined;
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
    for (const t of this.#timeouts) clearTimeout(this.#rearmed.get(t) ?? t);
    for (const t of this.#intervals) clearTimeout(t.timer);
    this.#timeouts.clear();
    this.#rearmed.clear();
    this.#intervals.clear();
  }
}

/** Environment variables through which a run hands its clock to child processes. */
export const CLOCK_ENV = Object.freeze({ scale: 'SOAK_TIME_SCALE', epoch: 'SOAK_SIM_EPOCH', intervalFloor: 'SOAK_INTERVAL_FLOOR_MS', schedule: 'SOAK_TIME_SCHEDULE' });

/** `SOAK_SIM_EPOCH` value for a server whose epoch the harness sets later (ROUTES.clockStart). */
export const EPOCH_PENDING = 'pending';

/** A schedule as env text: `simMs:scale` steps joined by commas, e.g. `0:150,14400000:600`. */
export function formatSchedule(schedule: readonly ScaleStep[]): string {
  return schedule.map((s) => `${String(s.fromSimMs)}:${String(s.scale)}`).join(',');
}

/** Parses `formatSchedule`'s text (the checks on order and scale are the clock's). */
export function parseSchedule(text: string): ScaleStep[] {
  return text.split(',').map((part) => {
    const [from, scale] = part.split(':').map(Number);
    if (from === undefined || scale === undefined || !Number.isFinite(from) || !Number.isFinite(scale)) {
      throw new RangeError(`${CLOCK_ENV.schedule} must be simMs:scale steps joined by commas, got ${JSON.stringify(text)}`);
    }
    return { fromSimMs: from, scale };
  });
}

/** The env a child process needs for `clockFromEnv` to rebuild `spec`. */
export function clockEnv(spec: ClockSpec): Record<string, string> {
  return {
    [CLOCK_ENV.scale]: String(spec.scale),
    [CLOCK_ENV.epoch]: String(spec.epochMs),
    ...(spec.minIntervalRealMs === undefined ? {} : { [CLOCK_ENV.intervalFloor]: String(spec.minIntervalRealMs) }),
    ...(spec.schedule && spec.schedule.length > 1 ? { [CLOCK_ENV.schedule]: formatSchedule(spec.schedule) } : {}),
  };
}

/**
 * Builds a clock from `SOAK_TIME_SCALE` / `SOAK_SIM_EPOCH` / `SOAK_INTERVAL_FLOOR_MS` /
 * `SOAK_TIME_SCHEDULE` (defaults: scale 1, epoch now, no interval floor beyond 1 ms, no schedule).
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
  const scheduleText = env[CLOCK_ENV.schedule];
  const schedule = scheduleText === undefined || scheduleText === '' ? undefined : parseSchedule(scheduleText);
  return new SimClock({ scale, epochMs, ...(floor === undefined ? {} : { minIntervalRealMs: floor }), ...(schedule ? { schedule } : {}) });
}
