/**
 * The tiny expressions the inspector probe evaluates inside the measured server. They need no
 * `require` in the target's scope: `process.getBuiltinModule` (Node ≥ 20.16) or, failing that,
 * the inspector's command-line API `require`. State lives in one registry (a Map under a global
 * symbol), one entry per probe id: two probes on one target each keep their own histogram and
 * baselines, and a probe's `close` removes its own entry only (the registry with the last one).
 */

const KEY = `Symbol.for('rol-soak.inspector-probe')`;

/** The delay histogram's sampling period, ms (Node's default). */
const DELAY_RESOLUTION_MS = 10;

/** A probe id as a JS string literal (ids are ours, but never spliced in unquoted). */
const idLiteral = (id: string): string => JSON.stringify(id);

/**
 * Installs a `monitorEventLoopDelay` histogram (10 ms sampling resolution, Node's default) and
 * baselines for CPU, wall time and event-loop utilisation. Returns whether delay can be read.
 */
export const installExpression = (id: string): string => `(() => {
  const key = ${KEY};
  const ph = globalThis.process?.getBuiltinModule?.('node:perf_hooks')
    ?? (typeof require === 'function' ? require('node:perf_hooks') : undefined);
  const perf = ph?.performance ?? globalThis.performance;
  const probes = (globalThis[key] ??= new Map());
  const old = probes.get(${idLiteral(id)});
  if (old?.h) old.h.disable();
  if (old?.obs) old.obs.disconnect();
  const h = ph ? ph.monitorEventLoopDelay({ resolution: ${String(DELAY_RESOLUTION_MS)} }) : undefined;
  if (h) h.enable();
  const st = { h, perf, elu: perf.eventLoopUtilization(), cpu: process.cpuUsage(), t: perf.now(), gcMs: 0, obs: undefined };
  // The main thread's GC pauses, summed (ms): what the forced GCs of a probe cost the server's loop.
  try {
    if (ph?.PerformanceObserver) {
      st.obs = new ph.PerformanceObserver((list) => { for (const e of list.getEntries()) st.gcMs += e.duration; });
      st.obs.observe({ entryTypes: ['gc'] });
    }
  } catch { st.obs = undefined; }
  probes.set(${idLiteral(id)}, st);
  return { delay: Boolean(h), pid: process.pid, node: process.version };
})()`;

/**
 * A promise (evaluated with awaitPromise) that runs `run(resolve)` in a timer callback of the
 * target, once its loop has passed a timers phase. Why a timer: the inspector dispatches our call by
 * interrupt, possibly before the delay histogram's own timer has fired to record a stall that just
 * ended (a busy handler, the forced GC); waiting one timers phase lets it record first, so a stall
 * lands in the interval it ended in.
 *
 * Why the timer is set from a promise job and never by the evaluated expression itself: Node runs
 * an inspector call inside a V8 interrupt, at whatever point the target's JS had reached, possibly
 * halfway through Node's own timer code (lib/internal/timers.js). A `setTimeout` made there can,
 * for one, race the creation of the 1 ms timer list: `insert()` has built a new list but not yet
 * stored it, ours builds and stores a second, and the interrupted code then overwrites the entry;
 * once ours has fired, its list stays at the head of the timer queue, expired and never removed,
 * and `processTimers` spins on it: the target burns a core, no timer or I/O runs again, and only
 * interrupts (a plain evaluate) are still answered. A CI run saw exactly that symptom (the target
 * at 100% CPU through the 60 s call deadline, answering a plain evaluate); an earlier one saw a
 * timer dropped instead (the target idle in epoll_wait). Reproduced against a target that creates
 * and deletes its 1 ms list in a tight loop (`npm run bench -- --only probe-interrupt`,
 * bench/results/probe-interrupt.json, 2026-12-05): timers set inside the interrupt hung 14 fresh
 * targets in a minute, every one spinning (state R), after a median of 6 evaluations (4–834); the
 * promise job below: 0 hangs in 13,975 evaluations on the same target. A promise job runs at the
 * target's next microtask checkpoint, a point where Node's JS is consistent (where any app's
 * promise continuations set their timers), never inside the interrupt (checked: a job queued
 * during a 1.5 s busy loop never saw it running); an idle target runs it as soon as the call is
 * dispatched. tests/probes/target-scripts.test.ts checks no timer is set inside the evaluate.
 */
const afterTimers = (run: string): string => `new Promise((resolve, reject) => {
  const run = ${run};
  Promise.resolve().then(() => {
    setTimeout(() => {
      // A throw here would be an uncaught exception in the measured server's timer callback:
      // it goes back to the probe as the evaluate's error instead (\`run\` gets \`reject\` for the
      // timers it sets itself).
      try { run(resolve, reject); } catch (e) { reject(e); }
    }, 0);
  });
})`;

/**
 * Reads CPU and loop figures over the interval since this probe's last restart (histogram
 * values are ns; returned as ms). Called before the sample's forced GC, so the interval holds the
 * server's own work and not the measurer's pause (see `afterGcExpression`).
 */
export const readExpression = (id: string): string => afterTimers(`(resolve) => {
  const s = globalThis[${KEY}]?.get(${idLiteral(id)});
  if (!s) return resolve(null);
  const now = s.perf.now();
  const cpu = process.cpuUsage();
  const selfUs = () => { const c = process.cpuUsage(cpu); return c.user + c.system; };
  const util = s.perf.eventLoopUtilization(s.perf.eventLoopUtilization(), s.elu).utilization;
  const h = s.h;
  const n = h ? h.count : 0;
  resolve({
    cpuUs: cpu.user - s.cpu.user + cpu.system - s.cpu.system,
    cpuAtUs: cpu.user + cpu.system,
    wallMs: now - s.t,
    elu: util,
    p50: h ? (n > 0 ? h.percentile(50) / 1e6 : 0) : null,
    p99: h ? (n > 0 ? h.percentile(99) / 1e6 : 0) : null,
    max: h ? (n > 0 ? h.max / 1e6 : 0) : null,
    gcMsAt: s.obs ? s.gcMs : null,
    scriptUs: selfUs(),
  });
}`);

/**
 * The generic signals any Node server has, read with the memory: live libuv handles and requests
 * by type (`process.getActiveResourcesInfo()`, Node ≥ 17: `TCPSocketWrap`, `Timeout`,
 * `FSReqCallback`…), and open file descriptors (entries of /proc/self/fd: Linux only, else null).
 * Read inside the probe's own timer callback, so every reading counts that one Timeout the same way.
 */
const RESOURCES_FN = `function resources() {
  const byType = {};
  for (const t of (typeof process.getActiveResourcesInfo === 'function' ? process.getActiveResourcesInfo() : [])) byType[t] = (byType[t] ?? 0) + 1;
  let fds = null;
  try {
    const fs = globalThis.process?.getBuiltinModule?.('node:fs') ?? (typeof require === 'function' ? require('node:fs') : undefined);
    if (fs) fds = fs.readdirSync('/proc/self/fd').length;
  } catch { fds = null; }
  return { resources: byType, openFds: fds };
}`;

/**
 * The JIT's share of the heap (checkpoints only): `v8.getHeapCodeStatistics()`, compiled code with
 * its metadata (deoptimisation data, relocation info, source positions) and bytecode with its
 * metadata, bytes. Why: under load, back-to-back forced GCs make V8 drop optimised code it would
 * rebuild as soon as the load resumes; a hold's heap read 1.1–1.2 MiB lower after it (three hold
 * snapshot pairs of a live seed 4 run, 2026-12-04: "(compiled code)" was 1,061–1,177 KiB of what
 * was freed between the first GC round and the last), which made the checkpoint series two-level.
 * The call walks the heap (what it costs is in the script CPU), so regular samples skip it.
 */
const CODE_FN = `function code() {
  try {
    const v8 = globalThis.process?.getBuiltinModule?.('node:v8') ?? (typeof require === 'function' ? require('node:v8') : undefined);
    const c = v8?.getHeapCodeStatistics?.();
    return c ? { codeBytes: c.code_and_metadata_size, bytecodeBytes: c.bytecode_and_metadata_size } : {};
  } catch { return {}; }
}`;

/**
 * After the forced GC: memory as it stands collected, and a new interval for CPU, delay and
 * utilisation that starts here, so the next reading leaves this sample's GC pause out (the
 * measurer's own cost is `probeMs`, reported apart). A reset histogram drops the delay of its
 * first tick (Node 20: a stall that starts before the first tick after `reset()` is never
 * recorded), so the reply waits two ticks (2 × 10 ms): from then on every stall counts.
 */
export const afterGcExpression = (id: string, readCode = false): string => afterTimers(`(resolve, reject) => {
  ${RESOURCES_FN}
  ${readCode ? CODE_FN : 'const code = () => ({});'}
  const s = globalThis[${KEY}]?.get(${idLiteral(id)});
  if (!s) return resolve(null);
  const c0 = process.cpuUsage();
  if (s.h) s.h.reset();
  s.elu = s.perf.eventLoopUtilization(); s.cpu = process.cpuUsage(); s.t = s.perf.now();
  const mem = process.memoryUsage();
  const cpuAtUs = s.cpu.user + s.cpu.system;
  const c1 = process.cpuUsage(c0);
  setTimeout(() => {
    try {
      const c2 = process.cpuUsage();
      const read = resources();
      const jit = code();
      const c3 = process.cpuUsage(c2);
      resolve({ ...mem, ...read, ...jit, cpuAtUs, gcMsAt: s.obs ? s.gcMs : null, scriptUs: c1.user + c1.system + c3.user + c3.system });
    } catch (e) { reject(e); }
  }, ${String(2 * DELAY_RESOLUTION_MS)});
}`);

/** Disables this probe's histogram and deletes its entry; the last probe out removes the registry. */
export const uninstallExpression = (id: string): string => `(() => {
  const key = ${KEY};
  const probes = globalThis[key];
  const s = probes?.get(${idLiteral(id)});
  if (s?.h) s.h.disable();
  if (s?.obs) s.obs.disconnect();
  probes?.delete(${idLiteral(id)});
  if (probes && probes.size === 0) delete globalThis[key];
  return true;
})()`;

/** How many probes have state in the target (0 when the registry is gone): for tests and checks. */
export const COUNT_EXPRESSION = `(globalThis[${KEY}]?.size ?? 0)`;

/** What `afterGcExpression` returns by value (process.memoryUsage()), bytes. */
export interface TargetMemory {
  rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number;
  /** Live handles and requests by type; empty when the target's Node lacks getActiveResourcesInfo. */
  resources?: Record<string, number>;
  /** Open file descriptors, or null where /proc/self/fd cannot be read. */
  openFds?: number | null;
  /** The process's CPU (user + system, all threads) when the new interval started, after the GC, µs. */
  cpuAtUs?: number;
  /** The main thread's GC pauses since the probe was installed, ms (null: no gc observer in the target). */
  gcMsAt?: number | null;
  /** CPU this expression's own code used, µs. */
  scriptUs?: number;
  /** Checkpoints only: compiled code and bytecode, each with its metadata, bytes (CODE_FN). */
  codeBytes?: number;
  bytecodeBytes?: number;
}

/** What `readExpression` returns by value. */
export interface TargetReading {
  /** user + system CPU since the last read, µs. */
  readonly cpuUs: number;
  /** The process's CPU (user + system, all threads) at this read, µs: where the probe's own CPU starts. */
  readonly cpuAtUs?: number;
  /** Target's monotonic wall time since the last read, ms. */
  readonly wallMs: number;
  readonly elu: number;
  /** Event-loop delay percentiles, ms; null when perf_hooks could not be loaded in the target. */
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  /** The main thread's GC pauses since the probe was installed, ms (null: no gc observer in the target). */
  readonly gcMsAt?: number | null;
  /** CPU this expression's own code used, µs. */
  readonly scriptUs?: number;
}
