import { describe, expect, it } from 'vitest';
import { exceedsBudget, kendallVarianceWithTies, MIN_TREND_POINTS, theilSen, trendPerEvent, trendPerHour, type TrendOk } from '../../harness/analysis/trend.js';
import { ar1, gaussian, sawtooth, series } from './synthetic.js';

const MiB = 1024 * 1024;
/** 25 simulated hours sampled every 15 simulated minutes (the default run), minus warm-up. */
const N = 96;
const SEEDS = 200;

function ok(t: ReturnType<typeof trendPerHour>): TrendOk {
  if (t.status !== 'ok') throw new Error(`expected ok, got ${t.reason}`);
  return t;
}

describe('theilSen', () => {
  it('recovers an exact line, interval collapsed on it', () => {
    const t = ok(theilSen([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]));
    expect(t.slope).toBe(2);
    expect(t.intercept).toBe(3);
    expect(t.lo).toBe(2);
    expect(t.hi).toBe(2);
    expect(t.last).toBe(21);
  });

  it('a constant integer series has slope 0 and interval [0, 0] (ties handled)', () => {
    const t = ok(trendPerHour(series(40, () => 100)));
    expect([t.slope, t.lo, t.hi]).toEqual([0, 0, 0]);
  });

  it('too few points or no elapsed time → insufficient-data with a reason', () => {
    const few = trendPerHour(series(MIN_TREND_POINTS - 1, () => 1));
    expect(few.status).toBe('insufficient-data');
    const still = theilSen([5, 5, 5, 5, 5, 5, 5, 5, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(still).toMatchObject({ status: 'insufficient-data', reason: expect.stringContaining('one x') });
  });

  it('ignores non-finite points and orders by x', () => {
    const xs = [9, 3, NaN, 1, 7, 5, 2, 8, 4, 6, 0];
    const t = ok(theilSen(xs, xs.map((x) => 10 * x)));
    expect(t.slope).toBe(10);
    expect(t.n).toBe(10);
  });

  it('per-event slope: bytes per message', () => {
    const z = gaussian(7);
    const pts = Array.from({ length: 50 }, (_, i) => ({ events: i * 1000, value: 5e6 + 300 * i * 1000 + 2000 * z() }));
    const t = ok(trendPerEvent(pts));
    expect(t.lo).toBeLessThanOrEqual(300);
    expect(t.hi).toBeGreaterThanOrEqual(300);
    expect(t.hi - t.lo).toBeLessThan(10);
  });

  it('thins very long series and still finds the slope', () => {
    const z = gaussian(3);
    const t = ok(trendPerHour(series(3000, (h) => 1e6 + 5000 * h + 1000 * z(), 1)));
    expect(t.n).toBeLessThanOrEqual(1000);
    expect(t.lo).toBeLessThan(5000);
    expect(t.hi).toBeGreaterThan(5000);
  });
});

/** Share of seeded series whose interval lies wholly above 0 (a "growth" claim on a flat series). */
function falseGrowthRate(make: (seed: number) => ReturnType<typeof series>): number {
  let alarms = 0;
  for (let s = 1; s <= SEEDS; s++) if (exceedsBudget(trendPerHour(make(s)), 0)) alarms += 1;
  return alarms / SEEDS;
}

describe('false alarms on flat series (interval excludes 0 from above), 200 seeds each', () => {
  // The one-sided error of a 95% interval is 2.5%; we allow the ~5% the brief sets.
  it('white noise (σ = 15 KB, as measured on an 8 MB heap)', () => {
    const rate = falseGrowthRate((s) => {
      const z = gaussian(s);
      return series(N, () => 8 * MiB + 15_000 * z());
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it.each([0.5, 0.8])('AR(1) noise, ρ = %s', (rho) => {
    const rate = falseGrowthRate((s) => {
      const e = ar1(N, rho, 50_000, s);
      return series(N, (_h, i) => 8 * MiB + (e[i] as number));
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it('GC-like sawtooth (1.5 MB, period 3.7 h) plus noise, random phase', () => {
    const rate = falseGrowthRate((s) => {
      const z = gaussian(s);
      const phase = (s * 0.37) % 3.7;
      return series(N, (h) => 8 * MiB + sawtooth(h + phase, 1.5e6, 3.7) + 15_000 * z());
    });
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it('interval covers 0 on AR(1) ρ = 0.5 noise at least 90% of the time', () => {
    let covered = 0;
    for (let s = 1; s <= SEEDS; s++) {
      const e = ar1(N, 0.5, 50_000, s);
      const t = trendPerHour(series(N, (_h, i) => 8 * MiB + (e[i] as number)));
      if (t.status === 'ok' && t.lo <= 0 && t.hi >= 0) covered += 1;
    }
    expect(covered / SEEDS).toBeGreaterThanOrEqual(0.9);
  });
});

describe('ramps are detected and the interval contains the true slope', () => {
  it.each([
    ['slow', 64 * 1024],
    ['fast', 50 * MiB],
  ])('%s ramp (%d B/h) over AR(1) ρ = 0.5 noise', (_name, rate) => {
    let detected = 0;
    let covered = 0;
    for (let s = 1; s <= SEEDS; s++) {
      const e = ar1(N, 0.5, 15_000, s);
      const t = trendPerHour(series(N, (h, i) => 8 * MiB + rate * h + (e[i] as number)));
      if (exceedsBudget(t, 0)) detected += 1;
      if (t.status === 'ok' && t.lo <= rate && t.hi >= rate) covered += 1;
    }
    expect(detected / SEEDS).toBeGreaterThanOrEqual(0.95);
    expect(covered / SEEDS).toBeGreaterThanOrEqual(0.9);
  });
});

describe('step', () => {
  it('a one-off 2 MB step mid-run gives a wide interval well under a 1 MiB/h budget', () => {
    const z = gaussian(11);
    const t = ok(trendPerHour(series(N, (_h, i) => 8 * MiB + (i >= N / 2 ? 2 * MiB : 0) + 15_000 * z())));
    expect(t.rho).toBeGreaterThan(0.5);
    expect(exceedsBudget(t, MiB)).toBe(false);
    expect(t.slope).toBeLessThan(MiB);
  });
});

describe('ties in x (a cumulative count that stood still: actions through the night)', () => {
  /** Every ordering of `ys` against `xs`: Kendall's S, its exact variance under no association (its mean is 0). */
  function exactVarianceOfS(xs: readonly number[], ys: readonly number[]): number {
    let sumSq = 0;
    let count = 0;
    const permute = (rest: number[], taken: number[]): void => {
      if (rest.length === 0) {
        let s = 0;
        for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) s += Math.sign((xs[j] as number) - (xs[i] as number)) * Math.sign((taken[j] as number) - (taken[i] as number));
        sumSq += s * s;
        count++;
        return;
      }
      for (let k = 0; k < rest.length; k++) permute([...rest.slice(0, k), ...rest.slice(k + 1)], [...taken, rest[k] as number]);
    };
    permute([...ys], []);
    return sumSq / count;
  }

  it.each([
    ['x tied at the end', [1, 2, 3, 4, 5, 5, 5, 5], [3, 1, 4, 8, 5, 9, 2, 6]],
    ['ties in x and in y', [1, 2, 2, 3, 4, 4, 4, 5], [7, 1, 1, 4, 2, 7, 7, 3]],
  ])('the variance of S is the permutation variance, exactly (%s)', (_name, xs, ys) => {
    expect(kendallVarianceWithTies(xs.length, xs, ys)).toBeCloseTo(exactVarianceOfS(xs, ys), 9);
  });

  it('the 95% interval covers a per-action slope at its nominal rate when 12 of 21 points share one x', () => {
    const perAction = 300;
    let formed = 0;
    let covered = 0;
    const runs = 1000;
    for (let s = 1; s <= runs; s++) {
      const z = gaussian(s);
      const xs: number[] = [];
      let x = 10_000;
      for (let i = 0; i < 9; i++) xs.push((x += 2000 + Math.floor(3000 * Math.abs(z()))));
      for (let i = 0; i < 12; i++) xs.push(x);
      const t = theilSen(xs, xs.map((v) => 30e6 + perAction * v + 300_000 * z()));
      if (t.status !== 'ok') continue;
      formed++;
      if (t.lo <= perAction && perAction <= t.hi) covered++;
    }
    expect(formed / runs).toBeGreaterThanOrEqual(0.99);
    // Without the x-tie term the interval covered 98.6% (too wide); ±1.4% is 2 SE at 1,000 runs.
    expect(covered / runs).toBeGreaterThanOrEqual(0.93);
    expect(covered / runs).toBeLessThanOrEqual(0.98);
  });
});
