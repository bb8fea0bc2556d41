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
}

/** Client-side counts, aggregated over virtual users (max and sum over users). */
export interface ClientCounts {
  readonly vus: number;
  readonly socketsOpen: number;
  readonly socketsPerUserMax: number;
  /** Listeners per socket per event (`socket.listeners(ev).length`): max over sockets and events. */
  readonly listenersPerSocketMax: number;
  readonly listenersPerSocketSum: number;
  readonly listenersByEvent: Readonly<Record<string, { readonly max: number; readonly sum: number }>>;
  /** document/window listeners per VU: max over VUs, sum over VUs. */
  readonly documentListenersMax: number;
  readonly documentListenersSum: number;
  readonly documentListenersByType: Readonly<Record<string, number>>;
  readonly intervalsAlive: number;
  readonly timeoutsAlive: number;
  /** Messages delivered more than once to one handler set (cumulative). */
  readonly duplicateDeliveries: number;
}

/** Load-generator counts; counters are cumulative since the start of the load. */
export interface LoadCounts {
  readonly actions: Readonly<Record<string, number>>;
  /** Actions the scenario planned up to now (cumulative). */
  readonly plannedActions: number;
  readonly doneActions: number;
  readonly messagesSent: number;
  readonly messagesAcked: number;
  readonly messagesDelivered: number;
  readonly reconnects: number;
  readonly errors: number;
  /** Round-trip latency of im:send → ack over the last report window, ms. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly count: number };
}

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
}
