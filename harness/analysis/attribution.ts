/**
 * Bytes retained per user action, from the quiet checkpoints (harness/run/checkpoints.ts) only:
 * there the heap no longer carries the momentary load's garbage and in-flight work, so a change
 * from one checkpoint to the next is what the actions between them left behind. Regress the
 * checkpoint heap on the cumulative count of each action type, with an intercept and a time term
 * (per simulated hour) that soaks up growth no action explains (caches, JIT, idle creep) — the
 * checkpoint-to-checkpoint changes against the actions done between them, in level form:
 *
 *   heapUsed_i = a + c·hours_i + Σ_k b_k·actions_k,i + e_i
 *
 * b_k is bytes retained per action of type k, with a t interval whose covariance is inflated
 * by (1+ρ1)/(1−ρ1) for autocorrelated residuals (as trend.ts does), df = n_eff − p − 1.
 * Identifiability comes from rates varying over the day: at perfectly constant rates a
 * cumulative count is a multiple of time. Columns that are constant, or not identifiable apart
 * from the kept ones (VIF above MAX_VIF), are dropped and listed with the reason. With m action
 * terms each interval is at 1 − α/m (Bonferroni), so "retains memory" (the whole interval above
 * 0) holds for all of them together at 1 − α; every term is reported, negative ones too.
 */
import type { Sample } from '../sample.js';
import { ols, rSquaredOn } from './least-squares.js';
import { soakCheckpoints } from './checkpoint-rules.js';
import { effectiveSampleSize, lag1Autocorrelation, tTwoSided } from './stats.js';
import { DEFAULT_CONFIDENCE, MIN_TREND_POINTS, MS_PER_HOUR } from './trend.js';

/**
 * Largest variance inflation factor (1 / (1 − R²) of a column on the kept ones) at which a
 * coefficient is reported. Why 10: the usual rule of thumb (Kutner et al., Applied Linear
 * Statistical Models); above it the fixed server's all-sample regression printed 42.7 KiB per
 * drag and 231 KiB per window close at VIFs of 464–28,231, bytes that were not there.
 */
export const MAX_VIF = 10;
const MAX_COLLINEAR_R2 = 1 - 1 / MAX_VIF;
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
  /** Level of [lo, hi]: 1 − α/m for the m action terms (Bonferroni), the run's level for `time`. */
  readonly level?: number;
  /** The whole interval lies above 0 and its lower bound is material (AttributionOptions.materialBytesPerHour): this action retains memory. */
  readonly retains?: boolean;
  /** Variance inflation factor of the column on the other kept ones. */
  readonly vif?: number;
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
  /**
   * An action "retains memory" only when the lower bound of its bytes, at its rate over the
   * soak, grows the heap faster than this, bytes per simulated hour (the heap slope budget):
   * a few bytes per action that no budget would notice are reported, not named. @default 0
   */
  readonly materialBytesPerHour?: number;
  /** @default 0.95 */
  readonly level?: number;
}

export function attributeHeap(samples: readonly Sample[], options: AttributionOptions = {}): AttributionResult {
  const level = options.level ?? DEFAULT_CONFIDENCE;
  const rows = soakCheckpoints(samples, options.warmupEndsAtSimMs ?? 0).filter((s) => s.load !== null && Number.isFinite(s.server.heapUsed));
  if (rows.length < MIN_TREND_POINTS) {
    return { status: 'insufficient-data', reason: `${rows.length} quiet soak checkpoints; attribution is judged on checkpoints only and needs at least ${MIN_TREND_POINTS}`, dropped: [] };
  }
  const y = rows.map((s) => s.server.heapUsed);
  const hours = rows.map((s) => (s.checkpoint?.atSimMs ?? s.simMs) / MS_PER_HOUR);
  // Actions done, by type: the load also counts outcomes (`im.send:failed`, `:timed-out`,
  // `:nothing`) and setup steps (`setup.…`) under other keys, which are no gestures of their own.
  const names = [...new Set(rows.flatMap((s) => Object.keys(s.load?.actions ?? {})))].filter((k) => !k.includes(':') && !k.startsWith('setup.')).sort();
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
      const vif = r2 >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - r2);
      dropped.push({ action: c.action, reason: `not identifiable apart from ${kept.map((k) => k.action).join(' + ')} (VIF ${vif.toFixed(0)} > ${MAX_VIF}); its bytes are absorbed by them` });
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
  const m = Math.max(1, p - 1);
  const soakHours = Math.max((hours[hours.length - 1] as number) - (hours[0] as number), 1e-9);
  const material = options.materialBytesPerHour ?? 0;
  const termLevel = 1 - (1 - level) / m;
  const terms = kept.map((k, j): AttributionTerm => {
    const b = fit.coef[j] as number;
    const se = Math.sqrt(Math.max(((fit.cov[j] as number[])[j] as number) * inflate, 0));
    const lv = j === 0 ? level : termLevel;
    const t = tTwoSided(lv, df);
    const r2 = rSquaredOn(k.values, kept.filter((_, i) => i !== j).map((o) => o.values));
    const lo = b - t * se;
    const retains = lo > 0 && (lo * total(k.values)) / soakHours > material;
    return { action: k.action, bytesPer: b, lo, hi: b + t * se, se, total: total(k.values), level: lv, retains, vif: r2 >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - r2) };
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
