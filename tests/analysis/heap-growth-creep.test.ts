/**
 * The heap rule's time test on a creep that is not a line: the fixed server's heap fills through
 * the first working day and then stays level (seed 7's clean checkpoints, 2026-12-05: +1.3 MiB
 * by hour 12, flat after). About its Theil–Sen line such a series leaves residuals in long arcs
 * (ρ1 0.95 there), read as autocorrelated noise: no interval formed and a fixed server came back
 * inconclusive. The pass now reads the noise about a running median as well (trend.ts noiseRho).
 */
import { describe, expect, it } from 'vitest';
import { judgeHeapGrowth, type HeapPoint } from '../../harness/analysis/heap-growth.js';
import { lag1Autocorrelation } from '../../harness/analysis/stats.js';
import { noiseRho, senResiduals } from '../../harness/analysis/trend.js';
import { ar1, officeDayActions, officeDayConnects } from './synthetic.js';

const KiB = 1024;
const BUDGET = 112.5 * KiB;
const HOURS = Array.from({ length: 22 }, (_, i) => 3 + i);

/** 30 MiB, plus a fill of `fill` bytes that levels off with a time constant of 3 h, plus AR(1) noise. */
function fillThenLevel(seed: number, fill: number, sd: number, rho = 0): HeapPoint[] {
  const noise = ar1(HOURS.length, rho, sd, seed);
  return HOURS.map((hour, i) => ({ hour, heapUsed: 30 * 1024 * KiB + fill * (1 - Math.exp(-(hour - 3) / 3)) + noise[i]! }));
}
/** A line at `slope` bytes per hour plus AR(1) noise. */
function line(seed: number, slope: number, sd: number, rho: number): HeapPoint[] {
  const noise = ar1(HOURS.length, rho, sd, seed);
  return HOURS.map((hour, i) => ({ hour, heapUsed: 30 * 1024 * KiB + slope * hour + noise[i]! }));
}
const ACTIONS = officeDayActions(HOURS);
const CONNECTS = officeDayConnects(HOURS);
/** Bytes per action that make `perHour` on average over the checkpoints. */
const perActionFor = (perHour: number) => (perHour * (HOURS[HOURS.length - 1]! - HOURS[0]!)) / (ACTIONS[ACTIONS.length - 1]! - ACTIONS[0]!);
/**
 * A fill that outlasts the day's actions (seed 7's checkpoints: +0.8 MiB in a line from hour 3 to
 * 12 while its actions stopped at 11), so the fit on hours and actions cannot take it up: 1 MiB in
 * a line from hour 3 to 14, level after; plus the office day's actions and connects, a leak of
 * `bytesPerAction` and white noise of `sd`.
 */
const LATE_FILL = 1024 * KiB;
const lateFill = (hour: number) => LATE_FILL * Math.min(1, (hour - 3) / 11);
function fillWithDay(seed: number, bytesPerAction: number, sd: number, rho = 0): HeapPoint[] {
  const noise = ar1(HOURS.length, rho, sd, seed);
  return HOURS.map((hour, i) => ({ hour, heapUsed: 30 * 1024 * KiB + lateFill(hour) + bytesPerAction * (ACTIONS[i]! - ACTIONS[0]!) + noise[i]!, actions: ACTIONS[i]!, connects: CONNECTS[i]! }));
}
const xs = (p: readonly HeapPoint[]) => p.map((q) => q.hour);
const ys = (p: readonly HeapPoint[]) => p.map((q) => q.heapUsed);

describe('the time test on a creep that fills and levels off', () => {
  it('reads the noise, not the curve, as the series autocorrelation', () => {
    const p = fillThenLevel(1, 1.3 * 1024 * KiB, 60 * KiB);
    expect(lag1Autocorrelation(senResiduals(xs(p), ys(p)))).toBeGreaterThan(0.5);
    expect(noiseRho(xs(p), ys(p))).toBeLessThan(0.3);
  });

  it('passes a fixed server whose heap filled 1.3 MiB by midday and stayed level (average 63 KiB/h, budget 112.5)', () => {
    let passed = 0;
    for (let seed = 1; seed <= 200; seed++) if (judgeHeapGrowth(fillThenLevel(seed, 1.3 * 1024 * KiB, 60 * KiB), BUDGET).status === 'pass') passed++;
    expect(passed / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('still fails a leak at twice the budget in time, and does not pass a fill that is itself above the budget', () => {
    let failed = 0;
    for (let seed = 1; seed <= 200; seed++) if (judgeHeapGrowth(line(seed, 2 * BUDGET, 150 * KiB, 0.1), BUDGET).status === 'fail') failed++;
    expect(failed / 200).toBeGreaterThanOrEqual(0.95);
    // A fill of 6 MiB that is still rising at hour 12: ~290 KiB/h on average over the soak.
    let passedBig = 0;
    for (let seed = 1; seed <= 200; seed++) if (judgeHeapGrowth(fillThenLevel(seed, 6 * 1024 * KiB, 60 * KiB), BUDGET).status === 'pass') passedBig++;
    expect(passedBig).toBe(0);
  });

  it('passes a heap growing at exactly the budget in at most 5% of runs under AR(1) noise of ρ 0.15 (nominal 2.5%)', () => {
    let passed = 0;
    for (let seed = 1; seed <= 1000; seed++) if (judgeHeapGrowth(line(seed, BUDGET, 300 * KiB, 0.15), BUDGET).status === 'pass') passed++;
    expect(passed / 1000).toBeLessThanOrEqual(0.05);
  });
});

/**
 * The activity tests when the fixed server's fill rises with the day's actions (seed 7's series,
 * 2026-12-05): the fit on hours and actions leaves the fill's arcs in its residuals, ρ1 about the
 * fit read them as autocorrelated noise, no interval formed and a per-action leak of 300 KiB/h was
 * failed in 45% of resampled runs. They now read ρ1 about their residuals' running median too
 * (trend.ts residualNoiseRho). With ρ1 about the fit only, the first test below fails (≈ 60%).
 */
describe('the activity tests on a fill that rises with the day\'s actions', () => {
  const failRate = (runs: number, make: (seed: number) => HeapPoint[]) => {
    let failed = 0;
    for (let seed = 1; seed <= runs; seed++) if (judgeHeapGrowth(make(seed), BUDGET).status === 'fail') failed++;
    return failed / runs;
  };

  it('fails a per-action leak at twice the budget on top of the fill, by the fit with actions', () => {
    const perAction = perActionFor(2 * BUDGET);
    expect(failRate(200, (seed) => fillWithDay(seed, perAction, 60 * KiB))).toBeGreaterThanOrEqual(0.95);
    const one = judgeHeapGrowth(fillWithDay(7, perAction, 60 * KiB), BUDGET);
    expect(one.tests.find((t) => t.against === 'actions')?.status).toBe('fail');
  });

  it('never fails the fill alone (a fixed server), and passes it', () => {
    const runs = Array.from({ length: 200 }, (_, i) => judgeHeapGrowth(fillWithDay(1000 + i, 0, 60 * KiB), BUDGET).status);
    expect(runs.filter((s) => s === 'fail')).toHaveLength(0);
    expect(runs.filter((s) => s === 'pass').length / 200).toBeGreaterThanOrEqual(0.95);
  });

  it('fails a per-action leak at 0.9× the budget (with the fill) in at most 1% of runs under AR(1) noise of ρ 0.3', () => {
    // With the fill outlasting the actions, the fit on hours and actions overestimates the average
    // growth by ~7% of the budget (120 KiB/h for 112.5), so exactly at the budget it fails 7–31% of
    // runs (bench/results/README: the price of this reading); 10% below it, what this test holds.
    const perAction = perActionFor(0.9 * BUDGET - LATE_FILL / (HOURS[HOURS.length - 1]! - HOURS[0]!));
    expect(failRate(1000, (seed) => fillWithDay(5000 + seed, perAction, 150 * KiB, 0.3))).toBeLessThanOrEqual(0.01);
  });
});
