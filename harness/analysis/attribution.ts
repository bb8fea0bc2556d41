/**
 * Bytes retained per user action: regress post-GC heap used over the soak on the cumulative
 * count of each action type, with an intercept and a time term (per simulated hour) that soaks
 * up growth no action explains (caches, JIT, idle creep):
 *
 *   heapUsed_i = a + c·hours_i + Σ_k b_k·actions_k,i + e_i
 *
 * b_k is bytes retained per action of type k, with a 95% t interval whose covariance is inflated
 * by (1+ρ1)/(1−ρ1) for autocorrelated residuals (as trend.ts does), df = n_eff − p − 1.
 * Identifiability comes from rates varying over the day: at perfectly constant rates a
 * cumulative count is a multiple of time. Columns that are constant, or that the kept columns
 * explain with R² > MAX_COLLINEAR_R2, are dropped and listed with the reason.
 */
import type { Sample } from '../sample.js';
import { ols, rSquaredOn } from './least-squares.js';
import { soakSamples } from './sample-read.js';
import { effectiveSampleSize, lag1Autocorrelation, tTwoSided } from './stats.js';
import { DEFAULT_CONFIDENCE, MS_PER_HOUR } from './trend.js';

/**
 * A column whose R² on the kept columns exceeds this (VIF > 1e6) is numerically degenerate:
 * its own variation is at the level of count rounding, so its coefficient would be noise.
 * Below it we keep the column and let its (wide) interval speak.
 */
export const MAX_COLLINEAR_R2 = 1 - 1e-6;
/** Fewest residual degrees of freedom (n_eff − p − 1) for an interval worth printing. */
export const MIN_RESIDUAL_DF = 3;

export interface AttributionTerm {
  /** Action type (a `load.actions` key), or `time` for the per-hour term. */
  readonly action: string;
  /** Bytes retained per action (per simulated hour for `time`), with its interval at `level`. */
  readonly bytesPer: number;
  readonly lo: number;
  readonly hi: number;
  readonly se: number;
  /** Actions of this type over the soak (hours for `time`). */
  readonly total: number;
}

export interface DroppedColumn {
  readonly action: string;
  readonly reason: string;
}

export interface AttributionOk {
  readonly status: 'ok';
  readonly terms: readonly AttributionTerm[];
  readonly time: AttributionTerm;
  readonly intercept: number;
  readonly dropped: readonly DroppedColumn[];
  readonly n: number;
  readonly nEff: number;
  readonly rho: number;
  readonly rSquared: number;
  readonly level: number;
}

export interface AttributionInsufficient {
  readonly status: 'insufficient-data';
  readonly reason: string;
  readonly dropped: readonly DroppedColumn[];
}

export type AttributionResult = AttributionOk | AttributionInsufficient;

export interface AttributionOptions {
  readonly warmupEndsAtSimMs?: number;
  /** @default 0.95 */
  readonly level?: number;
}

export function attributeHeap(samples: readonly Sample[], options: AttributionOptions = {}): AttributionResult {
  const level = options.level ?? DEFAULT_CONFIDENCE;
  const rows = soakSamples(samples, options.warmupEndsAtSimMs ?? 0).filter((s) => s.load !== null && Number.isFinite(s.server.heapUsed));
  const y = rows.map((s) => s.server.heapUsed);
  const hours = rows.map((s) => s.simMs / MS_PER_HOUR);
  const names = [...new Set(rows.flatMap((s) => Object.keys(s.load?.actions ?? {})))].sort();
  const dropped: DroppedColumn[] = [];
  const kept: Array<{ action: string; values: number[] }> = [{ action: 'time', values: hours }];
  if (rSquaredOn(hours, []) === 1) return { status: 'insufficient-data', reason: 'no simulated time elapsed over the soak', dropped };
  // Most frequent actions first: when two are collinear, the better-measured one is kept.
  const candidates = names
    .map((action) => ({ action, values: rows.map((s) => s.load?.actions[action] ?? 0) }))
    .sort((a, b) => total(b.values) - total(a.values) || a.action.localeCompare(b.action));
  for (const c of candidates) {
    const r2 = rSquaredOn(c.values, kept.map((k) => k.values));
    if (Math.max(...c.values) === Math.min(...c.values)) dropped.push({ action: c.action, reason: 'count did not change during the soak' });
    else if (r2 > MAX_COLLINEAR_R2) {
      dropped.push({ action: c.action, reason: `collinear with ${kept.map((k) => k.action).join(' + ')} (R² = ${r2.toFixed(7)}); its bytes are absorbed by them` });
    } else kept.push(c);
  }
  const p = kept.length;
  const fit = ols(kept.map((k) => k.values), y);
  if (!fit) return { status: 'insufficient-data', reason: `${rows.length} soak samples with load counts are too few for ${p} terms`, dropped };
  const rho = lag1Autocorrelation(fit.residuals);
  const nEff = effectiveSampleSize(rows.length, rho);
  const df = nEff - p - 1;
  if (df < MIN_RESIDUAL_DF) {
    return { status: 'insufficient-data', reason: `n_eff=${nEff.toFixed(1)} leaves ${df.toFixed(1)} residual degrees of freedom for ${p} terms (need ${MIN_RESIDUAL_DF})`, dropped };
  }
  const inflate = (1 + rho) / (1 - rho);
  const t = tTwoSided(level, df);
  const terms = kept.map((k, j): AttributionTerm => {
    const b = fit.coef[j] as number;
    const se = Math.sqrt(Math.max(((fit.cov[j] as number[])[j] as number) * inflate, 0));
    return { action: k.action, bytesPer: b, lo: b - t * se, hi: b + t * se, se, total: total(k.values) };
  });
  return {
    status: 'ok',
    time: terms[0] as AttributionTerm,
    terms: terms.slice(1),
    intercept: fit.intercept,
    dropped,
    n: rows.length,
    nEff,
    rho,
    rSquared: fit.rSquared,
    level,
  };
}

function total(values: readonly number[]): number {
  return values.length === 0 ? 0 : (values[values.length - 1] as number) - (values[0] as number);
}
