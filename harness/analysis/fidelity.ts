/**
 * Did the run do what it claims? Composed from parts, each judged on its own evidence:
 *  - `actions`: planned vs done over the soak (an action is done only when it succeeded within
 *    its real-time time-out; scenarios/action-outcome.ts);
 *  - `phases`: each scenario phase's server load, ack latency, failures and REST (phase-fidelity.ts);
 *  - `clock`: the load's simulated clock against the harness's (clock-drift.ts);
 *  - `timers`: periodic-timer events fired vs their production rate — a part another module adds
 *    (its place is kept in FidelityPartName; nothing here produces it);
 *  - `load-command`: an outside load started by `--load-command` that stopped before the soak's
 *    end (load-command-fidelity.ts), also added by the caller.
 * A run that could not keep up says nothing trustworthy about leaks (overload looks like leaks,
 * and lost load hides them): a saturated phase makes the fidelity `saturated`, any other part
 * that failed makes it `too-low`; either way the verdict is never pass. Pure.
 */
import type { Sample } from '../sample.js';
import type { Budgets } from './budgets.js';
import { assessClockDrift, type ClockDrift } from './clock-drift.js';
import { wilsonInterval } from './stats.js';
import { assessPhases, saturationReasons, type PhaseFidelity, type PhaseOptions, type PhaseWindow } from './phase-fidelity.js';

export { MAX_CLOCK_SKEW } from './clock-drift.js';

export type FidelityPartName = 'actions' | 'phases' | 'clock' | 'timers' | 'load-command';

/** One part's judgement; `insufficient-data` of a part other than `actions` does not block alone. */
export interface FidelityPart {
  readonly part: FidelityPartName;
  readonly status: 'ok' | 'too-low' | 'saturated' | 'insufficient-data';
  readonly reasons: readonly string[];
}

interface FidelityBase {
  readonly plannedActions: number | null;
  readonly doneActions: number | null;
  /** Actions failed or timed out over the run (null in samples from before they were counted). */
  readonly failedActions: number | null;
  /** The worst phase's median event-loop delay p99, real ms. */
  readonly eventLoopDelayP99Ms: number | null;
  /** The load clock's rate error against the harness's (clock-drift.ts); null without readings. */
  readonly clockSkew: number | null;
  readonly clock: ClockDrift;
  readonly phases: readonly PhaseFidelity[];
  readonly parts: readonly FidelityPart[];
  /** Every failing part's reasons, saturated phases first. */
  readonly reasons: readonly string[];
}

export interface FidelityOk extends FidelityBase {
  readonly status: 'ok';
  /** Done / planned actions at the end of the soak (load counters are cumulative). */
  readonly ratio: number;
}

export interface FidelityTooLow extends FidelityBase {
  /** `saturated`: a phase could not keep up; `too-low`: another part failed. */
  readonly status: 'too-low' | 'saturated';
  readonly ratio: number | null;
}

export interface FidelityUnknown extends FidelityBase {
  readonly status: 'insufficient-data';
  readonly ratio: null;
}

export type FidelityResult = FidelityOk | FidelityTooLow | FidelityUnknown;

export interface FidelityOptions {
  readonly budgets: PhaseOptions['budgets'] & Pick<Budgets, 'fidelityMinRatio'>;
  /** The scenario's phases in simulated time; absent = the whole soak is one phase. */
  readonly phases?: readonly PhaseWindow[];
  /** The HTTP load's rate, requests per real second (for REST achieved/planned). */
  readonly httpRatePerSecond?: number;
  /** Further parts (e.g. timer fidelity), judged elsewhere and composed here. */
  readonly extraParts?: readonly FidelityPart[];
}

export function assessFidelity(samples: readonly Sample[], options: FidelityOptions): FidelityResult {
  const soak = samples.filter((s) => s.phase === 'soak');
  // Without the scenario's phases the soak is one phase, from just before its first sample.
  const whole = soak.length > 0 ? [{ name: 'soak', fromSimMs: (soak[0] as Sample).simMs - 1, toSimMs: (soak[soak.length - 1] as Sample).simMs }] : [];
  const windows = options.phases ?? whole;
  const phases = assessPhases(samples, windows, {
    budgets: options.budgets,
    ...(options.httpRatePerSecond !== undefined ? { httpRatePerSecond: options.httpRatePerSecond } : {}),
  });
  const clock = assessClockDrift(soak);
  const actions = actionsPart(samples, options.budgets.fidelityMinRatio);
  const saturated = saturationReasons(phases);
  const parts: FidelityPart[] = [
    actions.part,
    { part: 'phases', status: saturated.length > 0 ? 'saturated' : phases.length > 0 ? 'ok' : 'insufficient-data', reasons: saturated },
    { part: 'clock', status: clock.status === 'drift' ? 'too-low' : clock.status, reasons: clock.status === 'drift' ? clock.reasons : [] },
    ...(options.extraParts ?? []),
  ];
  const delays = phases.map((p) => p.eventLoopDelayP99Ms).filter((x): x is number => x !== null);
  const base = {
    plannedActions: actions.planned,
    doneActions: actions.done,
    failedActions: actions.failed,
    eventLoopDelayP99Ms: delays.length > 0 ? Math.max(...delays) : null,
    clockSkew: clock.skew,
    clock,
    phases,
    parts,
  };
  const failing = parts.filter((p) => p.status === 'too-low' || p.status === 'saturated');
  const reasons = [...saturated, ...failing.filter((p) => p.part !== 'phases').flatMap((p) => p.reasons)];
  if (parts.some((p) => p.status === 'saturated')) return { status: 'saturated', ratio: actions.ratio, ...base, reasons };
  if (failing.length > 0) return { status: 'too-low', ratio: actions.ratio, ...base, reasons };
  if (actions.ratio === null) return { status: 'insufficient-data', ratio: null, ...base, reasons: actions.part.reasons };
  return { status: 'ok', ratio: actions.ratio, ...base, reasons: [] };
}

function actionsPart(samples: readonly Sample[], minRatio: number) {
  const active = samples.filter((s) => s.phase !== 'cooldown');
  const last = [...active].reverse().find((s) => s.load !== null)?.load;
  if (!last || !(last.plannedActions > 0)) {
    const part: FidelityPart = { part: 'actions', status: 'insufficient-data', reasons: ['no planned actions reported by the load (load counts missing)'] };
    return { part, ratio: null, planned: null, done: null, failed: null };
  }
  // Actions still awaiting their outcome at the last reading are neither done nor failed yet.
  const settled = last.plannedActions - (last.pendingActions ?? 0);
  const ratio = settled > 0 ? last.doneActions / settled : 0;
  const failed = last.failedActions ?? null;
  const reasons: string[] = [];
  // Too low only when even the 95% Wilson upper bound of done/settled is below the target: 990
  // of 1,001 (98.9%, interval [98.0%, 99.4%]) cannot tell a run that did 99% from one that did not.
  const upper = settled > 0 ? wilsonInterval(last.doneActions, settled).hi : 0;
  if (upper < minRatio) {
    const why = failed !== null && failed > 0 ? `; ${failed} failed or timed out` : '';
    reasons.push(`only ${(ratio * 100).toFixed(1)}% of planned actions done (${last.doneActions} of ${settled}${why}; 95% upper bound ${(upper * 100).toFixed(1)}%, need ≥ ${(minRatio * 100).toFixed(1)}%)`);
  }
  const part: FidelityPart = { part: 'actions', status: reasons.length > 0 ? 'too-low' : 'ok', reasons };
  return { part, ratio, planned: last.plannedActions, done: last.doneActions, failed };
}
