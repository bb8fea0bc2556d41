/**
 * Coverage and power of the heap rule on quiet checkpoints, measured offline on realistic
 * series: checkpoint series recorded from real fixed-server runs (bench/data/checkpoints/, made
 * by scripts/record-checkpoints.ts), resampled, with planted growth of four shapes added.
 *
 * Resampling: each recorded series is split into its own Theil–Sen line (the fixed server's
 * creep, kept as it is part of what "flat" means) and residuals; a synthetic run is the line
 * plus the residuals resampled by a circular moving-block bootstrap (blocks of BLOCK points keep
 * the residuals' short-range correlation: a slow GC cycle, a cache refilled), plus the planted
 * growth. The truth for coverage is the line's slope plus the planted average slope.
 * The line loses the creep's own shape (a fill through the first working day, level after it:
 * its arcs about the line get shuffled into noise), so each series is also resampled with that
 * shape kept (`keptCreep`: its running median of 5 plus block-resampled residuals about it),
 * which is how a live run's clean checkpoints look; there the share passed at no planted growth
 * is given for the rule as it is and as it was before 2026-12-05 (ρ1 about the line only).
 *
 * The four shapes, each scaled so that its average over the soak is `rate` bytes per simulated
 * hour: growing with simulated time (linear), with user actions done (follows the day: steep in
 * the morning, flat at night), with connects (log-ons, reloads, reconnects: bursts), and with
 * presence-ping ticks (the timer every connected user runs). Rates are per simulated hour at the
 * series' own users.
 *
 * Per (series, shape, rate): REPS synthetic runs judged as the heap-slope rule judges them
 * (heap-growth.ts: against time, and the heap fitted on hours with actions and with connects):
 * the share failed (power, or the false-alarm rate at rate 0), passed and inconclusive; and for
 * each of the three tests the share whose 95% interval covers the truth (coverage; ±1% at 95%
 * needs ≥ 1,825 runs: REPS = 2,000). All three estimate the average growth per simulated hour
 * over the soak, so the truth is the same for each; for the activity shapes the path is not a line
 * in time, so the time test's coverage is expected to fall as the rate grows. The detection floor
 * of a shape is the smallest rate of RATES failed in ≥ 95% of runs.
 *
 * Since 2026-12-05 (afternoon) the activity fits read their noise's ρ1 about a running median of
 * their residuals too (trend.ts residualNoiseRho); each cell also gives `failedFitRho`, the share
 * failed with ρ1 about the fit only as before; `lateFill` and `levelledFill` (creep-shapes.ts)
 * measure what reading the noise about a running median costs where it is weakest: a fill that
 * outlasts the day's actions (fails near the budget) and a fill that levels off (passes near it).
 *
 * A series recorded with the JIT's share at each checkpoint (`jitBytes`: compiled code and
 * bytecode, from v8.getHeapCodeStatistics) is measured twice, as `heap` (heap used, what the rule
 * judges today) and as `heap-less-jit` (heap used minus that share), against the same budget. Why:
 * back-to-back forced GCs under a held load drop ~1 MiB of optimised code that the resumed load
 * rebuilds (bench/results/live-default-runs.md, 2026-12-04 21:51), so some holds read the JIT
 * before that drop and some after it; the app's own heap is what a leak grows.
 */
import { join } from 'node:path';
import { DEFAULT_BUDGETS } from '../harness/analysis/budgets.js';
import { heapSlopeBudget } from '../harness/analysis/checkpoint-rules.js';
import { noiseRho, theilSen, type TrendResult } from '../harness/analysis/trend.js';
import { JOINT_OPTIONS } from '../harness/analysis/heap-growth.js';
import { jointGrowthPerHour } from '../harness/analysis/joint-growth.js';
import { ols } from '../harness/analysis/least-squares.js';
import { mulberry32 } from '../scenarios/rng.js';
import { blockResample, gaussian, splitLine, splitSmooth, type RecordedSeries } from './checkpoint-series.js';
import { failsWithFitRho, judged, lateFill, levelledFill } from './creep-shapes.js';
import { loadRecordedSeries, repoRoot } from './recorded-series-files.js';

const REPS = 2000;
const BLOCK = 3;
const KiB = 1024;
/** Planted average growth, KiB per simulated hour. */
const RATES_KIB = [0, 25, 50, 75, 100, 125, 150, 200, 300, 450, 600];
const SHAPES = ['time', 'actions', 'connects', 'ticks'] as const;
type Shape = (typeof SHAPES)[number];

function covariate(series: RecordedSeries, shape: Shape): number[] {
  return series.points.map((p) => (shape === 'time' ? p.hour : shape === 'actions' ? p.actions : shape === 'connects' ? p.connects : p.pingTicks));
}

/** The planted path: `rate` bytes per simulated hour on average, following the shape's covariate. */
function planted(series: RecordedSeries, shape: Shape, rateBytesPerHour: number): number[] {
  const z = covariate(series, shape);
  const h = series.points.map((p) => p.hour);
  const z0 = z[0] as number;
  const spanZ = (z[z.length - 1] as number) - z0;
  const spanH = (h[h.length - 1] as number) - (h[0] as number);
  if (spanZ <= 0 || spanH <= 0) return z.map(() => 0);
  const perUnit = (rateBytesPerHour * spanH) / spanZ;
  return z.map((v) => (v - z0) * perUnit);
}

interface Cell {
  readonly shape: Shape;
  readonly rateKiBPerHour: number;
  /** Coverage of the 95% interval of the time test, and of the fits on hours with actions and with connects. */
  readonly coverage: number;
  readonly coverageWithActions: number;
  readonly coverageWithConnects: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly passed: number;
  /** Passed as the rule did before 2026-12-05: the time test's pass on ρ1 about its line only. */
  readonly passedLineRho: number;
  /** Failed as the rule did before 2026-12-05 (afternoon): the activity fits' ρ1 about the fit only. */
  readonly failedFitRho: number;
}

/** What a synthetic run's creep is: the recorded series' Theil–Sen line, or its running median (its own shape). */
type Creep = 'line' | 'kept';

function runCell(series: RecordedSeries, shape: Shape, rateKiB: number, budget: number, seed: number, creep: Creep = 'line'): Cell {
  const x = series.points.map((p) => p.hour);
  const split = splitLine(series);
  const { slope } = split;
  const kept = creep === 'kept' ? splitSmooth(series) : null;
  const line = kept ? kept.smooth : split.line;
  const residuals = kept ? kept.residuals : split.residuals;
  const plant = planted(series, shape, rateKiB * KiB);
  const truth = slope + rateKiB * KiB;
  const rng = mulberry32(seed);
  let covered = 0;
  let coveredA = 0;
  let coveredC = 0;
  const actions = series.points.map((p) => p.actions);
  const connects = series.points.map((p) => p.connects);
  const covers = (t: TrendResult) => t.status === 'ok' && t.lo <= truth && truth <= t.hi;
  let failed = 0;
  let passed = 0;
  let passedLineRho = 0;
  let failedFitRho = 0;
  for (let r = 0; r < REPS; r++) {
    const ys = blockResample(line, residuals, plant, BLOCK, rng);
    // The rule's own judgement (time, actions and connects, Bonferroni), and the coverage of its
    // per-hour interval at the run's nominal 95% against the average planted slope.
    const g = judged(series, ys, budget);
    const time = theilSen(x, ys);
    if (covers(time)) covered++;
    if (g.status !== 'fail' && time.status === 'ok' && time.hi <= budget) passedLineRho++;
    if (covers(jointGrowthPerHour(x, actions, ys, 0.95, JOINT_OPTIONS).trend)) coveredA++;
    if (covers(jointGrowthPerHour(x, connects, ys, 0.95, JOINT_OPTIONS).trend)) coveredC++;
    if (failsWithFitRho(series, g, ys, budget)) failedFitRho++;
    if (g.status === 'fail') failed++;
    else if (g.status === 'pass') passed++;
  }
  return { shape, rateKiBPerHour: rateKiB, coverage: covered / REPS, coverageWithActions: coveredA / REPS, coverageWithConnects: coveredC / REPS, failed: failed / REPS, inconclusive: (REPS - failed - passed) / REPS, passed: passed / REPS, passedLineRho: passedLineRho / REPS, failedFitRho: failedFitRho / REPS };
}

type Measure = 'heap' | 'heap-less-jit';

/** The series as judged on `measure`; null when a point lacks the JIT's share. */
function measured(series: RecordedSeries, measure: Measure): RecordedSeries | null {
  if (measure === 'heap') return series;
  if (series.points.some((p) => p.jitBytes === undefined)) return null;
  return { ...series, points: series.points.map((p) => ({ ...p, heapUsed: p.heapUsed - (p.jitBytes as number) })) };
}

/** Rates the kept-creep resampling is run at (fewer than RATES_KIB: it is the realism check, not the floor search). */
const KEPT_RATES_KIB = [0, 75, 100, 125, 150, 200, 300];

/**
 * The rule on synthetic runs whose creep keeps the recorded series' own shape (its running median
 * plus block-resampled residuals about it): the share passed, failed and inconclusive at no
 * planted growth, the smallest rate failed in ≥ 95% per shape, and the most any shape passed at a
 * planted rate of ≥ 100 KiB/h (growth then ≥ the budget less the creep: a pass there is a miss).
 */
function keptCreep(series: RecordedSeries, budget: number, si: number): object {
  const cells = SHAPES.flatMap((shape, shi) => KEPT_RATES_KIB.map((rate, ri) => runCell(series, shape, rate, budget, 5 + si * 1000 + shi * 100 + ri, 'kept')));
  const zero = cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0);
  return {
    passedAtZero: zero?.passed ?? null,
    passedAtZeroLineRho: zero?.passedLineRho ?? null,
    failedAtZero: zero?.failed ?? null,
    inconclusiveAtZero: zero?.inconclusive ?? null,
    detectionFloorKiBPerHour: Object.fromEntries(SHAPES.map((shape) => [shape, cells.find((c) => c.shape === shape && c.failed >= 0.95)?.rateKiBPerHour ?? null])),
    mostPassedAt100Up: Math.max(...cells.filter((c) => c.rateKiBPerHour >= 100).map((c) => c.passed)),
    mostPassedAt100UpLineRho: Math.max(...cells.filter((c) => c.rateKiBPerHour >= 100).map((c) => c.passedLineRho)),
    failedAtZeroFitRho: zero?.failedFitRho ?? null,
    detectionFloorKiBPerHourFitRho: Object.fromEntries(SHAPES.map((shape) => [shape, cells.find((c) => c.shape === shape && c.failedFitRho >= 0.95)?.rateKiBPerHour ?? null])),
    cells: cells.map(({ shape, rateKiBPerHour, failed, failedFitRho, passed, passedLineRho, inconclusive }) => ({ shape, rateKiBPerHour, failed, failedFitRho, passed, passedLineRho, inconclusive })),
  };
}

/** The fitted start-to-end growth per hour of `path` on hours and `z` (joint-growth.ts's estimate, without noise). */
function jointEstimand(hours: readonly number[], z: readonly number[], path: readonly number[]): number {
  const fit = ols([hours, z], path);
  if (!fit) return NaN;
  const [b, c] = fit.coef as [number, number];
  return b + (c * ((z[z.length - 1] as number) - (z[0] as number))) / ((hours[hours.length - 1] as number) - (hours[0] as number));
}

/**
 * Coverage of the activity fits' 95% intervals with the creep's own shape kept (its running median
 * of 5 plus block-resampled residuals about it), each against its own estimand: the fitted
 * start-to-end growth per hour of the noise-free path (OLS is linear, so that is the mean of the
 * estimate over the resampled noise; on the line resampling it is the line's slope, the truth
 * runCell uses). The line resampling takes the fill's arcs about the line for noise; this one takes
 * them for shape: the two bracket how a live run's checkpoints read. No planted growth: a planted
 * path shifts the estimate and its estimand alike. The time test is left out: Theil–Sen is not
 * linear, so its value on the noise-free path is not its mean. An interval not formed counts as
 * not covering, and is counted apart.
 */
function keptCoverage(series: RecordedSeries, seed: number): object {
  const x = series.points.map((p) => p.hour);
  const { smooth, residuals } = splitSmooth(series);
  const zero = smooth.map(() => 0);
  const covs = (['actions', 'connects'] as const).map((c) => {
    const z = series.points.map((p) => p[c]);
    const truth = jointEstimand(x, z, smooth);
    const rng = mulberry32(seed);
    let covered = 0;
    let notFormed = 0;
    for (let r = 0; r < REPS; r++) {
      const t = jointGrowthPerHour(x, z, blockResample(smooth, residuals, zero, BLOCK, rng), 0.95, JOINT_OPTIONS).trend;
      if (t.status !== 'ok') notFormed++;
      else if (t.lo <= truth && truth <= t.hi) covered++;
    }
    return [c, { coverage: covered / REPS, notFormed: notFormed / REPS }] as const;
  });
  return Object.fromEntries(covs);
}

const AR1_RHOS = [0, 0.15, 0.3, 0.5];

/**
 * Coverage of the two kinds of interval on AR(1) noise, by ρ: the time test's Theil–Sen and the
 * fit on hours and actions (joint-growth.ts), on a recorded series' own hours and actions, its
 * heap replaced by its line plus AR(1) noise of its residuals' SD. The recorded residuals show
 * little autocorrelation; this says what happens when a server's do. An interval not formed
 * counts as not covering (and is counted apart). Besides coverage, the whole rule's fails
 * (heap-growth.ts, all three tests): at the series' own creep (false alarms) and with the line
 * tilted to grow exactly at the budget (a fail there is one the nominal level allows in ≤ 2.5%
 * of runs), today's and with the activity fits' ρ1 about the fit only (before 2026-12-05 afternoon).
 */
function ar1Coverage(series: RecordedSeries, budget: number, seed: number): object[] {
  const x = series.points.map((p) => p.hour);
  const actions = series.points.map((p) => p.actions);
  const { line, residuals, slope } = splitLine(series);
  const sd = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / residuals.length);
  return AR1_RHOS.map((rho, k) => {
    const z = gaussian(seed + k);
    let time = 0;
    let joint = 0;
    let notFormed = 0;
    let passCovered = 0;
    let passBelow = 0;
    let timeBelow = 0;
    let jointFitRho = 0;
    let failedAtCreep = 0;
    let failedAtBudget = 0;
    let failedAtBudgetFitRho = 0;
    for (let r = 0; r < REPS; r++) {
      let e = sd * z();
      const ys = line.map((l) => {
        const y = l + e;
        e = rho * e + sd * Math.sqrt(1 - rho * rho) * z();
        return y;
      });
      const t = theilSen(x, ys);
      if (t.status === 'ok' && t.lo <= slope && slope <= t.hi) time++;
      if (t.status === 'ok' && t.hi < slope) timeBelow++;
      // The interval a run passes on (heap-growth.ts: ρ1 the smaller about the line and about a running median).
      const p = theilSen(x, ys, { rho: noiseRho(x, ys) });
      if (p.status === 'ok' && p.lo <= slope && slope <= p.hi) passCovered++;
      if (p.status === 'ok' && p.hi < slope) passBelow++;
      const g = jointGrowthPerHour(x, actions, ys, 0.95, JOINT_OPTIONS).trend;
      if (g.status !== 'ok') notFormed++;
      else if (g.lo <= slope && slope <= g.hi) joint++;
      const old = jointGrowthPerHour(x, actions, ys).trend;
      if (old.status === 'ok' && old.lo <= slope && slope <= old.hi) jointFitRho++;
      if (judged(series, ys, budget).status === 'fail') failedAtCreep++;
      const atBudget = ys.map((y, i) => y + (budget - slope) * ((x[i] as number) - (x[0] as number)));
      const gb = judged(series, atBudget, budget);
      if (gb.status === 'fail') failedAtBudget++;
      if (failsWithFitRho(series, gb, atBudget, budget)) failedAtBudgetFitRho++;
    }
    return {
      rho,
      residualSdKiB: sd / KiB,
      coverageTime: time / REPS,
      timeBelowTruth: timeBelow / REPS,
      coverageTimePass: passCovered / REPS,
      timePassBelowTruth: passBelow / REPS,
      coverageWithActions: joint / REPS,
      withActionsNotFormed: notFormed / REPS,
      coverageWithActionsFitRho: jointFitRho / REPS,
      failedAtCreep: failedAtCreep / REPS,
      failedAtBudget: failedAtBudget / REPS,
      failedAtBudgetFitRho: failedAtBudgetFitRho / REPS,
    };
  });
}

export default async function checkpointPowerBench(): Promise<object> {
  const dir = join(repoRoot(), 'bench', 'data', 'checkpoints');
  const recorded = loadRecordedSeries(dir, 8);
  if (recorded.length === 0) throw new Error(`no recorded fixed-server checkpoint series in ${dir} (scripts/record-checkpoints.ts makes them)`);
  const all = recorded.flatMap((series) =>
    (['heap', 'heap-less-jit'] as const).flatMap((measure) => {
      const m = measured(series, measure);
      return m ? [{ series: m, measure }] : [];
    }),
  );
  // Seeds by recorded series as before, the same for both measures: a paired comparison (the same
  // resampling draws), and the heap figures stay those of earlier bench runs.
  const perSeries = all.map(({ series, measure }) => {
    const si = recorded.findIndex((r) => r.run === series.run);
    const budget = heapSlopeBudget(DEFAULT_BUDGETS, series.users);
    const own = theilSen(
      series.points.map((p) => p.hour),
      series.points.map((p) => p.heapUsed),
    );
    const cells = SHAPES.flatMap((shape, shi) => RATES_KIB.map((rate, ri) => runCell(series, shape, rate, budget, 1 + si * 1000 + shi * 100 + ri)));
    const floorsBy = (rate: (c: Cell) => number) => Object.fromEntries(SHAPES.map((shape) => [shape, cells.find((c) => c.shape === shape && rate(c) >= 0.95)?.rateKiBPerHour ?? null]));
    const floors = floorsBy((c) => c.failed);
    return {
      run: series.run,
      measure,
      users: series.users,
      seed: series.seed,
      checkpoints: series.points.length,
      budgetKiBPerHour: budget / KiB,
      ownSlopeKiBPerHour: own.status === 'ok' ? { slope: own.slope / KiB, lo: own.lo / KiB, hi: own.hi / KiB, rho: own.rho } : null,
      falseAlarmRate: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.failed ?? null,
      inconclusiveAtZero: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.inconclusive ?? null,
      coverageAtZero: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.coverage ?? null,
      coverageWithActionsAtZero: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.coverageWithActions ?? null,
      coverageWithConnectsAtZero: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.coverageWithConnects ?? null,
      detectionFloorKiBPerHour: floors,
      falseAlarmRateFitRho: cells.find((c) => c.shape === 'time' && c.rateKiBPerHour === 0)?.failedFitRho ?? null,
      detectionFloorKiBPerHourFitRho: floorsBy((c) => c.failedFitRho),
      ar1Coverage: ar1Coverage(series, budget, 7 + si * 1000),
      cells,
      keptCreep: keptCreep(series, budget, si),
      keptCoverageOwnEstimand: keptCoverage(series, 13 + si * 1000),
      ...(measure === 'heap' ? { lateFill: lateFill(series, budget, REPS / 2, 9 + si * 1000), levelledFill: levelledFill(series, budget, REPS / 2, 11 + si * 1000) } : {}),
    };
  });
  return { reps: REPS, block: BLOCK, ratesKiBPerHour: RATES_KIB, shapes: SHAPES, series: perSeries };
}
