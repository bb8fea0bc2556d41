import type { SoakUserConfig } from './types.js';

/** Typed helper for `soak.config.ts`: returns its argument unchanged, so editors check it. */
export function defineConfig(config: SoakUserConfig): SoakUserConfig {
  return config;
}

export type { SoakUserConfig } from './types.js';
