/**
 * The time scale of a run driven by a user scenario file against `--target`. A server rol-soak
 * did not start does not run its clock, so its own timers tick in real time: `auto` is S = 1
 * (each simulated hour is a real one). A fixed `--time-scale S` drives the users' day S times
 * faster than real: S times the actions and the scenario's timers per real second; the report
 * states S. The stretches are the scenario's phases, each action counted as one capacity unit
 * (this machine's capacity was measured on the reference app, not on the user's).
 */
import { socketPhaseAt } from '../../scenarios/socket-plan.js';
import type { SocketScenario } from '../../scenarios/socket-scenario.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { CAPACITY_ACTIONS_PER_SECOND, COOLDOWN_MIN_REAL_SECONDS } from './plan-time-scale.js';
import { chooseTimeScale, type LoadSegment, type TimeScaleChoice } from './time-scale.js';

const HOUR = 3_600_000;

/** The scenario's phases over the soak hours (cut at the end), then the cool-down without load. */
export function userScenarioSegments(config: Pick<ResolvedSoakConfig, 'users' | 'hours' | 'cooldownHours'>, scenario: SocketScenario): LoadSegment[] {
  const endMs = config.hours * HOUR;
  const segments: LoadSegment[] = [];
  for (let t = 0; t < endMs; ) {
    const { phase, endsAtMs } = socketPhaseAt(scenario, t);
    const to = Math.min(endsAtMs, endMs);
    const perUser = Object.values(phase.rates).reduce((sum, r) => sum + r, 0);
    segments.push({ name: phase.name, fromSimMs: t, toSimMs: to, actionsPerSimHour: config.users * perUser });
    t = to;
  }
  if (config.cooldownHours > 0) segments.push({ name: 'cool-down', fromSimMs: endMs, toSimMs: endMs + config.cooldownHours * HOUR, actionsPerSimHour: 0, minRealSeconds: COOLDOWN_MIN_REAL_SECONDS });
  return segments;
}

export function planUserScenario(config: ResolvedSoakConfig, scenario: SocketScenario): TimeScaleChoice {
  return chooseTimeScale(
    {
      segments: userScenarioSegments(config, scenario),
      maxWallMinutes: config.maxWallMinutes,
      // Not a capacity plan (the scale is fixed: 1 or the flag's); the reference figure is only reported.
      capacityEventsPerSecond: CAPACITY_ACTIONS_PER_SECOND,
      users: config.users,
      timerPeriodsSimMs: Object.values(scenario.timers).map((t) => t.everyMs),
    },
    config.timeScale === 'auto' ? 1 : config.timeScale,
  );
}
