/**
 * Reads the measured server through the V8 inspector protocol: forced GC, heap usage, memory,
 * CPU, event-loop delay and utilisation, and streamed heap snapshots. One probe per target and
 * one connection per run: V8 keeps heap object ids per session (snapshot diffs match objects by
 * them). Each probe keeps its in-target state under its own id, so probes on one target (the
 * harness's and, say, a second one in target mode) neither reset nor remove each other's.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import CDP from 'chrome-remote-interface';
import type { ServerProbe } from '../sample.js';
import { parseInspectArg } from './inspector-url.js';
import { ProbeError, asProbeError, type ProbeErrorCode } from './probe-error.js';
import type { Probe } from './probe.js';
import { afterGcExpression, installExpression, readExpression, uninstallExpression, type TargetMemory, type TargetReading } from './target-scripts.js';

/** Object group for everything `Runtime.evaluate` creates, released after every call. */
const OBJECT_GROUP = 'rol-soak';
/** A forced GC costs ~1 ms per MB of heap (issue 4): 60 s covers multi-GB heaps. */
const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** V8's SamplingHeapProfile (`{head, samples}`), typed through the client (devtools-protocol is not ours to import). */
export type SamplingHeapProfile = Awaited<ReturnType<CDP.Client['HeapProfiler']['stopSampling']>>['profile'];

export interface InspectorProbeOptions {
  /** Per-protocol-call deadline, ms. @default 60000 */
  readonly callTimeoutMs?: number;
  /**
   * Says what the target process is doing (process-state.ts), for the message of a call that
   * timed out; absent for a target whose process the harness cannot see (a remote --target).
   */
  readonly describeTarget?: () => string;
}

export interface HeapSnapshotResult {
  /** Size of the written `.heapsnapshot` file, bytes. */
  readonly bytes: number;
  /** How long `HeapProfiler.takeHeapSnapshot` blocked (server paused while serialising), ms. */
  readonly pauseMs: number;
}

/** The probe's own cost over its life (STYLE §7): what the measuring did to the server. */
export interface InspectorProbeCost {
  readonly samples: number;
  /** Sum and max of `probeMs` over all samples, ms. */
  readonly probeMsTotal: number;
  readonly probeMsMax: number;
  readonly snapshots: number;
  /** Sum of snapshot pauses, ms. */
  readonly snapshotPauseMsTotal: number;
}

/**
 * How a checkpoint collects until its heap is stable. A round is a full GC and a heap reading;
 * the heap read is the lowest of the rounds (the server's own work between a GC and its reading
 * only adds to it). The heap is still falling while a round lowers that lowest reading by more
 * than the larger of 64 KiB and 0.1%; it is stable once it has not for 3 rounds in a row and
 * `quietMs` real ms, and read anyway, flagged, after the last round.
 *  - `hold` (every simulated hour): back-to-back rounds, at least MIN_HOLD_ROUNDS, at most 12.
 *    Why so many: under a held load V8 drops 0.5–1.3 MiB of optimised code, in steps, a few
 *    rounds in (rounds 2–8 seen; a round is one HeapProfiler.collectGarbage, two full GCs here),
 *    and the resumed load rebuilds it. Holds that stopped before that fall and holds that read
 *    after it made a two-level series that cost the slope test its power (seeds 4 and 6); 3 quiet
 *    rounds alone still stopped some at round 5. Checkpoints also read the JIT's share
 *    (`codeBytes`, `bytecodeBytes`). Measurements: bench/results/live-default-runs.md
 *    (2026-12-04 and 2026-12-05 entries). Each hold costs the server's loop (issue 15's budget).
 *  - `idle` (the baseline before the first user and the end after the cool-down, which
 *    heap-cooldown sets against each other): rounds up to 1 s apart until the heap has not
 *    fallen for `quietMs` (config idleSettleSeconds, default 10 s), at most 40 rounds. An idle
 *    server still releases memory for seconds after its last clients left, which back-to-back
 *    rounds do not wait for (seed 3's baseline read 2.2 MiB low; the reference server releases
 *    a last 80–370 KiB 6–8 s after seeding). Taken once per run each, so their ~14–21 s cost the
 *    run nothing; `npm run bench -- --only idle-settle` measures them.
 */
export type HeapSettle = 'hold' | 'idle';
/**
 * Collect until the heap is stable, as a hold or an idle checkpoint (a regular sample does not);
 * `quietMs`: the real ms an idle heap must not fall before it is read (config idleSettleSeconds).
 */
export type SampleOptions = { readonly settle?: 'hold' } | { readonly settle: 'idle'; readonly quietMs: number };
interface SettleSpec {
  /** Real ms between rounds (the server does its deferred work in between). */
  readonly gapMs: number;
  readonly quietRounds: number;
  readonly quietMs: number;
  /** Fewest rounds before a reading counts as stable. */
  readonly minRounds: number;
  readonly maxRounds: number;
}
/** Fewest GC rounds of a hold (see above: the JIT's optimised code falls in steps up to round ~8). */
export const MIN_HOLD_ROUNDS = 8;
/** The rounds of a hold, or of an idle reading that waits `quietMs`. */
function settleSpec(options: SampleOptions): SettleSpec {
  if (options.settle !== 'idle') return { gapMs: 0, quietRounds: 3, quietMs: 0, minRounds: MIN_HOLD_ROUNDS, maxRounds: 12 };
  const quietMs = Math.max(0, options.quietMs);
  // Six rounds in the quiet stretch, at most 1 s and at least 100 ms apart.
  return { gapMs: Math.min(1_000, Math.max(100, quietMs / 6)), quietRounds: 3, quietMs, minRounds: 1, maxRounds: 40 };
}
const STABLE_GC_ABS_BYTES = 64 * 1024;
const STABLE_GC_REL = 0.001;

export class InspectorProbe implements Probe<ServerProbe, InspectorProbeCost> {
  readonly name = 'inspector';
  readonly #client: CDP.Client;
  readonly #callTimeoutMs: number;
  readonly #describeTarget: (() => string) | undefined;
  /** This probe's key in the target's registry. */
  readonly #id = randomUUID();
  #delayAvailable = false;
  #closed = false;
  #cost = { samples: 0, probeMsTotal: 0, probeMsMax: 0, snapshots: 0, snapshotPauseMsTotal: 0 };

  private constructor(client: CDP.Client, callTimeoutMs: number, describeTarget: (() => string) | undefined) {
    this.#client = client;
    this.#callTimeoutMs = callTimeoutMs;
    this.#describeTarget = describeTarget;
  }

  /** Connects to `ws://…` or `HOST:PORT` (resolved through `/json/list`) and installs the loop monitor. */
  static async connect(wsUrlOrHostPort: string, options: InspectorProbeOptions = {}): Promise<InspectorProbe> {
    const target = await parseInspectArg(wsUrlOrHostPort);
    let client: CDP.Client;
    try {
      // local: use the bundled protocol description instead of fetching /json/protocol.
      client = await CDP({ target, local: true });
    } catch (err) {
      throw asProbeError('ERR_INSPECTOR_CONNECT', `inspector connect to ${target} failed`, err);
    }
    const probe = new InspectorProbe(client, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS, options.describeTarget);
    try {
      await probe.before();
    } catch (err) {
      await probe.close();
      throw err;
    }
    return probe;
  }

  /** Installs the event-loop delay histogram and CPU/ELU baselines in the target. */
  async before(): Promise<void> {
    const installed = await this.#evaluate<{ delay: boolean }>(installExpression(this.#id), 'ERR_INSPECTOR_CONNECT');
    this.#delayAvailable = installed.delay;
  }

  /**
   * The interval's CPU and loop figures, then a forced GC, heap usage and memory. `probeMs` is the
   * wall time of the four round trips, an upper bound of how long the server was blocked. The
   * interval runs from the end of the previous sample's GC to the start of this one's, so CPU,
   * loop delay and ELU are the server's own work: a forced GC pause (~50–100 ms) inside it would
   * be the p99 of a 0.5 s window and read as the server's saturation (fidelity judges both).
   */
  async sample(options: SampleOptions = {}): Promise<ServerProbe> {
    const t0 = performance.now();
    const r = await this.#evaluate<TargetReading | null>(readExpression(this.#id), 'ERR_INSPECTOR_PROTOCOL');
    await this.#call('collectGarbage', () => this.#client.HeapProfiler.collectGarbage());
    let heap = await this.#call('getHeapUsage', () => this.#client.Runtime.getHeapUsage());
    // A checkpoint collects until the heap is stable: a full GC can leave garbage that only a
    // later one frees (weak maps, finalizers, objects a first pass promoted), and
    // a checkpoint's reading is what leaks are judged on.
    let gcRounds = 1;
    let heapStable: boolean | undefined;
    const gcHeaps = [heap.usedSize];
    if (options.settle) {
      const spec = settleSpec(options);
      heapStable = false;
      // The lowest reading when the heap last fell, and when: the quiet stretch runs from there.
      let fellTo = heap.usedSize;
      let fellAt = performance.now();
      let quiet = 0;
      while (gcRounds < spec.maxRounds) {
        if (spec.gapMs > 0) await new Promise((resolve) => setTimeout(resolve, spec.gapMs));
        await this.#call('collectGarbage', () => this.#client.HeapProfiler.collectGarbage());
        const next = await this.#call('getHeapUsage', () => this.#client.Runtime.getHeapUsage());
        gcRounds++;
        gcHeaps.push(next.usedSize);
        if (next.usedSize < heap.usedSize) heap = next;
        if (fellTo - heap.usedSize > Math.max(STABLE_GC_ABS_BYTES, STABLE_GC_REL * fellTo)) {
          fellTo = heap.usedSize;
          fellAt = performance.now();
          quiet = 0;
        } else if (++quiet >= spec.quietRounds && performance.now() - fellAt >= spec.quietMs && gcRounds >= spec.minRounds) {
          heapStable = true;
          break;
        }
      }
    }
    const mem = await this.#evaluate<TargetMemory | null>(afterGcExpression(this.#id, options.settle !== undefined), 'ERR_INSPECTOR_PROTOCOL');
    const probeMs = performance.now() - t0;
    this.#cost.samples++;
    this.#cost.probeMsTotal += probeMs;
    this.#cost.probeMsMax = Math.max(this.#cost.probeMsMax, probeMs);
    if (!r || !mem) throw new ProbeError('ERR_INSPECTOR_PROTOCOL', 'probe state missing in target (was it restarted?)');
    return {
      heapUsed: heap.usedSize,
      heapTotal: heap.totalSize,
      rss: mem.rss,
      external: mem.external,
      arrayBuffers: mem.arrayBuffers,
      // µs of CPU over ms of wall: /1000 for ms, ×100 for percent of one core.
      cpuPercent: r.wallMs > 0 ? (r.cpuUs / 1000 / r.wallMs) * 100 : 0,
      eventLoopDelayP50Ms: r.p50 ?? Number.NaN,
      eventLoopDelayP99Ms: r.p99 ?? Number.NaN,
      eventLoopDelayMaxMs: r.max ?? Number.NaN,
      eventLoopUtilization: r.elu,
      probeMs,
      // The target's own CPU from the first read to the reset after the GCs: what the probe cost
      // it, without the waits and round trips probeMs also spans (an upper bound still: app work
      // that ran between the calls counts too).
      ...(r.cpuAtUs !== undefined && mem.cpuAtUs !== undefined ? { probeCpuMs: Math.max(0, (mem.cpuAtUs - r.cpuAtUs) / 1000) } : {}),
      // The main thread's time the probe took: the GC pauses between the two reads (the forced
      // ones, and any the app's own allocation set off in that window) and the probe's scripts.
      ...(typeof r.gcMsAt === 'number' && typeof mem.gcMsAt === 'number'
        ? { probeMainMs: Math.max(0, mem.gcMsAt - r.gcMsAt) + ((r.scriptUs ?? 0) + (mem.scriptUs ?? 0)) / 1000 }
        : {}),
      ...(heapStable === undefined ? {} : { gcRounds, heapStable, gcHeaps }),
      ...(typeof mem.codeBytes === 'number' && typeof mem.bytecodeBytes === 'number' ? { codeBytes: mem.codeBytes, bytecodeBytes: mem.bytecodeBytes } : {}),
      ...(mem.resources ? { resources: mem.resources } : {}),
      ...(mem.openFds === undefined ? {} : { openFds: mem.openFds }),
    };
  }

  result(): InspectorProbeCost {
    return { ...this.#cost };
  }

  /** True when the target could load perf_hooks (else the delay fields are NaN). */
  get eventLoopDelayAvailable(): boolean {
    return this.#delayAvailable;
  }

  /**
   * Streams a heap snapshot chunk by chunk into `filePath` (never holds the whole snapshot).
   * The file opens in Chrome DevTools (Memory → Load).
   */
  async takeHeapSnapshot(filePath: string): Promise<HeapSnapshotResult> {
    // Each chunk goes to the file as it arrives, synchronously: V8 cannot be paused mid-snapshot,
    // and an asynchronous stream queues chunks whenever this process is starved of CPU (a CI run
    // with parallel test files queued 11.7 MB of a 41 MB snapshot). A page-cache write of a chunk
    // (tens of KiB) takes microseconds, and the harness has nothing else to do while the target is
    // paused; if the disk itself stalls, the inspector socket backs up instead of this heap.
    let fd: number;
    try {
      fd = openSync(filePath, 'w');
    } catch (e) {
      throw asProbeError('ERR_HEAP_SNAPSHOT', `opening ${filePath} failed`, e);
    }
    let streamError: unknown = null;
    let bytes = 0;
    const off = this.#client.HeapProfiler.addHeapSnapshotChunk(({ chunk }) => {
      if (streamError) return;
      try {
        bytes += writeSync(fd, chunk);
      } catch (e) {
        streamError = e;
      }
    });
    const t0 = performance.now();
    let pauseMs = 0;
    try {
      await this.#call('takeHeapSnapshot', () =>
        this.#client.HeapProfiler.takeHeapSnapshot({ reportProgress: false }),
        'ERR_HEAP_SNAPSHOT');
      pauseMs = performance.now() - t0;
      this.#cost.snapshots++;
      this.#cost.snapshotPauseMsTotal += pauseMs;
    } finally {
      off();
      try {
        closeSync(fd);
      } catch (e) {
        streamError ??= e;
      }
    }
    if (streamError) throw asProbeError('ERR_HEAP_SNAPSHOT', `writing ${filePath} failed`, streamError);
    return { bytes, pauseMs };
  }

  /**
   * Starts V8's sampling heap profiler: about one allocation per `samplingIntervalBytes` (Poisson)
   * is recorded with its stack. Only objects still alive at `stopHeapSampling` are reported, so
   * the forced GC of every `sample()` does not distort the result: it only drops sampled objects
   * that were dead anyway (and sampling allocates nothing in the JS heap that `heapUsed` counts).
   */
  async startHeapSampling(samplingIntervalBytes: number): Promise<void> {
    await this.#call('startSampling', () => this.#client.HeapProfiler.startSampling({ samplingInterval: samplingIntervalBytes }));
  }

  /** Stops the sampling heap profiler and returns its profile (`{head, samples}`: DevTools' `.heapprofile`). */
  async stopHeapSampling(): Promise<SamplingHeapProfile> {
    const { profile } = await this.#call('stopSampling', () => this.#client.HeapProfiler.stopSampling());
    return profile;
  }

  /** Removes this probe's state (only its own) from the target and detaches. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#evaluate(uninstallExpression(this.#id), 'ERR_INSPECTOR_PROTOCOL').catch(() => undefined);
    } finally {
      await this.#client.close().catch(() => undefined);
    }
  }

  async cleanup(): Promise<void> {
    await this.close();
  }

  async #evaluate<T>(expression: string, code: ProbeErrorCode): Promise<T> {
    let res: Awaited<ReturnType<CDP.Client['Runtime']['evaluate']>>;
    const release = () => this.#client.Runtime.releaseObjectGroup({ objectGroup: OBJECT_GROUP }).catch(() => undefined);
    try {
      res = await this.#call('evaluate', () =>
        this.#client.Runtime.evaluate({
          expression,
          objectGroup: OBJECT_GROUP,
          returnByValue: true,
          awaitPromise: true,
          includeCommandLineAPI: true,
          silent: true,
        }), code);
    } catch (err) {
      // Not awaited: a target that did not answer the evaluate would hold the release (and this
      // error) as long as it hangs; it is sent, and answered whenever the target runs again.
      void release();
      if (err instanceof ProbeError && err.timedOut) throw new ProbeError(code, `${err.message}; ${await this.#answersPlainEvaluate()}`, { cause: err, timedOut: true });
      throw err;
    }
    // The target answered, so it answers this too; bounded all the same.
    await this.#call('releaseObjectGroup', release, code).catch(() => undefined);
    if (res.exceptionDetails) {
      const msg = res.exceptionDetails.exception?.description ?? res.exceptionDetails.text;
      throw new ProbeError(code, `target threw: ${msg}`);
    }
    return res.result.value as T;
  }

  /**
   * After an awaited evaluate timed out: does the target still answer a plain one? No: its main
   * thread is blocked outside JS (or gone). Yes: it runs JS, but a plain evaluate is answered by
   * interrupt even mid-JS, so its loop may run or may be spinning in JS (the process state, when
   * the harness can see it, tells which: R with its CPU climbing is a spin).
   */
  async #answersPlainEvaluate(): Promise<string> {
    const boundMs = Math.min(5_000, this.#callTimeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), boundMs);
      timer.unref();
    });
    try {
      const r = await Promise.race([this.#client.Runtime.evaluate({ expression: '1', returnByValue: true, silent: true }), bound]);
      if (r === 'late') return `nor did it answer a plain evaluate within ${boundMs} ms`;
      return "it still answers a plain evaluate (by interrupt: its JS runs, but its loop may be spinning; the probe's promise never settled)";
    } catch (e) {
      return `a plain evaluate failed too: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      clearTimeout(timer);
    }
  }

  /** `; <what the target process is doing>` when the harness can see it, else empty. */
  #targetState(): string {
    try {
      return this.#describeTarget ? `; ${this.#describeTarget()}` : '';
    } catch {
      return '';
    }
  }

  async #call<T>(what: string, fn: () => Promise<T>, code: ProbeErrorCode = 'ERR_INSPECTOR_PROTOCOL'): Promise<T> {
    if (this.#closed && what !== 'evaluate' && what !== 'releaseObjectGroup') throw new ProbeError(code, `${what}: probe is closed`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProbeError(code, `${what} took longer than ${this.#callTimeoutMs} ms${this.#targetState()}`, { timedOut: true })),
        this.#callTimeoutMs,
      );
      timer.unref();
    });
    try {
      return await Promise.race([fn(), deadline]);
    } catch (err) {
      throw asProbeError(code, what, err);
    } finally {
      clearTimeout(timer);
    }
  }
}
