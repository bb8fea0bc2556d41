/**
 * Reads the store's own count of its connections (`serverStatus().connections`) over the
 * MongoDB wire protocol, from outside the measured server: a server drowning in its own DB
 * connections (leak `db-per-event`) may stop answering `/metrics`, but the store still counts
 * every TCP connection it holds. One long-lived client per run, every read bounded by a timeout.
 * Works against mongod and the offline wire store alike (both answer serverStatus).
 *
 * It also notices a store restart mid-run: both report the process's `pid` and `uptimeMillis`
 * (`uptime`, s) in serverStatus, so a new pid or an uptime lower than at the previous read means
 * another process now answers on the same address. Its data and indexes are not the ones the run
 * started with (the wire store keeps nothing), so the run's evidence ends there.
 */
import { MongoClient } from 'mongodb';
import { ProbeError, asProbeError } from './probe-error.js';
import type { Probe } from './probe.js';

export interface StoreCounts {
  /** `connections.current`: TCP connections open on the store now, whoever holds them. */
  readonly connections: number;
  /** `connections.totalCreated`, when the store reports it. */
  readonly totalCreated: number | null;
}

/** Which store process answered: serverStatus `pid` and uptime, each null when not reported. */
export interface StoreIdentity {
  readonly pid: number | null;
  /** `uptimeMillis`, else `uptime` (s) × 1000. */
  readonly uptimeMs: number | null;
}

function numberOr(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function storeIdentity(status: Record<string, unknown>): StoreIdentity {
  const uptimeS = numberOr(status['uptime']);
  return { pid: numberOr(status['pid']), uptimeMs: numberOr(status['uptimeMillis']) ?? (uptimeS === null ? null : uptimeS * 1000) };
}

/** Why `next` is not the store process `previous` was read from, or null when it may be the same. */
export function storeRestartCause(previous: StoreIdentity, next: StoreIdentity): string | null {
  if (previous.pid !== null && next.pid !== null && previous.pid !== next.pid) {
    return `the store's pid changed from ${previous.pid} to ${next.pid}`;
  }
  if (previous.uptimeMs !== null && next.uptimeMs !== null && next.uptimeMs < previous.uptimeMs) {
    return `the store's uptime went back from ${(previous.uptimeMs / 1000).toFixed(1)} s to ${(next.uptimeMs / 1000).toFixed(1)} s`;
  }
  return null;
}

export interface StoreProbeOptions {
  /** Deadline of server selection and of the command's reply, each, ms. @default 3000 */
  readonly timeoutMs?: number;
}

/**
 * Real ms between the two reads of the baseline. A client that closed just before (store
 * resolution's version check) may still be counted by the store until it sees the FIN; on
 * 127.0.0.1 that takes well under a millisecond, so 200 ms is ample.
 */
const BASELINE_SETTLE_MS = 200;

export class StoreProbe implements Probe<StoreCounts, { reads: number; failures: number; totalMs: number; maxMs: number }> {
  readonly name = 'store';
  readonly #client: MongoClient;
  #reads = 0;
  #failures = 0;
  #totalMs = 0;
  #maxMs = 0;
  /** The store process of the last good read. */
  #identity: StoreIdentity | null = null;

  private constructor(client: MongoClient) {
    this.#client = client;
  }

  /**
   * Connects one client that holds exactly two connections for its whole life, so that they can
   * be told apart from the server's: one pool connection (`maxPoolSize: 1`, reads are one at a
   * time) and one monitoring connection (`serverMonitoringMode: 'poll'`: no second, RTT-measuring
   * connection, which streaming monitoring would add on a real mongod).
   */
  static async connect(uri: string, options: StoreProbeOptions = {}): Promise<StoreProbe> {
    const timeoutMs = options.timeoutMs ?? 3_000;
    const client = new MongoClient(uri, {
      appName: 'rol-soak-harness',
      maxPoolSize: 1,
      serverMonitoringMode: 'poll',
      serverSelectionTimeoutMS: timeoutMs,
      connectTimeoutMS: timeoutMs,
      // No answer within this closes the pool connection and fails the read (the next read opens
      // a fresh one): a read never stalls a sample longer than selection + this.
      socketTimeoutMS: timeoutMs,
    });
    try {
      await client.connect();
    } catch (err) {
      await client.close().catch(() => undefined);
      throw asProbeError('ERR_STORE_STATUS', 'the harness could not connect to the store', err);
    }
    return new StoreProbe(client);
  }

  /**
   * One serverStatus read. Throws ERR_STORE_STATUS when it fails or carries no connection counts,
   * ERR_STORE_RESTARTED when another store process answers than at the previous good read.
   */
  async sample(): Promise<StoreCounts> {
    const t0 = performance.now();
    this.#reads++;
    try {
      const status = await this.#client.db('admin').command({ serverStatus: 1 });
      const identity = storeIdentity(status);
      const restart = this.#identity ? storeRestartCause(this.#identity, identity) : null;
      this.#identity = identity;
      if (restart) throw new ProbeError('ERR_STORE_RESTARTED', `the store restarted mid-run: ${restart}`);
      const c = status['connections'] as { current?: unknown; totalCreated?: unknown } | undefined;
      if (typeof c?.current !== 'number') throw new ProbeError('ERR_STORE_STATUS', 'serverStatus has no connections.current');
      return { connections: c.current, totalCreated: typeof c.totalCreated === 'number' ? c.totalCreated : null };
    } catch (err) {
      this.#failures++;
      throw asProbeError('ERR_STORE_STATUS', 'serverStatus of the store failed', err);
    } finally {
      const ms = performance.now() - t0;
      this.#totalMs += ms;
      this.#maxMs = Math.max(this.#maxMs, ms);
    }
  }

  /**
   * Connections on the store that are not the measured server's, read before it starts: this
   * client's own two and anything already there. The smaller of two reads BASELINE_SETTLE_MS
   * apart, so a connection closed just before is not counted.
   */
  async baseline(): Promise<number> {
    const first = await this.sample();
    await new Promise((resolve) => setTimeout(resolve, BASELINE_SETTLE_MS));
    const second = await this.sample();
    return Math.min(first.connections, second.connections);
  }

  result(): { reads: number; failures: number; totalMs: number; maxMs: number } {
    return { reads: this.#reads, failures: this.#failures, totalMs: this.#totalMs, maxMs: this.#maxMs };
  }

  async cleanup(): Promise<void> {
    await this.#client.close().catch(() => undefined);
  }
}
