/**
 * The scenario's layer of the configuration (defaults < soak.config.ts < scenario < env < flags):
 * what the chosen scenario declares — its population, its hours and the run settings it proposes
 * — for the shipped scenarios and user scenario files alike. Which scenario is chosen is itself
 * decided by the other layers (flags over env over the file over the default).
 */
import { isScenarioFile, loadScenarioFile, ScenarioFileError } from '../../scenarios/scenario-file.js';
import { SCENARIOS } from '../../scenarios/scenarios.js';
import type { SocketScenario } from '../../scenarios/socket-scenario.js';
import { UsageError } from '../errors.js';
import { DEFAULTS } from './defaults.js';
import type { SoakUserConfig } from './types.js';

export interface ScenarioChoice {
  /** The scenario's config layer (empty for an unknown name: resolveConfig reports it). */
  readonly layer: SoakUserConfig;
  /** The loaded user scenario file, or null for a shipped scenario. */
  readonly file: SocketScenario | null;
}

/** The name or path the other layers choose. */
export function chosenScenario(layers: { readonly file?: SoakUserConfig | undefined; readonly env?: SoakUserConfig; readonly cli?: SoakUserConfig }): string {
  return layers.cli?.scenario ?? layers.env?.scenario ?? layers.file?.scenario ?? DEFAULTS.scenario;
}

/** Loads the chosen scenario (a file relative to `cwd`) and returns its layer; a bad file is a UsageError (exit 2). */
export async function scenarioLayer(nameOrPath: string, cwd: string): Promise<ScenarioChoice> {
  if (isScenarioFile(nameOrPath)) {
    let file: SocketScenario;
    try {
      file = await loadScenarioFile(nameOrPath, cwd);
    } catch (error) {
      if (error instanceof ScenarioFileError) throw new UsageError(error.message);
      throw error;
    }
    return { layer: { users: file.population.users, hours: file.hours, ...file.soak }, file };
  }
  const shipped = Object.hasOwn(SCENARIOS, nameOrPath) ? SCENARIOS[nameOrPath as keyof typeof SCENARIOS] : null;
  if (!shipped) return { layer: {}, file: null };
  return { layer: { users: shipped.population.users, hours: shipped.hours, ...shipped.soak }, file: null };
}
