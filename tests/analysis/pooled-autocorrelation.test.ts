/**
 * ρ1 pooled over segments of one series (stats.ts pooledLag1Autocorrelation), and an interval
 * formed with it (trend.ts `rho`): what the real-time heap judgement's later-half re-test uses
 * (heap-growth.ts), measured here on seeded noise.
 */
import { describe, expect, it } from 'vitest';
import { lag1Autocorrelation, pooledLag1Autocorrelation } from '../../harness/analysis/stats.js';
import { senResiduals, theilSen, type TrendOk } from '../../harness/analysis/trend.js';
import { ar1, gaussian } from './synthetic.js';

/** The rule's per-test level: 95% with Bonferroni over its three tests. */
const LEVEL = 1 - 0.05 / 3;

describe('pooled lag-1 autocorrelation', () => {
  it('a step between two segments of white noise is no autocorrelation once each is centred on its own', () => {
    const z = gaussian(4);
    const a = Array.from({ length: 11 }, () => z());
    const b = Array.from({ length: 11 }, () => 50 + z());
    // As one series the step reads as near-perfect persistence; pooled, it is white noise.
    expect(lag1Autocorrelation([...a, ...b])).toBeGreaterThan(0.8);
    expect(pooledLag1Autocorrelation([a, b])).toBeLessThan(0.5);
  });

  it('finds persistence that is there: AR(1) at ρ = 0.8, pooled over two halves, reads about what the whole series reads', () => {
    let pooled = 0;
    let whole = 0;
    for (let s = 1; s <= 300; s++) {
      const e = ar1(40, 0.8, 1, s);
      pooled += pooledLag1Autocorrelation([e.slice(0, 20), e.slice(20)]) / 300;
      whole += lag1Autocorrelation(e) / 300;
    }
    expect(pooled).toBeGreaterThan(0.65);
    expect(Math.abs(pooled - whole)).toBeLessThan(0.1);
  });

  it('skips segments too short to have a lag and reads 0 with nothing to pool', () => {
    expect(pooledLag1Autocorrelation([[1, 2]])).toBe(0);
    expect(pooledLag1Autocorrelation([])).toBe(0);
  });

  it('on white noise, an 11-point stretch reads ρ1 ≥ 0.5 less often pooled with the 11 before it than alone', () => {
    let alone = 0;
    let pooled = 0;
    const runs = 2000;
    for (let s = 1; s <= runs; s++) {
      const z = gaussian(s);
      const e = Array.from({ length: 22 }, () => z());
      if (lag1Autocorrelation(e.slice(11)) >= 0.5) alone += 1;
      if (pooledLag1Autocorrelation([e.slice(0, 11), e.slice(11)]) >= 0.5) pooled += 1;
    }
    // Alone: raw ρ̂ has SD ≈ 1/√11 ≈ 0.30, so ≥ 0.5 after the bias correction is ~1 in 10.
    expect(alone / runs).toBeGreaterThan(0.05);
    expect(pooled / runs).toBeLessThan(alone / runs / 2);
  });
});

describe('an interval with a given ρ1', () => {
  const xs = Array.from({ length: 12 }, (_, i) => i);
  const z = gaussian(21);
  const ys = xs.map((x) => 3 * x + z());

  it('uses the ρ1 it is given: more persistence, a wider interval', () => {
    const white = theilSen(xs, ys, { rho: 0 }) as TrendOk;
    const persistent = theilSen(xs, ys, { rho: 0.4 }) as TrendOk;
    expect(white.status).toBe('ok');
    expect(persistent.status).toBe('ok');
    expect(persistent.rho).toBe(0.4);
    expect(persistent.nEff).toBeLessThan(white.nEff);
    expect(persistent.hi - persistent.lo).toBeGreaterThan(white.hi - white.lo);
  });

  it('senResiduals are the data minus their own Theil–Sen line', () => {
    const line = xs.map((x) => 7 + 2 * x);
    expect(senResiduals(xs, line).every((r) => Math.abs(r) < 1e-9)).toBe(true);
    const bumped = line.map((y, i) => (i === 5 ? y + 10 : y));
    expect(senResiduals(xs, bumped)[5]).toBeCloseTo(10, 9);
  });

  it('covers a later half\'s true slope at least as often with ρ1 pooled as with its own, near the nominal level on white noise', () => {
    const truth = 5;
    const runs = 2000;
    const hits = { own: 0, pooled: 0 };
    for (let s = 1; s <= runs; s++) {
      const g = gaussian(1000 + s);
      const x = Array.from({ length: 22 }, (_, i) => 150 + 16 * i);
      const y = x.map((v) => truth * v + 80 * g());
      const rho = pooledLag1Autocorrelation([senResiduals(x.slice(0, 11), y.slice(0, 11)), senResiduals(x.slice(11), y.slice(11))]);
      const own = theilSen(x.slice(11), y.slice(11), { level: LEVEL });
      const pooled = theilSen(x.slice(11), y.slice(11), { level: LEVEL, rho });
      if (own.status === 'ok' && own.lo <= truth && truth <= own.hi) hits.own += 1;
      if (pooled.status === 'ok' && pooled.lo <= truth && truth <= pooled.hi) hits.pooled += 1;
    }
    // An interval that does not form covers nothing: the own-ρ1 one fails to form ~1 in 20.
    expect(hits.pooled).toBeGreaterThan(hits.own);
    expect(hits.pooled / runs).toBeGreaterThan(0.96);
  });
});
