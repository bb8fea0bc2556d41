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
 * Client→server events per real second a soak may plan on this 2-core machine, with the load,
 * the server and the store sharing it. Measured (`npm run bench -- --only capacity`, and
 * 6 VUs at S = 780): ~1,000 events/s kept every planned action but ran the server's event loop
 * at 0.8–0.98 utilisation, which delayed samples by seconds and let work queue up in its heap.
 * We plan for 75% of it, leaving a quarter of the server for forced GCs, bursts and the probes.
 */
export const CAPACITY_EVENTS_PER_SECOND = 750;

export function plannedEventsPerSimHour(config: Pick<ResolvedSoakConfig, 'scenario' | 'users'>): number {
  const scenario = resolveScenario(config.scenario as ScenarioName);
  const busiest = Math.max(0, ...scenario.phases.map((p) => Object.values(p.rates).reduce((a, b) => a + (b ?? 0), 0)));
  return config.users * (busiest + TIMER_EVENTS_PER_USER_HOUR);
}

export function planTimeScale(config: ResolvedSoakConfig): TimeScaleChoice {
  // An outside load (k6…) runs in real time: the server's timers must too, unless told otherwise.
  if (config.load === 'external' && config.timeScale === 'auto') {
    const seconds = (config.hours + config.cooldownHours) * 3600;
    return { scale: 1, limitedBy: 'fixed', plannedEventsPerSecond: 0, estimatedWallSeconds: seconds, withinBudget: seconds <= config.maxWallMinutes * 60 };
  }
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
