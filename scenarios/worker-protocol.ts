/** Messages between the load process (scenarios/load.ts) and its VU worker threads. */
import type { LeakId } from '../common/leaks.js';
import type { ClientCounts } from './count-types.js';
import type { LoadTotals } from './counts.js';
import type { Scenario } from './scenario.js';

export interface WorkerConfig {
  readonly serverUrl: string;
  readonly scenario: Scenario;
  readonly seed: number;
  /** Client-side leak switches that are on. */
  readonly leaks: readonly LeakId[];
  readonly clock: { readonly scale: number; readonly epochMs: number };
  /** Simulated ms (since the epoch) at which the load's scenario time 0 falls. */
  readonly startSimMs: number;
  /** This worker's users: global indices. */
  readonly userIndices: readonly number[];
  readonly usernamePrefix: string;
  readonly password: string;
}

/** One worker's reading: its VUs folded into ClientCounts, its counters, and its latency window. */
export interface WorkerCounts {
  readonly client: ClientCounts;
  readonly load: LoadTotals;
  /** Compressed HdrHistogram of send→ack latency since the last collect (µs). */
  readonly latency: string;
}

export type ToWorker = { type: 'collect'; id: number } | { type: 'stop'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'counts'; id: number; counts: WorkerCounts }
  | { type: 'stopped'; id: number; counts: WorkerCounts }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Username prefix of the built-in load's virtual users (`vu00000`…). */
export const VU_USERNAME_PREFIX = 'vu';
/** Password of every virtual user (the first login creates the account). */
export const VU_PASSWORD = 'rol-soak-vu';

export function usernameFor(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(5, '0')}`;
}
