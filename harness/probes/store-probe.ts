/**
 * Reads the store's own count of its connections (`serverStatus().connections`) over the
 * MongoDB wire protocol, from outside the measured server: a server drowning in its own DB
 * connections (leak `db-per-event`) may stop answering `/metrics`, but the store still counts
 * every TCP connection it holds. One long-lived client per run, every read bounded by a timeout.
 * Works against mongod and the offline wire store alike (both answer serverStatus).
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

  /** One serverStatus read. Throws ERR_STORE_STATUS when it fails or carries no connection counts. */
  async sample(): Promise<StoreCounts> {
    const t0 = performance.now();
    this.#reads++;
    try {
      const status = await this.#client.db('admin').command({ serverStatus: 1 });
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
