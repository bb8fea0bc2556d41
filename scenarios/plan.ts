/**
 * One user's action plan: a lazily generated, seeded sequence of (simulated time, action,
 * pick). Within a phase, actions form a Poisson process with the phase's total rate, each
 * action's type drawn in proportion to its rate; a phase boundary restarts the draw (the
 * process is memoryless, so this is exact). After an action the user thinks for at least
 * thinkTimeMs, which is why the achieved rate is a little below the nominal one at high rates
 * (it is 1 / (1/R + E[think]) at worst). Bursts come from a second stream, so adding a burst
 * does not change the rest of the plan. Same (scenario, seed, user) → same plan, always.
 */
import { exponential, rngFor, type Rng } from './rng.js';
import { ACTION_TYPES, phaseAt, type ActionType, type Scenario } from './scenario.js';

export interface PlannedAction {
  /** Simulated ms after the load started. */
  readonly atMs: number;
  readonly type: ActionType;
  /** Uniform in [0, 1): which buddy / window / text the action picks, resolved at run time. */
  readonly pick: number;
}

const HOUR = 3_600_000;

export class ActionPlan {
  readonly #s: Scenario;
  readonly #rng: Rng;
  readonly #burstRng: Rng;
  readonly #endMs: number;
  #t: number;
  #nextPoisson: PlannedAction | null | undefined;
  #burstQueue: PlannedAction[] = [];
  readonly #burstRounds: number[] = [];
  readonly #arrivalMs: number;

  constructor(scenario: Scenario, seed: number, userIndex: number) {
    this.#s = scenario;
    this.#rng = rngFor(seed, userIndex * 2);
    this.#burstRng = rngFor(seed, userIndex * 2 + 1);
    this.#endMs = scenario.hours * HOUR;
    this.#arrivalMs = arrivalMs(scenario, userIndex);
    this.#t = this.#arrivalMs;
  }

  /** The next action, or null once the scenario's hours are over. */
  next(): PlannedAction | null {
    if (this.#nextPoisson === undefined) this.#nextPoisson = this.#poisson();
    this.#fillBursts();
    const burst = this.#burstQueue[0];
    const p = this.#nextPoisson;
    if (burst && (!p || burst.atMs <= p.atMs)) return this.#burstQueue.shift() as PlannedAction;
    this.#nextPoisson = undefined;
    return p;
  }

  #poisson(): PlannedAction | null {
    for (;;) {
      if (this.#t >= this.#endMs) return null;
      const { phase, endsAtMs } = phaseAt(this.#s, this.#t);
      const entries = ACTION_TYPES.map((type) => [type, phase.rates[type] ?? 0] as const).filter(([, r]) => r > 0);
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
      let type = entries[entries.length - 1]![0];
      for (const [t, r] of entries) {
        if ((x -= r) < 0) {
          type = t;
          break;
        }
      }
      const { min, max } = this.#s.thinkTimeMs;
      this.#t = at + min + this.#rng() * (max - min);
      return { atMs: at, type, pick: this.#rng() };
    }
  }

  /** Moves every burst due up to the next Poisson action into the (sorted) burst queue. */
  #fillBursts(): void {
    const horizon = this.#nextPoisson?.atMs ?? this.#endMs;
    let added = false;
    this.#s.bursts.forEach((b, i) => {
      for (;;) {
        const round = this.#burstRounds[i] ?? 0;
        if (round > 0 && b.everyHours === 0) return;
        const at = (b.atHour + b.everyHours * round) * HOUR;
        if (at > horizon || at >= this.#endMs) return;
        this.#burstRounds[i] = round + 1;
        // Draw all three numbers whether or not the user takes part: participation never shifts the stream.
        const join = this.#burstRng() < b.share;
        const atMs = at + this.#burstRng() * b.jitterMs;
        const pick = this.#burstRng();
        if (join && atMs >= this.#arrivalMs) {
          this.#burstQueue.push({ atMs, type: b.action, pick });
          added = true;
        }
      }
    });
    if (added) this.#burstQueue.sort((a, b) => a.atMs - b.atMs);
  }
}

/** When user i arrives, simulated ms after the load started. */
export function arrivalMs(s: Scenario, userIndex: number): number {
  return (s.population.rampMs * userIndex) / s.population.users;
}
