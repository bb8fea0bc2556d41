/** Types and the error class shared by store resolution and the wire-store launcher. */

export type StoreMode = 'auto' | 'uri' | 'memory-server' | 'wire';
export type StoreEngine = 'uri' | 'memory-server' | 'wire';

export interface RunningStore {
  /** Which store ran (reported by the harness and the console). */
  engine: StoreEngine;
  /** Connection string without a database name, e.g. `mongodb://127.0.0.1:PORT/`. */
  uri: string;
  /** Server version from buildInfo (`7.0.0-rolsoak` for the wire store). */
  version: string;
  /** PID of the store process this module started; null for MONGODB_URI. */
  pid: number | null;
  /** Stops what this module started (no-op for MONGODB_URI); resolves when it has exited. */
  stop(): Promise<void>;
}

export type StoreErrorCode =
  /** No store of the requested kind can be had (no binary, URI unreachable, unset MONGODB_URI). */
  | 'ERR_STORE_UNAVAILABLE'
  /** SOAK_STORE / mode is not one of auto|uri|memory-server|wire. */
  | 'ERR_STORE_MODE'
  /** The wire store process did not start (exited, bad output, or no line within the timeout). */
  | 'ERR_STORE_START';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}
