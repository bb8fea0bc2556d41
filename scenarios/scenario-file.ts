/**
 * Loads a user scenario file by path with jiti, the loader of soak.config.ts, so a TypeScript
 * scenario needs no build step; both the harness (to plan and check) and each load worker (to run
 * the scripts, which cannot cross threads) load it. Shipped scenarios are names; anything that
 * looks like a path (a `/` or a script extension) is a file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { ScenarioFileError, validateSocketScenario } from './socket-scenario-schema.js';
import type { SocketScenario } from './socket-scenario.js';

export function isScenarioFile(nameOrPath: string): boolean {
  return /[\\/]/.test(nameOrPath) || /\.(c|m)?(t|j)s$/.test(nameOrPath);
}

/** Loads, validates and fills defaults; throws ScenarioFileError (missing file, load error, invalid fields). */
export async function loadScenarioFile(path: string, cwd = process.cwd()): Promise<SocketScenario> {
  const abs = resolve(cwd, path);
  if (!existsSync(abs)) throw new ScenarioFileError(`scenario file not found: ${abs}`);
  let loaded: unknown;
  try {
    const jiti = createJiti(pathToFileURL(cwd + '/').href, { interopDefault: true, moduleCache: false });
    loaded = await jiti.import(abs, { default: true });
  } catch (error) {
    throw new ScenarioFileError(`could not load scenario file ${abs}: ${(error as Error).message}`);
  }
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw new ScenarioFileError(`scenario file ${abs} must export default defineScenario({...})`);
  }
  return validateSocketScenario(loaded, abs);
}

export { ScenarioFileError };
