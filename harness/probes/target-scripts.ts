/**
 * The tiny expressions the inspector probe evaluates inside the measured server. They need no
 * `require` in the target's scope: `process.getBuiltinModule` (Node ≥ 20.16) or, failing that,
 * the inspector's command-line API `require`. State lives in one registry (a Map under a global
 * symbol), one entry per probe id: two probes on one target each keep their own histogram and
 * baselines, and a probe's `close` removes its own entry only (the registry with the last one).
 */

const KEY = `Symbol.for('rol-soak.inspector-probe')`;

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
  const h = ph ? ph.monitorEventLoopDelay({ resolution: 10 }) : undefined;
  if (h) h.enable();
  probes.set(${idLiteral(id)}, { h, perf, elu: perf.eventLoopUtilization(), cpu: process.cpuUsage(), t: perf.now() });
  return { delay: Boolean(h), pid: process.pid, node: process.version };
})()`;

/**
 * Reads memory, CPU and loop figures over the interval since the last read, then resets the
 * interval (histogram reset, new baselines). Histogram values are ns; returned as ms.
 */
export const readExpression = (id: string): string => `(() => {
  const s = globalThis[${KEY}]?.get(${idLiteral(id)});
  if (!s) return null;
  const now = s.perf.now();
  const cpu = process.cpuUsage();
  const elu = s.perf.eventLoopUtilization();
  const util = s.perf.eventLoopUtilization(elu, s.elu).utilization;
  const h = s.h;
  const n = h ? h.count : 0;
  const r = {
    mem: process.memoryUsage(),
    cpuUs: cpu.user - s.cpu.user + cpu.system - s.cpu.system,
    wallMs: now - s.t,
    elu: util,
    p50: h ? (n > 0 ? h.percentile(50) / 1e6 : 0) : null,
    p99: h ? (n > 0 ? h.percentile(99) / 1e6 : 0) : null,
    max: h ? (n > 0 ? h.max / 1e6 : 0) : null,
  };
  if (h) h.reset();
  s.elu = elu; s.cpu = cpu; s.t = now;
  return r;
})()`;

/** Disables this probe's histogram and deletes its entry; the last probe out removes the registry. */
export const uninstallExpression = (id: string): string => `(() => {
  const key = ${KEY};
  const probes = globalThis[key];
  const s = probes?.get(${idLiteral(id)});
  if (s?.h) s.h.disable();
  probes?.delete(${idLiteral(id)});
  if (probes && probes.size === 0) delete globalThis[key];
  return true;
})()`;

/** How many probes have state in the target (0 when the registry is gone): for tests and checks. */
export const COUNT_EXPRESSION = `(globalThis[${KEY}]?.size ?? 0)`;

/** What READ_EXPRESSION returns by value. */
export interface TargetReading {
  readonly mem: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  /** user + system CPU since the last read, µs. */
  readonly cpuUs: number;
  /** Target's monotonic wall time since the last read, ms. */
  readonly wallMs: number;
  readonly elu: number;
  /** Event-loop delay percentiles, ms; null when perf_hooks could not be loaded in the target. */
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}
