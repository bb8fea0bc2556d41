/**
 * compare.html: status and reasons, both runs' curves overlaid (heap after GC and the main
 * gauges, when their samples are given; otherwise each run's fitted heap line), and the slope
 * table. Self-contained like report.html. Pure.
 */
import type { Sample } from '../sample.js';
import type { Comparison } from './compare.js';
import { formatSlope, formatTrend, htmlEscape as e, isByteSeries } from './format.js';
import type { ChartSeries, ChartSpec } from './html-charts.js';
import { badge, chartDivs, htmlPage, table, type UplotAssets } from './html-page.js';

export interface CompareSamples {
  readonly base?: readonly Sample[];
  readonly head?: readonly Sample[];
}

const MiB = 1024 * 1024;
const OVERLAID: ReadonlyArray<[string, string, string, (s: Sample) => number | undefined, number]> = [
  ['heap', 'Heap after forced GC, base vs head', 'MiB', (s) => s.server.heapUsed, MiB],
  ['rss', 'RSS, base vs head', 'MiB', (s) => s.server.rss, MiB],
  ['sockets', 'Connected sockets, base vs head', 'count', (s) => s.metrics['rol_connected_sockets'], 1],
  ['timers', 'Server timers, base vs head', 'count', (s) => s.metrics['rol_active_timers'], 1],
];

/** Both runs on one x axis (the union of their simulated hours), nulls where a run has no sample. */
function overlay(base: readonly Sample[], head: readonly Sample[], pick: (s: Sample) => number | undefined, scale: number): { x: number[]; series: ChartSeries[] } {
  const x = [...new Set([...base, ...head].map((s) => s.simMs / 3_600_000))].sort((a, b) => a - b);
  const col = (samples: readonly Sample[]) => {
    const at = new Map(samples.map((s) => [s.simMs / 3_600_000, pick(s)]));
    return x.map((h) => {
      const v = at.get(h);
      return v === undefined || !Number.isFinite(v) ? null : v / scale;
    });
  };
  return { x, series: [{ label: 'base', values: col(base), color: '#268bd2' }, { label: 'head', values: col(head), color: '#dc322f' }] };
}

function fittedHeap(result: Comparison): ChartSpec[] {
  const row = result.rows.find((r) => r.series === 'server.heapUsed');
  const fits = [row?.base, row?.head].map((t) => (t && t.status === 'ok' ? t : null));
  const ok = fits.filter((t) => t !== null);
  if (ok.length === 0) return [];
  const x0 = Math.min(...ok.map((t) => t.xMin));
  const x1 = Math.max(...ok.map((t) => t.xMax));
  const x = Array.from({ length: 21 }, (_, i) => x0 + ((x1 - x0) * i) / 20);
  const series = fits.map((t, i): ChartSeries => ({
    label: `${i === 0 ? 'base' : 'head'} fitted heap`,
    values: x.map((h) => (t ? (t.intercept + t.slope * h) / MiB : null)),
    color: i === 0 ? '#268bd2' : '#dc322f',
  }));
  return [{ id: 'heap-fit', title: 'Fitted heap after GC (Theil–Sen), base vs head', unit: 'MiB', x, series }];
}

export function renderCompareHtml(result: Comparison, assets: UplotAssets, samples: CompareSamples = {}): string {
  const charts: ChartSpec[] =
    samples.base && samples.head
      ? OVERLAID.map(([id, title, unit, pick, scale]) => ({ id, title, unit, ...overlay(samples.base ?? [], samples.head ?? [], pick, scale) })).filter((c) =>
          c.series.some((s) => s.values.some((v) => v !== null)),
        )
      : fittedHeap(result);
  const parts = [
    `<h1>rol-soak compare ${badge(result.status)}</h1>`,
    `<p>Base <code>${e(result.base.id)}</code> ${badge(result.base.verdict)} → head <code>${e(result.head.id)}</code> ${badge(result.head.verdict)}</p>`,
    result.reasons.length ? `<ul>${result.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : '',
    chartDivs(charts),
    '<h2>Slopes per simulated hour (95% CI)</h2>',
    table(
      ['series', 'base', 'head', 'head − base', 'interval excludes 0'],
      result.rows.map((r) => {
        const bytes = isByteSeries(r.series);
        return [`<code>${e(r.series)}</code>`, e(formatTrend(r.base, bytes)), e(formatTrend(r.head, bytes)), e(formatSlope(r.diff, r.lo, r.hi, bytes)), r.diff === null ? '—' : r.excludesZero ? '<b>yes</b>' : 'no'];
      }),
      [1, 2, 3],
    ),
  ];
  return htmlPage(`rol-soak compare: ${result.status}`, parts.join('\n'), charts, assets);
}
