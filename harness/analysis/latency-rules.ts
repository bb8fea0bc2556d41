/**
 * Rules and summary of the HTTP load (REST requests, harness/load/): latency
 * drift over simulated time — the seed saw its leaks as 99% CPU, which clients feel as response
 * times that creep up through the day — and the error rate. Pure.
 *
 * Which windows count: soak windows (after warm-up) whose sample carries no `marks` (a sample
 * right after a heap snapshot would hold the snapshot's pause) and that had responses.
 *
 * Why p90 and not p99: a window holds tens of responses at the default rate (~12 req/s real ×
 * 1.5 s per window at S = 585), so its p99 is its maximum, and every window's maximum is set by
 * the sampler's own forced GC in the server (one per sample; `probeMs` 80–400 ms here). p90 leaves the slowest
 * 10% out — more than the handful of requests one probe pause delays — so it follows what
 * most requests see, yet still moves when the server as a whole slows down.
 *
 * Applicability: no sample with an `http` field → no HTTP load ran (`--no-http`, a scenario
 * without REST traffic, an outside load) → no rules at all (not inconclusive), so such a run can
 * still pass.
 */
import type { Sample } from '../sample.js';
import type { Budgets } from './budgets.js';
import type { RuleResult } from './rule-types.js';
import { median, wilsonLower } from './stats.js';
import { soakSamples } from './sample-read.js';
import { MIN_TREND_POINTS, trendPerHour, type TrendResult } from './trend.js';

/** The latency percentile the drift rule follows (see the header for why p90). */
export const DRIFT_PERCENTILE = 'p90' as const;

export interface HttpSummary {
  /** Windows in the run / in the soak / soak windows kept out of latency figures (marks) / soak windows without responses. */
  readonly windows: { readonly total: number; readonly soak: number; readonly excluded: number; readonly empty: number };
  /** Over the soak windows. errorRate = errors / requests (null without requests). */
  readonly totals: {
    readonly requests: number;
    readonly errors: number;
    readonly non2xx: number;
    readonly socketErrors: number;
    readonly timeouts: number;
    readonly errorRate: number | null;
    /** Requests per real second over the soak windows' real duration. */
    readonly achievedPerSecond: number | null;
    /** The driver's arrivals over the soak windows: fell due, shed, sent late (http-load.ts); null for runs before 2026-12-05. */
    readonly due?: number | null;
    readonly shed?: number | null;
    readonly late?: number | null;
    readonly resent?: number | null;
  };
  /** Whole run (warm-up and cool-down included): requests and errors. */
  readonly run: { readonly requests: number; readonly errors: number };
  /** Median over the soak's latency windows of each window's percentile, and the largest window max, ms. */
  readonly latencyMs: { readonly p50: number | null; readonly p90: number | null; readonly p99: number | null; readonly max: number | null };
  /** Theil–Sen trend of the per-window p90 per simulated hour (ms/h) over the soak, with its 95% interval. */
  readonly drift: TrendResult;
  readonly percentile: typeof DRIFT_PERCENTILE;
}

export interface LatencyRuleOptions {
  readonly budgets: Budgets;
  readonly warmupEndsAtSimMs?: number;
}

/** True when any sample carries the HTTP load's field (the run had HTTP load). */
export function hadHttpLoad(samples: readonly Sample[]): boolean {
  return samples.some((s) => s.http !== undefined);
}

/** Soak samples with an HTTP window. */
function soakWindows(samples: readonly Sample[], warmupEndsAtSimMs: number): Sample[] {
  return soakSamples(samples, warmupEndsAtSimMs).filter((s) => s.http);
}

/** Soak windows whose latency may be judged: no snapshot mark, and some responses. */
function latencyWindows(soak: readonly Sample[]): Array<{ simMs: number; p50: number; p90: number; p99: number; max: number }> {
  return soak.flatMap((s) => (s.marks?.length || !s.http?.latencyMs ? [] : [{ simMs: s.simMs, ...s.http.latencyMs }]));
}

/** The drift series: per-window p90 against simulated time. */
function driftTrend(soak: readonly Sample[]): TrendResult {
  return trendPerHour(latencyWindows(soak).map((w) => ({ simMs: w.simMs, value: w[DRIFT_PERCENTILE] })));
}

/** Arrivals over the windows, or nulls when a window lacks them (runs before 2026-12-05). */
function arrivals(windows: readonly Sample[]): { due: number | null; shed: number | null; late: number | null; resent: number | null } {
  if (windows.length === 0 || windows.some((s) => s.http?.due === undefined)) return { due: null, shed: null, late: null, resent: null };
  const sum = (pick: (h: NonNullable<Sample['http']>) => number | undefined) => windows.reduce((a, s) => a + (s.http ? (pick(s.http) ?? 0) : 0), 0);
  return { due: sum((h) => h.due), shed: sum((h) => h.shed), late: sum((h) => h.late), resent: sum((h) => h.resent) };
}

/** The report's `http` figures, or null when the run had no HTTP load. */
export function summariseHttp(samples: readonly Sample[], warmupEndsAtSimMs = 0): HttpSummary | null {
  if (!hadHttpLoad(samples)) return null;
  const all = samples.filter((s) => s.http);
  const soak = soakWindows(samples, warmupEndsAtSimMs);
  const lat = latencyWindows(soak);
  const sum = (pick: (s: Sample) => number) => soak.reduce((a, s) => a + pick(s), 0);
  const requests = sum((s) => s.http?.requests ?? 0);
  const errors = sum((s) => s.http?.errors ?? 0);
  const realMs = sum((s) => s.http?.realMs ?? 0);
  const med = (xs: number[]) => (xs.length === 0 ? null : median(xs));
  return {
    windows: {
      total: all.length,
      soak: soak.length,
      excluded: soak.filter((s) => s.marks?.length).length,
      empty: soak.filter((s) => !s.http?.latencyMs).length,
    },
    totals: {
      requests,
      errors,
      non2xx: sum((s) => s.http?.non2xx ?? 0),
      socketErrors: sum((s) => s.http?.socketErrors ?? 0),
      timeouts: sum((s) => s.http?.timeouts ?? 0),
      errorRate: requests > 0 ? errors / requests : null,
      achievedPerSecond: realMs > 0 ? requests / (realMs / 1000) : null,
      ...arrivals(soak),
    },
    run: { requests: all.reduce((a, s) => a + (s.http?.requests ?? 0), 0), errors: all.reduce((a, s) => a + (s.http?.errors ?? 0), 0) },
    latencyMs: {
      p50: med(lat.map((w) => w.p50)),
      p90: med(lat.map((w) => w.p90)),
      p99: med(lat.map((w) => w.p99)),
      max: lat.length === 0 ? null : Math.max(...lat.map((w) => w.max)),
    },
    drift: driftTrend(soak),
    percentile: DRIFT_PERCENTILE,
  };
}

/** The HTTP rules (drift, errors), or none when the run had no HTTP load. */
export function httpRules(samples: readonly Sample[], options: LatencyRuleOptions): RuleResult[] {
  if (!hadHttpLoad(samples)) return [];
  const soak = soakWindows(samples, options.warmupEndsAtSimMs ?? 0);
  return [latencyDriftRule(soak, options.budgets), errorRateRule(soak, options.budgets)];
}

/**
 * Fails only when the whole 95% interval of the p90 slope lies above the budget. An interval
 * that straddles the budget passes (with the interval in its evidence): latency on a shared
 * 2-core machine is noisy, and this is a symptom rule — the bound and heap rules carry the burden
 * of proving "flat"; this one must not refuse a verdict on noise. Too few windows for an
 * interval (< MIN_TREND_POINTS, or too autocorrelated) → inconclusive.
 */
export function latencyDriftRule(soak: readonly Sample[], b: Budgets): RuleResult {
  const id = 'http-latency-drift';
  const metric = `http.latencyMs.${DRIFT_PERCENTILE}`;
  const unit = 'ms/h';
  const budget = b.httpLatencyP90SlopeMsPerHour;
  const t = driftTrend(soak);
  if (t.status !== 'ok') {
    return {
      id,
      status: 'inconclusive',
      evidence: { metric, value: null, budget, unit, text: `no ${DRIFT_PERCENTILE} latency trend: ${t.reason} (latency windows need at least ${MIN_TREND_POINTS} soak samples)` },
    };
  }
  const f = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;
  const ci = `${f(t.slope)} ms/h [${f(t.lo)}, ${f(t.hi)}] vs budget ${budget} ms/h (n=${t.n}, n_eff=${t.nEff.toFixed(0)})`;
  const evidence = { metric, value: t.slope, budget, slope: t.slope, lo: t.lo, hi: t.hi, unit };
  if (t.lo > budget) {
    return { id, status: 'fail', evidence: { ...evidence, text: `REST ${DRIFT_PERCENTILE} latency drifts up ${ci}: the interval lies above the budget` } };
  }
  const straddles = t.hi > budget ? ': the interval reaches past the budget but does not exclude it (no evidence of drift)' : '';
  return { id, status: 'pass', evidence: { ...evidence, text: `REST ${DRIFT_PERCENTILE} latency slope ${ci}${straddles}` } };
}

export { wilsonLower } from './stats.js';

/** errors / requests over the soak windows; fails when the 95% Wilson lower bound exceeds the budget. */
export function errorRateRule(soak: readonly Sample[], b: Budgets): RuleResult {
  const id = 'http-errors';
  const metric = 'http.errors/http.requests';
  const unit = 'ratio';
  const budget = b.httpErrorRateMax;
  let requests = 0;
  let errors = 0;
  const kinds = { non2xx: 0, socket: 0, timeout: 0 };
  for (const s of soak) {
    requests += s.http?.requests ?? 0;
    errors += s.http?.errors ?? 0;
    kinds.non2xx += s.http?.non2xx ?? 0;
    kinds.socket += s.http?.socketErrors ?? 0;
    kinds.timeout += s.http?.timeouts ?? 0;
  }
  if (requests === 0) {
    return { id, status: 'inconclusive', evidence: { metric, value: null, budget, unit, text: `no HTTP requests ended in the ${soak.length} soak windows` } };
  }
  const rate = errors / requests;
  const lower = wilsonLower(errors, requests);
  const text =
    `${errors} of ${requests} REST requests failed (${(rate * 100).toFixed(2)}%; non-2xx ${kinds.non2xx}, socket ${kinds.socket}, timeouts ${kinds.timeout}), ` +
    `95% lower bound ${(lower * 100).toFixed(2)}% vs budget ${(budget * 100).toFixed(2)}%`;
  return { id, status: lower > budget ? 'fail' : 'pass', evidence: { metric, value: rate, budget, unit, text } };
}
