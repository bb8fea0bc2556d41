/**
 * The heap rule on creeps that neither a line in time nor a fit on hours and actions takes up,
 * for the checkpoint-power bench: where reading the noise about a running median (trend.ts
 * noiseRho, residualNoiseRho) is weakest, measured rather than assumed. Each synthetic run is a
 * recorded series' own hours, actions and connects with its heap replaced by a made-up path plus
 * AR(1) noise; the path is scaled so that its average growth over the soak (last checkpoint less
 * first, per hour) is a given multiple of the budget.
 *  - lateFill: a fill that outlasts the day's actions, with a per-action leak on top. The fit on
 *    hours and actions overestimates the average growth; the share *failed* is what the activity
 *    fits' reading costs near the budget.
 *  - levelledFill: a fill that levels off (no leak): the Theil–Sen slope of a curve that rises
 *    and then stays level lies below its average growth; the share *passed* is what the time
 *    test's pass reading costs near the budget.
 */
import { judgeHeapGrowth, type HeapGrowth } from '../harness/analysis/heap-growth.js';
import { jointGrowthPerHour } from '../harness/analysis/joint-growth.js';
import { theilSen, type TrendResult } from '../harness/analysis/trend.js';
import { gaussian, type RecordedSeries } from './checkpoint-series.js';

const KiB = 1024;

/** The heap rule's judgement of a synthetic run: the recorded series' hours, actions and connects, heap `ys`. */
export function judged(series: RecordedSeries, ys: readonly number[], budget: number): HeapGrowth {
  return judgeHeapGrowth(
    series.points.map((p, i) => ({ hour: p.hour, heapUsed: ys[i] as number, actions: p.actions, connects: p.connects })),
    budget,
  );
}

/** Whether the rule as it was before 2026-12-05 (afternoon) fails the run: the activity fits' ρ1 about the fit only. */
export function failsWithFitRho(series: RecordedSeries, g: HeapGrowth, ys: readonly number[], budget: number): boolean {
  const x = series.points.map((p) => p.hour);
  const covariates = [series.points.map((p) => p.actions), series.points.map((p) => p.connects)];
  const above = (t: TrendResult) => t.status === 'ok' && t.lo > budget;
  return g.tests.some((t) => t.against === 'time' && t.status === 'fail') || covariates.some((z) => above(jointGrowthPerHour(x, z, ys, g.level).trend));
}

/** Whether the rule as it was before 2026-12-05 passes the run: the time test's pass on ρ1 about its line only. */
function passesWithLineRho(series: RecordedSeries, g: HeapGrowth, ys: readonly number[], budget: number): boolean {
  const t = theilSen(
    series.points.map((p) => p.hour),
    ys,
  );
  return g.status !== 'fail' && t.status === 'ok' && t.hi <= budget;
}

/** Stationary AR(1) noise of SD `sd` and lag-1 correlation `rho`, n values. */
function ar1Noise(n: number, rho: number, sd: number, z: () => number): number[] {
  let e = sd * z();
  return Array.from({ length: n }, () => {
    const v = e;
    e = rho * e + sd * Math.sqrt(1 - rho * rho) * z();
    return v;
  });
}

interface Cell {
  readonly ratioToBudget: number;
  readonly rho: number;
  readonly noiseSdKiB: number;
  /** Today's rule. */
  readonly share: number;
  /** The rule before the noise was read about a running median. */
  readonly shareBefore: number;
}

/**
 * `reps` runs of `path(ratio)` plus AR(1) noise per cell of ratio × ρ × noise SD; `counts` says
 * whether a run counts under today's rule and under the rule before.
 */
function cells(
  series: RecordedSeries,
  budget: number,
  reps: number,
  seed: number,
  ratios: readonly number[],
  path: (ratio: number) => readonly number[],
  counts: (g: HeapGrowth, ys: readonly number[]) => readonly [boolean, boolean],
): Cell[] {
  const out: Cell[] = [];
  for (const ratio of ratios) {
    const mean = path(ratio);
    for (const rho of [0, 0.3]) {
      for (const noiseSdKiB of [60, 150]) {
        const z = gaussian(seed + Math.round(ratio * 10) * 100 + rho * 10 + noiseSdKiB);
        let share = 0;
        let shareBefore = 0;
        for (let r = 0; r < reps; r++) {
          const noise = ar1Noise(mean.length, rho, noiseSdKiB * KiB, z);
          const ys = mean.map((m, i) => m + (noise[i] as number));
          const [now, before] = counts(judged(series, ys, budget), ys);
          if (now) share++;
          if (before) shareBefore++;
        }
        out.push({ ratioToBudget: ratio, rho, noiseSdKiB, share: share / reps, shareBefore: shareBefore / reps });
      }
    }
  }
  return out;
}

/** The late fill: 1 MiB in a line from the first checkpoint's hour to 11 hours later, level after. */
const LATE_FILL_BYTES = 1024 * KiB;
const LATE_FILL_HOURS = 11;

/**
 * A fill that outlasts the day's actions (seed 7's checkpoints: +0.8 MiB in a line to hour 12, its
 * actions stopped at 11), plus a per-action leak that makes the average growth `ratio` × the
 * budget: the share failed (`share`), today's and with the activity fits' ρ1 about the fit only.
 */
export function lateFill(series: RecordedSeries, budget: number, reps: number, seed: number): Cell[] {
  const x = series.points.map((p) => p.hour);
  const actions = series.points.map((p) => p.actions);
  const spanH = (x[x.length - 1] as number) - (x[0] as number);
  const spanA = (actions[actions.length - 1] as number) - (actions[0] as number);
  const fill = x.map((h) => LATE_FILL_BYTES * Math.min(1, (h - (x[0] as number)) / LATE_FILL_HOURS));
  const fillPerHour = ((fill[fill.length - 1] as number) - (fill[0] as number)) / spanH;
  const base = (series.points[0] as { heapUsed: number }).heapUsed;
  const path = (ratio: number) => {
    const perAction = ((ratio * budget - fillPerHour) * spanH) / spanA;
    return x.map((_, i) => base + (fill[i] as number) + perAction * ((actions[i] as number) - (actions[0] as number)));
  };
  return cells(series, budget, reps, seed, [0.9, 1], path, (g, ys) => [g.status === 'fail', failsWithFitRho(series, g, ys, budget)]);
}

/** Hours in which a levelled fill closes 1 − 1/e of its way (seed 7's fill was done in ~9). */
const LEVELLED_FILL_TIME_CONSTANT_H = 3;

/**
 * A fill that levels off, 1 − e^(−t/3 h) from the first checkpoint, sized so its average growth
 * is `ratio` × the budget, and no leak: the share passed (`share`), today's and with the time
 * test's pass on ρ1 about its line only.
 */
export function levelledFill(series: RecordedSeries, budget: number, reps: number, seed: number): Cell[] {
  const x = series.points.map((p) => p.hour);
  const spanH = (x[x.length - 1] as number) - (x[0] as number);
  const shape = x.map((h) => 1 - Math.exp(-(h - (x[0] as number)) / LEVELLED_FILL_TIME_CONSTANT_H));
  const base = (series.points[0] as { heapUsed: number }).heapUsed;
  const path = (ratio: number) => shape.map((v) => base + (v * ratio * budget * spanH) / (shape[shape.length - 1] as number));
  return cells(series, budget, reps, seed, [0.8, 1, 1.2, 1.5], path, (g, ys) => [g.status === 'pass', passesWithLineRho(series, g, ys, budget)]);
}
