/**
 * Did the run do what it claims? Planned vs achieved actions, the server's event-loop delay and
 * the simulated clock's achieved scale. A run that could not keep up says nothing trustworthy
 * about leaks (overload looks like leaks, and lost load hides them): its verdict is inconclusive.
 */
import { realMsBetween, type ScaleStep } from '../../common/sim-clock.js';
import type { Sample } from '../sample.js';
import type { Budgets } from './budgets.js';
import { median } from './stats.js';

/**
 * Largest relative error of the achieved time scale (Δsimulated / (Δreal · S) − 1). Beyond 5%,
 * "per simulated hour" rates are off by more than the interval widths the rules rely on.
 */
export const MAX_CLOCK_SKEW = 0.05;

export interface FidelityOk {
  readonly status: 'ok';
  /** Achieved / planned actions at the end of the soak (load counters are cumulative). */
  readonly ratio: number;
  readonly plannedActions: number;
  readonly doneActions: number;
  /** Median over soak samples (snapshot-marked ones excluded) of the server's event-loop delay p99, real ms. */
  readonly eventLoopDelayP99Ms: number | null;
  /** Achieved / requested time scale − 1; null when no time scale was given. */
  readonly clockSkew: number | null;
  readonly reasons: readonly string[];
}

export interface FidelityTooLow extends Omit<FidelityOk, 'status'> {
  readonly status: 'too-low';
}

export interface FidelityUnknown {
  readonly status: 'insufficient-data';
  readonly ratio: null;
  readonly reasons: readonly string[];
}

export type FidelityResult = FidelityOk | FidelityTooLow | FidelityUnknown;

export interface FidelityOptions {
  readonly budgets: Pick<Budgets, 'fidelityMinRatio' | 'eventLoopDelayP99MaxMs'>;
  /** The requested time scale S (simulated ms per real ms), to measure clock skew. */
  readonly timeScale?: number;
  /** The requested schedule when the scale changed with simulated time (wins over `timeScale`). */
  readonly timeSchedule?: readonly ScaleStep[];
}

export function assessFidelity(samples: readonly Sample[], options: FidelityOptions): FidelityResult {
  const { fidelityMinRatio, eventLoopDelayP99MaxMs } = options.budgets;
  const active = samples.filter((s) => s.phase !== 'cooldown');
  const lastLoad = [...active].reverse().find((s) => s.load !== null)?.load;
  if (!lastLoad || !(lastLoad.plannedActions > 0)) {
    return { status: 'insufficient-data', ratio: null, reasons: ['no planned actions reported by the load (load counts missing)'] };
  }
  const reasons: string[] = [];
  const ratio = lastLoad.doneActions / lastLoad.plannedActions;
  if (ratio < fidelityMinRatio) {
    reasons.push(
      `only ${(ratio * 100).toFixed(1)}% of planned actions done (${lastLoad.doneActions} of ${lastLoad.plannedActions}; need ≥ ${(fidelityMinRatio * 100).toFixed(1)}%)`,
    );
  }
  const soak = samples.filter((s) => s.phase === 'soak');
  const delays = soak.filter((s) => !s.marks || s.marks.length === 0).map((s) => s.server.eventLoopDelayP99Ms).filter(Number.isFinite);
  const delay = delays.length > 0 ? median(delays) : null;
  if (delay !== null && delay > eventLoopDelayP99MaxMs) {
    reasons.push(`server event loop saturated: median p99 delay ${delay.toFixed(1)} ms > ${eventLoopDelayP99MaxMs} ms`);
  }
  const skew = clockSkew(soak, options.timeSchedule ?? (options.timeScale !== undefined ? [{ fromSimMs: 0, scale: options.timeScale }] : undefined));
  if (skew !== null && Math.abs(skew) > MAX_CLOCK_SKEW) {
    reasons.push(`simulated clock ran at ${((1 + skew) * 100).toFixed(1)}% of the requested time scale (allowed ±${MAX_CLOCK_SKEW * 100}%)`);
  }
  const body = {
    ratio,
    plannedActions: lastLoad.plannedActions,
    doneActions: lastLoad.doneActions,
    eventLoopDelayP99Ms: delay,
    clockSkew: skew,
    reasons,
  };
  return reasons.length === 0 ? { status: 'ok', ...body } : { status: 'too-low', ...body };
}

/**
 * Achieved / requested clock rate − 1 over the soak: the real time the schedule asks for between
 * the first and last soak sample over the real time they were apart (null without a scale or
 * without elapsed real time). With one scale S this is Δsim / (Δreal × S) − 1.
 */
function clockSkew(soak: readonly Sample[], schedule: readonly ScaleStep[] | undefined): number | null {
  const scale = schedule?.[0]?.scale;
  if (!schedule || scale === undefined || !(scale > 0) || soak.length < 2) return null;
  const first = soak[0] as Sample;
  const last = soak[soak.length - 1] as Sample;
  const realMs = last.realMs - first.realMs;
  if (!(realMs > 0)) return null;
  return realMsBetween({ scale, schedule }, first.simMs, last.simMs) / realMs - 1;
}
