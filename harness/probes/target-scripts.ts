/**
 * The tiny expressions the inspector probe evaluates inside the measured server. They need no
 * `require` in the target's scope: `process.getBuiltinModule` (Node ≥ 20.16) or, failing that,
 * the inspector's command-line API `require`. State lives under one registry symbol so a new
 * probe connection finds (and resets) what an earlier one installed, and `close` removes it all.
 */

const KEY = `Symbol.for('rol-soak.inspector-probe')`;

/**
 * Installs a `monitorEventLoopDelay` histogram (10 ms sampling resolution, Node's default) and
 * baselines for CPU, wall time and event-loop utilisation. Returns whether delay can be read.
 */
export const INSTALL_EXPRESSION = `(() => {
  const key = ${KEY};
  const ph = globalThis.process?.getBuiltinModule?.('node:perf_hooks')
    ?? (typeof require === 'function' ? require('node:perf_hooks') : undefined);
  const perf = ph?.performance ?? globalThis.performance;
  const old = globalThis[key];
  if (old?.h) old.h.disable();
  const h = ph ? ph.monitorEventLoopDelay({ resolution: 10 }) : undefined;
  if (h) h.enable();
  globalThis[key] = { h, perf, elu: perf.eventLoopUtilization(), cpu: process.cpuUsage(), t: perf.now() };
  return { delay: Boolean(h), pid: process.pid, node: process.version };
})()`;

/**
 * Reads memory, CPU and loop figures over the interval since the last read, then resets the
 * interval (histogram reset, new baselines). Histogram values are ns; returned as ms.
 */
export const READ_EXPRESSION = `(() => {
  const s = globalThis[${KEY}];
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

/** Disables the histogram and deletes the registry entry: the probe leaves nothing behind. */
export const UNINSTALL_EXPRESSION = `(() => {
  const key = ${KEY};
  const s = globalThis[key];
  if (s?.h) s.h.disable();
  delete globalThis[key];
  return true;
})()`;

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
