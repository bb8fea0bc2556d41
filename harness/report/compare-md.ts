/** compare.md: the comparison as a PR comment — status, reasons, then the slope table. Pure. */
import type { Comparison } from './compare.js';
import { formatSlope, formatTrend, isByteSeries, mdCell, STATUS_ICON } from './format.js';

export function renderCompareMd(result: Comparison): string {
  const lines = [
    `# rol-soak compare: ${STATUS_ICON[result.status] ?? ''} ${result.status.toUpperCase()}`,
    '',
    `Base \`${result.base.id}\` (${result.base.verdict}) → head \`${result.head.id}\` (${result.head.verdict}).`,
    '',
  ];
  for (const r of result.reasons) lines.push(`- ${r.replace(/\r?\n/g, ' ')}`);
  if (result.newlyFailing.length > 0) lines.push('', `**Newly failing rules:** ${result.newlyFailing.map((id) => `\`${id}\``).join(', ')}`);
  if (result.rows.length > 0) {
    lines.push('', '| series | base slope/h [95% CI] | head slope/h [95% CI] | head − base [95% CI] | changed |', '|---|---|---|---|---|');
    for (const row of result.rows) {
      const bytes = isByteSeries(row.series);
      const changed = row.diff === null ? '—' : row.excludesZero ? ((row.lo ?? 0) > 0 ? '⬆️ yes' : '⬇️ yes') : 'no';
      lines.push(
        `| \`${mdCell(row.series)}\` | ${mdCell(formatTrend(row.base, bytes))} | ${mdCell(formatTrend(row.head, bytes))} | ${mdCell(formatSlope(row.diff, row.lo, row.hi, bytes))} | ${changed} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
