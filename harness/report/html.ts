/**
 * report.html: one self-contained page — verdict, rules, charts (heap after GC with its fitted
 * line and 95% band, gauges, client counts, latency, REST latency and requests of the HTTP load,
 * throughput, event-loop delay), the HTTP load's sentence, snapshot
 * diff with retainer paths, bytes per action, every series' slope, config and environment.
 * Pure: the writer passes uPlot's sources in.
 */
import type { Report } from '../analysis/report-types.js';
import type { Sample } from '../sample.js';
import { TIMER_TABLE_HEADER, timerSentence, timerTableRows } from './timer-table.js';
import { attributionRow, formatBytes, formatSlope, formatTrend, formatValue, htmlEscape as e, httpSentence, intervalFloorNote, isByteSeries, isByteUnit, noMetricsNote, probeSentence, syntheticLeakText, timeScaleText } from './format.js';
import { buildCharts } from './html-charts.js';
import { fidelitySentence, PHASE_HEADER, phaseRows } from './fidelity-text.js';
import { checkpointSentence } from './checkpoint-text.js';
import { loadCommandSentence } from './load-command-text.js';
import { PRODUCTION_TERMS_LABEL, productionTermsSentence } from './production-terms.js';
import { badge, chartDivs, htmlPage, table, type UplotAssets } from './html-page.js';

export type { UplotAssets } from './html-page.js';

export function renderHtml(report: Report, samples: readonly Sample[], assets: UplotAssets): string {
  const v = report.verdict;
  const c = report.config;
  const charts = buildCharts(report, samples);
  const parts: string[] = [];
  parts.push(`<h1>rol-soak ${badge(v.status)} <span class="muted">${e(report.run.id)}</span></h1>`);
  parts.push(
    `<p>Scenario <b>${e(c.scenario)}</b>, ${c.users} users, ${c.hours} simulated hours at ${e(timeScaleText(c))}, ` +
      `leaks on: <b>${e(c.leaks.join(', ') || 'none')}</b>${e(syntheticLeakText(c))}, seed ${c.seed}. Leaks found: <b>${e(v.leaks.join(', ') || 'none')}</b>.</p>`,
  );
  const production = productionTermsSentence(report);
  if (production) parts.push(`<p class="production"><b>${e(PRODUCTION_TERMS_LABEL)}:</b> ${e(production)}</p>`);
  const metricsNote = noMetricsNote(c);
  if (metricsNote) parts.push(`<p>${e(metricsNote)}</p>`);
  const floorNote = intervalFloorNote(c);
  if (floorNote) parts.push(`<p class="muted">${e(floorNote)}</p>`);
  if (v.reasons.length > 0) parts.push(`<ul>${v.reasons.map((r) => `<li>${e(r)}</li>`).join('')}</ul>`);
  parts.push('<h2>Rules</h2>');
  parts.push(
    table(
      ['status', 'rule', 'leak', 'value', 'budget', 'slope / sim. hour [95% CI]', 'evidence'],
      v.rules.map((r) => [
        badge(r.status),
        e(r.id),
        e(r.leak ?? ''),
        e(formatValue(r.evidence.value, r.evidence.unit)),
        e(formatValue(r.evidence.budget, r.evidence.unit)),
        e(formatSlope(r.evidence.slope, r.evidence.lo, r.evidence.hi, isByteUnit(r.evidence.unit))),
        e(r.evidence.text),
      ]),
      [3, 4, 5],
      // The status badge never wraps; rule and leak ids break only at their hyphens.
      { 0: 'nowrap', 1: 'id', 2: 'id' },
    ),
  );
  const f = report.fidelity;
  parts.push(`<h2>Fidelity ${badge(f.status === 'ok' ? 'ok' : 'inconclusive')}</h2><p>${e(fidelitySentence(f))}. ${e(f.reasons.join('; '))}</p>`);
  const phases = phaseRows(f);
  if (phases.length > 0) parts.push(table([...PHASE_HEADER], phases.map((row) => row.map(e))));
  if (report.timers) {
    parts.push(`<h3>Periodic timers</h3><p>${e(timerSentence(report.timers))}</p>`);
    parts.push(table([...TIMER_TABLE_HEADER], timerTableRows(report.timers).map((row) => row.map(e)), [2, 3]));
  }
  const probe = probeSentence(report.samples.probe);
  if (probe) parts.push(`<p>${e(probe)}</p>`);
  if (report.checkpoints) parts.push(`<h2>Quiet checkpoints</h2><p>${e(checkpointSentence(report.checkpoints))}</p>`);
  parts.push(`<h2>HTTP load</h2><p>${e(httpSentence(report.http))}</p>`);
  if (report.run.loadCommand) parts.push(`<h2>Load command</h2><p>${e(loadCommandSentence(report.run.loadCommand))}</p>`);
  parts.push('<h2>Charts</h2>', chartDivs(charts));
  parts.push('<h2>Heap snapshot diff</h2>');
  const diff = report.snapshotDiff;
  if (diff && diff.topGrowing.length > 0) {
    if (diff.from || diff.to) parts.push(`<p class="muted">${e(diff.from ?? '?')} → ${e(diff.to ?? '?')}</p>`);
    parts.push(
      table(
        ['constructor', 'objects Δ', 'size Δ', 'retainer path'],
        diff.topGrowing.map((d) => [e(d.constructor), String(d.countDelta), e(formatBytes(d.sizeDelta)), `<code>${e(d.retainerPath.join(' → '))}</code>`]),
        [1, 2],
      ),
    );
  } else parts.push('<p class="muted">No snapshot diff in this run.</p>');
  parts.push('<h2>Bytes retained per action</h2>');
  const a = report.attribution;
  if (a.status === 'ok') {
    const rows = [...a.terms].sort((x, y) => y.bytesPer - x.bytesPer).map((t) => attributionRow(t).map(e));
    rows.push([e('(time, per sim. hour)'), e(`${formatBytes(a.time.bytesPer)} [${formatBytes(a.time.lo)}, ${formatBytes(a.time.hi)}]`), e(`${((a.time.level ?? a.level) * 100).toFixed(1)}%`), '', '', '']);
    parts.push(table(['action', 'bytes per action [CI]', 'level', 'VIF', 'count', 'retains memory?'], rows, [1, 2, 3, 4]));
    parts.push(`<p class="muted">n=${a.n}, n_eff=${a.nEff.toFixed(1)}, R²=${a.rSquared.toFixed(3)}. ${a.dropped.map((d) => e(`${d.action}: ${d.reason}`)).join('; ')}</p>`);
  } else parts.push(`<p class="muted">${e(a.reason)}</p>`);
  parts.push('<h2>Series (slope per simulated hour over the soak, 95% CI)</h2>');
  parts.push(
    table(
      ['series', 'slope [95% CI]', 'n', 'n_eff'],
      Object.entries(report.series).map(([key, t]) => [
        `<code>${e(key)}</code>`,
        e(formatTrend(t, isByteSeries(key))),
        String(t.n),
        t.status === 'ok' ? t.nEff.toFixed(1) : '—',
      ]),
      [1, 2, 3],
    ),
  );
  parts.push('<h2>Configuration and environment</h2>');
  const env = report.environment;
  const facts: Array<[string, string]> = [
    ...Object.entries(c).map(([k, val]): [string, string] => [`config.${k}`, JSON.stringify(val)]),
    ['store', `${env.store.engine} ${env.store.version ?? ''}`],
    ['node', env.node],
    ['os', env.os],
    ['cpus', `${env.cpus}${env.cpuModel ? ` × ${env.cpuModel}` : ''}`],
    ...Object.entries(env.packages).map(([k, val]): [string, string] => [`package ${k}`, val]),
    ['run', `${report.run.id}, started ${report.run.startedAt}, ${report.run.wallSeconds.toFixed(1)} s wall, exit ${report.run.exitCode}`],
  ];
  parts.push(table(['key', 'value'], facts.map(([k, val]) => [e(k), `<code>${e(val)}</code>`])));
  return htmlPage(`rol-soak ${v.status}: ${report.run.id}`, parts.join('\n'), charts, assets);
}
