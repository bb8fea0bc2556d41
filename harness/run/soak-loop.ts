/**
 * The sampling loop of one run: every `sampleEveryMinutes` simulated minutes it takes a sample
 * (server via the inspector after a forced GC, /metrics, the load's counts), streams it to
 * samples.ndjson, and moves through the phases warm-up → soak → cool-down, ending with the
 * end-of-run heap snapshot. Stops at the end of cool-down, on abort, or when a process fails.
 */
import { join } from 'node:path';
import type { SimClock } from '../../common/sim-clock.js';
import type { ResolvedSoakConfig } from '../config/types.js';
import type { CheckpointInfo, Phase, Sample, ServerProbe, StoreReading } from '../sample.js';
import type { PlannedCheckpoint } from './checkpoints.js';
import { InterruptedError, TargetError } from '../errors.js';
import { ProbeError } from '../probes/probe-error.js';
import type { HeapSettle, SampleOptions } from '../probes/inspector-probe.js';
import type { LoadHandle, LoadReport } from './load-process.js';
import type { HttpLoadHandle } from '../load/http-load.js';
import type { LoadCommandHandle } from './load-command.js';
import type { NdjsonWriter } from './ndjson-writer.js';
import type { RunEvent } from './run-events.js';

export interface ServerSampler {
  /** `settle`: collect until the heap is stable, as a hold or an idle checkpoint (inspector-probe.ts). */
  sample(options?: SampleOptions): Promise<ServerProbe>;
  takeHeapSnapshot(filePath: string): Promise<{ bytes: number; pauseMs: number }>;
}

export interface LoopDeps {
  readonly config: ResolvedSoakConfig;
  readonly clock: SimClock;
  readonly runDir: string;
  readonly inspector: ServerSampler;
  /**
   * The server's /metrics scrape, or null when it has none (a `--target` without `--metrics`):
   * then nothing is scraped, samples carry empty `metrics` and no `scrapeError` (a scrape never
   * asked for is not a failure), and the failed-scrape limit never applies.
   */
  readonly scrape: (() => Promise<Record<string, number>>) | null;
  /** The store's connection counts (serverStatus), or absent when the run has no store URI (`--target`). */
  readonly readStore?: () => Promise<StoreReading>;
  readonly load: LoadHandle | null;
  /** The HTTP load (REST requests, harness/load/http-load.ts), or null when the run has none. */
  readonly http?: HttpLoadHandle | null;
  /** The outside load started by `--load-command` (load-command.ts), stopped with the others at the cool-down. */
  readonly loadCommand?: Pick<LoadCommandHandle, 'stop' | 'record'> | null;
  readonly writer: Pick<NdjsonWriter<Sample>, 'write'>;
  readonly signal: AbortSignal;
  /** Rejects when the server or the load process fails; raced against every wait. */
  readonly failure: Promise<never>;
  readonly emit: (event: RunEvent) => void;
  readonly startedRealMs: number;
  /** Awaited when a phase begins, before its first sample (e.g. to start a heap profile at the soak). */
  readonly onPhase?: (phase: Phase) => Promise<void>;
  /** The run's quiet checkpoints, in simulated order (harness/run/checkpoints.ts). @default none */
  readonly checkpoints?: readonly PlannedCheckpoint[];
}

export interface LoopResult {
  readonly samples: Sample[];
  readonly snapshots: Array<{ label: string; path: string; bytes: number; pauseMs: number; simMs: number }>;
}

const HOUR = 3_600_000;

/**
 * How many samples in a row may have a failed `/metrics` scrape before the run ends as a target
 * failure: every warm-up sample plus twice the consecutive breaches a bound rule needs (defaults:
 * 8 + 2 × 2 = 12), and never fewer than 4. Why: a server drowning in its own leak stops answering
 * /metrics long before it dies (measured here: db-per-event at 100 users, during warm-up), while
 * the inspector and the store still answer; so even a server mute from its first sample leaves
 * enough soak samples for the store-side DB-connection rule to judge. A scrape that fails costs
 * up to its timeout (10 s real), so 12 in a row is ≥ 2 real minutes of silence before giving up.
 */
export function scrapeFailureLimit(config: Pick<ResolvedSoakConfig, 'warmupHours' | 'sampleEveryMinutes' | 'budgets'>): number {
  const warmupSamples = Math.ceil((config.warmupHours * 60) / config.sampleEveryMinutes);
  return Math.max(4, warmupSamples + 2 * Math.max(1, Math.round(config.budgets.consecutiveBreaches)));
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function phaseAt(simMs: number, config: ResolvedSoakConfig): Phase {
  if (simMs < config.warmupHours * HOUR) return 'warmup';
  if (simMs < config.hours * HOUR) return 'soak';
  return 'cooldown';
}

/** Waits real ms, unless aborted or a process fails first. */
async function wait(realMs: number, deps: LoopDeps): Promise<void> {
  if (deps.signal.aborted) throw new InterruptedError(String(deps.signal.reason ?? 'SIGINT'));
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, realMs));
        timer.unref();
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new InterruptedError(String(deps.signal.reason ?? 'SIGINT')));
        deps.signal.addEventListener('abort', onAbort, { once: true });
      }),
      deps.failure,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) deps.signal.removeEventListener('abort', onAbort);
  }
}

/** Takes one heap snapshot into the run folder and records it. */
export async function snapshot(deps: Pick<LoopDeps, 'inspector' | 'runDir' | 'clock' | 'emit'>, out: LoopResult, label: string): Promise<void> {
  const path = join(deps.runDir, `${String(out.snapshots.length + 1)}-${label}.heapsnapshot`);
  const taken = await deps.inspector.takeHeapSnapshot(path);
  out.snapshots.push({ label, path, simMs: deps.clock.now(), ...taken });
  deps.emit({ type: 'snapshot', label, path, bytes: taken.bytes, pauseMs: taken.pauseMs });
}

/** Mutable state of one loop: the failed scrapes in a row (the limit ends the run). */
interface ReadState {
  scrapeFailures: number;
  readonly scrapeLimit: number;
}

/** What one reading needs besides the deps: its number, phase, how the heap is collected until stable (not at all on a regular sample), and the load report to use. */
interface ReadSpec {
  readonly seq: number;
  readonly phase: Phase;
  readonly settle?: HeapSettle;
  readonly lr: LoadReport | null;
  readonly checkpoint?: (server: ServerProbe, readRealMs: number) => CheckpointInfo;
  /** Called with the sample as soon as it is written, before any error the reading ends with. */
  readonly keep?: (sample: Sample) => void;
  /** The server's reading, when already taken (a checkpoint reads it alongside the clients' heaps). */
  readonly server?: ServerProbe;
}

/**
 * Reads the server (inspector), /metrics (when the server has one), the store and the given load report into one sample,
 * streams it to samples.ndjson and returns it. Throws (after writing) when the store restarted or
 * /metrics failed too often in a row: the samples so far stay evidence.
 */
export async function readSample(deps: Omit<LoopDeps, 'signal' | 'failure' | 'onPhase' | 'checkpoints' | 'http' | 'loadCommand'> & Pick<LoopDeps, 'http'>, state: ReadState, spec: ReadSpec): Promise<Sample> {
  const { clock } = deps;
  const t0 = performance.now();
  const { lr } = spec;
  // The load's clock read at the same wall-clock instant as the harness's (clock drift).
  const reading = lr?.load.clock;
  const loadClock = reading ? { offsetSimMs: reading.simMs - clock.simAt(reading.epochMs), ageRealMs: Date.now() - reading.epochMs } : undefined;
  const server = spec.server ?? (await deps.inspector.sample(spec.settle === 'idle' ? { settle: 'idle', quietMs: deps.config.idleSettleSeconds * 1000 } : spec.settle === 'hold' ? { settle: 'hold' } : {}));
  // A failed scrape leaves the sample's metrics empty (read as missing, never as 0) with the
  // error beside them; the inspector and store readings still make it evidence.
  // No /metrics at all (inspector-only): empty metrics, no error.
  let metrics: Record<string, number> = {};
  let scrapeError: string | undefined;
  if (deps.scrape) {
    try {
      metrics = await deps.scrape();
      state.scrapeFailures = 0;
    } catch (err) {
      state.scrapeFailures++;
      scrapeError = messageOf(err);
      deps.emit({ type: 'log', message: `/metrics failed at sample ${spec.seq} (${state.scrapeFailures} in a row, limit ${state.scrapeLimit}): ${scrapeError}` });
    }
  }
  let store: StoreReading | null = null;
  let storeError: string | undefined;
  let storeRestarted = false;
  if (deps.readStore) {
    try {
      store = await deps.readStore();
    } catch (err) {
      storeError = messageOf(err);
      storeRestarted = err instanceof ProbeError && err.code === 'ERR_STORE_RESTARTED';
    }
  }
  const checkpoint = spec.checkpoint?.(server, performance.now() - t0);
  const sample: Sample = {
    seq: spec.seq,
    simMs: clock.now(),
    realMs: Date.now() - deps.startedRealMs,
    phase: spec.phase,
    server,
    metrics,
    client: lr?.client ?? null,
    load: lr ? { ...lr.load, readAtSimMs: lr.simMs } : null,
    harnessHeapUsed: process.memoryUsage().heapUsed,
    // The HTTP window closes at this sample (its last one right after the stop, then null).
    ...(deps.http ? { http: deps.http.takeWindow() } : {}),
    store,
    ...(scrapeError === undefined ? {} : { scrapeError }),
    ...(storeError === undefined ? {} : { storeError }),
    ...(loadClock ? { loadClock } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    ...(lr?.clientHeap ? { clientHeap: lr.clientHeap } : {}),
  };
  deps.writer.write(sample);
  spec.keep?.(sample);
  // After the sample is written: the samples so far stay evidence, a partial report is made of them.
  if (storeRestarted) {
    throw new TargetError('ERR_STORE', `${storeError ?? 'the store restarted'}; the server's data and indexes since then are not the run's`);
  }
  if (state.scrapeFailures >= state.scrapeLimit) {
    throw new TargetError('ERR_TARGET', `/metrics did not answer at ${state.scrapeFailures} samples in a row (limit ${state.scrapeLimit}); last: ${scrapeError}`);
  }
  return sample;
}

/**
 * Real ms a checkpoint waits, from its hold's start, for the actions in flight to finish before
 * it reads anyway (and records how many were left): an IM's ack p99 under load is ~100 ms here,
 * so half a second lets nearly all finish while leaving most of a 2 s hold for the reads.
 */
export const CHECKPOINT_SETTLE_MAX_MS = 500;
/** Real ms a checkpoint waits for the load workers' heaps after their forced GCs (~0.1–0.3 s each at 50 VUs). */
const CLIENT_HEAP_WAIT_MS = 3_000;
/** Real ms between two questions to the load while a checkpoint settles. */
const SETTLE_POLL_MS = 50;

/** At a hold's start: waits until the load has no action in flight (or the settle limit), then returns its newest report. */
async function settle(deps: LoopDeps): Promise<{ lr: LoadReport | null; settleRealMs: number }> {
  const t0 = performance.now();
  if (!deps.load) return { lr: null, settleRealMs: 0 };
  for (;;) {
    const lr = await deps.load.reportNow(1_000);
    const waited = performance.now() - t0;
    if (!lr || (lr.load.pendingActions ?? 0) <= 0 || waited >= CHECKPOINT_SETTLE_MAX_MS) return { lr, settleRealMs: waited };
    await wait(SETTLE_POLL_MS, deps);
  }
}

export async function runSoakLoop(deps: LoopDeps, out: LoopResult): Promise<void> {
  const { config, clock } = deps;
  const stepSim = config.sampleEveryMinutes * 60_000;
  const endSim = (config.hours + config.cooldownHours) * HOUR;
  let phase: Phase | null = null;
  let loadStopped = false;
  const state: ReadState = { scrapeFailures: 0, scrapeLimit: scrapeFailureLimit(config) };
  const checkpoints = deps.checkpoints ?? [];
  let nextCheckpoint = 0;
  const keep = (sample: Sample): void => {
    out.samples.push(sample);
    deps.emit({ type: 'sample', sample, totalSimMs: endSim });
  };

  // Samples fall on multiples of the step; a slow sample or a snapshot skips missed slots
  // instead of firing a burst of back-to-back samples. A checkpoint takes the place of the
  // regular samples that fall inside its hold.
  for (let seq = 0, nextSim = 0; ; seq++) {
    const cp = checkpoints[nextCheckpoint];
    if (cp && cp.simMs <= nextSim) {
      nextCheckpoint++;
      await wait(clock.realUntil(cp.simMs), deps);
      const holdEnd = cp.simMs + cp.holdSimMs;
      const settled = await settle(deps);
      const { settleRealMs } = settled;
      // The clients' memory too: every load worker's heap after forced GCs (scenarios/worker-heap.ts),
      // read alongside the server's collections (another process: the two do not wait for each other).
      const readsStart = performance.now();
      const [quiet, server] = await Promise.all([deps.load ? deps.load.reportNow(CLIENT_HEAP_WAIT_MS, { gc: true }) : null, deps.inspector.sample({ settle: 'hold' })]);
      const lr = quiet ?? settled.lr;
      const sample = await readSample(deps, state, {
        seq,
        server,
        // The checkpoint closes the stretch before it (the one at the soak's end is the soak's).
        phase: phaseAt(Math.max(0, cp.simMs - 1), config),
        settle: 'hold',
        lr,
        keep,
        checkpoint: () => ({
          kind: cp.reason,
          atSimMs: cp.simMs,
          settleRealMs,
          inFlight: lr?.load.pendingActions ?? 0,
          overran: clock.now() > holdEnd,
          readRealMs: performance.now() - readsStart,
        }),
      });
      if (sample.checkpoint?.overran) {
        deps.emit({ type: 'log', message: `checkpoint at ${(cp.simMs / HOUR).toFixed(2)} h overran its ${cp.holdSimMs} ms hold (settle ${settleRealMs.toFixed(0)} ms, reads ${sample.checkpoint.readRealMs.toFixed(0)} ms): the load had restarted during its reads, and leak rules leave this checkpoint out (--checkpoint-hold ${Math.ceil((settleRealMs + sample.checkpoint.readRealMs) / 1000) + 1} or more keeps it quiet)` });
      }
      nextSim = Math.min(endSim, (Math.floor(holdEnd / stepSim) + 1) * stepSim);
      continue;
    }
    await wait(clock.realUntil(nextSim), deps);
    const simNow = clock.now();
    const current = phaseAt(Math.min(simNow, endSim), config);
    if (current !== phase) {
      phase = current;
      deps.emit({ type: 'phase', phase, simMs: simNow });
      await deps.onPhase?.(phase);
    }
    // The load stops when the soak hours are over: cool-down shows whether the server returns to baseline.
    if (phase === 'cooldown' && (deps.load || deps.http || deps.loadCommand) && !loadStopped) {
      loadStopped = true;
      await Promise.all([deps.load?.stop(), deps.http?.stop(), deps.loadCommand?.stop('cooldown')]);
      const command = deps.loadCommand?.record();
      const what = command
        ? command.endedBy === 'itself'
          ? ' (the load command had already ended by itself)'
          : ' (load command: SIGTERM to its process group)'
        : deps.http
          ? ' (virtual users and HTTP)'
          : '';
      deps.emit({ type: 'log', message: `load stopped${what}; cool-down` });
    }

    // The load reports on its own every second (real); asking it for a fresh report costs a
    // round trip to every busy worker (~2 s under load here), so the sample uses the latest one
    // and asks only when there is none yet.
    const lr = deps.load?.latest() ?? (deps.load && !loadStopped ? await deps.load.reportNow() : null);
    // The last sample, after the cool-down, is the run's end checkpoint: every user gone, the
    // heap collected until stable, to set against the idle baseline read before the first user.
    const last = nextSim >= endSim && (phase === 'cooldown' || config.cooldownHours <= 0);
    const endCheckpoint = (_s: ServerProbe, readRealMs: number): CheckpointInfo => ({ kind: 'end', atSimMs: endSim, settleRealMs: 0, inFlight: lr?.load.pendingActions ?? 0, overran: false, readRealMs });
    const sample = await readSample(deps, state, { seq, phase, lr, keep, ...(last ? { settle: 'idle' as const, checkpoint: endCheckpoint } : {}) });

    // The end comes after a cool-down sample: a slow sample that overshot the soak's end (a
    // saturated server) still gets the load stopped and the server's return to baseline read.
    if (last || (sample.simMs >= endSim && (phase === 'cooldown' || config.cooldownHours <= 0))) {
      // A regular sample that overshot the end is followed by the end checkpoint proper.
      if (!last) await readSample(deps, state, { seq: ++seq, phase, settle: 'idle', lr, keep, checkpoint: endCheckpoint });
      // The end snapshot, after cool-down: the load is gone, so what the heap still holds is
      // what the run retained. The server pause costs nothing here.
      if (config.snapshots) await snapshot(deps, out, 'end');
      break;
    }
    nextSim = Math.min(endSim, (Math.floor(clock.now() / stepSim) + 1) * stepSim);
  }
}
