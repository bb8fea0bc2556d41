/**
 * Resolves `timeScale: 'auto'` for a config: the planned action rate comes from the scenario (its
 * busiest phase, since late actions there are what hurts fidelity); the users' periodic timers
 * get their own budget, met by a real-time floor on interval periods (common/sim-clock.ts).
 */
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { TIMER_PERIODS_SIM_MS } from '../../scenarios/event-rate.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { chooseIntervalFloor, chooseTimeScale, timerEventsPerSecond, type TimeScaleChoice } from './time-scale.js';

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

export function plannedEventsPerSimHour(config: Pick<ResolvedSoakConfig, 'scenario' | 'users'>): number {
  const scenario = resolveScenario(config.scenario as ScenarioName);
  const busiest = Math.max(0, ...scenario.phases.map((p) => Object.values(p.rates).reduce((a, b) => a + (b ?? 0), 0)));
  return config.users * busiest;
}

export function planTimeScale(config: ResolvedSoakConfig): TimeScaleChoice {
  const simSeconds = (config.hours + config.cooldownHours) * 3600;
  const fixed = (scale: number): TimeScaleChoice => {
    const intervalFloorMs = chooseIntervalFloor(config.users, TIMER_PERIODS_SIM_MS, scale, TIMER_EVENTS_PER_SECOND);
    return {
      scale,
      limitedBy: 'fixed',
      plannedEventsPerSecond: (plannedEventsPerSimHour(config) / 3600) * scale,
      estimatedWallSeconds: simSeconds / scale,
      withinBudget: simSeconds / scale <= config.maxWallMinutes * 60,
      intervalFloorMs,
      plannedTimerEventsPerSecond: timerEventsPerSecond(config.users, TIMER_PERIODS_SIM_MS, scale, intervalFloorMs),
    };
  };
  // An outside load (k6…) runs in real time: the server's timers must too, unless told otherwise.
  if (config.load === 'external' && config.timeScale === 'auto') return fixed(1);
  if (config.timeScale !== 'auto') return fixed(config.timeScale);
  return chooseTimeScale({
    hours: config.hours,
    cooldownHours: config.cooldownHours,
    maxWallMinutes: config.maxWallMinutes,
    plannedEventsPerSimHour: plannedEventsPerSimHour(config),
    capacityEventsPerSecond: CAPACITY_ACTIONS_PER_SECOND,
    users: config.users,
    timerPeriodsSimMs: TIMER_PERIODS_SIM_MS,
    timerBudgetPerSecond: TIMER_EVENTS_PER_SECOND,
  });
}
