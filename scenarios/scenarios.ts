/** The shipped scenarios by name; `office-day` is the default. */
import { officeDay } from './office-day.js';
import { reconnectStorm } from './reconnect-storm.js';
import type { Scenario } from './scenario.js';

export const SCENARIOS = Object.freeze({ 'office-day': officeDay, 'reconnect-storm': reconnectStorm });
export type ScenarioName = keyof typeof SCENARIOS;
export const DEFAULT_SCENARIO: ScenarioName = 'office-day';

export function resolveScenario(s: ScenarioName | Scenario | undefined): Scenario {
  if (s === undefined) return SCENARIOS[DEFAULT_SCENARIO];
  if (typeof s !== 'string') return s;
  const found = SCENARIOS[s];
  if (!found) throw new Error(`unknown scenario ${String(s)} (known: ${Object.keys(SCENARIOS).join(', ')})`);
  return found;
}
