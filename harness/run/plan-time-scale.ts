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
 * Measured with office-day, 100 users, the morning (`--hours 4 --time-scale N --warmup 1
 * --no-snapshots --ci`; the morning plans 1.35 capacity units per real second per unit of S),
 * with the timers held to TIMER_EVENTS_PER_SECOND = 50 and the socket.io heartbeat at the
 * interval floor, after the server's hot paths went to the driver collections (server/im.ts):
 *  - S = 226: fidelity 1.000, server ELU median 0.72–0.82, IM ack p99 median 41–55 ms;
 *  - S = 270 (364/s): fidelity 1.000, ELU median 0.84 (max 0.94), ack p99 median 45 ms, max 78;
 *  - S = 300 (404/s): fidelity 0.999, ELU median 0.92 (max 0.99), ack p99 median 103 ms, max
 *    494 ms: the edge.
 * 350/s keeps the margin the previous figure kept below its own good point (300 of 317/s, when
 * the server spent 3.2 ms of CPU per morning action; now 2.6–2.8 ms).
 */
export const CAPACITY_ACTIONS_PER_SECOND = 350;

/**
 * Timer events (presence ping, request poll, weather) per real second all users together may
 * send; the interval floor that meets it also bounds the server's per-socket heartbeats and the
 * socket.io pings. Each is a socket.io round trip (the poll also one indexed find). Measured at
 * S = 200, 100 users (4 simulated hours): at 200/s (floor 1.5 s, socket.io ping every 1 s) the
 * whole run used 142 CPU-s and the server's ELU was 0.77–0.98; at 50/s (floor 6 s, ping every
 * 4 s) 129 CPU-s and 0.63–0.80, with every planned action done either way. Every interval
 * stays alive and counted; it fires less often.
 */
export const TIMER_EVENTS_PER_SECOND = 50;

/**
 * What one action costs, in morning-mix actions (the unit CAPACITY_ACTIONS_PER_SECOND counts).
 * A reload, a log off/on and a network drop each bring a new socket.io connection, a login and a
 * React remount. Measured (default run with every action counted as 1): lunch at S = 600 (58
 * such actions/s among 208) and the commute at S = 600 (75 among 183) kept the server's event
 * loop at ELU 1.0 for every sample, with acks up to 1.8 s and 2/3 of the run's load errors,
 * where the morning's 240/s ran at ELU ~0.9. Saturation only gives a lower bound: they cost at
 * least 2 actions each. At 4, with the server's cheaper IM path (server/im.ts) and 340/s, lunch
 * ran at S = 532 and the commute at S = 499: ELU 1.0 in every sample, ack p99 median 232 and
 * 909 ms. The IM path got cheaper, a reconnect did not, so in morning-mix units it costs more:
 * at 5 lunch and the commute run at S 475 and 434, about where they ran (469, 440) on the
 * dearer server. The rest cost about one.
 */
export const ACTION_COST: Readonly<Partial<Record<ActionType, number>>> = Object.freeze({ reload: 5, 'logoff-on': 5, 'network.drop': 5 });

const HOUR = 3_600_000;

/**
 * The cool-down lasts at least this long in real time, whatever its simulated length: the
 * server needs real time to handle the last disconnects. 3 s is what S = 600 gave 0.5
 * simulated hours, under which every fixed 100-user run came back to baseline.
 */
export const COOLDOWN_MIN_REAL_SECONDS = 3;

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
  if (config.cooldownHours > 0) segments.push({ name: 'cool-down', fromSimMs: endMs, toSimMs: endMs + config.cooldownHours * HOUR, actionsPerSimHour: 0, minRealSeconds: COOLDOWN_MIN_REAL_SECONDS });
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
