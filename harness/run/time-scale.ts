/**
 * Chooses the time scale S (simulated ms per real ms), stretch by stretch of the scenario, and the
 * real-time floor of periodic timers.
 *  - capacity: S multiplies every action rate, so planned actions per real second must stay
 *    within what this machine can generate and serve; past that, actions would be late or dropped.
 *    A busy morning therefore runs slower than an idle night.
 *  - wall clock: the simulated hours (plus cool-down) should fit into the wall budget after
 *    start-up and snapshot overheads.
 * Each stretch runs as fast as the capacity allows (up to MAX_SCALE, IDLE_MAX_SCALE without actions,
 * and no faster than its minimum real duration); when that cannot fit the wall budget the run
 * takes longer and says so up front — it never outpaces its capacity to meet a budget.
 *  - all traffic: the periodic timers (10 s presence ping and request poll, weather, the
 *    server's heartbeat and sweeper) and the HTTP load multiply by S as the actions do, so each
 *    stretch's cost per simulated hour counts actions, timers and HTTP together, weighed by a
 *    per-event-type cost (plan-time-scale.ts EVENT_COST, from `npm run bench -- --only
 *    event-cost`). socket.io's keepalive runs in real time at its floor: a fixed real-time cost
 *    taken off the capacity first. Only on request (`--timer-floor`) do timers run slower than
 *    production rate; their cost is then the floored one, also a real-time cost.
 */
import { realMsBetween, type ScaleStep } from '../../common/sim-clock.js';

/** A stretch of simulated time with one planned action rate (a scenario phase, or the cool-down). */
export interface LoadSegment {
  readonly name: string;
  readonly fromSimMs: number;
  readonly toSimMs: number;
  /** Actions all users together plan per simulated hour in this stretch, in capacity units (plan-time-scale.ts ACTION_COST). */
  readonly actionsPerSimHour: number;
  /** Periodic timer events per simulated hour at production rate (all users, the server's too), in capacity units. @default 0 */
  readonly timerUnitsPerSimHour?: number;
  /** HTTP requests per simulated hour, in capacity units. @default 0 */
  readonly httpUnitsPerSimHour?: number;
  /** The stretch lasts at least this many real seconds (the cool-down: time for the server to settle). @default 0 */
  readonly minRealSeconds?: number;
}

export interface TimeScaleInput {
  /** Contiguous stretches from simulated 0 to the end of the cool-down. */
  readonly segments: readonly LoadSegment[];
  readonly maxWallMinutes: number;
  /** Actions per real second this machine sustains (load + server), from `npm run bench`. */
  readonly capacityEventsPerSecond: number;
  /** Simulated periods of the periodic client→server timers every user runs, ms. @default none */
  readonly timerPeriodsSimMs?: readonly number[];
  /** Users (for the timers' total). @default 0 */
  readonly users?: number;
  /** Real seconds spent outside the soak proper: start-up, snapshots, teardown. */
  readonly overheadSeconds?: number;
  /**
   * Capacity units per real second spent whatever the scale (socket.io keepalives at their real
   * floor; timers floored on request), taken off the capacity before the scale is chosen. @default 0
   */
  readonly realTimeUnitsPerSecond?: number;
  /** The timer floor asked for (`--timer-floor`), real ms; absent = every timer at production rate. */
  readonly timerFloorMs?: number;
}

/** One step of the chosen schedule, for the report and the start line. */
export interface ScalePhase {
  readonly name: string;
  readonly fromHour: number;
  readonly toHour: number;
  readonly scale: number;
  readonly limitedBy: 'capacity' | 'max-scale' | 'min-real-time' | 'fixed';
  /** Planned actions per real second in this stretch at its scale, in capacity units. */
  readonly plannedActionsPerSecond: number;
  /** All planned traffic (actions, timers at production rate unless floored, HTTP, keepalives) per real second at its scale, capacity units. */
  readonly plannedUnitsPerSecond?: number;
}

export interface TimeScaleChoice {
  /**
   * The run's mean scale: simulated over real ms from 0 to the end of the cool-down. Equal to
   * every step's scale when the scale is constant (a fixed --time-scale).
   */
  readonly scale: number;
  /** The clock's steps (common/sim-clock.ts); one step when the scale is constant. */
  readonly schedule: readonly ScaleStep[];
  /** The stretches behind the schedule, with what set each one's scale. */
  readonly phases: readonly ScalePhase[];
  /** What set the scale of the busiest stretch: capacity, the MAX_SCALE ceiling, or a fixed --time-scale. */
  readonly limitedBy: ScalePhase['limitedBy'];
  /** True when the run fits the wall budget. */
  readonly withinBudget: boolean;
  /** Planned actions per real second in the stretch that plans the most. */
  readonly plannedEventsPerSecond: number;
  readonly estimatedWallSeconds: number;
  /** Real-ms floor of periodic timers: 1 (none) unless asked for with `--timer-floor`. */
  readonly intervalFloorMs: number;
  /** Timer events per real second (client timers, all users), in the fastest stretch. */
  readonly plannedTimerEventsPerSecond: number;
  /** The capacity the plan assumed, actions per real second (TimeScaleInput.capacityEventsPerSecond). */
  readonly capacityEventsPerSecond: number;
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

/**
 * Real seconds a run spends outside simulated time: start-up of store and server, buddy seeding,
 * the baseline heap snapshot and the load's start (12 s before simulated time 0), then the end
 * snapshot, teardown and analysis (9 s after the cool-down). Measured in the default run here.
 */
export const DEFAULT_OVERHEAD_SECONDS = 21;

/**
 * Highest time scale of a stretch with actions, set by the sampler: one sample's forced GC and reads pause the server for a
 * median 94 ms here (p90 121 ms, 198 samples of 10 soaks), and that pause must stay under ~7% of
 * the real time between samples at the default 15-simulated-minute cadence, so as not to take
 * the capacity the actions need: 900,000 / S ≥ 94 / 0.07 → S ≤ 670. At S = 1000 a 6-user fixed
 * soak got too few samples for a heap trend and a saturated event loop (p99 delay 200 ms).
 */
export const MAX_SCALE = 600;

/**
 * Highest time scale of a stretch without actions (the night, the cool-down): 15 simulated
 * minutes are then 0.25 s real. Nothing competes with the sampler there but the timers (which,
 * at production rate, usually set a stretch's scale well below this), so its pause may take a
 * larger share. Measured (default run, 100 users, 52 night samples):
 *  - at S = 1800, samples kept their 0.5 s cadence, the probe's median pause was 79 ms and the
 *    server's event loop was busy a median 40% of the time (sampling included);
 *  - at S = 3600, they kept 0.25 s (median gap 249 ms, widest 301 ms = 18 simulated minutes),
 *    the probe's median pause was 80 ms and the event loop was busy a median 54%; the whole
 *    run's sampling cost stayed at 7.4% of the server's CPU (the same 52 samples; 8.8% once
 *    the server's own work per action got cheaper), and the night took 13 s instead of 26 s.
 * Faster would need samples closer than the ~80 ms a forced GC and the probe take.
 */
export const IDLE_MAX_SCALE = 3600;

/**
 * The schedule: each stretch runs as fast as the capacity allows for its own action rate, never
 * past MAX_SCALE (IDLE_MAX_SCALE for a stretch without actions, such as the night) nor faster
 * than its minimum real duration allows; `fixedScale` runs every stretch at one scale.
 * The interval floor is the largest any stretch needs, so the timers fit their budget throughout.
 */
export function chooseTimeScale(input: TimeScaleInput, fixedScale?: number): TimeScaleChoice {
  const overhead = input.overheadSeconds ?? DEFAULT_OVERHEAD_SECONDS;
  if (input.segments.length === 0) throw new RangeError('a time-scale plan needs at least one stretch of simulated time');
  const floored = input.timerFloorMs !== undefined && input.timerFloorMs > 1;
  const fixedCost = input.realTimeUnitsPerSecond ?? 0;
  // What is left for traffic that scales with S; never below a tenth, so an absurd fixed cost slows the run rather than stopping it.
  const available = Math.max(input.capacityEventsPerSecond - fixedCost, input.capacityEventsPerSecond / 10);
  const phases: ScalePhase[] = input.segments.map((seg) => {
    const perRealMsAtScale1 = seg.actionsPerSimHour / 3_600_000;
    // Timers floored on request cost real time (in realTimeUnitsPerSecond), not simulated time.
    const scaledUnits = seg.actionsPerSimHour + (floored ? 0 : (seg.timerUnitsPerSimHour ?? 0)) + (seg.httpUnitsPerSimHour ?? 0);
    const unitsPerSimMs = scaledUnits / 3_600_000;
    // units per real ms = per simulated ms × S  →  S ≤ available per real ms / per simulated ms
    const byCapacity = unitsPerSimMs > 0 ? available / 1000 / unitsPerSimMs : Number.POSITIVE_INFINITY;
    const ceiling = perRealMsAtScale1 > 0 ? MAX_SCALE : IDLE_MAX_SCALE;
    const minReal = seg.minRealSeconds ?? 0;
    const byRealTime = minReal > 0 ? (seg.toSimMs - seg.fromSimMs) / (minReal * 1000) : Number.POSITIVE_INFINITY;
    const fastest = Math.min(byCapacity, ceiling, byRealTime);
    const scale = fixedScale ?? Math.max(1, Math.floor(fastest));
    const limitedBy: ScalePhase['limitedBy'] =
      fixedScale !== undefined ? 'fixed' : fastest === byRealTime ? 'min-real-time' : fastest === ceiling ? 'max-scale' : 'capacity';
    return {
      name: seg.name,
      fromHour: seg.fromSimMs / 3_600_000,
      toHour: seg.toSimMs / 3_600_000,
      scale,
      limitedBy,
      plannedActionsPerSecond: perRealMsAtScale1 * scale * 1000,
      plannedUnitsPerSecond: unitsPerSimMs * scale * 1000 + fixedCost,
    };
  });
  const schedule: ScaleStep[] = [];
  for (const p of phases) {
    if (schedule[schedule.length - 1]?.scale !== p.scale) schedule.push({ fromSimMs: p.fromHour * 3_600_000, scale: p.scale });
  }
  const endSimMs = (input.segments[input.segments.length - 1] as LoadSegment).toSimMs;
  const realMs = realMsBetween({ scale: (schedule[0] as ScaleStep).scale, schedule }, 0, endSimMs);
  const busiest = phases.reduce((a, b) => (b.plannedActionsPerSecond > a.plannedActionsPerSecond ? b : a));
  const users = input.users ?? 0;
  const periods = input.timerPeriodsSimMs ?? [];
  const scales = schedule.map((st) => st.scale);
  const intervalFloorMs = floored ? Math.round(input.timerFloorMs as number) : 1;
  const estimatedWallSeconds = overhead + realMs / 1000;
  return {
    scale: Math.round(endSimMs / realMs),
    schedule,
    phases,
    limitedBy: busiest.limitedBy,
    plannedEventsPerSecond: busiest.plannedActionsPerSecond,
    estimatedWallSeconds,
    withinBudget: estimatedWallSeconds <= input.maxWallMinutes * 60,
    intervalFloorMs,
    plannedTimerEventsPerSecond: Math.max(...scales.map((sc) => timerEventsPerSecond(users, periods, sc, intervalFloorMs))),
    capacityEventsPerSecond: input.capacityEventsPerSecond,
  };
}
