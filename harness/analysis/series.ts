/**
 * Which series get a trend in the report, and how they are read out of samples: the server's
 * memory and loop figures, the harness's own heap (it must stay flat too), every client count,
 * load latency, every `rol_*`/`nodejs_*` gauge, and heap per event where that is the natural unit.
 */
import type { Sample } from '../sample.js';
import { gaugeKeys, soakSamples } from './sample-read.js';
import { trendPerEvent, trendPerHour, type TrendResult } from './trend.js';

type Reader = (s: Sample) => number | undefined;

/** Named readers of the fixed (non-Prometheus) series; keys are stable report keys. */
export const FIXED_SERIES: Readonly<Record<string, Reader>> = Object.freeze({
  'server.heapUsed': (s) => s.server.heapUsed,
  'server.heapTotal': (s) => s.server.heapTotal,
  'server.rss': (s) => s.server.rss,
  'server.external': (s) => s.server.external,
  'server.arrayBuffers': (s) => s.server.arrayBuffers,
  'server.cpuPercent': (s) => s.server.cpuPercent,
  'server.eventLoopDelayP99Ms': (s) => (s.marks?.length ? undefined : s.server.eventLoopDelayP99Ms),
  'harness.heapUsed': (s) => s.harnessHeapUsed,
  // The store's connections as the harness reads them (serverStatus), less those open before the server started.
  'store.serverConnections': (s) => (s.store ? s.store.connections - s.store.baseline : undefined),
  'client.socketsOpen': (s) => s.client?.socketsOpen,
  'client.socketsPerUserMax': (s) => s.client?.socketsPerUserMax,
  'client.listenersPerSocketMax': (s) => s.client?.listenersPerSocketMax,
  'client.documentListenersMax': (s) => s.client?.documentListenersMax,
  'client.intervalsAlive': (s) => s.client?.intervalsAlive,
  'client.duplicateDeliveries': (s) => s.client?.duplicateDeliveries,
  'load.latencyP99Ms': (s) => (s.marks?.length ? undefined : s.load?.latencyMs.p99),
  // The HTTP load's per-window REST latency (absent without HTTP load or responses).
  'http.latencyP50Ms': (s) => (s.marks?.length ? undefined : s.http?.latencyMs?.p50),
  'http.latencyP90Ms': (s) => (s.marks?.length ? undefined : s.http?.latencyMs?.p90),
  'http.latencyP99Ms': (s) => (s.marks?.length ? undefined : s.http?.latencyMs?.p99),
});

/** Per-event series: heap used against a cumulative load counter (bytes per action / message). */
const PER_EVENT: Readonly<Record<string, Reader>> = Object.freeze({
  'server.heapUsed/action': (s) => s.load?.doneActions,
  'server.heapUsed/message': (s) => s.load?.messagesSent,
});

export function collectSeries(samples: readonly Sample[], warmupEndsAtSimMs: number): Record<string, TrendResult> {
  const soak = soakSamples(samples, warmupEndsAtSimMs);
  const out: Record<string, TrendResult> = {};
  const readers: Array<[string, Reader]> = [
    ...Object.entries(FIXED_SERIES),
    ...gaugeKeys(soak).map((key): [string, Reader] => [key, (s) => s.metrics[key]]),
  ];
  for (const [key, read] of readers) {
    const points = soak.flatMap((s) => {
      const value = read(s);
      return value === undefined || !Number.isFinite(value) ? [] : [{ simMs: s.simMs, value }];
    });
    if (points.length > 0) out[key] = trendPerHour(points);
  }
  for (const [key, events] of Object.entries(PER_EVENT)) {
    const points = soak.flatMap((s) => {
      const e = events(s);
      return e === undefined || !Number.isFinite(e) ? [] : [{ events: e, value: s.server.heapUsed }];
    });
    if (points.length > 0) out[key] = trendPerEvent(points);
  }
  return out;
}
