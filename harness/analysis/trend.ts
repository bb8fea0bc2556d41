/**
 * Robust trend of one series: the Theil–Sen slope (median of pairwise slopes) with Sen's
 * distribution-free confidence interval, widened for serial correlation.
 *
 * Why this interval and not a bootstrap: Sen's interval picks two order statistics of the
 * pairwise slopes using the variance of Kendall's S. Soak samples are autocorrelated (a heap
 * that is high now is high 15 simulated minutes later), which shrinks the information in n
 * samples; we inflate Var(S) by n/n_eff = (1+ρ1)/(1−ρ1), with ρ1 the bias-corrected lag-1
 * autocorrelation of the Theil–Sen residuals — the large-n form of the Hamed & Rao (1998)
 * correction. It is deterministic (no RNG, same answer on a re-run of `report`), costs one
 * sort of n(n−1)/2 slopes, and its coverage is tested on seeded AR(1) noise
 * (tests/analysis/trend.test.ts). A moving-block bootstrap would need a block length choice and
 * a seed in the report for the same benefit.
 */
import { effectiveSampleSize, lag1Autocorrelation, median, runningMedian, zTwoSided } from './stats.js';

/** Fewest points a trend is fitted on; below it the 95% rank interval cannot be formed reliably. */
export const MIN_TREND_POINTS = 8;
/**
 * Fewest *effective* points (n_eff = n(1−ρ1)/(1+ρ1)) for any interval. Kept low on purpose: on
 * seeded AR(1) noise a stricter floor (5) did not lower the false-alarm rate, it only turned a
 * one-off step (a cache filling once, ρ1 near 1) into "insufficient data" instead of a wide,
 * honest interval that a budget can still be judged against.
 */
export const MIN_EFFECTIVE_POINTS = 2;
/** Points above this are thinned by bin medians so that the n(n−1)/2 pairwise slopes stay ≤ ~500k. */
export const MAX_TREND_POINTS = 1000;
/** Default two-sided confidence level of every interval in a report. */
export const DEFAULT_CONFIDENCE = 0.95;
/** Simulated ms per simulated hour: slopes are reported per simulated hour. */
export const MS_PER_HOUR = 3_600_000;

export interface TrendOk {
  readonly status: 'ok';
  /** Theil–Sen slope, units of y per unit of x (per simulated hour for trendPerHour). */
  readonly slope: number;
  /** Confidence interval of the slope at `level`. */
  readonly lo: number;
  readonly hi: number;
  /** Points fitted (after thinning) and their effective number given ρ1. */
  readonly n: number;
  readonly nEff: number;
  /** Bias-corrected lag-1 autocorrelation of the residuals (or the one given in options), clamped to [0, 0.95]. */
  readonly rho: number;
  /** y at x = 0 on the fitted line (median of y − slope·x). */
  readonly intercept: number;
  /** Confidence level of [lo, hi], e.g. 0.95. */
  readonly level: number;
  /** x range fitted and the fitted y at its end (for drawing the line and reading "now"). */
  readonly xMin: number;
  readonly xMax: number;
  readonly last: number;
}

export interface TrendInsufficient {
  readonly status: 'insufficient-data';
  readonly reason: string;
  readonly n: number;
}

export type TrendResult = TrendOk | TrendInsufficient;

export interface TrendOptions {
  /** Two-sided confidence level. @default 0.95 */
  readonly level?: number;
  /**
   * Lag-1 autocorrelation estimated elsewhere, over more residuals of the same noise (see
   * pooledLag1Autocorrelation), used instead of this fit's own. @default this fit's residuals'
   */
  readonly rho?: number;
}

/** Theil–Sen fit of y on x with an autocorrelation-aware Sen interval. */
export function theilSen(xs: readonly number[], ys: readonly number[], options: TrendOptions = {}): TrendResult {
  const level = options.level ?? DEFAULT_CONFIDENCE;
  const points = thin(clean(xs, ys));
  const n = points.length;
  if (n < MIN_TREND_POINTS) {
    return { status: 'insufficient-data', reason: `${n} usable points, need at least ${MIN_TREND_POINTS}`, n };
  }
  const x = points.map((p) => p[0]);
  const y = points.map((p) => p[1]);
  const fit = senLine(x, y);
  if (fit === null) return { status: 'insufficient-data', reason: 'all points share one x (no time elapsed)', n };
  const { sorted, slope, intercept, residuals } = fit;
  const big = sorted.length;
  const rho = options.rho ?? lag1Autocorrelation(residuals);
  const nEff = effectiveSampleSize(n, rho);
  if (nEff < MIN_EFFECTIVE_POINTS) {
    return {
      status: 'insufficient-data',
      reason: `residuals too autocorrelated (ρ1=${rho.toFixed(2)}): n_eff=${nEff.toFixed(1)} < ${MIN_EFFECTIVE_POINTS}`,
      n,
    };
  }
  // Var(S) of Kendall's S corrected for ties in y (counts are integers and tie a lot) and in x
  // (a cumulative count that stood still all night ties many points), inflated by n/n_eff for
  // serial correlation.
  const varS = kendallVarianceWithTies(n, x, y);
  const c = zTwoSided(level) * Math.sqrt(Math.max(varS, 0) * (n / nEff));
  const lower = Math.floor((big - c) / 2);
  const upper = Math.ceil((big + c) / 2);
  if (lower < 1 || upper > big - 1) {
    return {
      status: 'insufficient-data',
      reason: `too few effectively independent points for a ${Number((level * 100).toFixed(2))}% interval (n=${n}, n_eff=${nEff.toFixed(1)})`,
      n,
    };
  }
  // Sen (1968): the interval is [slope_(M1), slope_(M2+1)] in 1-based order statistics.
  const lo = sorted[lower - 1] as number;
  const hi = sorted[upper] as number;
  const xMin = x[0] as number;
  const xMax = x[n - 1] as number;
  return { status: 'ok', slope, lo, hi, n, nEff, rho, intercept, level, xMin, xMax, last: intercept + slope * xMax };
}

/** The Theil–Sen line through x-ordered points: its sorted pairwise slopes, slope, intercept, residuals. */
function senLine(x: readonly number[], y: readonly number[]): { sorted: Float64Array; slope: number; intercept: number; residuals: number[] } | null {
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const dx = (x[j] as number) - (x[i] as number);
      if (dx !== 0) slopes.push(((y[j] as number) - (y[i] as number)) / dx);
    }
  }
  if (slopes.length === 0) return null;
  const sorted = Float64Array.from(slopes).sort();
  const slope = medianSorted(sorted);
  const intercept = median(y.map((yi, i) => yi - slope * (x[i] as number)));
  return { sorted, slope, intercept, residuals: y.map((yi, i) => yi - (intercept + slope * (x[i] as number))) };
}

/**
 * Residuals of a series from its own Theil–Sen line (finite points, x-ordered; none when all
 * share one x): what a pooled autocorrelation is estimated from.
 */
export function senResiduals(xs: readonly number[], ys: readonly number[]): number[] {
  const points = clean(xs, ys);
  return senLine(points.map((p) => p[0]), points.map((p) => p[1]))?.residuals ?? [];
}

/**
 * Checkpoints each side of a point in the running median that noiseRho reads the noise about: 5
 * in all, fewer than a fixed server's fill takes to level off (half a day of hourly checkpoints).
 */
export const NOISE_MEDIAN_HALF_WIDTH = 2;

/**
 * Lag-1 autocorrelation of a series' noise for a trend interval: the smaller of ρ1 about its
 * Theil–Sen line and ρ1 about its running median. Why: a curve that is not a line, such as the
 * fixed server's heap filling through the first working day and level after it, leaves residuals
 * about the line that run in long arcs (ρ1 0.95 on seed 7's clean checkpoints, 2026-12-05), read
 * as autocorrelated noise, so no interval forms however flat the level is; about a running median
 * of 5 the same series reads ρ1 0.05 (the recorded series: 0.00–0.05, one 0.51). The price, for
 * intervals that only let a run pass: a running median also smooths away part of a slow AR(1)
 * noise, so under AR(1) noise of ρ 0.3 the interval lies wholly below the truth in 4.4–6.4% of
 * runs instead of 2.9–3.6% (nominal 2.5%; bench/checkpoint-power-bench.ts, ar1Coverage); and a
 * fill that levels off averaging 1.2 × the budget is passed in up to 28% of runs, 1.5 × in at most
 * 0.2% (bench/creep-shapes.ts, levelledFill).
 */
export function noiseRho(xs: readonly number[], ys: readonly number[]): number {
  const points = clean(xs, ys);
  const y = points.map((p) => p[1]);
  const line = senLine(points.map((p) => p[0]), y);
  if (line === null) return 0;
  const smooth = runningMedian(y, NOISE_MEDIAN_HALF_WIDTH);
  return Math.min(lag1Autocorrelation(line.residuals), lag1Autocorrelation(y.map((v, i) => v - (smooth[i] as number))));
}

/**
 * The same reading for a fit's residuals (the heap fitted on hours and actions or connects,
 * joint-growth.ts): the smaller of ρ1 about the fit and ρ1 about the residuals' running median
 * of 5. Why: where the fixed server's fill rises with the day's actions but does not follow them
 * (seed 7: +0.8 MiB in a line to hour 12, its actions stopped at 11), the fit's residuals run in
 * arcs (over its series resampled with the creep kept, no interval formed in 208 of 400 runs, and
 * ρ1 averaged 0.44 where one did), and a per-action leak of 150–300 KiB/h was failed in 45% of
 * those runs; read this way, in 100%.
 * Unlike the time test's pass, these intervals fail runs, so what it costs is measured
 * (bench/checkpoint-power-bench.ts, 2,000 runs a cell, 11 recorded series): no false alarm at the
 * fixed server's creep, recorded or under AR(1) noise up to ρ 0.5; a heap growing in time exactly
 * at the budget failed in 7.6–9.8% of runs at ρ 0.5 (3.9–5.1% with ρ1 about the fit; nominal
 * 2.5%), 0.8–1.6% at ρ 0; and where a fill outlasts the actions (the fit then overestimates the
 * average growth by ~7% of the budget), a heap growing exactly at the budget is failed in
 * 5.8–26.8% of runs (0.1–6.8%), at 0.9 × the budget in at most 0.9% (`lateFill`).
 */
export function residualNoiseRho(residuals: readonly number[]): number {
  const smooth = runningMedian(residuals, NOISE_MEDIAN_HALF_WIDTH);
  return Math.min(lag1Autocorrelation(residuals), lag1Autocorrelation(residuals.map((r, i) => r - (smooth[i] as number))));
}

/** Trend per simulated hour: x = simMs / 3.6e6. */
export function trendPerHour(
  points: ReadonlyArray<{ readonly simMs: number; readonly value: number }>,
  options: TrendOptions = {},
): TrendResult {
  return theilSen(points.map((p) => p.simMs / MS_PER_HOUR), points.map((p) => p.value), options);
}

/** Trend per event: x = cumulative events (messages, connections, drags…), y per event. */
export function trendPerEvent(
  points: ReadonlyArray<{ readonly events: number; readonly value: number }>,
  options: TrendOptions = {},
): TrendResult {
  return theilSen(points.map((p) => p.events), points.map((p) => p.value), options);
}

/** True when the interval lies wholly above `budget` (the evidence excludes the budget). */
export function exceedsBudget(trend: TrendResult, budget: number): boolean {
  return trend.status === 'ok' && trend.lo > budget;
}

/**
 * Var(S) of Kendall's S with ties in both variables (Kendall 1970, eq. 4.4): t runs over the tie
 * groups of x, u over those of y. Without the x term, a series whose x stood still for a stretch
 * (cumulative actions through the night) got the variance of n distinct x values while only the
 * pairs with distinct x enter Sen's order statistics: its interval came out too wide, often too
 * wide to form at all.
 */
export function kendallVarianceWithTies(n: number, x: readonly number[], y: readonly number[]): number {
  const tx = tieSums(x);
  const ty = tieSums(y);
  const base = (n * (n - 1) * (2 * n + 5) - tx.a - ty.a) / 18;
  const cubic = n > 2 ? (tx.b * ty.b) / (9 * n * (n - 1) * (n - 2)) : 0;
  const square = (tx.c * ty.c) / (2 * n * (n - 1));
  return base + cubic + square;
}

/** Over the tie groups (sizes t > 1) of `v`: a = Σt(t−1)(2t+5), b = Σt(t−1)(t−2), c = Σt(t−1). */
function tieSums(v: readonly number[]): { a: number; b: number; c: number } {
  const counts = new Map<number, number>();
  for (const value of v) counts.set(value, (counts.get(value) ?? 0) + 1);
  let a = 0;
  let b = 0;
  let c = 0;
  for (const t of counts.values()) {
    if (t < 2) continue;
    a += t * (t - 1) * (2 * t + 5);
    b += t * (t - 1) * (t - 2);
    c += t * (t - 1);
  }
  return { a, b, c };
}

function medianSorted(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[m] as number) : ((sorted[m - 1] as number) + (sorted[m] as number)) / 2;
}

/** Finite pairs only, ordered by x (residual autocorrelation needs time order). */
function clean(xs: readonly number[], ys: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const len = Math.min(xs.length, ys.length);
  for (let i = 0; i < len; i++) {
    const x = xs[i] as number;
    const y = ys[i] as number;
    if (Number.isFinite(x) && Number.isFinite(y)) out.push([x, y]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

/** Replaces runs of k consecutive points by their (x, y) medians so that n ≤ MAX_TREND_POINTS. */
function thin(points: Array<[number, number]>): Array<[number, number]> {
  if (points.length <= MAX_TREND_POINTS) return points;
  const k = Math.ceil(points.length / MAX_TREND_POINTS);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < points.length; i += k) {
    const bin = points.slice(i, i + k);
    out.push([median(bin.map((p) => p[0])), median(bin.map((p) => p[1]))]);
  }
  return out;
}
