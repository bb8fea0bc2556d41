/**
 * Chooses the time scale S (simulated ms per real ms). Two limits:
 *  - wall clock: the simulated hours (plus cool-down) must fit into the wall budget after
 *    start-up and snapshot overheads;
 *  - capacity: S multiplies every rate, so planned events per real second must stay within what
 *    this machine can generate and serve; past that, actions would be late or dropped.
 * S is the fastest the capacity allows (up to MAX_SCALE); when that cannot fit the wall budget
 * the run takes longer and says so up front — it never outpaces its capacity to meet a budget.
 */

export interface TimeScaleInput {
  readonly hours: number;
  readonly cooldownHours: number;
  readonly maxWallMinutes: number;
  /** Client→server events the scenario plans per simulated hour for all users (actions + timers). */
  readonly plannedEventsPerSimHour: number;
  /** Events per real second this machine sustains (load + server), from `npm run bench`. */
  readonly capacityEventsPerSecond: number;
  /** Real seconds spent outside the soak proper: start-up, snapshots, teardown. */
  readonly overheadSeconds?: number;
}

export interface TimeScaleChoice {
  readonly scale: number;
  /** What set the scale: the machine's capacity, the MAX_SCALE ceiling, or a fixed --time-scale. */
  readonly limitedBy: 'capacity' | 'max-scale' | 'fixed';
  /** True when the run fits the wall budget. */
  readonly withinBudget: boolean;
  /** Planned events per real second at the chosen scale. */
  readonly plannedEventsPerSecond: number;
  readonly estimatedWallSeconds: number;
}

/** Start-up of store, server and virtual users, three heap snapshots, teardown: measured ~20–30 s here. */
export const DEFAULT_OVERHEAD_SECONDS = 30;

/**
 * Highest time scale: at S = 1000 the 10 s buddy ping fires every 10 real ms; beyond it, timer
 * granularity (~1 ms) and event-loop jitter become a visible share of each simulated period.
 */
export const MAX_SCALE = 1000;

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
  return {
    scale,
    limitedBy,
    plannedEventsPerSecond: perSimMs * scale * 1000,
    estimatedWallSeconds: overhead + simMs / scale / 1000,
    withinBudget: scale >= byWall,
  };
}
