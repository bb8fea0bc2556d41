/**
 * The self-contained HTML shell shared by report.html and compare.html: uPlot's CSS and JS
 * inlined (no CDN: the files work offline and as CI artifacts), chart data as a JSON block, and
 * a small script that draws each chart at the width of its container. Pure.
 */
import { htmlEscape, inlineSafe, scriptJson } from './format.js';
import type { ChartSpec } from './html-charts.js';

/** uPlot's sources, read by the writer from node_modules/uplot/dist. */
export interface UplotAssets {
  /** uPlot.iife.min.js */
  readonly uplotJs: string;
  /** uPlot.min.css */
  readonly uplotCss: string;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:22px;margin:8px 0}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.pass,.ok{background:#2e7d32}.fail,.regressed{background:#c62828}.inconclusive,.refused{background:#ef6c00}.not-applicable{background:#757575}
table{border-collapse:collapse;width:100%;margin:6px 0;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f0f0f0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.nowrap{white-space:nowrap;overflow-wrap:normal}td.id{overflow-wrap:normal}
p.production{background:#fff;border-left:4px solid #268bd2;padding:6px 10px}
.chart{background:#fff;border:1px solid #e3e3e3;margin:10px 0;padding:6px;min-height:40px}
.muted{color:#666}code{font-size:12px}
`;

/**
 * Draws each chart. Legends: while the cursor is over a chart, every series' value at the cursor;
 * off it (on load and after the mouse leaves), every series' last value and the hour it was read
 * at, instead of uPlot's "--" placeholders (the `setLegend` hook puts them back when the cursor
 * leaves: uPlot has no resting index of its own). Values are rounded to what a reader compares.
 */
const CHART_SCRIPT = `
(function(){
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var palette = ['#268bd2','#2aa198','#859900','#b58900','#cb4b16','#6c71c4','#d33682','#586e75'];
  var plots = [];
  function width(el){ return Math.max(320, Math.min(el.clientWidth - 12, 1140)); }
  function fmt(v){ var a = Math.abs(v); return Number.isInteger(v) ? String(v) : a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toPrecision(3); }
  function lastIdx(values){ for (var i = values.length - 1; i >= 0; i--) if (values[i] != null) return i; return null; }
  specs.forEach(function(spec){
    var el = document.getElementById('chart-' + spec.id);
    if (!el) return;
    var resting = [spec.x.length ? spec.x.length - 1 : null].concat(spec.series.map(function(s){ return lastIdx(s.values); }));
    function value(u, v, si, idx){
      if (v == null) return '—';
      return u.cursor.idx == null ? fmt(v) + ' at ' + fmt(spec.x[idx]) + ' h' : fmt(v);
    }
    var opts = {
      title: spec.title, width: width(el), height: 260,
      scales: { x: { time: false } },
      axes: [ { label: 'simulated hours' }, { label: spec.unit, size: 64 } ],
      series: [ { label: 'hour', value: function(u, v){ return u.cursor.idx == null ? 'latest' : v == null ? '—' : fmt(v); } } ].concat(spec.series.map(function(s, i){
        return { label: s.label, stroke: s.color || palette[i % palette.length], width: s.dash ? 1 : 1.5,
                 dash: s.dash ? [6, 4] : undefined, spanGaps: true, value: value };
      })),
      bands: spec.band ? [ { series: spec.band, fill: 'rgba(220,50,47,0.12)' } ] : [],
      hooks: { setLegend: [ function(u){ if (u.cursor.idx == null) u.setLegend({ idxs: resting }, false); } ] }
    };
    var data = [spec.x].concat(spec.series.map(function(s){ return s.values; }));
    var plot = new uPlot(opts, data, el);
    plot.setLegend({ idxs: resting }, false);
    plots.push([plot, el]);
    el.setAttribute('data-rendered', 'true');
  });
  window.addEventListener('resize', function(){
    plots.forEach(function(p){ p[0].setSize({ width: width(p[1]), height: 260 }); });
  });
  window.__rolSoakCharts = plots.length;
})();
`;

/** A full HTML document: `body` is trusted markup built by the renderers (already escaped). */
export function htmlPage(title: string, body: string, charts: readonly ChartSpec[], assets: UplotAssets): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${htmlEscape(title)}</title>`,
    `<style>${inlineSafe(assets.uplotCss, 'style')}</style>`,
    `<style>${STYLE}</style>`,
    '</head><body><main>',
    body,
    '</main>',
    `<script type="application/json" id="chart-data">${scriptJson(charts)}</script>`,
    `<script>${inlineSafe(assets.uplotJs, 'script')}</script>`,
    `<script>${CHART_SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** Placeholders the chart script fills, one per chart. */
export function chartDivs(charts: readonly ChartSpec[]): string {
  return charts.map((c) => `<div class="chart" id="chart-${htmlEscape(c.id)}"></div>`).join('\n');
}

/**
 * A table from header cells and rows of already-escaped cell markup; `num` marks numeric columns,
 * `classes` gives other columns a class: `nowrap` (never wraps, e.g. a status badge) or `id`
 * (wraps only where a line may break, e.g. after a hyphen, never inside a word).
 */
export function table(
  headers: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  num: readonly number[] = [],
  classes: Readonly<Record<number, 'nowrap' | 'id'>> = {},
): string {
  const head = `<tr>${headers.map((h) => `<th>${htmlEscape(h)}</th>`).join('')}</tr>`;
  const cls = (i: number) => (num.includes(i) ? ' class="num"' : classes[i] ? ` class="${classes[i]}"` : '');
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>${head}\n${body}</table>`;
}

export function badge(status: string): string {
  return `<span class="badge ${htmlEscape(status)}">${htmlEscape(status)}</span>`;
}
