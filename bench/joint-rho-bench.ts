/**
 * Would a design-aware autocorrelation correction give the heap fits on hours and actions
 * (harness/analysis/joint-growth.ts) the coverage issue 14 asks for (93–97% at a nominal 95%),
 * and at what cost in power? Measured beside today's interval on the recorded fixed-server
 * series, resampled around their Theil–Sen line in blocks of 3 (bench/checkpoint-power-bench.ts:
 * the resampling under which today's fits cover 75–98%).
 *
 * Today: ρ1 of the fit's residuals with the Marriott–Pope correction of a mean-only series
 * ((1 + 4ρ)/n), the smaller of it about the fit and about a running median of 5 (trend.ts
 * residualNoiseRho), and the OLS variance inflated by (1 + ρ)/(1 − ρ).
 * The alternative ("design-exact"): ρ solved so that the expected lag-1 ratio of this design's
 * OLS residuals under AR(1) noise, tr(M·A·M·R(ρ)) / tr(M·R(ρ)), equals the observed one (the
 * bias of residuals from three coefficients, not one); σ² = RSS / tr(M·R(ρ)); the variance of
 * the fitted growth wᵀR(ρ)w·σ² exactly (w: the estimate's weights on the checkpoints); t on
 * n_eff − 3 degrees of freedom as today, no interval below 2.
 * Per series: coverage of the 95% interval at no planted growth (an interval not formed counts
 * as not covering), the share formed, coverage among those formed, and the share of runs
 * failed at the rule's Bonferroni level with a per-action leak of 150 KiB per simulated hour.
 * Knob: JOINT_RHO_REPS (1,000).
 */
import { join } from 'node:path';
import { DEFAULT_BUDGETS } from '../harness/analysis/budgets.js';
import { heapSlopeBudget } from '../harness/analysis/checkpoint-rules.js';
import { JOINT_OPTIONS } from '../harness/analysis/heap-growth.js';
import { jointGrowthPerHour } from '../harness/analysis/joint-growth.js';
import { ols } from '../harness/analysis/least-squares.js';
import { effectiveSampleSize, tTwoSided } from '../harness/analysis/stats.js';
import { mulberry32 } from '../scenarios/rng.js';
import { blockResample, splitLine, type RecordedSeries } from './checkpoint-series.js';
import { loadRecordedSeries, repoRoot } from './recorded-series-files.js';

type Matrix = number[][];
const mul = (a: Matrix, b: Matrix): Matrix => a.map((row) => (b[0] as number[]).map((_, j) => row.reduce((s, v, k) => s + v * ((b[k] as number[])[j] as number), 0)));
const trace = (a: Matrix): number => a.reduce((s, row, i) => s + (row[i] as number), 0);
const ar1 = (n: number, rho: number): Matrix => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, k) => rho ** Math.abs(i - k)));

/**
 * The hat matrix of an intercept, `x` and `z`: its column k is what least-squares.ts's fit makes
 * of the unit vector e_k (e_k less the fit's residuals); it is symmetric.
 */
function hat(x: readonly number[], z: readonly number[]): Matrix | null {
  const n = x.length;
  const columns: Matrix = [];
  for (let k = 0; k < n; k++) {
    const unit = Array.from({ length: n }, (_, i) => (i === k ? 1 : 0));
    const fit = ols([x, z], unit);
    if (!fit) return null;
    columns.push(unit.map((v, i) => v - (fit.residuals[i] as number)));
  }
  return columns;
}

interface Design {
  readonly n: number;
  readonly m: Matrix;
  /** ρ → expected lag-1 ratio of the residuals, and tr(M·R(ρ)). */
  readonly expected: (rho: number) => { ratio: number; trMR: number };
  readonly w: number[];
}

function design(x: readonly number[], z: readonly number[]): Design | null {
  const n = x.length;
  const h = hat(x, z);
  if (!h) return null;
  const m = h.map((row, i) => row.map((v, k) => (i === k ? 1 : 0) - v));
  const lag = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, k) => (Math.abs(i - k) === 1 ? 0.5 : 0)));
  const mam = mul(mul(m, lag), m);
  const cache = new Map<number, { ratio: number; trMR: number }>();
  const expected = (rho: number) => {
    const hit = cache.get(rho);
    if (hit) return hit;
    const r = ar1(n, rho);
    const out = { ratio: trace(mul(mam, r)) / trace(mul(m, r)), trMR: trace(mul(m, r)) };
    cache.set(rho, out);
    return out;
  };
  const span = (x[n - 1] as number) - (x[0] as number);
  const w = (h[n - 1] as number[]).map((v, k) => (v - ((h[0] as number[])[k] as number)) / span);
  return { n, m, expected, w };
}

/** ρ on a grid of 0.01 (bisection would re-evaluate the n × n traces per run). */
const GRID = Array.from({ length: 96 }, (_, i) => i / 100);

function exactInterval(d: Design, y: readonly number[], level: number): { lo: number; hi: number; slope: number } | null {
  const e = d.m.map((row) => row.reduce((s, v, k) => s + v * (y[k] as number), 0));
  const rss = e.reduce((s, v) => s + v * v, 0);
  let num = 0;
  for (let i = 1; i < d.n; i++) num += (e[i] as number) * (e[i - 1] as number);
  const r1 = num / rss;
  const rho = GRID.find((g) => d.expected(g).ratio >= r1) ?? 0.95;
  const nEff = effectiveSampleSize(d.n, rho);
  if (nEff - 3 < 2) return null;
  const r = ar1(d.n, rho);
  const s2 = rss / d.expected(rho).trMR;
  const rw = r.map((row) => row.reduce((s, v, k) => s + v * (d.w[k] as number), 0));
  const se = Math.sqrt(s2 * d.w.reduce((s, v, i) => s + v * (rw[i] as number), 0));
  const slope = d.w.reduce((s, v, k) => s + v * (y[k] as number), 0);
  const t = tTwoSided(level, nEff - 3);
  return { slope, lo: slope - t * se, hi: slope + t * se };
}

const KiB = 1024;
const LEAK_KIB_PER_HOUR = 150;
/** The rule's fail level: 1 − 0.05/3 (heap-growth.ts, Bonferroni over its three tests). */
const FAIL_LEVEL = 1 - 0.05 / 3;

function measure(series: RecordedSeries, reps: number, seed: number): object | null {
  const x = series.points.map((p) => p.hour);
  const a = series.points.map((p) => p.actions);
  const d = design(x, a);
  if (!d) return null;
  const { line, residuals, slope } = splitLine(series);
  const budget = heapSlopeBudget(DEFAULT_BUDGETS, series.users);
  const spanH = (x[x.length - 1] as number) - (x[0] as number);
  const spanA = (a[a.length - 1] as number) - (a[0] as number);
  const plant = a.map((v) => ((v - (a[0] as number)) * LEAK_KIB_PER_HOUR * KiB * spanH) / spanA);
  const zero = a.map(() => 0);
  const tally = { today: { covered: 0, formed: 0, failed: 0 }, exact: { covered: 0, formed: 0, failed: 0 } };
  const rng = mulberry32(seed);
  for (let r = 0; r < reps; r++) {
    const ys = blockResample(line, residuals, zero, 3, rng);
    const leaky = ys.map((y, i) => y + (plant[i] as number));
    const today = jointGrowthPerHour(x, a, ys, 0.95, JOINT_OPTIONS).trend;
    if (today.status === 'ok') {
      tally.today.formed++;
      if (today.lo <= slope && slope <= today.hi) tally.today.covered++;
    }
    const todayLeak = jointGrowthPerHour(x, a, leaky, FAIL_LEVEL, JOINT_OPTIONS).trend;
    if (todayLeak.status === 'ok' && todayLeak.lo > budget) tally.today.failed++;
    const exact = exactInterval(d, ys, 0.95);
    if (exact) {
      tally.exact.formed++;
      if (exact.lo <= slope && slope <= exact.hi) tally.exact.covered++;
    }
    const exactLeak = exactInterval(d, leaky, FAIL_LEVEL);
    if (exactLeak && exactLeak.lo > budget) tally.exact.failed++;
  }
  const summary = (t: { covered: number; formed: number; failed: number }) => ({
    coverage: t.covered / reps,
    formed: t.formed / reps,
    coverageWhenFormed: t.formed > 0 ? t.covered / t.formed : null,
    failedAt150: t.failed / reps,
  });
  return { run: series.run, seed: series.seed, checkpoints: series.points.length, today: summary(tally.today), designExact: summary(tally.exact) };
}

export default async function jointRhoBench(): Promise<object> {
  const reps = Number(process.env.JOINT_RHO_REPS ?? 1000);
  const recorded = loadRecordedSeries(join(repoRoot(), 'bench', 'data', 'checkpoints'), 8);
  if (recorded.length === 0) throw new Error('no recorded fixed-server checkpoint series in bench/data/checkpoints');
  const series = recorded.map((s, i) => measure(s, reps, 31 + i * 1000)).filter((s) => s !== null);
  return { reps, resampling: 'line, blocks of 3', leakKiBPerSimHour: LEAK_KIB_PER_HOUR, failLevel: FAIL_LEVEL, series };
}
