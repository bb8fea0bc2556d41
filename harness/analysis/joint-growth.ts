/**
 * Heap growth per hour fitted on hours and one activity covariate together (cumulative actions
 * done, or connects), for the heap rule's activity tests on quiet checkpoints (heap-growth.ts).
 *
 * Model: heap = a + b·hours + c·z, ordinary least squares. What it tests is the fitted average
 * growth per hour over the window, g = b + c·Δz/Δh (the fitted end minus the fitted start, per
 * hour): the same quantity as the time test, so the same hourly budget applies, but modelled
 * with the day's shape. Why: a leak that grows with activity follows the day (steep in the busy
 * morning, flat through the night), and the fixed server creeps in time beside it; a single
 * Theil–Sen slope against actions carries that creep in its residuals (autocorrelated: through
 * the night the actions stand still while the heap creeps), and a slope against time is pulled
 * to 0 by the flat night. Fitting both together leaves the noise of the checkpoints only.
 *
 * Interval: OLS covariance s²(XᵀX)⁻¹, inflated by (1 + ρ1)/(1 − ρ1) for the residuals' lag-1
 * autocorrelation (bias-corrected and clamped to [0, 0.95] as for the time test, stats.ts; with
 * regressors as smooth as hours and cumulative counts that is the AR(1) variance factor), and a
 * Student t quantile on n_eff − 3 degrees of freedom.
 *
 * Its coverage is measured by bench/checkpoint-power-bench.ts, on the recorded fixed-server series
 * resampled and on AR(1) noise beside the time test's (bench/results/checkpoint-power.json): it
 * covers as it should on the noise the recorded series show (ρ1 of its residuals ~0) and less
 * than the time test under strong autocorrelation, where ρ1 read off 22 residuals of a
 * three-coefficient fit is too spread and too low to undo it. A Newey–West (HAC) covariance,
 * measured beside it on the recorded series, covered 73–89%: 22 points are too few for its lag sums.
 */
import { ols } from './least-squares.js';
import { effectiveSampleSize, lag1Autocorrelation, tTwoSided } from './stats.js';
import { DEFAULT_CONFIDENCE, MIN_TREND_POINTS, type TrendResult } from './trend.js';

/** Fewest degrees of freedom (n_eff − 3) for an interval: below 2 the t quantile (stats.ts, A&S 26.7.5) is off by > 10%. */
const MIN_DF = 2;

export interface JointGrowth {
  /** Growth per hour (slope, lo, hi: the fitted start-to-end growth per hour), as a trend. */
  readonly trend: TrendResult;
  /** The covariate's own coefficient (bytes per action or per connect) with its interval at the same level. */
  readonly perUnit: { readonly slope: number; readonly lo: number; readonly hi: number } | null;
}

export interface JointOptions {
  /** The residuals' lag-1 autocorrelation (default: ρ1 about the fit, stats.ts). */
  readonly rhoOf?: (residuals: readonly number[]) => number;
}

export function jointGrowthPerHour(hours: readonly number[], z: readonly number[], y: readonly number[], level = DEFAULT_CONFIDENCE, options: JointOptions = {}): JointGrowth {
  const n = y.length;
  const insufficient = (reason: string): JointGrowth => ({ trend: { status: 'insufficient-data', reason, n }, perUnit: null });
  if (n < MIN_TREND_POINTS) return insufficient(`${n} usable points, need at least ${MIN_TREND_POINTS}`);
  const spanH = (hours[n - 1] as number) - (hours[0] as number);
  const spanZ = (z[n - 1] as number) - (z[0] as number);
  if (!(spanH > 0) || !(spanZ > 0)) return insufficient('no hours or no activity between the first and last checkpoint');
  const fit = ols([hours, z], y);
  if (!fit) return insufficient('the activity grew in step with the hours: it cannot be told apart from time');
  const rho = (options.rhoOf ?? lag1Autocorrelation)(fit.residuals);
  const inflation = (1 + rho) / (1 - rho);
  const nEff = effectiveSampleSize(n, rho);
  const df = nEff - 3;
  if (df < MIN_DF) return insufficient(`n_eff=${nEff.toFixed(1)} (ρ1=${rho.toFixed(2)}): too few effectively independent points for three parameters`);
  const [b, c] = fit.coef as [number, number];
  const [[vbb, vbc], [, vcc]] = fit.cov as [[number, number], [number, number]];
  const r = spanZ / spanH;
  const slope = b + c * r;
  const se = Math.sqrt(Math.max(0, (vbb + r * r * vcc + 2 * r * vbc) * inflation));
  const seC = Math.sqrt(Math.max(0, vcc * inflation));
  const t = tTwoSided(level, df);
  const fitted = (i: number) => fit.intercept + b * (hours[i] as number) + c * (z[i] as number);
  const start = fitted(0);
  return {
    trend: {
      status: 'ok',
      slope,
      lo: slope - t * se,
      hi: slope + t * se,
      n,
      nEff,
      rho,
      intercept: start - slope * (hours[0] as number),
      level,
      xMin: hours[0] as number,
      xMax: hours[n - 1] as number,
      last: fitted(n - 1),
    },
    perUnit: { slope: c, lo: c - t * seC, hi: c + t * seC },
  };
}
