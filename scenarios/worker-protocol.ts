/** Messages between the load process (scenarios/load.ts) and its VU worker threads. */
import type { LeakId } from '../common/leaks.js';
import type { ClockSpec } from '../common/sim-clock.js';
import type { ClientCounts } from './count-types.js';
import type { LoadTotals } from './counts.js';
import type { Scenario } from './scenario.js';
import type { WorkerHeap } from './worker-heap.js';

export interface WorkerConfig {
  readonly serverUrl: string;
  readonly scenario: Scenario;
  readonly seed: number;
  /** Client-side leak switches that are on. */
  readonly leaks: readonly LeakId[];
  readonly clock: ClockSpec;
  /** Simulated ms (since the epoch) at which the load's scenario time 0 falls. */
  readonly startSimMs: number;
  /** This worker's users: global indices. */
  readonly userIndices: readonly number[];
  readonly usernamePrefix: string;
  readonly password: string;
  /** The buddy graph was seeded before the run (seed-buddies.ts): skip the in-run handshake. */
  readonly buddiesSeeded: boolean;
}

/** A socket-only worker's config (socket-vu-worker.ts): the scenario file is loaded in the thread, its scripts cannot be cloned. */
export interface SocketWorkerConfig {
  readonly serverUrl: string;
  /** Absolute path of the user scenario file. */
  readonly scenarioFile: string;
  readonly seed: number;
  readonly clock: ClockSpec;
  readonly startSimMs: number;
  readonly userIndices: readonly number[];
  /** The run's population and length (the scenario's own unless the config overrode them). */
  readonly users: number;
  readonly hours: number;
}

/** One worker's reading: its VUs folded into ClientCounts, its counters, and its latency window. */
export interface WorkerCounts {
  readonly client: ClientCounts;
  readonly load: LoadTotals;
  /** Compressed HdrHistogram of send→ack latency since the last collect (µs). */
  readonly latency: string;
  /** The worker's heap after forced GCs (worker-heap.ts), when the collect asked for it (`gc`). */
  readonly heap?: WorkerHeap;
}

/** `gc`: a quiet checkpoint's collect, which also reads the worker's heap after forced GCs. */
export type ToWorker = { type: 'collect'; id: number; gc?: boolean } | { type: 'stop'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'counts'; id: number; counts: WorkerCounts }
  | { type: 'stopped'; id: number; counts: WorkerCounts }
  | { type: 'done' }
  | { type: 'error'; message: string };

/** Username prefix of the virtual users (`vu00000`…) unless a run asks for another. */
export const VU_USERNAME_PREFIX = 'vu';
/** Every virtual user's password (accounts are created at first login). */
export const VU_PASSWORD = 'rol-soak-vu';

export function usernameFor(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(5, '0')}`;
}
