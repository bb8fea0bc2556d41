/**
 * Loads `soak.config.ts` (or the file given by `--config`). TypeScript config files are loaded
 * with jiti, so a user's config needs no build step; a missing explicit file or a file that
 * throws is a usage error (exit 2), a missing default file is simply no layer.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createJiti } from 'jiti';
import { UsageError } from '../errors.js';
import type { SoakUserConfig } from './types.js';

export const DEFAULT_CONFIG_FILE = 'soak.config.ts';

export async function loadConfigFile(
  explicitPath: string | undefined,
  cwd: string,
): Promise<{ path: string | null; config: SoakUserConfig | undefined }> {
  const path = resolve(cwd, explicitPath ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(path)) {
    if (explicitPath !== undefined) throw new UsageError(`config file not found: ${path}`);
    return { path: null, config: undefined };
  }
  let loaded: unknown;
  try {
    const jiti = createJiti(pathToFileURL(cwd + '/').href, { interopDefault: true, moduleCache: false });
    loaded = await jiti.import(path, { default: true });
  } catch (error) {
    throw new UsageError(`could not load config file ${path}: ${(error as Error).message}`);
  }
  if (loaded === null || typeof loaded !== 'object' || Array.isArray(loaded)) {
    throw new UsageError(`config file ${path} must export default defineConfig({...})`);
  }
  return { path, config: loaded as SoakUserConfig };
}
