/**
 * Where a run's load comes from, checked before anything starts (a UsageError, exit 2):
 *  - a scenario file drives socket-only users against a server rol-soak did not start (--target);
 *  - --target with the shipped scenarios would seed and drive the reference app's buddies and
 *    gestures, which only the reference server understands: it needs a scenario file or an
 *    outside load (--load-command, --load external), and says so instead of failing later with exit 4.
 * Returns the loaded scenario file (absolute path and contents) or null for a shipped scenario.
 */
import { resolve } from 'node:path';
import { isScenarioFile, loadScenarioFile, ScenarioFileError } from '../../scenarios/scenario-file.js';
import type { SocketScenario } from '../../scenarios/socket-scenario.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import { UsageError } from '../errors.js';

export const TARGET_NEEDS_LOAD =
  '--target soaks a server rol-soak did not start, so the reference app\'s users cannot drive it: ' +
  'pass --scenario ./your.scenario.ts (socket-only virtual users; see examples/board/board.scenario.ts) ' +
  'or --load-command "k6 run script.ts" (the harness starts your load after the baseline and stops it at the cool-down), ' +
  'or --load external (you run k6 or your own tool yourself)';

export async function loadRunScenario(
  config: Pick<ResolvedSoakConfig, 'scenario' | 'target' | 'load'> & { readonly loadCommand?: string | null },
  cwd: string,
): Promise<{ path: string; scenario: SocketScenario } | null> {
  if (!isScenarioFile(config.scenario)) {
    if (config.target && config.load === 'vus') throw new UsageError(TARGET_NEEDS_LOAD);
    return null;
  }
  if (!config.target) {
    throw new UsageError(`a scenario file drives your own server: add --target URL --inspect HOST:PORT [--metrics URL] (the reference server runs the shipped scenarios)`);
  }
  if (config.load === 'external') throw new UsageError(`${config.loadCommand ? '--load-command' : '--load external'} and a scenario file both describe the load: pass one of them`);
  const path = resolve(cwd, config.scenario);
  try {
    return { path, scenario: await loadScenarioFile(path, cwd) };
  } catch (error) {
    if (error instanceof ScenarioFileError) throw new UsageError(error.message);
    throw error;
  }
}
