/**
 * The heap judgement on quiet checkpoints, shared by the heap-slope rule and the power bench.
 *
 * Why more than a slope per hour: a leak that grows with activity follows the day (steep in the
 * busy morning, flat through the idle night), and the Theil–Sen slope over time, a median of
 * pairwise slopes, is pulled to 0 by the flat night; measured on the recorded default-run series
 * (bench/results/checkpoint-power.json) a per-action leak at 300 KiB/h came back inconclusive in
 * every resampled run. So the heap is tested three ways, each for the same quantity, the average
 * growth per simulated hour over the soak, against the same hourly budget:
 *  - time: the Theil–Sen slope over the hours, with its autocorrelation-aware interval (trend.ts);
 *  - actions, connects: the heap fitted on the hours and the cumulative actions done (or
 *    connects) together, its fitted growth per hour (joint-growth.ts), so a leak that follows the
 *    day is modelled with the day's shape while the fixed server's creep in time stays in the
 *    hours term. (Until 2026-12-05 these were Theil–Sen slopes against each covariate alone, the
 *    hourly budget carried over to bytes per action; the creep in their residuals cost them most
 *    of their power: README, "Judged on checkpoints".)
 * Fails are judged at 1 − α/k for the k tests run (Bonferroni: the run's false-alarm rate stays
 * ≤ α when each interval covers as nominal); the time test's pass at the run's own level, so the
 * extra tests never make a flat run inconclusive. The activity tests read their noise's ρ1 about
 * a running median of their residuals too (trend.ts residualNoiseRho); what that costs in false
 * alarms under autocorrelated noise is measured by the power bench (ar1Coverage).
 *
 * Verdict: fail when any test's interval lies above its budget; pass when the time test's lies
 * at or below its budget and no test fails; inconclusive otherwise.
 */
import { pooledLag1Autocorrelation } from './stats.js';
import { jointGrowthPerHour, type JointOptions } from './joint-growth.js';
import { DEFAULT_CONFIDENCE, noiseRho, residualNoiseRho, senResiduals, theilSen, type TrendOk, type TrendResult } from './trend.js';

export interface HeapPoint {
  /** Simulated hour of the checkpoint. */
  readonly hour: number;
  readonly heapUsed: number;
  /** Cumulative actions done and connects by then (absent: the test is not run). */
  readonly actions?: number;
  readonly connects?: number;
}

export type HeapCovariate = 'time' | 'actions' | 'connects';

export interface HeapTest {
  readonly against: HeapCovariate;
  /**
   * Bytes per hour, per action or per connect. On the simulated clock every test is per hour
   * (an activity test is the heap fitted on hours and that activity); on a target's real time an
   * activity test is per action or per connect.
   */
  readonly unit: string;
  readonly trend: TrendResult;
  /** An activity test fitted with the hours (simulated clock): the covariate's own coefficient, per action or per connect, at the test's level. */
  readonly perUnit?: { readonly slope: number; readonly lo: number; readonly hi: number };
  readonly budget: number;
  readonly status: 'pass' | 'fail' | 'inconclusive';
  /**
   * Real-time judgement only: the test did not pass on all the checkpoints and was judged again on
   * their later half, with this outcome (the trend shown is the later half's unless it still
   * grows). `later-only`: the later half grows but the whole run did not show it (no fail: a
   * second look at the data may not double the false-alarm rate).
   */
  readonly laterHalf?: 'levelled-off' | 'still-growing' | 'not-told-apart' | 'later-only';
}

export interface HeapGrowth {
  readonly status: 'pass' | 'fail' | 'inconclusive';
  readonly tests: readonly HeapTest[];
  /** Level of each test's interval (1 − α/k). */
  readonly level: number;
}

/** How the activity tests read their residuals' autocorrelation (shared with the power bench). */
export const JOINT_OPTIONS: JointOptions = { rhoOf: residualNoiseRho };

/** Units of the real-time judgement's tests (judgeRealTime). */
const UNITS: Readonly<Record<HeapCovariate, string>> = { time: 'bytes/h', actions: 'bytes/action', connects: 'bytes/connect' };

function covariate(points: readonly HeapPoint[], c: HeapCovariate): number[] | null {
  const xs = points.map((p) => (c === 'time' ? p.hour : c === 'actions' ? p.actions : p.connects));
  if (xs.some((x) => x === undefined || !Number.isFinite(x))) return null;
  const values = xs as number[];
  return values[values.length - 1]! - values[0]! > 0 ? values : null;
}

/**
 * How a server that does not run the simulated clock is judged (a `--target` at S = 1, driven at
 * whatever pace its scenario sets): its hours are real and may be few, so
 *  - the activity tests are Theil–Sen slopes against cumulative actions and connects, with budgets
 *    of their own, per action and per connect, which hold at any pace (a scenario may drive the
 *    server far above production to soak it sooner), instead of growth per simulated hour;
 *  - a pass needs the time test or the actions test to pass (a short run's hourly interval is
 *    wide; bytes per action are what it measured well), no test to fail, and no test to have
 *    grown on the whole run without its later half telling whether it stopped (unless that is
 *    the hourly test and the whole run's heap is within the per-action budget: judgeRealTime);
 *    a leak that grows with real time alone, not with actions, needs a soak long enough for the
 *    hourly interval to resolve it;
 *  - warm-up growth that levels off is told apart from growth that does not: a test that does
 *    not pass on all the checkpoints (its interval above the budget, or no line fitting a ramp
 *    that stopped) is judged again on their later half (MIN_HALF_POINTS there, else the first
 *    judgement stands). Growth that goes on fails there too (a fail needs both looks to fail, so
 *    the false-alarm rate stays α); growth that has levelled off passes there (the test passes,
 *    and says it levelled off); a later half that tells neither leaves the test inconclusive.
 */
export interface RealTimeJudgement {
  readonly bytesPerAction: number;
  readonly bytesPerConnect: number;
  /**
   * Where the later half's ρ1 comes from: pooled with the first half's residuals (the default),
   * or the later half's own (before 2026-12-04; kept so bench/realtime-power-bench.ts measures
   * the two side by side).
   */
  readonly laterHalfRho?: 'pooled' | 'own';
}

export function judgeHeapGrowth(points: readonly HeapPoint[], budgetPerHour: number, level = DEFAULT_CONFIDENCE, realTime?: RealTimeJudgement): HeapGrowth {
  if (realTime) return judgeRealTime(points, budgetPerHour, level, realTime);
  const runs = (['time', 'actions', 'connects'] as const).map((c) => [c, covariate(points, c)] as const).filter((x): x is readonly [HeapCovariate, number[]] => x[1] !== null);
  const k = Math.max(1, runs.length);
  const testLevel = 1 - (1 - level) / k;
  const ys = points.map((p) => p.heapUsed);
  const hours = points.map((p) => p.hour);
  const judged = (trend: TrendResult): HeapTest['status'] => (trend.status !== 'ok' ? 'inconclusive' : trend.lo > budgetPerHour ? 'fail' : trend.hi <= budgetPerHour ? 'pass' : 'inconclusive');
  const tests = runs.map(([against, xs]): HeapTest => {
    if (against === 'time') {
      // Fail at the Bonferroni level, pass at the run's own: an activity test never blocks a pass.
      // The pass reads the noise's ρ1 about a running median too (trend.ts noiseRho), so a creep
      // that filled and levelled off is not taken for autocorrelated noise; the fail keeps ρ1
      // about the line (its false-alarm rate as measured).
      const strict = theilSen(xs, ys, { level: testLevel });
      const own = theilSen(xs, ys, { level, rho: noiseRho(xs, ys) });
      const status = strict.status === 'ok' && strict.lo > budgetPerHour ? 'fail' : own.status === 'ok' && own.hi <= budgetPerHour ? 'pass' : 'inconclusive';
      return { against, unit: 'bytes/h', trend: status === 'fail' ? strict : own, budget: budgetPerHour, status };
    }
    // ρ1 read about the residuals' running median too (trend.ts residualNoiseRho): the fixed
    // server's fill rising with the day's actions is not taken for autocorrelated noise.
    const joint = jointGrowthPerHour(hours, xs, ys, testLevel, JOINT_OPTIONS);
    return { against, unit: 'bytes/h', trend: joint.trend, budget: budgetPerHour, status: judged(joint.trend), ...(joint.perUnit ? { perUnit: joint.perUnit } : {}) };
  });
  const time = tests.find((t) => t.against === 'time');
  const status = tests.some((t) => t.status === 'fail') ? 'fail' : time?.status === 'pass' ? 'pass' : 'inconclusive';
  return { status, tests, level: testLevel };
}

/** One test as a sentence: slope [lo, hi] vs budget in its unit. */
export function heapTestText(t: HeapTest): string {
  const perHour = t.unit === 'bytes/h';
  const fmt = (v: number) => (perHour ? `${(v / 1024).toFixed(1)} KiB` : bytes(v));
  const per = perHour ? 'h' : t.against === 'actions' ? 'action' : 'connect';
  // An activity test on the simulated clock: growth per hour of the heap fitted on the hours and that activity.
  const lead = perHour && t.against !== 'time' ? `with ${t.against}, per h` : `per ${per}`;
  if (t.trend.status !== 'ok') return `${lead}: no trend (${t.trend.reason})`;
  const tr = t.trend as TrendOk;
  const later =
    t.laterHalf === 'levelled-off' ? ', grew early and levelled off: later half shown'
    : t.laterHalf === 'still-growing' ? ', still growing in the later half'
    : t.laterHalf === 'not-told-apart' ? ', grew early; the later half is not told apart from the budget: run longer'
    : t.laterHalf === 'later-only' ? ', grows in the later half, not shown on the whole run: run longer'
    : '';
  const unitWord = t.against === 'actions' ? 'action' : 'connect';
  const coef = t.perUnit ? `; fitted on hours and ${t.against}: ${bytes(t.perUnit.slope)} [${bytes(t.perUnit.lo)}, ${bytes(t.perUnit.hi)}] per ${unitWord}` : '';
  return `${lead} ${fmt(tr.slope)} [${fmt(tr.lo)}, ${fmt(tr.hi)}] vs ${fmt(t.budget)} (${t.status}${later}${coef})`;
}

function bytes(v: number): string {
  return `${v.toFixed(v !== 0 && Math.abs(v) < 10 ? 2 : 0)} B`;
}

/** Fewest checkpoints in the later half for the level-off re-test (as for any trend). */
const MIN_HALF_POINTS = 8;

function judgeRealTime(points: readonly HeapPoint[], budgetPerHour: number, level: number, rt: RealTimeJudgement): HeapGrowth {
  const runs = (['time', 'actions', 'connects'] as const).map((c) => [c, covariate(points, c)] as const).filter((x): x is readonly [HeapCovariate, number[]] => x[1] !== null);
  const k = Math.max(1, runs.length);
  const testLevel = 1 - (1 - level) / k;
  const ys = points.map((p) => p.heapUsed);
  const budgetOf = (c: HeapCovariate) => (c === 'time' ? budgetPerHour : c === 'actions' ? rt.bytesPerAction : rt.bytesPerConnect);
  const judge = (xs: readonly number[], y: readonly number[], budget: number, lv: number, rho?: number): { trend: TrendResult; status: HeapTest['status'] } => {
    const trend = theilSen(xs, y, rho === undefined ? { level: lv } : { level: lv, rho });
    return { trend, status: trend.status !== 'ok' ? 'inconclusive' : trend.lo > budget ? 'fail' : trend.hi <= budget ? 'pass' : 'inconclusive' };
  };
  const tests = runs.map(([against, xs]): HeapTest => {
    const budget = budgetOf(against);
    const all = judge(xs, ys, budget, testLevel);
    if (all.status === 'pass') return { against, unit: UNITS[against], trend: all.trend, budget, status: 'pass' };
    const from = Math.floor(xs.length / 2);
    if (xs.length - from < MIN_HALF_POINTS) return { against, unit: UNITS[against], trend: all.trend, budget, status: all.status };
    // The later half's own 8–15 residuals estimate ρ1 too loosely (white noise reads ρ1 ≥ 0.5
    // about one time in ten, and no interval forms): ρ1 is pooled with the first half's, each
    // half about its own line, so a ramp that stopped mid-run only widens the interval.
    const rho = rt.laterHalfRho === 'own' ? undefined : pooledLag1Autocorrelation([senResiduals(xs.slice(0, from), ys.slice(0, from)), senResiduals(xs.slice(from), ys.slice(from))]);
    const later = judge(xs.slice(from), ys.slice(from), budget, testLevel, rho);
    // A ramp that stops leaves residuals no line fits (the whole run's test has no trend, or
    // fails); the later half alone says whether it stopped. A fail needs the whole run to fail
    // too, so the second look never adds false alarms (each stays ≤ α/k): growth in the later
    // half alone only blocks a pass.
    if (all.status === 'inconclusive' && later.status !== 'pass') {
      return { against, unit: UNITS[against], trend: later.trend.status === 'ok' ? later.trend : all.trend, budget, status: 'inconclusive', ...(later.status === 'fail' ? { laterHalf: 'later-only' as const } : {}) };
    }
    const levelledOff = later.status === 'pass';
    return { against, unit: UNITS[against], trend: later.status === 'fail' && all.trend.status === 'ok' ? all.trend : later.trend, budget, status: later.status, laterHalf: levelledOff ? 'levelled-off' : later.status === 'fail' ? 'still-growing' : 'not-told-apart' };
  });
  const passed = tests.some((t) => (t.against === 'time' || t.against === 'actions') && t.status === 'pass');
  // Growth seen on the whole run that its later half can neither confirm nor clear blocks a pass
  // on another test (a leak per connect is a few bytes per action), with one exception: growth
  // per real hour when every checkpoint's heap is within the per-action budget (the actions test
  // passed on them all, not only on the later half). A run driven at many times production pace
  // compresses actions, not hours: its hourly interval stays wide, and the growth it saw is
  // bounded per action. The evidence says how wide the hourly interval was.
  const actionsAll = tests.find((t) => t.against === 'actions');
  const boundedPerAction = actionsAll?.status === 'pass' && actionsAll.laterHalf === undefined;
  const unresolved = tests.some((t) => (t.laterHalf === 'not-told-apart' || t.laterHalf === 'later-only') && !(t.against === 'time' && boundedPerAction));
  const status = tests.some((t) => t.status === 'fail') ? 'fail' : passed && !unresolved ? 'pass' : 'inconclusive';
  return { status, tests, level: testLevel };
}
