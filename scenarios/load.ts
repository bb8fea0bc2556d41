/**
 * The load generator's programmatic API for the harness: starts worker threads that run the
 * scenario's virtual users against `serverUrl`, collects their counts on a schedule and on
 * demand, and stops everything. Workers run compiled JS (dist/scenarios/vu-worker.js), so
 * build first when calling this from TypeScript sources.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { leaksForSide, type LeakId } from '../common/leaks.js';
import { SimClock, type ClockSpec } from '../common/sim-clock.js';
import type { ClientCounts, LoadCounts } from './count-types.js';
import { emptyClientCounts, emptyLoadTotals, mergeClientCounts, mergeLoadTotals, type LoadTotals } from './counts.js';
import { addEncoded, newHistogram, summaryMs } from './latency.js';
import type { Scenario } from './scenario.js';
import { resolveScenario, type ScenarioName } from './scenarios.js';
import { loadScenarioFile } from './scenario-file.js';
import { VU_PASSWORD, VU_USERNAME_PREFIX, type FromWorker, type SocketWorkerConfig, type ToWorker, type WorkerConfig, type WorkerCounts } from './worker-protocol.js';

export interface LoadOptions {
  /** Base URL of the server under load, e.g. `http://127.0.0.1:4000`. */
  readonly serverUrl: string;
  /** @default 'office-day' */
  readonly scenario?: ScenarioName | Scenario;
  /** Overrides the scenario's population. */
  readonly users?: number;
  /** Overrides the scenario's length, simulated hours. */
  readonly hours?: number;
  /** Plan seed (same seed → same action sequence). @default 1 */
  readonly seed?: number;
  /** All leak switches of the run; the client-side ones are applied here. @default [] */
  readonly leaks?: readonly LeakId[];
  /** The run's clock, shared with the server. */
  readonly clock: ClockSpec;
  /** Real ms between scheduled reports; 0 = only on demand. @default 1000 */
  readonly reportEveryRealMs?: number;
  /** Worker threads. @default min(os.availableParallelism(), users) */
  readonly workers?: number;
  /** Username prefix (users are `<prefix>00000`…). @default 'vu' */
  readonly usernamePrefix?: string;
  /** The buddy graph was seeded before the run (seedBuddies): VUs skip the handshake. @default false */
  readonly buddiesSeeded?: boolean;
  /**
   * Absolute path of a user scenario file: socket-only virtual users (socket-vu-worker.ts) run it
   * instead of `scenario`; `users` and `hours` then default to the file's. @default undefined
   */
  readonly scenarioFile?: string;
}

export interface LoadReport {
  /** Simulated ms since the clock's epoch when the counts were read. */
  readonly simMs: number;
  readonly client: ClientCounts;
  readonly load: LoadCounts;
  /** The load workers' heaps after forced GCs, summed (only in a report asked for with `gc`). */
  readonly clientHeap?: ClientHeap;
}

/** The clients' memory at a quiet checkpoint: every load worker's heap after forced GCs. */
export interface ClientHeap {
  readonly usedBytes: number;
  readonly vus: number;
  readonly workers: number;
}

export interface LoadHandle {
  /** Subscribes to scheduled reports; returns the unsubscribe function. */
  onReport(cb: (r: LoadReport) => void): () => void;
  /** Resolves when the scenario's simulated hours have passed (the load keeps running until stop). */
  readonly done: Promise<void>;
  /** Reads the counts now (latency window: since the previous report); `gc`: with each worker's heap after forced GCs. */
  report(options?: { readonly gc?: boolean }): Promise<LoadReport>;
  /** Final report; every VU, socket and timer closed and every worker terminated. */
  stop(): Promise<LoadReport>;
  /**
   * Rejects when the load cannot run after it started: with a scenario file, when none of a
   * worker's users could ever connect (wrong URL, auth or path). Never resolves.
   */
  readonly failed: Promise<never>;
}

export class LoadError extends Error {
  readonly code = 'ERR_LOAD' as const;
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

/** Real ms a worker may take to answer a collect or stop before the load counts it as lost. */
const WORKER_REPLY_MS = 30_000;

function workerUrl(file = 'vu-worker.js'): URL {
  const here = new URL(`./${file}`, import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  // Running from TypeScript sources (tests): use the compiled worker.
  return new URL(`../dist/scenarios/${file}`, import.meta.url);
}

export async function startLoad(options: LoadOptions): Promise<LoadHandle> {
  const file = options.scenarioFile ? await loadScenarioFile(options.scenarioFile) : null;
  const base = resolveScenario(file ? undefined : options.scenario);
  const users = options.users ?? file?.population.users ?? base.population.users;
  if (!Number.isInteger(users) || users < 1) throw new LoadError(`users must be an integer >= 1, got ${users}`);
  const scenario: Scenario = { ...base, population: { ...base.population, users }, hours: options.hours ?? base.hours };
  const hours = options.hours ?? file?.hours ?? base.hours;
  const url = workerUrl(file ? 'socket-vu-worker.js' : 'vu-worker.js');
  if (!existsSync(fileURLToPath(url))) throw new LoadError(`load worker not built: ${fileURLToPath(url)} (run \`npx tsc -p tsconfig.json\`)`);
  const nWorkers = Math.max(1, Math.min(options.workers ?? availableParallelism(), users));
  // The scenario's day starts at simulated time 0, or now if the load starts later; an epoch in
  // the future (the harness gives workers time to start) must not shift the plan backwards.
  const clock = new SimClock(options.clock);
  const startSimMs = Math.max(0, clock.now());
  const leaks = leaksForSide(options.leaks ?? [], 'client');

  const workers: Worker[] = [];
  const pending = new Map<number, { left: number; parts: WorkerCounts[]; resolve: (p: WorkerCounts[]) => void }>();
  let nextId = 1;
  let doneCount = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let fatal: ((e: Error) => void) | null = null;
  let failLoad!: (e: Error) => void;
  const failed = new Promise<never>((_, reject) => (failLoad = reject));
  failed.catch(() => undefined); // observed by whoever reads `failed`; never unhandled
  // The reference users' error keeps its old meaning (only before ready); a scenario file's users connect after it.
  const failAfterReady = file !== null;
  const ready = new Promise<void>((resolve, reject) => {
    let n = 0;
    fatal = reject;
    for (let w = 0; w < nWorkers; w++) {
      const userIndices = Array.from({ length: users }, (_, i) => i).filter((i) => i % nWorkers === w);
      const config: WorkerConfig | SocketWorkerConfig = file
        ? { serverUrl: options.serverUrl, scenarioFile: options.scenarioFile!, seed: options.seed ?? 1, clock: options.clock, startSimMs, userIndices, users, hours }
        : {
            serverUrl: options.serverUrl,
            scenario,
            seed: options.seed ?? 1,
            leaks,
            clock: options.clock,
            startSimMs,
            userIndices,
            usernamePrefix: options.usernamePrefix ?? VU_USERNAME_PREFIX,
            password: VU_PASSWORD,
            buddiesSeeded: options.buddiesSeeded ?? false,
          };
      // React's production build: the development build costs several times the CPU per render.
      const worker = new Worker(url, { workerData: config, env: { ...process.env, NODE_ENV: 'production' } });
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready' && ++n === nWorkers) resolve();
        else if (m.type === 'done' && ++doneCount === nWorkers) resolveDone();
        else if (m.type === 'error') {
          const e = new LoadError(`load worker ${w}: ${m.message}`);
          fatal?.(e);
          if (failAfterReady) failLoad(e);
        }
        else if (m.type === 'counts' || m.type === 'stopped') {
          const p = pending.get(m.id);
          if (!p) return;
          p.parts.push(m.counts);
          if (--p.left === 0) {
            pending.delete(m.id);
            p.resolve(p.parts);
          }
        }
      });
      worker.on('error', (err) => fatal?.(new LoadError(`load worker ${w} crashed: ${err.message}`)));
      workers.push(worker);
    }
  });
  try {
    await ready;
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }

  const ask = (type: ToWorker['type'], gc = false): Promise<WorkerCounts[]> => {
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const p = pending.get(id);
        pending.delete(id);
        resolve(p?.parts ?? []);
      }, WORKER_REPLY_MS);
      pending.set(id, { left: workers.length, parts: [], resolve: (parts) => (clearTimeout(timer), resolve(parts)) });
      for (const w of workers) w.postMessage((type === 'collect' && gc ? { type, id, gc } : { type, id }) satisfies ToWorker);
    });
  };

  const window = newHistogram();
  const fold = (parts: WorkerCounts[]): LoadReport => {
    let client = emptyClientCounts();
    let load: LoadTotals = emptyLoadTotals();
    // The worker clock reading furthest from this process's clock is the one the harness checks.
    let reading: LoadTotals['clock'];
    const off = (c: NonNullable<LoadTotals['clock']>) => Math.abs(c.simMs - clock.simAt(c.epochMs));
    for (const p of parts) {
      client = mergeClientCounts(client, p.client);
      load = mergeLoadTotals(load, p.load);
      addEncoded(window, p.latency);
      const c = p.load.clock;
      if (c && (!reading || off(c) > off(reading))) reading = c;
    }
    const latencyMs = summaryMs(window);
    window.reset();
    // The clients' heap only when every worker answered with one (a quiet checkpoint's collect).
    const heaps = parts.map((p) => p.heap);
    const clientHeap =
      heaps.length === workers.length && heaps.every((h) => h !== undefined)
        ? { usedBytes: heaps.reduce((a, h) => a + h.usedBytes, 0), vus: heaps.reduce((a, h) => a + h.vus, 0), workers: heaps.length }
        : undefined;
    return { simMs: clock.now(), client, load: { ...load, ...(reading ? { clock: reading } : {}), latencyMs }, ...(clientHeap ? { clientHeap } : {}) };
  };

  const listeners = new Set<(r: LoadReport) => void>();
  let stopped: Promise<LoadReport> | null = null;
  const every = options.reportEveryRealMs ?? 1_000;
  let reporting = false;
  const timer =
    every > 0
      ? setInterval(() => {
          if (reporting || stopped) return; // never stack collections when workers are slow
          reporting = true;
          ask('collect')
            .then((parts) => {
              if (stopped) return;
              const r = fold(parts);
              for (const cb of listeners) cb(r);
            })
            .finally(() => (reporting = false));
        }, every)
      : null;
  timer?.unref();

  return {
    onReport(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    done,
    failed,
    async report(options = {}) {
      return fold(await ask('collect', options.gc === true));
    },
    stop() {
      stopped ??= (async () => {
        if (timer) clearInterval(timer);
        const final = fold(await ask('stop'));
        await Promise.all(workers.map((w) => w.terminate()));
        window.destroy();
        return final;
      })();
      return stopped;
    },
  };
}
