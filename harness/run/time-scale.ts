/**
 * Chooses the time scale S (simulated ms per real ms) and the real-time floor of periodic timers.
 *  - wall clock: the simulated hours (plus cool-down) must fit into the wall budget after
 *    start-up and snapshot overheads;
 *  - capacity: S multiplies every action rate, so planned actions per real second must stay
 *    within what this machine can generate and serve; past that, actions would be late or dropped.
 * S is the fastest the capacity allows (up to MAX_SCALE); when that cannot fit the wall budget
 * the run takes longer and says so up front — it never outpaces its capacity to meet a budget.
 *  - timers: every user's periodic timers (10 s presence ping and request poll, …) would
 *    multiply by S too; they get their own budget of events per real second, met by the smallest
 *    real-time floor on interval periods that fits it (see common/sim-clock.ts).
 */

export interface TimeScaleInput {
  readonly hours: number;
  readonly cooldownHours: number;
  readonly maxWallMinutes: number;
  /** Actions the scenario plans per simulated hour for all users, in its busiest phase. */
  readonly plannedEventsPerSimHour: number;
  /** Actions per real second this machine sustains (load + server), from `npm run bench`. */
  readonly capacityEventsPerSecond: number;
  /** Simulated periods of the periodic client→server timers every user runs, ms. @default none */
  readonly timerPeriodsSimMs?: readonly number[];
  /** Users (for the timers' total). @default 0 */
  readonly users?: number;
  /** Timer events per real second the run may spend, all users together. @default Infinity */
  readonly timerBudgetPerSecond?: number;
  /** Real seconds spent outside the soak proper: start-up, snapshots, teardown. */
  readonly overheadSeconds?: number;
}

export interface TimeScaleChoice {
  readonly scale: number;
  /** What set the scale: the machine's capacity, the MAX_SCALE ceiling, or a fixed --time-scale. */
  readonly limitedBy: 'capacity' | 'max-scale' | 'fixed';
  /** True when the run fits the wall budget. */
  readonly withinBudget: boolean;
  /** Planned actions per real second at the chosen scale (busiest phase). */
  readonly plannedEventsPerSecond: number;
  readonly estimatedWallSeconds: number;
  /** Real-ms floor of periodic timers (1 = no floor in effect). */
  readonly intervalFloorMs: number;
  /** Timer events per real second with the floor in effect, all users. */
  readonly plannedTimerEventsPerSecond: number;
}

/** Timer events per real second of `users` running intervals of `periodsSimMs` at S with floor F. */
export function timerEventsPerSecond(users: number, periodsSimMs: readonly number[], scale: number, floorMs: number): number {
  return users * periodsSimMs.reduce((sum, p) => sum + 1000 / Math.max(floorMs, p / scale), 0);
}

/**
 * The smallest whole-ms floor (≥ 1) at which the timers fit `budget` events per real second.
 * The rate only falls as the floor rises, so a binary search over [1, max period] finds it.
 */
export function chooseIntervalFloor(users: number, periodsSimMs: readonly number[], scale: number, budget: number): number {
  if (users <= 0 || periodsSimMs.length === 0 || timerEventsPerSecond(users, periodsSimMs, scale, 1) <= budget) return 1;
  let lo = 1;
  let hi = Math.max(2, Math.ceil((users * periodsSimMs.length * 1000) / budget));
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (timerEventsPerSecond(users, periodsSimMs, scale, mid) <= budget) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Start-up of store, server and virtual users, three heap snapshots, teardown: measured ~20–30 s here. */
export const DEFAULT_OVERHEAD_SECONDS = 30;

/**
 * Highest time scale, set by the sampler rather than by the timers (which the interval floor
 * handles): one sample's forced GC and reads pause the server for a median 94 ms here (p90 121 ms,
 * 198 samples of 10 soaks), and that pause must stay under ~7% of the real time between samples at
 * the default 15-simulated-minute cadence: 900,000 / S ≥ 94 / 0.07 → S ≤ 670. At S = 1000 a 6-user
 * fixed soak got too few samples for a heap trend and a saturated event loop (p99 delay 200 ms).
 */
export const MAX_SCALE = 600;

export function chooseTimeScale(input: TimeScaleInput): TimeScaleChoice {
  const overhead = input.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS;
  const simMs = (input.hours + input.cooldownHours) * 3_600_000;
  const soakSeconds = Math.max(10, input.maxWallMinutes * 60 - overhead);
  const byWall = simMs / (soakSeconds * 1000);
  const perSimMs = input.plannedEventsPerSimHour / 3_600_000;
  // events per real ms = perSimMs * S  →  S ≤ capacity per real ms / perSimMs
  const byCapacity = perSimMs > 0 ? input.capacityEventsPerSecond / 1000 / perSimMs : Number.POSITIVE_INFINITY;
  // The wall budget is a ceiling, not a target: run as fast as the capacity allows (so short
  // runs end sooner), never faster than MAX_SCALE, and say when the capacity makes the run
  // longer than the budget.
  const fastest = Math.min(byCapacity, MAX_SCALE);
  const limitedBy: TimeScaleChoice['limitedBy'] = fastest === MAX_SCALE ? 'max-scale' : 'capacity';
  const scale = Math.max(1, Math.floor(fastest));
  const users = input.users ?? 0;
  const periods = input.timerPeriodsSimMs ?? [];
  const intervalFloorMs = chooseIntervalFloor(users, periods, scale, input.timerBudgetPerSecond ?? Number.POSITIVE_INFINITY);
  return {
    scale,
    limitedBy,
    plannedEventsPerSecond: perSimMs * scale * 1000,
    estimatedWallSeconds: overhead + simMs / scale / 1000,
    withinBudget: scale >= byWall,
    intervalFloorMs,
    plannedTimerEventsPerSecond: timerEventsPerSecond(users, periods, scale, intervalFloorMs),
  };
}
