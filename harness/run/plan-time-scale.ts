/**
 * Resolves `timeScale: 'auto'` for a config: each phase of the scenario runs at the scale its whole
 * planned traffic allows: actions, the periodic timers at production rate and the HTTP load,
 * each weighed by its measured cost (EVENT_COST).
 */
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { phaseAt, type ActionType } from '../../scenarios/scenario.js';
import { PRESENCE_PING_SIM_MS, REQUEST_POLL_SIM_MS, TIMER_PERIODS_SIM_MS, WEATHER_REFRESH_SIM_MS } from '../../scenarios/event-rate.js';
import { HEARTBEAT_SIM_MS, SWEEP_INTERVAL_SIM_MS, heartbeatFor } from '../../common/app-timers.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { chooseTimeScale, type LoadSegment, type TimeScaleChoice } from './time-scale.js';

/**
 * Scenario actions per real second a soak may plan on this 2-core machine, with the load, the
 * server and the store sharing it (an action is a user's gesture: an IM sent with its receipt
 * and fan-out, a drag of 8 moves, a reload with its login and fetches), in the busiest phase, in
 * capacity units (ACTION_COST). Re-measured with office-day's morning on an otherwise idle
 * machine (load average ~1), `node dist/harness/cli.js --users N --hours H --warmup W
 * --time-scale S --no-snapshots --ci` (100 users: --hours 4 --warmup 1; 1,000 users: --hours
 * 1.5–2 --warmup 0.5 --sample-every 5 --cooldown 0.2); soak samples, medians:
 *  - 100 users, S = 259 (349 units/s): server ELU 0.33 (max 0.40), IM ack p99 9 ms, fidelity 0.9999;
 *  - 100 users, S = 520 (700/s): ELU 0.50 (max 0.55), ack p99 29 ms (max 111), fidelity 0.9999;
 *  - 1,000 users, S = 50 (674/s): ELU 0.46 (max 0.61), ack p99 26 ms (max 78), fidelity 0.9999;
 *    the machine ~1.4 of its 2 cores busy (server 0.45, load 0.8, store 0.1; ps);
 *  - 1,000 users, S = 80 (1,078/s): ELU 0.76 (max 0.89), ack p99 89 ms but up to 1.0 s,
 *    fidelity 0.9998, ~1.9 cores busy: the edge.
 * 700/s is two thirds of that edge. It was 350, from figures (ELU 0.84 at S = 270 with 100
 * users) that the same command no longer gives here: 0.33 at S = 259. A slower machine plans a
 * proportionally lower capacity (machine-speed.ts); one that still falls behind shows up as low
 * fidelity, and the run is then inconclusive, never a pass.
 */
export const CAPACITY_ACTIONS_PER_SECOND = 700;

/**
 * What one event of each non-action type costs, in morning-mix actions (the unit
 * CAPACITY_ACTIONS_PER_SECOND counts), by the server's CPU (the single-threaded process that
 * saturates first). A unit costs the server ~0.71 ms: 700 units/s ran its event loop at 0.50
 * (the capacity's calibration, timers then floored to ~50 events/s). Per event, from
 * `npm run bench -- --only event-cost` (bench/results/event-cost.json, medians of 3, load average
 * 17.5): ping 0.21 ms → 0.29; poll (an indexed find) 0.58 ms → 0.81; REST request 1.97 ms →
 * 2.77; the server's heartbeat ≤ 0.20 ms → 0.28 (an upper bound: the idle server's whole CPU at
 * S = 300 over its heartbeats). Not measured alone: the weather refresh (a REST call), the
 * sweeper (60 an hour: 1) and the keepalive (an engine.io ping/pong, no handler or ack: at most
 * the heartbeat's bound). Relative to an IM with receipt the bench gives smaller figures (ping
 * 0.21); with those a 30-user run at the planned S = 247 kept the server's loop 0.96–1.0 busy.
 */
export const EVENT_COST = Object.freeze({
  'presence-ping': 0.29,
  'request-poll': 0.81,
  weather: 2.77,
  'server-heartbeat': 0.28,
  sweeper: 1,
  'transport-keepalive': 0.28,
  'http-request': 2.77,
});

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
export function loadSegments(config: Pick<ResolvedSoakConfig, 'scenario' | 'users' | 'hours' | 'cooldownHours'> & Partial<Pick<ResolvedSoakConfig, 'http' | 'load'>>): LoadSegment[] {
  const scenario = resolveScenario(config.scenario as ScenarioName);
  const timerUnits = timerUnitsPerSimHour(config.users);
  const httpPerUserHour = config.http !== false && config.load !== 'external' ? (scenario.http?.requestsPerUserHour ?? 0) : 0;
  const httpUnits = config.users * httpPerUserHour * EVENT_COST['http-request'];
  const endMs = config.hours * HOUR;
  const segments: LoadSegment[] = [];
  for (let t = 0; t < endMs; ) {
    const { phase, endsAtMs } = phaseAt(scenario, t);
    const to = Math.min(endsAtMs, endMs);
    // Weighted by cost, so a phase heavy in reconnects runs slower than its raw count would allow.
    const perUser = Object.entries(phase.rates).reduce((sum, [type, rate]) => sum + (rate ?? 0) * (ACTION_COST[type as ActionType] ?? 1), 0);
    // Every desktop stays open through every phase (the night too): its timers run all day.
    segments.push({ name: phase.name, fromSimMs: t, toSimMs: to, actionsPerSimHour: config.users * perUser, timerUnitsPerSimHour: timerUnits, httpUnitsPerSimHour: httpUnits });
    t = to;
  }
  if (config.cooldownHours > 0) segments.push({ name: 'cool-down', fromSimMs: endMs, toSimMs: endMs + config.cooldownHours * HOUR, actionsPerSimHour: 0, minRealSeconds: COOLDOWN_MIN_REAL_SECONDS });
  return segments;
}

/** Periodic timer events of `users` connected users and the server per simulated hour at production rate, in capacity units. */
export function timerUnitsPerSimHour(users: number): number {
  const perHour = (periodMs: number) => HOUR / periodMs;
  return (
    users * (perHour(PRESENCE_PING_SIM_MS) * EVENT_COST['presence-ping'] + perHour(REQUEST_POLL_SIM_MS) * EVENT_COST['request-poll'] + perHour(WEATHER_REFRESH_SIM_MS) * EVENT_COST.weather) +
    users * perHour(HEARTBEAT_SIM_MS) * EVENT_COST['server-heartbeat'] +
    perHour(SWEEP_INTERVAL_SIM_MS) * EVENT_COST.sweeper
  );
}

/**
 * Capacity units per real second that do not scale with S: each socket's keepalive at its real
 * floor, and (only with --timer-floor) the client timers and heartbeats at the floor asked for.
 */
export function realTimeUnitsPerSecond(users: number, timerFloorMs: number | null): number {
  const keepaliveMs = heartbeatFor(Number.POSITIVE_INFINITY, timerFloorMs ?? 0).pingIntervalMs;
  const keepalives = ((users * 1000) / keepaliveMs) * EVENT_COST['transport-keepalive'];
  if (timerFloorMs === null) return keepalives;
  // At the floor every timer fires at most once per floor: an upper bound on its real cost.
  const perFloor = (1000 / timerFloorMs) * users * (EVENT_COST['presence-ping'] + EVENT_COST['request-poll'] + EVENT_COST.weather + EVENT_COST['server-heartbeat']);
  return keepalives + perFloor;
}

/**
 * The run's schedule. `speedFactor` (machine-speed.ts: this machine's speed over the reference's,
 * at most 1) scales the capacity, so a slower machine plans fewer actions per second and takes
 * longer rather than falling behind. @default 1
 */
export function planTimeScale(config: ResolvedSoakConfig, speedFactor = 1): TimeScaleChoice {
  const input = {
    segments: loadSegments(config),
    maxWallMinutes: config.maxWallMinutes,
    capacityEventsPerSecond: CAPACITY_ACTIONS_PER_SECOND * speedFactor,
    users: config.users,
    timerPeriodsSimMs: TIMER_PERIODS_SIM_MS,
    realTimeUnitsPerSecond: realTimeUnitsPerSecond(config.users, config.timerFloorMs),
    ...(config.timerFloorMs !== null ? { timerFloorMs: config.timerFloorMs } : {}),
  };
  // An outside load (k6…) runs in real time: the server's timers must too, unless told otherwise.
  if (config.load === 'external' && config.timeScale === 'auto') return chooseTimeScale(input, 1);
  return chooseTimeScale(input, config.timeScale === 'auto' ? undefined : config.timeScale);
}
