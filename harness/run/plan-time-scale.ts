/**
 * Resolves `timeScale: 'auto'` for a config: each phase of the scenario runs at the scale its own
 * planned action rate allows (an idle night far faster than a busy morning); the users' periodic
 * timers get their own budget, met by a real-time floor on interval periods (common/sim-clock.ts).
 */
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { phaseAt, type ActionType } from '../../scenarios/scenario.js';
import { TIMER_PERIODS_SIM_MS } from '../../scenarios/event-rate.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { chooseTimeScale, type LoadSegment, type TimeScaleChoice } from './time-scale.js';

/**
 * Scenario actions per real second a soak may plan on this 2-core machine, with the load, the
 * server and the store sharing it (an action is a user's gesture: an IM sent with its receipt
 * and fan-out, a drag of 8 moves, a reload with its login and fetches), in the busiest phase.
 * Measured with office-day, 100 users, the morning and lunch (`--hours 5 --time-scale N`), after
 * one store round trip per IM and per layout save (was two) and the wire store's lean queries:
 *  - S = 150, 147 actions/s done: fidelity 1.000, server ELU 0.72, IM ack p99 ≤ 20 ms a window;
 *  - S = 200, ~249 actions/s planned in the morning: fidelity 1.000, ack p50 9–97 ms and p99
 *    42–255 ms a window, server ELU 0.86–0.97 at 75–85% of a core;
 *  - S = 300: every action made, but the server saturated (ELU 0.99–1.0, ack p50 1–2 s).
 * So ~240 actions/s is what this machine sustains with acks still prompt (it was 190 before
 * those changes: S = 300 then timed out half the IMs).
 */
export const CAPACITY_ACTIONS_PER_SECOND = 240;

/**
 * Timer events (presence ping, request poll, weather) per real second all users together may
 * send. Each is one socket.io round trip and, for the poll, one indexed find: measured as cheap as
 * a third of an action, so this budget costs about a tenth of the capacity.
 */
export const TIMER_EVENTS_PER_SECOND = 200;

/**
 * What one action costs, in morning-mix actions (the unit CAPACITY_ACTIONS_PER_SECOND counts).
 * A reload, a log off/on and a network drop each bring a new socket.io connection, a login and a
 * React remount. Measured (default run with every action counted as 1): lunch at S = 600 (58
 * such actions/s among 208) and the commute at S = 600 (75 among 183) kept the server's event
 * loop at ELU 1.0 for every sample, with acks up to 1.8 s and 2/3 of the run's load errors,
 * where the morning's 240/s ran at ELU ~0.9. Saturation only gives a lower bound: they cost at
 * least 2 actions each; 4 leaves margin. The rest cost about one.
 */
export const ACTION_COST: Readonly<Partial<Record<ActionType, number>>> = Object.freeze({ reload: 4, 'logoff-on': 4, 'network.drop': 4 });

const HOUR = 3_600_000;

/**
 * The run's stretches of simulated time with their planned action rates (weighted by ACTION_COST):
 * the scenario's phases
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
    // Weighted by cost, so a phase heavy in reconnects runs slower than its raw count would allow.
    const perUser = Object.entries(phase.rates).reduce((sum, [type, rate]) => sum + (rate ?? 0) * (ACTION_COST[type as ActionType] ?? 1), 0);
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
