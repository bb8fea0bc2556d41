/**
 * junit.xml: one testsuite for the run, one testcase per rule. A failing rule is a <failure>
 * carrying its evidence; an inconclusive rule is <skipped> with the reason (CI shows it, but
 * the job's exit code — 3 — is what fails the build). Fidelity is a testcase of its own.
 * Pure: a function of the report.
 */
import { fidelitySentence } from './fidelity-text.js';
import type { Report } from '../analysis/report-types.js';
import { formatSlope, formatValue, isByteUnit, xmlEscape } from './format.js';

export function renderJunit(report: Report): string {
  const rules = report.verdict.rules;
  const cases: string[] = [];
  for (const r of rules) {
    const e = r.evidence;
    const name = xmlEscape(`${r.id}${r.leak ? ` (${r.leak})` : ''}`);
    const detail = [
      `metric: ${e.metric}`,
      `value: ${formatValue(e.value, e.unit)}`,
      `budget: ${formatValue(e.budget, e.unit)}`,
      ...(e.slope !== undefined ? [`slope per simulated hour [95% CI]: ${formatSlope(e.slope, e.lo, e.hi, isByteUnit(e.unit))}`] : []),
      e.text,
    ].join('\n');
    const open = `    <testcase classname="rol-soak.rules" name="${name}" time="0">`;
    if (r.status === 'fail') {
      cases.push(`${open}\n      <failure message="${xmlEscape(e.text)}" type="${xmlEscape(r.leak ?? 'rule')}">${xmlEscape(detail)}</failure>\n    </testcase>`);
    } else if (r.status === 'inconclusive' || r.status === 'not-applicable') {
      cases.push(`${open}\n      <skipped message="${xmlEscape(`${r.status}: ${e.text}`)}"/>\n    </testcase>`);
    } else {
      cases.push(`${open}\n      <system-out>${xmlEscape(detail)}</system-out>\n    </testcase>`);
    }
  }
  const f = report.fidelity;
  const fidelityOpen = `    <testcase classname="rol-soak.run" name="fidelity" time="0">`;
  if (f.status === 'ok') cases.push(`${fidelityOpen}\n      <system-out>${xmlEscape(fidelitySentence(f))}</system-out>\n    </testcase>`);
  else cases.push(`${fidelityOpen}\n      <failure message="${xmlEscape(`fidelity ${f.status}`)}" type="fidelity">${xmlEscape(f.reasons.join('\n'))}</failure>\n    </testcase>`);
  const failures = rules.filter((r) => r.status === 'fail').length + (f.status === 'ok' ? 0 : 1);
  const skipped = rules.filter((r) => r.status === 'inconclusive' || r.status === 'not-applicable').length;
  const c = report.config;
  const props = [
    ['verdict', report.verdict.status],
    ['leaks', report.verdict.leaks.join(',')],
    ['scenario', c.scenario],
    ['users', String(c.users)],
    ['hours', String(c.hours)],
    ['timeScale', String(c.timeScale)],
    ['seed', String(c.seed)],
    ['store', report.environment.store.engine],
  ]
    .map(([k, v]) => `      <property name="${xmlEscape(k as string)}" value="${xmlEscape(v as string)}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rol-soak" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${report.run.wallSeconds}">`,
    `  <testsuite name="${xmlEscape(`soak ${c.scenario} ${c.users} users ${c.hours} h (${report.run.id})`)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${report.run.wallSeconds}" timestamp="${xmlEscape(report.run.startedAt)}">`,
    '    <properties>',
    props,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
