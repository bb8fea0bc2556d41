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
 * --no-snapshots --ci`; the morning plans 1.32 capacity units per real second per unit of S),
 * with the timers held to TIMER_EVENTS_PER_SECOND = 50 and the socket.io heartbeat at the
 * interval floor:
 *  - S = 200 (264/s; the heartbeat then a fixed 4 s): fidelity 1.000, server ELU 0.64–0.84,
 *    IM ack p99 45 ms;
 *  - S = 240 (317/s): fidelity 1.000, ELU 0.72–0.95, ack p50 24 ms, p99 77 ms;
 *  - S = 280 (370/s): ELU 0.86–1.0, ack p50 63 ms, p99 ~200 ms: the edge.
 * Before the timers were held to 50/s (200/s, heartbeat every 1 s real) the same acks came at
 * S = 200 and capacity was 240/s. 300/s keeps a margin below the edge.
 */
export const CAPACITY_ACTIONS_PER_SECOND = 300;

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
 * least 2 actions each; 4 leaves margin. The rest cost about one.
 */
export const ACTION_COST: Readonly<Partial<Record<ActionType, number>>> = Object.freeze({ reload: 4, 'logoff-on': 4, 'network.drop': 4 });

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
