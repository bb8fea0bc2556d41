/**
 * The HTTP rules on seeded synthetic runs: a flat p90 passes, a ramp fails with the interval
 * above the budget, too few windows is inconclusive, no HTTP load at all means no HTTP rules
 * (and the verdict can pass), errors fail only past the budget's Wilson bound.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { errorRateRule, httpRules, summariseHttp, wilsonLower } from '../../harness/analysis/latency-rules.js';
import { wilsonInterval } from '../../harness/analysis/stats.js';
import { evaluateRules } from '../../harness/analysis/rules.js';
import { analyse } from '../../harness/analysis/verdict.js';
import { buildReport } from '../../harness/analysis/report-types.js';
import type { HttpWindow, Sample } from '../../harness/sample.js';
import { renderSummaryMd } from '../../harness/report/summary-md.js';
import { buildCharts } from '../../harness/report/html-charts.js';
import { HOUR, makeRun } from './samples.js';
import { gaussian } from './synthetic.js';

const budgets = DEFAULT_BUDGETS;
const WARMUP_ENDS = 2 * HOUR;

function window(p90: number, over: Partial<HttpWindow> = {}): HttpWindow {
  return {
    realMs: 1_500,
    requests: 18,
    errors: 0,
    non2xx: 0,
    socketErrors: 0,
    timeouts: 0,
    latencyMs: { p50: p90 / 2, p90, p99: p90 * 2, max: p90 * 3 },
    byEndpoint: {},
    ...over,
  };
}

/** A 25 h run (8 warm-up, 92 soak, 2 cool-down samples) whose p90 is `p90(hour)` plus seeded noise. */
function runWith(p90: (hour: number) => number, seed: number, shape: { soak?: number } = {}, over: (s: Sample) => Partial<HttpWindow> = () => ({})): Sample[] {
  const z = gaussian(seed);
  return makeRun(shape).map((s) => ({ ...s, http: s.phase === 'cooldown' && s.seq > 100 ? null : window(Math.max(0.5, p90(s.simMs / HOUR) + 1.5 * z()), over(s)) }));
}

const drift = (samples: readonly Sample[]) => httpRules(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS }).find((r) => r.id === 'http-latency-drift');

describe('http-latency-drift', () => {
  it.each([1, 2, 3])('passes a flat p90 with noise (seed %i)', (seed) => {
    const r = drift(runWith(() => 8, seed));
    expect(r?.status).toBe('pass');
    expect(r?.evidence.hi).toBeLessThan(budgets.httpLatencyP90SlopeMsPerHour);
  });

  it.each([1, 2, 3])('fails a p90 that ramps 10 ms per simulated hour (seed %i)', (seed) => {
    const r = drift(runWith((h) => 8 + 10 * h, seed));
    expect(r?.status).toBe('fail');
    expect(r?.evidence.lo).toBeGreaterThan(budgets.httpLatencyP90SlopeMsPerHour);
    expect(r?.evidence.slope).toBeCloseTo(10, 0);
    expect(r?.evidence.text).toMatch(/interval lies above the budget/);
  });

  it('is inconclusive with fewer soak windows than a trend needs', () => {
    const r = drift(runWith(() => 8, 1, { soak: 5 }));
    expect(r?.status).toBe('inconclusive');
    expect(r?.evidence.text).toMatch(/need at least 8/);
  });

  it('keeps marked windows (after a heap snapshot) and empty windows out of the trend', () => {
    const samples = runWith(() => 8, 4).map((s, i) => (s.phase === 'soak' && i % 10 === 0 ? { ...s, marks: ['snapshot'], http: window(5_000) } : s));
    expect(drift(samples)?.status).toBe('pass');
    const summary = summariseHttp(samples, WARMUP_ENDS);
    expect(summary?.windows.excluded).toBe(samples.filter((s) => s.phase === 'soak' && s.marks).length);
    expect(summary?.latencyMs.max).toBeLessThan(5_000);
  });

  it('is not applicable without HTTP load: no HTTP rules, and the verdict passes', () => {
    const samples = makeRun();
    expect(httpRules(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS })).toEqual([]);
    expect(summariseHttp(samples)).toBeNull();
    const a = analyse(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    expect(a.verdict.status).toBe('pass');
    expect(a.verdict.rules.some((r) => r.id.startsWith('http-'))).toBe(false);
    expect(a.http).toBeNull();
  });

  it('joins the verdict: a ramp fails the run, a flat p90 lets it pass', () => {
    const ramp = analyse(runWith((h) => 8 + 10 * h, 1), { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    expect(ramp.verdict.status).toBe('fail');
    expect(ramp.verdict.leaks).toEqual([]);
    expect(ramp.verdict.reasons.join('\n')).toMatch(/^http-latency-drift: /m);
    const flat = analyse(runWith(() => 8, 1), { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    expect(flat.verdict.status).toBe('pass');
    // Overload (half the planned actions done) makes latency drift a suspicion, not a finding.
    const overloaded = runWith((h) => 8 + 10 * h, 1).map((x) => (x.load ? { ...x, load: { ...x.load, doneActions: Math.floor(x.load.plannedActions / 2) } } : x));
    const suspected = analyse(overloaded, { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    expect(suspected.verdict.status).toBe('inconclusive');
    expect(suspected.verdict.reasons.join('\n')).toMatch(/suspected, not proven at this fidelity: http-latency-drift/);
    expect(evaluateRules(runWith(() => 8, 1), { budgets, warmupEndsAtSimMs: WARMUP_ENDS }).slice(-2).map((r) => r.id)).toEqual(['http-latency-drift', 'http-errors']);
  });
});

describe('http-errors', () => {
  const soakOf = (samples: Sample[]) => samples.filter((s) => s.phase === 'soak');

  it('passes 0 errors and fails a rate whose Wilson lower bound is past the budget', () => {
    expect(errorRateRule(soakOf(runWith(() => 8, 1)), budgets).status).toBe('pass');
    // 3 of 18 requests fail in every window: 16.7%, far past 1%.
    const bad = errorRateRule(soakOf(runWith(() => 8, 1, {}, () => ({ errors: 3, non2xx: 3 }))), budgets);
    expect(bad.status).toBe('fail');
    expect(bad.evidence.value).toBeCloseTo(3 / 18, 6);
  });

  it('does not fail on a few errors that do not prove the rate is past the budget', () => {
    // 1 error in 2 windows of 18 requests: 2.8% observed, but the 95% lower bound is ~0.5%.
    const samples = soakOf(runWith(() => 8, 1, { soak: 2 }, (s) => (s.seq === 8 ? { errors: 1, timeouts: 1 } : {})));
    const r = errorRateRule(samples, budgets);
    expect(r.evidence.value).toBeCloseTo(1 / 36, 6);
    expect(r.status).toBe('pass');
  });

  it('is inconclusive when no request ended in the soak', () => {
    const none = soakOf(runWith(() => 8, 1, {}, () => ({ requests: 0, latencyMs: null })));
    expect(errorRateRule(none, budgets).status).toBe('inconclusive');
  });

  it('wilsonInterval matches hand-computed bounds (1 of 68; 990 of 1,001)', () => {
    expect(wilsonInterval(1, 68).lo).toBeCloseTo(0.0026, 3);
    expect(wilsonInterval(1, 68).hi).toBeCloseTo(0.0787, 3);
    expect(wilsonInterval(990, 1001).lo).toBeCloseTo(0.9804, 3);
    expect(wilsonInterval(990, 1001).hi).toBeCloseTo(0.9939, 3);
  });

  it('wilsonLower matches a hand-computed bound', () => {
    // 10 of 100 at 95%: Wilson interval [0.0552, 0.1744].
    expect(wilsonLower(10, 100)).toBeCloseTo(0.0552, 3);
    expect(wilsonLower(0, 1000)).toBe(0);
  });
});

describe('report', () => {
  const environment = { store: { engine: 'wire', version: '1' }, node: 'v20', os: 'linux', cpus: 2, packages: {} };
  const config = { scenario: 'office-day', users: 6, hours: 25, timeScale: 585, leaks: [], seed: 1 };
  const run = { id: 'r', wallSeconds: 1, startedAt: '2026-01-01T00:00:00Z', exitCode: 0 };

  it('adds an http section with totals, latency and drift, and a summary line', () => {
    const samples = runWith(() => 8, 2);
    const analysis = analyse(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    const plan = { requestsPerUserHour: 12, mix: { login: 1, buddies: 3, weather: 2, history: 6 }, plannedPerSecond: 11.7, ratePerSecond: 12, capPerSecond: 50, capped: false, floored: false, connections: 2, accounts: ['vu00000'] };
    const report = buildReport({ analysis, config, environment, run, http: { plan, note: null } });
    expect(report.schemaVersion).toBe(1);
    expect(report.http).toMatchObject({ enabled: true, plan: { ratePerSecond: 12 }, totals: { requests: 92 * 18, errors: 0, errorRate: 0 }, percentile: 'p90' });
    expect(report.http.drift?.status).toBe('ok');
    expect(report.series['http.latencyP90Ms']?.status).toBe('ok');
    expect(renderSummaryMd(report)).toMatch(/HTTP load: 12 req\/s real .* 1656 requests in the soak \(12 req\/s achieved\), 0 errors \(0\.00%\).* p90 drift /);
    const ids = buildCharts(report, samples).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['http-latency', 'http-requests']));
  });

  it('reads the open-model driver\'s windows: requests over arrivals due, shed, late and resent', () => {
    // Each soak window: 18 requests; 20 arrivals fell due, 1 shed, 2 late, 1 sent again.
    const samples = runWith(() => 8, 2).map((s) => (s.http ? { ...s, http: { ...s.http, due: 20, shed: 1, late: 2, resent: 1 } } : s));
    const analysis = analyse(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS });
    const plan = { requestsPerUserHour: 12, mix: { login: 1, buddies: 3, weather: 2, history: 6 }, requestsPerSimHour: 72, plannedPerSecond: 11.7, peakPerSecond: 11.7, connections: 3, accounts: ['vu00000'] };
    const report = buildReport({ analysis, config, environment, run, http: { plan, note: null } });
    expect(report.http.totals).toMatchObject({ requests: 92 * 18, due: 92 * 20, shed: 92, late: 184, resent: 92 });
    expect(renderSummaryMd(report)).toMatch(/HTTP load: 72 requests per simulated hour \(12 per user\), arrivals spaced in simulated time; 1656 requests in the soak of 1840 due \(90\.0%; 92 shed, 184 sent > 1 s late, 92 sent again after a keep-alive reset\)/);
  });

  it('says when there was none, and draws no HTTP charts', () => {
    const samples = makeRun();
    const report = buildReport({ analysis: analyse(samples, { budgets, warmupEndsAtSimMs: WARMUP_ENDS }), config, environment, run, http: { plan: null, note: '--no-http' } });
    expect(report.http).toMatchObject({ enabled: false, note: '--no-http', totals: null, drift: null });
    expect(renderSummaryMd(report)).toContain('HTTP load: none (--no-http).');
    expect(buildCharts(report, samples).map((c) => c.id)).not.toContain('http-latency');
  });
});
