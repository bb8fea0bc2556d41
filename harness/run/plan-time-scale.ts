/**
 * Resolves `timeScale: 'auto'` for a config: each phase of the scenario runs at the scale its own
 * planned action rate allows (an idle night far faster than a busy morning); the users' periodic
 * timers get their own budget, met by a real-time floor on interval periods (common/sim-clock.ts).
 */
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { phaseAt } from '../../scenarios/scenario.js';
import { TIMER_PERIODS_SIM_MS } from '../../scenarios/event-rate.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { chooseTimeScale, type LoadSegment, type TimeScaleChoice } from './time-scale.js';

/**
 * Scenario actions per real second a soak may plan on this 2-core machine, with the load, the
 * server and the store sharing it (an action is a user's gesture: an IM sent with its receipt
 * and fan-out, a drag of 8 moves, a reload with its login and fetches), in the busiest phase.
 * Measured with office-day, 100 users, the morning and lunch (`--hours 5 --time-scale N`):
 *  - S = 150, 187 actions/s planned: fidelity 1.000, IM ack p50 16 ms / p99 59 ms, server CPU
 *    81% of a core, event-loop utilisation 0.86; load process 62%, store 23%, harness 5%;
 *  - S = 300, 374 actions/s planned: the server saturated (utilisation 0.97), IM ack p50 6 s,
 *    half of the IMs timed out (10 s) although every planned gesture was made.
 * So ~190 actions/s is what this machine sustains with acks still prompt.
 */
export const CAPACITY_ACTIONS_PER_SECOND = 190;

/**
 * Timer events (presence ping, request poll, weather) per real second all users together may
 * send. Each is one socket.io round trip and, for the poll, one indexed find: measured as cheap as
 * a third of an action, so this budget costs about a tenth of the capacity.
 */
export const TIMER_EVENTS_PER_SECOND = 200;

const HOUR = 3_600_000;

/**
 * The run's stretches of simulated time with their planned action rates: the scenario's phases
 * over the soak hours (a phase that ends past them is cut there), then the cool-down, in which
 * the load has stopped. Synchronised bursts (reconnect-storm) are not in the rates.
 */
export function loadSegments(config: Pick<ResolvedSoakConfig, 'scenario' | 'users' | 'hours' | 'cooldownHours'>): LoadSegment[] {
  const scenario = resolveScenario(config.scenario as ScenarioName);
  const endMs = config.hours * HOUR;
  const segments: LoadSegment[] = [];
  for (let t = 0; t < endMs; ) {
    const { phase, endsAtMs } = phaseAt(scenario, t);
    const to = Math.min(endsAtMs, endMs);
    const perUser = Object.values(phase.rates).reduce((a, b) => a + (b ?? 0), 0);
    segments.push({ name: phase.name, fromSimMs: t, toSimMs: to, actionsPerSimHour: config.users * perUser });
    t = to;
  }
  if (config.cooldownHours > 0) segments.push({ name: 'cool-down', fromSimMs: endMs, toSimMs: endMs + config.cooldownHours * HOUR, actionsPerSimHour: 0 });
  return segments;
}

export function planTimeScale(config: ResolvedSoakConfig): TimeScaleChoice {
  const input = {
    segments: loadSegments(config),
    maxWallMinutes: config.maxWallMinutes,
    capacityEventsPerSecond: CAPACITY_ACTIONS_PER_SECOND,
    users: config.users,
    timerPeriodsSimMs: TIMER_PERIODS_SIM_MS,
    timerBudgetPerSecond: TIMER_EVENTS_PER_SECOND,
  };
  // An outside load (k6…) runs in real time: the server's timers must too, unless told otherwise.
  if (config.load === 'external' && config.timeScale === 'auto') return chooseTimeScale(input, 1);
  return chooseTimeScale(input, config.timeScale === 'auto' ? undefined : config.timeScale);
}
