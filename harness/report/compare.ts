/**
 * Compare two report.json: refuse runs that are not comparable (scenario, users, hours, seed,
 * leaks, schema) unless forced; per series, head − base slope with an interval for the
 * difference; rules that newly fail. Pure.
 *
 * The difference interval uses MOVER (Zou & Donner 2008): each run's own (possibly asymmetric)
 * 95% interval is combined as d − √((h−h_lo)² + (b_hi−b)²), d + √((h_hi−h)² + (b−b_lo)²),
 * treating the two runs as independent. Unlike a t-test over raw samples (autocannon-compare),
 * it inherits each trend's allowance for autocorrelation, so trivial differences stay "within".
 */
import type { Report } from '../analysis/report-types.js';
import type { RuleId } from '../analysis/rule-types.js';
import type { TrendResult } from '../analysis/trend.js';

export type CompareStatus = 'ok' | 'regressed' | 'refused';

export interface CompareRow {
  readonly series: string;
  readonly base: TrendResult | null;
  readonly head: TrendResult | null;
  /** head slope − base slope, per simulated hour; null when either trend is missing. */
  readonly diff: number | null;
  readonly lo: number | null;
  readonly hi: number | null;
  /** True when the difference's interval excludes 0 (a real change, either way). */
  readonly excludesZero: boolean;
}

export interface Comparison {
  readonly status: CompareStatus;
  readonly rows: readonly CompareRow[];
  readonly newlyFailing: readonly RuleId[];
  readonly reasons: readonly string[];
  readonly base: { readonly id: string; readonly verdict: string };
  readonly head: { readonly id: string; readonly verdict: string };
}

export interface CompareOptions {
  /** Compare even when the runs differ in scenario, users, hours, seed or leaks. @default false */
  readonly force?: boolean;
}

const MATCHED_KEYS = ['scenario', 'users', 'hours', 'seed', 'leaks'] as const;

export function compareReports(base: Report, head: Report, options: CompareOptions = {}): Comparison {
  const ids = { base: { id: base.run.id, verdict: base.verdict.status }, head: { id: head.run.id, verdict: head.verdict.status } };
  const mismatches: string[] = [];
  if (base.schemaVersion !== head.schemaVersion) mismatches.push(`schemaVersion: ${base.schemaVersion} vs ${head.schemaVersion}`);
  for (const key of MATCHED_KEYS) {
    const a = JSON.stringify(base.config[key]);
    const b = JSON.stringify(head.config[key]);
    if (a !== b) mismatches.push(`${key}: ${a} vs ${b}`);
  }
  if (mismatches.length > 0 && !options.force) {
    return { status: 'refused', rows: [], newlyFailing: [], reasons: [`runs differ (use --force to compare anyway): ${mismatches.join('; ')}`], ...ids };
  }
  const keys = [...new Set([...Object.keys(base.series), ...Object.keys(head.series)])].sort(seriesOrder);
  const rows = keys.map((key) => row(key, base.series[key] ?? null, head.series[key] ?? null));
  const baseStatus = new Map(base.verdict.rules.map((r) => [r.id, r.status]));
  const newlyFailing = head.verdict.rules.filter((r) => r.status === 'fail' && baseStatus.get(r.id) !== 'fail').map((r) => r.id);
  const reasons: string[] = mismatches.length > 0 ? [`forced comparison of differing runs: ${mismatches.join('; ')}`] : [];
  for (const id of newlyFailing) {
    const r = head.verdict.rules.find((x) => x.id === id);
    reasons.push(`newly failing: ${id}${r?.leak ? ` (${r.leak})` : ''}: ${r?.evidence.text ?? ''}`);
  }
  const verdictWorse = base.verdict.status === 'pass' && head.verdict.status === 'fail';
  if (verdictWorse && newlyFailing.length === 0) reasons.push('verdict went from pass to fail');
  const heap = rows.find((r) => r.series === 'server.heapUsed');
  if (heap?.excludesZero && (heap.lo ?? 0) > 0) reasons.push('heap slope rose and the difference excludes 0');
  const status: CompareStatus = newlyFailing.length > 0 || verdictWorse ? 'regressed' : 'ok';
  return { status, rows, newlyFailing, reasons, ...ids };
}

function row(series: string, base: TrendResult | null, head: TrendResult | null): CompareRow {
  if (!base || !head || base.status !== 'ok' || head.status !== 'ok') return { series, base, head, diff: null, lo: null, hi: null, excludesZero: false };
  const diff = head.slope - base.slope;
  const lo = diff - Math.hypot(head.slope - head.lo, base.hi - base.slope);
  const hi = diff + Math.hypot(head.hi - head.slope, base.slope - base.lo);
  return { series, base, head, diff, lo, hi, excludesZero: lo > 0 || hi < 0 };
}

/** Heap first, then server, client, harness, load, then Prometheus keys alphabetically. */
function seriesOrder(a: string, b: string): number {
  const rank = (k: string) => (k === 'server.heapUsed' ? 0 : k.startsWith('server.') ? 1 : k.startsWith('client.') ? 2 : k.includes('.') ? 3 : 4);
  return rank(a) - rank(b) || a.localeCompare(b);
}
