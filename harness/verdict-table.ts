/**
 * The verdict table printed at the end of a run: one line per rule with value, budget and
 * slope ± CI, then the verdict and the leaks named, fidelity with one row per scenario phase,
 * and the reasons. Pure: a function of the report.
 */
import type { Report } from './analysis/report-types.js';
import { timerTableRows } from './report/timer-table.js';
import { formatSlope, formatValue, isByteUnit } from './report/format.js';
import { fidelitySentence, PHASE_HEADER, phaseRows } from './report/fidelity-text.js';
import { checkpointSentence } from './report/checkpoint-text.js';
import { PRODUCTION_TERMS_LABEL, productionTermsSentence } from './report/production-terms.js';

export function renderVerdictTable(report: Report): string {
  // A --target runs no simulated clock: its slopes are per real hour.
  const realTime = report.config.target !== undefined && report.config.target !== 'reference';
  const header = ['rule', 'status', 'leak', 'value', 'budget', `slope/${realTime ? 'real' : 'sim'} h [95% CI]`];
  const rows = report.verdict.rules.map((r) => {
    const e = r.evidence;
    const bytes = isByteUnit(e.unit);
    return [
      r.id,
      r.status,
      r.leak ?? '',
      formatValue(e.value, e.unit),
      formatValue(e.budget, e.unit),
      e.slope !== undefined && e.slope !== null ? formatSlope(e.slope, e.lo, e.hi, bytes) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ').trimEnd();
  const v = report.verdict;
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''];
  out.push(`verdict: ${v.status.toUpperCase()}${v.leaks.length ? ` — leaks: ${v.leaks.join(', ')}` : ''}`);
  const production = productionTermsSentence(report);
  if (production) out.push(`${PRODUCTION_TERMS_LABEL.toLowerCase()}: ${production}`);
  out.push(`fidelity: ${fidelitySentence(report.fidelity)}`);
  const phases = phaseRows(report.fidelity);
  if (phases.length > 0) out.push(...aligned([[...PHASE_HEADER], ...phases]).map((l) => `  ${l}`));
  if (report.timers) {
    out.push(`timers: ${report.timers.status}${report.timers.mode === 'floored' ? ` (floored at ${String(report.timers.floorMs)} real ms on request)` : ''}`);
    for (const [type, period, planned, fired, share] of timerTableRows(report.timers)) out.push(`  ${String(type).padEnd(20)} ${String(period).padEnd(12)} ${String(fired).padStart(9)} of ${String(planned).padEnd(9)} ${String(share)}`);
  }
  if (report.checkpoints) out.push(`checkpoints: ${checkpointSentence(report.checkpoints)}`);
  for (const reason of v.reasons.slice(0, 8)) out.push(`  - ${reason.split('\n')[0]}`);
  for (const rule of v.notCovered ?? []) out.push(`  not covered: ${rule}`);
  return out.join('\n');
}

/** Rows padded to their columns' widths. */
function aligned(rows: readonly string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}
