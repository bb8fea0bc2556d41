/**
 * Resolves `timeScale: 'auto'` for a config: the planned event rate comes from the scenario
 * (its busiest phase, since late actions there are what hurts fidelity) plus the client timers
 * every connected user runs.
 */
import { resolveScenario, type ScenarioName } from '../../scenarios/scenarios.js';
import { TIMER_EVENTS_PER_USER_HOUR } from '../../scenarios/event-rate.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { chooseTimeScale, type TimeScaleChoice } from './time-scale.js';

/**
 * Client→server events per real second this 2-core machine sustains with the load, the server
 * and the store sharing it. Measured here: 100 VUs at S = 45 drove ~1,000 events/s with the server
 * at ~75% of a core and every planned action done (`npm run bench -- --only capacity`).
 */
export const CAPACITY_EVENTS_PER_SECOND = 1_000;

export function plannedEventsPerSimHour(config: Pick<ResolvedSoakConfig, 'scenario' | 'users'>): number {
  const scenario = resolveScenario(config.scenario as ScenarioName);
  const busiest = Math.max(0, ...scenario.phases.map((p) => Object.values(p.rates).reduce((a, b) => a + (b ?? 0), 0)));
  return config.users * (busiest + TIMER_EVENTS_PER_USER_HOUR);
}

export function planTimeScale(config: ResolvedSoakConfig): TimeScaleChoice {
  const auto = chooseTimeScale({
    hours: config.hours,
    cooldownHours: config.cooldownHours,
    maxWallMinutes: config.maxWallMinutes,
    plannedEventsPerSimHour: plannedEventsPerSimHour(config),
    capacityEventsPerSecond: CAPACITY_EVENTS_PER_SECOND,
  });
  if (config.timeScale === 'auto') return auto;
  const scale = config.timeScale;
  const simMs = (config.hours + config.cooldownHours) * 3_600_000;
  return {
    scale,
    limitedBy: 'fixed',
    plannedEventsPerSecond: (plannedEventsPerSimHour(config) / 3_600_000) * scale * 1000,
    estimatedWallSeconds: simMs / scale / 1000,
    withinBudget: simMs / scale / 1000 <= config.maxWallMinutes * 60,
  };
}
