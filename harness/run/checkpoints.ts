/**
 * Quiet checkpoints (DESIGN.md "What is sampled"): at a regular simulated cadence and at each
 * scenario phase's end, the load holds — virtual users start no new action, the ones in flight
 * finish — while the app's own periodic timers keep running; the harness then collects the
 * server's heap until it is stable and reads every gauge. Leaks are judged on these readings,
 * where the heap no longer follows the momentary load.
 *
 * How a hold keeps every simulated hour's events (the decision, written down): each hold is
 * planned into the run's shared clock schedule as a short stretch at S = 1 flagged `hold`
 * (common/sim-clock.ts ScaleStep.hold). No process changes scale live: every one already has the
 * schedule. At S = 1 the app's timers fire at their production rate in real time too; actions
 * that fall due inside the hold (a hold of 2 s is 2 simulated s: at 100 users and ~50 actions per
 * user-hour, 0.06% of the hour's actions) wait for its end, so none is lost, and the hour keeps
 * its planned events. The holds' real time is added to the plan and reported as their cost.
 */
import { realMsBetween, type ScaleStep } from '../../common/sim-clock.js';
import type { TimeScaleChoice } from './time-scale.js';

const HOUR = 3_600_000;

/** One planned checkpoint: the hold starts at `simMs` and lasts `holdSimMs` (= real ms, at S = 1). */
export interface PlannedCheckpoint {
  readonly simMs: number;
  readonly holdSimMs: number;
  /** Why it is here: the regular cadence, or the end of a scenario phase (both when they coincide). */
  readonly reason: 'cadence' | 'phase-end' | 'cadence+phase-end';
}

export interface CheckpointOptions {
  /**
   * The soak's simulated hours (warm-up included): checkpoints lie in (0, hours). None at the
   * soak's end: the load ends its users there, so a reading then is neither under load nor
   * settled; the end checkpoint after the cool-down takes its place.
   */
  readonly hours: number;
  /** Simulated hours between regular checkpoints; 0 = only phase ends. */
  readonly everyHours: number;
  /** Simulated hours at which a scenario phase ends (from simulated 0). */
  readonly phaseEndsHours: readonly number[];
  /** Real ms each hold lasts (at S = 1, the same in simulated ms). */
  readonly holdRealMs: number;
}

/** The checkpoint instants, sorted, each at most once; none at simulated 0 (no user is on yet). */
export function planCheckpoints(o: CheckpointOptions): PlannedCheckpoint[] {
  if (!(o.holdRealMs > 0)) throw new RangeError(`a hold must last a positive number of ms, got ${String(o.holdRealMs)}`);
  if (!(o.everyHours >= 0)) throw new RangeError(`the checkpoint cadence must be ≥ 0 hours, got ${String(o.everyHours)}`);
  const endMs = o.hours * HOUR;
  const at = new Map<number, PlannedCheckpoint['reason']>();
  if (o.everyHours > 0) {
    // Whole multiples computed from the count, not by adding floats, so 25 × 1 h lands on 25 h.
    for (let k = 1; Math.round(k * o.everyHours * HOUR) < endMs; k++) at.set(Math.round(k * o.everyHours * HOUR), 'cadence');
  }
  for (const h of o.phaseEndsHours) {
    const ms = Math.round(h * HOUR);
    if (ms <= 0 || ms >= endMs) continue;
    at.set(ms, at.has(ms) ? 'cadence+phase-end' : 'phase-end');
  }
  const sorted = [...at.keys()].sort((a, b) => a - b);
  // Two checkpoints closer than a hold would overlap: keep the earlier.
  const out: PlannedCheckpoint[] = [];
  for (const ms of sorted) {
    const prev = out[out.length - 1];
    if (prev && ms < prev.simMs + prev.holdSimMs) continue;
    out.push({ simMs: ms, holdSimMs: o.holdRealMs, reason: at.get(ms) as PlannedCheckpoint['reason'] });
  }
  return out;
}

/** The scale of `schedule` at simulated `simMs`. */
function scaleAt(schedule: readonly ScaleStep[], simMs: number): number {
  let scale = (schedule[0] as ScaleStep).scale;
  for (const s of schedule) if (s.fromSimMs <= simMs) scale = s.scale;
  return scale;
}

/** `schedule` with a hold at S = 1 for each checkpoint; steps inside a hold move to its end. */
export function scheduleWithHolds(schedule: readonly ScaleStep[], checkpoints: readonly PlannedCheckpoint[]): ScaleStep[] {
  const base = schedule.length > 0 ? schedule : [{ fromSimMs: 0, scale: 1 }];
  const out: ScaleStep[] = [];
  const push = (step: ScaleStep): void => {
    const last = out[out.length - 1];
    // Same scale and the same hold flag: one step.
    if (last && last.scale === step.scale && (last.hold ?? false) === (step.hold ?? false)) return;
    out.push(step);
  };
  let i = 0;
  for (const c of checkpoints) {
    const end = c.simMs + c.holdSimMs;
    for (; i < base.length && (base[i] as ScaleStep).fromSimMs < c.simMs; i++) push(base[i] as ScaleStep);
    // Steps of the plan inside the hold take effect at its end (their scale is restored there).
    while (i < base.length && (base[i] as ScaleStep).fromSimMs < end) i++;
    push({ fromSimMs: c.simMs, scale: 1, hold: true });
    push({ fromSimMs: end, scale: scaleAt(base, end) });
  }
  for (; i < base.length; i++) push(base[i] as ScaleStep);
  return out;
}

export interface CheckpointedPlan extends TimeScaleChoice {
  readonly checkpoints: readonly PlannedCheckpoint[];
  /** Real seconds all holds last together. */
  readonly holdRealSeconds: number;
  /** Real seconds the holds add to the run (their length less the time their simulated span would have taken at the plan's scale). */
  readonly addedWallSeconds: number;
}

/** The plan with its holds: the schedule, the run's mean scale and its wall-time estimate include them. */
export function withCheckpoints(plan: TimeScaleChoice, checkpoints: readonly PlannedCheckpoint[], maxWallMinutes: number): CheckpointedPlan {
  if (checkpoints.length === 0) return { ...plan, checkpoints, holdRealSeconds: 0, addedWallSeconds: 0 };
  const schedule = scheduleWithHolds(plan.schedule, checkpoints);
  const endSimMs = plan.phases.length > 0 ? (plan.phases[plan.phases.length - 1] as TimeScaleChoice['phases'][number]).toHour * HOUR : 0;
  const before = realMsBetween({ scale: (plan.schedule[0] as ScaleStep).scale, schedule: plan.schedule }, 0, endSimMs);
  const after = realMsBetween({ scale: (schedule[0] as ScaleStep).scale, schedule }, 0, endSimMs);
  const addedS = (after - before) / 1000;
  const estimatedWallSeconds = plan.estimatedWallSeconds + addedS;
  return {
    ...plan,
    schedule,
    scale: after > 0 ? Math.round(endSimMs / after) : plan.scale,
    estimatedWallSeconds,
    withinBudget: estimatedWallSeconds <= maxWallMinutes * 60,
    checkpoints,
    holdRealSeconds: checkpoints.reduce((sum, c) => sum + c.holdSimMs, 0) / 1000,
    addedWallSeconds: addedS,
  };
}
