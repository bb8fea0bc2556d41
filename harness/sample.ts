/**
 * One sample of a run: what the harness knows about the server, the clients and the load at one
 * instant. Samples stream to `samples.ndjson` (one JSON object a line) as they are taken, and
 * every analysis reads them back in this shape. Sizes are bytes, times ms unless named.
 */

export type Phase = 'warmup' | 'soak' | 'cooldown';

/** Read through the V8 inspector (after a forced GC) and process probes of the server. */
export interface ServerProbe {
  /** V8 heap used after `HeapProfiler.collectGarbage`, bytes. */
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Server CPU over the last interval, percent of one core. */
  readonly cpuPercent: number;
  /** Event-loop delay over the last interval, ms (p50/p99/max from monitorEventLoopDelay). */
  readonly eventLoopDelayP50Ms: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  /** Event-loop utilisation over the last interval, 0–1. */
  readonly eventLoopUtilization: number;
  /** How long the forced GC + reads blocked the server, ms (the measurer's own cost). */
  readonly probeMs: number;
  /**
   * The server process's CPU (all threads) from the probe's first read to the end of its forced
   * GCs, ms: the measurer's CPU cost, without the waits and round trips in `probeMs` (an upper
   * bound: app work run between the probe's calls counts too). Absent in older samples.
   */
  readonly probeCpuMs?: number;
  /**
   * The server's main-thread time the probe took, ms: the GC pauses between its first read and
   * the end of its GCs (a PerformanceObserver on 'gc' in the target) plus the CPU of its scripts.
   * What the probe took from the server's event loop; the GC's helper threads are not in it
   * (`probeCpuMs` counts them, and app work too). Absent in older samples and where the target
   * has no PerformanceObserver.
   */
  readonly probeMainMs?: number;
  /**
   * Live libuv handles and requests by type (`process.getActiveResourcesInfo()`), read after the
   * GC; absent in samples from before it was read. The probe's own timer is one `Timeout` in each.
   */
  readonly resources?: Readonly<Record<string, number>>;
  /** Open file descriptors (/proc/self/fd), null where they cannot be read; absent in older samples. */
  readonly openFds?: number | null;
  /** At a checkpoint: full GCs until the heap was stable (inspector-probe.ts), and whether it got there. */
  readonly gcRounds?: number;
  readonly heapStable?: boolean;
  /**
   * At a checkpoint: the heap used after each of its GC rounds, bytes, in order (the reading is
   * their lowest). Evidence of how the heap settled: a hold that reads well below the regular
   * samples around it shows here in which round the heap fell.
   */
  readonly gcHeaps?: readonly number[];
  /**
   * At a checkpoint, read after its last GC round: V8's compiled (optimised and baseline) code
   * with its metadata, and bytecode with its metadata, bytes (`v8.getHeapCodeStatistics()`), both
   * inside `heapUsed`. The JIT's share moves with the load, not with what the app keeps: under
   * load, repeated GCs drop ~1 MiB of optimised code that comes back when the load resumes.
   * Absent in regular samples and in samples from before it was read.
   */
  readonly codeBytes?: number;
  readonly bytecodeBytes?: number;
}

/** What made a sample a quiet checkpoint (harness/run/checkpoints.ts), and how quiet it was. */
export interface CheckpointInfo {
  /** baseline: idle, before any user; cadence / phase-end: a hold in the soak; end: after the cool-down. */
  readonly kind: 'baseline' | 'cadence' | 'phase-end' | 'cadence+phase-end' | 'end';
  /** Simulated ms at which the hold began (the instant the checkpoint stands for). */
  readonly atSimMs: number;
  /** Real ms from the hold's start until the load had no action in flight (or the settle limit). */
  readonly settleRealMs: number;
  /** Actions still in flight when the server was read (0 = quiet). */
  readonly inFlight: number;
  /** True when the reads ended after the hold: the load had restarted during them. */
  readonly overran: boolean;
  /** Real ms the reads took (GC rounds, /metrics, store, load report). */
  readonly readRealMs: number;
}

/**
 * Client-side counts (aggregated over virtual users) and load-generator counts are defined where
 * they are produced, in scenarios/; the harness reads them as they are.
 */
import type { ClientCounts, LoadCounts } from '../scenarios/count-types.js';
export type { ClientCounts, LoadCounts };
import type { HttpWindow } from './load/http-window.js';
export type { HttpWindow };

export interface Sample {
  readonly seq: number;
  /** Simulated ms since the run's epoch. */
  readonly simMs: number;
  /** Real ms since the run started. */
  readonly realMs: number;
  readonly phase: Phase;
  readonly server: ServerProbe;
  /** Flattened Prometheus samples: `name` or `name{label="v",...}` → value. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly client: ClientCounts | null;
  readonly load: LoadCounts | null;
  /** The harness's own heap used, bytes (it must stay flat too). */
  readonly harnessHeapUsed: number;
  /** Set on samples taken right after a heap snapshot (its pause is kept out of latency figures). */
  readonly marks?: readonly string[];
  /**
   * The HTTP load's figures since the previous sample (requests, errors, latency percentiles).
   * Absent when the run had no HTTP load; null once it stopped and its last window was taken.
   */
  readonly http?: HttpWindow | null;
  /**
   * The store's own count of its connections (serverStatus over the wire, read by the harness
   * right after the scrape). Absent in samples from before it existed; null when the run has no
   * store URI (`--target`) or the read failed (`storeError` says why).
   */
  readonly store?: StoreReading | null;
  /**
   * Why `/metrics` gave nothing at this sample (e.g. no answer within the scrape timeout); its
   * `metrics` are then empty, and every rule reads them as missing, never as 0.
   */
  readonly scrapeError?: string;
  /** Why the store could not be read at this sample (then `store` is null). */
  readonly storeError?: string;
  /**
   * The load's clock against the harness's: the newest load report's worker SimClock reading
   * minus the harness's clock at the wall-clock instant it was read (simulated ms), and that
   * reading's age at this sample (real ms). Absent without a load clock reading.
   */
  readonly loadClock?: LoadClockReading;
  /** Set on quiet checkpoints; the sample is then read with the load held and the heap stable. */
  readonly checkpoint?: CheckpointInfo;
  /** At a checkpoint: the load workers' heaps after forced GCs, summed, with the VUs they hold. */
  readonly clientHeap?: { readonly usedBytes: number; readonly vus: number; readonly workers: number };
}

export interface LoadClockReading {
  readonly offsetSimMs: number;
  readonly ageRealMs: number;
}

/** `serverStatus().connections` of the store the measured server uses, counts of TCP connections. */
export interface StoreReading {
  /** `connections.current`: connections open on the store now, whoever holds them. */
  readonly connections: number;
  /** `connections.totalCreated` since the store started, when the store reports it. */
  readonly totalCreated: number | null;
  /**
   * Connections open on the store before the measured server started, read once per run: the
   * harness's own client (one pool connection + one monitoring connection) and anything else
   * that was there already. None of them is the server's, so `connections - baseline` is.
   */
  readonly baseline: number;
}
