/**
 * One socket-only user's action plan: a lazily generated, seeded sequence of (simulated time,
 * action name). Within a phase, actions form a Poisson process with the phase's total rate, each
 * action drawn in proportion to its rate (as scenarios/plan.ts does for the reference UI); a
 * phase boundary restarts the draw, which is exact for a memoryless process. After an action the
 * user thinks for thinkTimeMs. Same (scenario, seed, user) → same plan.
 */
import { exponential, rngFor, type Rng } from './rng.js';
import type { SocketPhase } from './socket-scenario.js';

const HOUR = 3_600_000;

/** The plan-relevant data of a scenario (plain data, so it is also what the planner sees). */
export interface PlanShape {
  readonly hours: number;
  readonly startHourOfDay: number;
  readonly population: { readonly users: number; readonly rampMs: number };
  readonly phases: readonly SocketPhase[];
  readonly thinkTimeMs: { readonly min: number; readonly max: number };
}

export interface PlannedRun {
  /** Simulated ms after the load started. */
  readonly atMs: number;
  readonly action: string;
}

/** The phase in force `simMs` after the load started, and when it ends (phases sorted by startHour, repeating daily). */
export function socketPhaseAt(s: Pick<PlanShape, 'startHourOfDay' | 'phases'>, simMs: number): { phase: SocketPhase; endsAtMs: number } {
  const dayHour = (((s.startHourOfDay + simMs / HOUR) % 24) + 24) % 24;
  let i = s.phases.length - 1;
  for (let j = 0; j < s.phases.length; j++) if ((s.phases[j] as SocketPhase).startHour <= dayHour) i = j;
  const next = s.phases[(i + 1) % s.phases.length] as SocketPhase;
  let hoursLeft = next.startHour - dayHour;
  if (hoursLeft <= 0) hoursLeft += 24;
  return { phase: s.phases[i] as SocketPhase, endsAtMs: simMs + hoursLeft * HOUR };
}

/** When user i arrives, simulated ms after the load started. */
export function socketArrivalMs(s: Pick<PlanShape, 'population'>, userIndex: number): number {
  return (s.population.rampMs * userIndex) / s.population.users;
}

/** Streams per user: even = the plan, odd = the session's own rng (scripts' draws never shift the plan). */
export function planRng(seed: number, userIndex: number): Rng {
  return rngFor(seed, userIndex * 2);
}
export function sessionRng(seed: number, userIndex: number): Rng {
  return rngFor(seed, userIndex * 2 + 1);
}

export class SocketPlan {
  readonly #s: PlanShape;
  readonly #rng: Rng;
  readonly #endMs: number;
  #t: number;

  constructor(shape: PlanShape, seed: number, userIndex: number) {
    this.#s = shape;
    this.#rng = planRng(seed, userIndex);
    this.#endMs = shape.hours * HOUR;
    this.#t = socketArrivalMs(shape, userIndex);
  }

  /** The next run, or null once the scenario's hours are over. */
  next(): PlannedRun | null {
    for (;;) {
      if (this.#t >= this.#endMs) return null;
      const { phase, endsAtMs } = socketPhaseAt(this.#s, this.#t);
      // Sorted names: the draw does not depend on the order the file lists its rates in.
      const entries = Object.entries(phase.rates)
        .filter(([, r]) => r > 0)
        .sort(([a], [b]) => (a < b ? -1 : 1));
      const total = entries.reduce((sum, [, r]) => sum + r, 0);
      if (total === 0) {
        this.#t = endsAtMs;
        continue;
      }
      const at = this.#t + exponential(this.#rng, HOUR / total);
      if (at >= endsAtMs) {
        this.#t = endsAtMs;
        continue;
      }
      if (at >= this.#endMs) return null;
      let x = this.#rng() * total;
      let action = entries[entries.length - 1]![0];
      for (const [name, r] of entries) {
        if ((x -= r) < 0) {
          action = name;
          break;
        }
      }
      const { min, max } = this.#s.thinkTimeMs;
      this.#t = at + min + this.#rng() * (max - min);
      return { atMs: at, action };
    }
  }
}
