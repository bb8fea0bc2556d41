/**
 * A fixed server and a leaky one (one switch on) against one wire store, for the leak tests:
 * the same actions on both, then the metric deltas compared.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { LeakId } from '../../common/leaks.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { scrapeMetrics, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { failOnMaxListenersWarning } from './client.js';

export interface LeakPair {
  fixed: ServerProcess;
  leaky: ServerProcess;
}

/** Registers beforeAll/afterAll hooks; read the servers from the returned object inside tests. */
export function useLeakPair(leak: LeakId, timeScale: number): LeakPair {
  const pair = {} as LeakPair;
  let store: RunningStore | undefined;
  let checkWarnings: () => void = () => {};
  beforeAll(async () => {
    checkWarnings = failOnMaxListenersWarning();
    store = await startWireStore();
    const env = { MONGODB_URI: store.uri };
    [pair.fixed, pair.leaky] = await Promise.all([
      startServerProcess({ timeScale, env }),
      startServerProcess({ timeScale, env, leaks: [leak] }),
    ]);
  });
  afterAll(async () => {
    const codes = await Promise.all([pair.fixed?.stop(), pair.leaky?.stop()]);
    await store?.stop();
    expect(codes).toEqual([0, 0]);
    for (const s of [pair.fixed, pair.leaky]) expect(s.stderr()).not.toMatch(/MaxListenersExceededWarning/);
    checkWarnings();
  });
  return pair;
}

export const metric = async (server: ServerProcess, name: string): Promise<number> => {
  const all = await scrapeMetrics(server.metricsUrl);
  const value = all[name];
  if (value === undefined) throw new Error(`${name} not exposed`);
  return value;
};

/** Polls `fn` every 50 ms until it returns true, at most `timeoutMs` real ms. */
export async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}
