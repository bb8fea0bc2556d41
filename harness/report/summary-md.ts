/**
 * summary.md: the verdict first, then the rules table (value, budget, slope ± 95% CI), the
 * top culprits from the snapshot diff and attribution, fidelity and the run's facts. Sized for
 * a PR comment or a CI job summary. Pure: a function of the report.
 */
import { checkpointSentence } from './checkpoint-text.js';
import { loadCommandSentence } from './load-command-text.js';
import { PRODUCTION_TERMS_LABEL, productionTermsSentence } from './production-terms.js';
import { LEAKS } from '../../common/leaks.js';
import type { Report } from '../analysis/report-types.js';
import { fidelitySentence, PHASE_HEADER, phaseRows } from './fidelity-text.js';
import { TIMER_TABLE_HEADER, timerSentence, timerTableRows } from './timer-table.js';
import { attributionRow, formatBytes, formatSlope, formatTrend, formatValue, httpSentence, intervalFloorNote, isByteUnit, mdCell, noMetricsNote, probeSentence, STATUS_ICON, syntheticLeakText, timeScaleText } from './format.js';

/** Snapshot-diff rows shown (the HTML report has them all); attribution shows every term. */
const TOP_CULPRITS = 5;

export function renderSummaryMd(report: Report): string {
  const v = report.verdict;
  const c = report.config;
  const lines: string[] = [];
  lines.push(`# rol-soak: ${STATUS_ICON[v.status] ?? ''} ${v.status.toUpperCase()}`);
  lines.push('');
  const leakText = v.leaks.length > 0 ? v.leaks.map((id) => `\`${id}\` (${LEAKS[id].title})`).join(', ') : 'none';
  lines.push(`**Leaks found:** ${leakText}`);
  lines.push('');
  lines.push(
    `Scenario \`${c.scenario}\`, ${c.users} users, ${c.hours} simulated hours at ${timeScaleText(c)}, leaks switched on: ${c.leaks.length ? c.leaks.join(', ') : 'none'}${syntheticLeakText(c)}, seed ${c.seed}. ` +
      `Run \`${report.run.id}\`, ${report.run.wallSeconds.toFixed(0)} s wall, store ${report.environment.store.engine}${report.environment.store.version ? ` ${report.environment.store.version}` : ''}.`,
  );
  const production = productionTermsSentence(report);
  if (production) lines.push('', `**${PRODUCTION_TERMS_LABEL}:** ${production}`);
  const metricsNote = noMetricsNote(c);
  if (metricsNote) lines.push('', metricsNote);
  const floorNote = intervalFloorNote(c);
  if (floorNote) lines.push('', floorNote);
  if (v.reasons.length > 0) {
    lines.push('', '## Why', '');
    for (const r of v.reasons) lines.push(`- ${r.replace(/\r?\n/g, ' ')}`);
  }
  lines.push('', '## Rules', '', '| status | rule | leak | value | budget | slope per sim. hour [95% CI] | evidence |', '|---|---|---|---|---|---|---|');
  for (const r of v.rules) {
    const e = r.evidence;
    const bytes = isByteUnit(e.unit);
    const slope = formatSlope(e.slope, e.lo, e.hi, bytes);
    lines.push(
      `| ${statusCell(r.status)} | ${r.id} | ${r.leak ?? ''} | ${mdCell(formatValue(e.value, e.unit))} | ${mdCell(formatValue(e.budget, e.unit))} | ${mdCell(slope)} | ${mdCell(e.text)} |`,
    );
  }
  const f = report.fidelity;
  lines.push('', '## Fidelity', '');
  const fIcon = f.status === 'ok' ? STATUS_ICON.ok : f.status === 'insufficient-data' ? '⚠️' : STATUS_ICON.inconclusive;
  lines.push(`${fIcon} ${fidelitySentence(f)}.`);
  for (const r of f.reasons) lines.push(`- ${r}`);
  const phases = phaseRows(f);
  if (phases.length > 0) {
    lines.push('', `| ${PHASE_HEADER.join(' | ')} |`, `|${PHASE_HEADER.map(() => '---').join('|')}|`);
    for (const row of phases) lines.push(`| ${row.map(mdCell).join(' | ')} |`);
  }
  if (report.timers) {
    lines.push('', '### Periodic timers', '', timerSentence(report.timers), '', `| ${TIMER_TABLE_HEADER.join(' | ')} |`, `|${TIMER_TABLE_HEADER.map(() => '---').join('|')}|`);
    for (const row of timerTableRows(report.timers)) lines.push(`| ${row.map(mdCell).join(' | ')} |`);
  }
  const probe = probeSentence(report.samples.probe);
  if (probe) lines.push('', probe);
  const heap = report.series['server.heapUsed'];
  lines.push('', `Heap after GC: ${formatTrend(heap, true)} per simulated hour.`);
  if (report.checkpoints) lines.push('', checkpointSentence(report.checkpoints));
  lines.push('', httpSentence(report.http));
  if (report.run.loadCommand) lines.push('', loadCommandSentence(report.run.loadCommand));
  if (report.snapshotDiff && report.snapshotDiff.topGrowing.length > 0) {
    lines.push('', '## Top growing constructors (heap snapshots)', '', '| constructor | objects | size | retainer path |', '|---|---|---|---|');
    for (const e of report.snapshotDiff.topGrowing.slice(0, TOP_CULPRITS)) {
      lines.push(`| ${mdCell(e.constructor)} | ${e.countDelta >= 0 ? '+' : ''}${e.countDelta} | ${formatBytes(e.sizeDelta)} | ${mdCell(e.retainerPath.join(' → '))} |`);
    }
  }
  const a = report.attribution;
  if (a.status === 'ok') {
    // Every term, negative ones too: a reviewer must see what the regression could not tell.
    lines.push('', '## Bytes retained per action (quiet checkpoints, Bonferroni intervals)', '', '| action | bytes per action [CI] | level | VIF | actions | retains memory? |', '|---|---|---|---|---|---|');
    for (const t of [...a.terms].sort((x, y) => y.bytesPer - x.bytesPer)) lines.push(`| ${attributionRow(t).map(mdCell).join(' | ')} |`);
    lines.push(`| (time) | ${formatBytes(a.time.bytesPer)} [${formatBytes(a.time.lo)}, ${formatBytes(a.time.hi)}] per sim. hour | ${((a.time.level ?? a.level) * 100).toFixed(1)}% | | | |`);
    for (const d of a.dropped) lines.push('', `_${mdCell(d.action)} left out: ${mdCell(d.reason)}_`);
  } else lines.push('', '## Bytes retained per action', '', `_${mdCell(a.reason)}_`);
  const profiles = report.run.profiles ?? [];
  if (profiles.length > 0) {
    lines.push('', '## Profiles', '', '| kind | file (in the run folder) | size | open with |', '|---|---|---|---|');
    for (const p of profiles) lines.push(`| ${p.kind} | \`${mdCell(p.path)}\` | ${formatBytes(p.bytes)} | ${PROFILE_VIEWER[p.kind]} |`);
  }
  lines.push('');
  return lines.join('\n');
}

/** Icon and word, joined by a no-break space so the status cell never wraps. */
export function statusCell(status: string): string {
  return `${STATUS_ICON[status] ?? ''}\u00a0${status}`;
}

/** Where each kind of profile is read. */
const PROFILE_VIEWER: Record<NonNullable<Report['run']['profiles']>[number]['kind'], string> = {
  heap: 'Chrome DevTools → Memory → Load (allocation sampling)',
  'clinic-doctor': 'a browser (the .html)',
  'clinic-heapprofiler': 'a browser (the .html)',
};
