/**
 * Small statistical helpers shared by the analyses (trend, attribution). Pure; no I/O.
 * Quantiles of the normal distribution come from simple-statistics; the Student t quantile is
 * the Cornish–Fisher expansion in Abramowitz & Stegun 26.7.5 (accurate to ~1e-3 for df ≥ 3).
 */
import { probit } from 'simple-statistics';

/** Largest |ρ1| the autocorrelation correction accepts: beyond it n_eff would fall below n/39. */
export const MAX_LAG1_AUTOCORRELATION = 0.95;

/** Two-sided standard normal quantile for a confidence level, e.g. 0.95 → 1.95996. */
export function zTwoSided(level: number): number {
  return probit(1 - (1 - level) / 2);
}

/** Two-sided Student t quantile with `df` degrees of freedom (A&S 26.7.5). */
export function tTwoSided(level: number, df: number): number {
  const z = zTwoSided(level);
  if (!Number.isFinite(df) || df > 1e6) return z;
  const d = Math.max(df, 1);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * d) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * d ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * d ** 4)
  );
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length === 0 ? NaN : s / values.length;
}

/** Median of a copy (the input is not reordered). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Lag-1 autocorrelation of a residual series, bias-corrected and clamped to [0, MAX].
 *
 * The plain estimator is biased towards 0 by about (1 + 4ρ)/n (Marriott & Pope 1954), which on
 * 100 samples would hide a third of a ρ = 0.5 dependence and make intervals too narrow; we add
 * that bias back. Negative ρ would *narrow* the interval, so it is clamped at 0 (conservative).
 */
export function lag1Autocorrelation(residuals: readonly number[]): number {
  return pooledLag1Autocorrelation([residuals]);
}

/**
 * Lag-1 autocorrelation pooled over segments of one series, each with its own fit removed
 * (residuals): lag products within a segment only, each segment centred on its own mean, and
 * the bias correction of the mean segment length (each segment's estimate carries the bias of
 * its own length, so pooling narrows the spread, not the bias). Why: an interval on a short
 * stretch (a later half of 11 checkpoints) that estimates ρ1 from its own 11 residuals draws
 * ρ1 ≥ 0.5 about one time in ten on white noise, and then cannot form an interval at all;
 * the stretch before it, fitted apart, estimates the same noise.
 */
export function pooledLag1Autocorrelation(segments: ReadonlyArray<readonly number[]>): number {
  let num = 0;
  let den = 0;
  let points = 0;
  let used = 0;
  for (const seg of segments) {
    const n = seg.length;
    if (n < 3) continue;
    used += 1;
    points += n;
    const m = mean(seg);
    for (let i = 0; i < n; i++) {
      const d = (seg[i] as number) - m;
      den += d * d;
      if (i > 0) num += d * ((seg[i - 1] as number) - m);
    }
  }
  if (used === 0 || den === 0) return 0;
  const raw = num / den;
  const corrected = raw + (1 + 4 * raw) / (points / used);
  return Math.min(Math.max(corrected, 0), MAX_LAG1_AUTOCORRELATION);
}

/** Running median over `halfWidth` neighbours each side (the window shrinks at the ends). Pure. */
export function runningMedian(values: readonly number[], halfWidth: number): number[] {
  return values.map((_, i) => median(values.slice(Math.max(0, i - halfWidth), i + halfWidth + 1)));
}

/** Effective sample size of n AR(1)-dependent observations: n(1−ρ)/(1+ρ) (Bayley & Hammersley 1946). */
export function effectiveSampleSize(n: number, rho: number): number {
  return (n * (1 - rho)) / (1 + rho);
}

/** Replaces non-finite numbers by null so that results always serialise to valid JSON. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * Wilson score interval of a binomial proportion `successes / n` at a two-sided `level`
 * (default 0.95): a count-aware bound, so one failure in 68 tries is not read as a rate above 1%
 * (its 95% interval is [0.3%, 7.9%]) while one in ten thousand tries is.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): { lo: number; hi: number } {
  if (n <= 0) return { lo: 0, hi: 1 };
  const z = zTwoSided(level);
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lo: Math.max(0, (centre - half) / (1 + z2 / n)), hi: Math.min(1, (centre + half) / (1 + z2 / n)) };
}

/** Lower bound of the Wilson interval (see wilsonInterval). */
export function wilsonLower(successes: number, n: number, level = 0.95): number {
  return wilsonInterval(successes, n, level).lo;
}
