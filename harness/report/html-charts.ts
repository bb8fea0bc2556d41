/**
 * The charts of report.html as plain data (pure): x is simulated hours, each series a column of
 * numbers or nulls. The page's small inline script hands them to uPlot unchanged.
 */
import type { TrendResult } from '../analysis/trend.js';
import type { Report } from '../analysis/report-types.js';
import type { Sample } from '../sample.js';
import { CHECKPOINT_HEAP_SERIES } from '../analysis/checkpoint-rules.js';

export interface ChartSeries {
  readonly label: string;
  readonly values: ReadonlyArray<number | null>;
  /** Dashed (fitted lines and bounds). */
  readonly dash?: boolean;
  readonly color?: string;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Y axis label, e.g. `MiB`, `count`, `ms`, `per sim. hour`. */
  readonly unit: string;
  readonly x: readonly number[];
  readonly series: readonly ChartSeries[];
  /** uPlot band: [upper, lower] series indices (1-based: 0 is x), filled between. */
  readonly band?: readonly [number, number];
}

const MiB = 1024 * 1024;
type Pick = (s: Sample) => number | null | undefined;

function column(samples: readonly Sample[], pick: Pick, scale = 1): Array<number | null> {
  return samples.map((s) => {
    const v = pick(s);
    return v === null || v === undefined || !Number.isFinite(v) ? null : v / scale;
  });
}

/** Prometheus keys of one metric name present in any sample (all label variants). */
function keysOf(samples: readonly Sample[], name: string): string[] {
  const keys = new Set<string>();
  for (const s of samples) for (const k of Object.keys(s.metrics)) if (k === name || k.startsWith(`${name}{`)) keys.add(k);
  return [...keys].sort();
}

function metricSeries(samples: readonly Sample[], names: readonly string[]): ChartSeries[] {
  return names.flatMap((name) => keysOf(samples, name).map((key) => ({ label: key, values: column(samples, (s) => s.metrics[key]) })));
}

/** Fitted line and its CI band over the soak's x range (null outside it), pivoting at its middle. */
function fitColumns(x: readonly number[], trend: TrendResult | undefined, scale: number): ChartSeries[] {
  if (!trend || trend.status !== 'ok') return [];
  const mid = (trend.xMin + trend.xMax) / 2;
  const yMid = trend.intercept + trend.slope * mid;
  const line = (slope: number) => x.map((h) => (h < trend.xMin || h > trend.xMax ? null : (yMid + slope * (h - mid)) / scale));
  return [
    { label: 'Theil–Sen fit', values: line(trend.slope), dash: true, color: '#dc322f' },
    { label: 'upper 95%', values: line(trend.hi), dash: true, color: '#dc322f80' },
    { label: 'lower 95%', values: line(trend.lo), dash: true, color: '#dc322f80' },
  ];
}

/** Per-interval rate of a cumulative counter, per simulated hour. */
function rate(samples: readonly Sample[], pick: Pick): Array<number | null> {
  return samples.map((s, i) => {
    const prev = samples[i - 1];
    const a = prev ? pick(prev) : undefined;
    const b = pick(s);
    if (!prev || a === undefined || a === null || b === undefined || b === null) return null;
    const dh = (s.simMs - prev.simMs) / 3_600_000;
    return dh > 0 ? (b - a) / dh : null;
  });
}

/** p50/p90/p99 per window, then the p90 trend line and its band (the drift rule's series). */
function httpLatencySeries(samples: readonly Sample[], x: readonly number[], report: Report): ChartSeries[] {
  const pick = (p: 'p50' | 'p90' | 'p99') => column(samples, (s) => (s.marks?.length ? null : s.http?.latencyMs?.[p]));
  const fit = fitColumns(x, report.series['http.latencyP90Ms'], 1).map((c) => ({ ...c, label: `p90 ${c.label}` }));
  return [
    { label: 'p50', values: pick('p50'), color: '#859900' },
    { label: 'p90', values: pick('p90'), color: '#268bd2' },
    { label: 'p99', values: pick('p99'), color: '#b58900' },
    ...fit,
  ];
}

export function buildCharts(report: Report, samples: readonly Sample[]): ChartSpec[] {
  const x = samples.map((s) => s.simMs / 3_600_000);
  const heap = { label: 'heap used after GC', values: column(samples, (s) => s.server.heapUsed, MiB), color: '#268bd2' };
  // The heap rule judges the quiet checkpoints when the run has enough of them (rules.ts): the
  // chart then draws them and their fit; otherwise the fit over every soak sample.
  const onCheckpoints = report.series[CHECKPOINT_HEAP_SERIES]?.status === 'ok';
  const quiet = {
    label: 'quiet checkpoints (heap collected until stable)',
    values: column(samples, (s) => (s.checkpoint && s.checkpoint.kind !== 'baseline' ? s.server.heapUsed : null), MiB),
    color: '#6c71c4',
  };
  const fit = fitColumns(x, report.series[onCheckpoints ? CHECKPOINT_HEAP_SERIES : 'server.heapUsed'], MiB);
  const hasQuiet = samples.some((s) => s.checkpoint);
  const heapSeries = hasQuiet ? [heap, quiet, ...fit] : [heap, ...fit];
  const bandAt = hasQuiet ? ([4, 5] as const) : ([3, 4] as const);
  const charts: ChartSpec[] = [
    {
      id: 'heap',
      title: onCheckpoints ? 'Server heap after forced GC; the quiet checkpoints fitted with their 95% band' : 'Server heap after forced GC, fitted over the soak with its 95% band',
      unit: 'MiB',
      x,
      series: heapSeries,
      ...(fit.length ? { band: bandAt } : {}),
    },
    {
      id: 'memory',
      title: 'Server memory and the harness’s own heap',
      unit: 'MiB',
      x,
      series: [
        { label: 'rss', values: column(samples, (s) => s.server.rss, MiB) },
        { label: 'heap total', values: column(samples, (s) => s.server.heapTotal, MiB) },
        { label: 'external', values: column(samples, (s) => s.server.external, MiB) },
        { label: 'harness heap used', values: column(samples, (s) => s.harnessHeapUsed, MiB) },
      ],
    },
    { id: 'presence', title: 'Presence Maps vs connected sockets', unit: 'count', x, series: metricSeries(samples, ['rol_presence_map_entries', 'rol_connected_sockets', 'rol_users_online', 'rol_rooms']) },
    { id: 'timers', title: 'Server timers', unit: 'count', x, series: metricSeries(samples, ['rol_active_timers', 'rol_sim_timers']) },
    {
      id: 'db',
      title: 'DB connections vs pool size',
      unit: 'count',
      x,
      series: [
        ...metricSeries(samples, ['rol_db_connections', 'rol_db_pool_max_size', 'rol_db_clients']),
        // The harness's own serverStatus read, less what was open before the server (its own client).
        ...(samples.some((s) => s.store)
          ? [{ label: 'store serverStatus (server’s share)', values: column(samples, (s) => (s.store ? s.store.connections - s.store.baseline : null)) }]
          : []),
      ],
    },
    { id: 'sockets', title: 'Server sockets per user and listeners per socket', unit: 'count', x, series: metricSeries(samples, ['rol_sockets_per_user_max', 'rol_socket_listeners_max']) },
    {
      id: 'client',
      title: 'Client counts (virtual users)',
      unit: 'count',
      x,
      series: [
        { label: 'listeners per socket (max)', values: column(samples, (s) => s.client?.listenersPerSocketMax) },
        { label: 'document listeners per VU (max)', values: column(samples, (s) => s.client?.documentListenersMax) },
        { label: 'intervals alive per VU', values: column(samples, (s) => (s.client && s.client.vus > 0 ? s.client.intervalsAlive / s.client.vus : null)) },
        { label: 'sockets per user (max)', values: column(samples, (s) => s.client?.socketsPerUserMax) },
        { label: 'duplicate deliveries', values: column(samples, (s) => s.client?.duplicateDeliveries) },
      ],
    },
    {
      id: 'latency',
      title: 'im:send → ack latency (snapshot pauses excluded)',
      unit: 'ms',
      x,
      series: (['p50', 'p95', 'p99'] as const).map((p) => ({ label: p, values: column(samples, (s) => (s.marks?.length ? null : s.load?.latencyMs[p])) })),
    },
    {
      id: 'http-latency',
      title: 'REST latency per sample window (HTTP load; snapshot pauses excluded), p90 fitted over the soak with its 95% band',
      unit: 'ms',
      x,
      series: httpLatencySeries(samples, x, report),
      ...(report.series['http.latencyP90Ms']?.status === 'ok' ? { band: [5, 6] as const } : {}),
    },
    {
      id: 'http-requests',
      title: 'REST requests and errors per sample window (HTTP load)',
      unit: 'count',
      x,
      series: [
        { label: 'requests', values: column(samples, (s) => s.http?.requests) },
        { label: 'errors', values: column(samples, (s) => s.http?.errors), color: '#dc322f' },
        { label: 'timeouts', values: column(samples, (s) => s.http?.timeouts), dash: true },
      ],
    },
    {
      id: 'throughput',
      title: 'Throughput',
      unit: 'per sim. hour',
      x,
      series: [
        { label: 'actions planned', values: rate(samples, (s) => s.load?.plannedActions), dash: true },
        { label: 'actions done', values: rate(samples, (s) => s.load?.doneActions) },
        { label: 'messages sent', values: rate(samples, (s) => s.load?.messagesSent) },
      ],
    },
    {
      id: 'loop',
      title: 'Server event-loop delay',
      unit: 'ms',
      x,
      series: [
        { label: 'p50', values: column(samples, (s) => s.server.eventLoopDelayP50Ms) },
        { label: 'p99', values: column(samples, (s) => s.server.eventLoopDelayP99Ms) },
        { label: 'max', values: column(samples, (s) => s.server.eventLoopDelayMaxMs), dash: true },
      ],
    },
  ];
  return charts.filter((c) => c.series.some((s) => s.values.some((v) => v !== null)));
}
