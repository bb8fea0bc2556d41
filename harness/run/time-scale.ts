/**
 * Chooses the time scale S (simulated ms per real ms). Two limits:
 *  - wall clock: the simulated hours (plus cool-down) must fit into the wall budget after
 *    start-up and snapshot overheads;
 *  - capacity: S multiplies every rate, so planned events per real second must stay within what
 *    this machine can generate and serve; past that, actions would be late or dropped.
 * The smaller S wins; a run never silently outpaces its capacity (fidelity is still measured).
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
  readonly limitedBy: 'wall-clock' | 'capacity';
  /** Planned events per real second at the chosen scale. */
  readonly plannedEventsPerSecond: number;
  readonly estimatedWallSeconds: number;
}

/** Start-up of store, server and virtual users, three heap snapshots, teardown: measured ~20–30 s here. */
export const DEFAULT_OVERHEAD_SECONDS = 30;

export function chooseTimeScale(input: TimeScaleInput): TimeScaleChoice {
  const overhead = input.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS;
  const simMs = (input.hours + input.cooldownHours) * 3_600_000;
  const soakSeconds = Math.max(10, input.maxWallMinutes * 60 - overhead);
  const byWall = simMs / (soakSeconds * 1000);
  const perSimMs = input.plannedEventsPerSimHour / 3_600_000;
  // events per real ms = perSimMs * S  →  S ≤ capacity per real ms / perSimMs
  const byCapacity = perSimMs > 0 ? input.capacityEventsPerSecond / 1000 / perSimMs : Number.POSITIVE_INFINITY;
  const limitedBy = byCapacity < byWall ? 'capacity' : 'wall-clock';
  // Whole numbers read better in reports; never below real time.
  const scale = Math.max(1, Math.floor(Math.min(byWall, byCapacity)));
  return {
    scale,
    limitedBy,
    plannedEventsPerSecond: perSimMs * scale * 1000,
    estimatedWallSeconds: overhead + simMs / scale / 1000,
  };
}
