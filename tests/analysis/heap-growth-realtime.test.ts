/**
 * The heap judged in real time (a --target at S = 1, driven at its scenario's pace): per action
 * and per connect against budgets of their own, and warm-up growth that levels off told apart
 * from growth that goes on (heap-growth.ts RealTimeJudgement). Seeded series of 20 checkpoints
 * over 90 real seconds with post-GC noise.
 */
import { describe, expect, it } from 'vitest';
import { judgeHeapGrowth, type HeapPoint } from '../../harness/analysis/heap-growth.js';
import { ar1, gaussian } from './synthetic.js';

const BUDGETS = { bytesPerAction: 64, bytesPerConnect: 1024 };
const KiB = 1024;

/**
 * 20 checkpoints 4.5 s apart; 110 actions/s (the stress scenario's pace) and a connect every
 * ~1.5 s; heap = f(i) + AR(1) post-GC noise of 20 KiB.
 */
function points(seed: number, heap: (i: number, actions: number, connects: number) => number): HeapPoint[] {
  const noise = ar1(20, 0.3, 20 * KiB, seed);
  return Array.from({ length: 20 }, (_, i) => {
    const actions = Math.round(500 * (i + 1));
    const connects = 10 + 3 * i;
    return { hour: (15 + 4.5 * i) / 3600, heapUsed: 8 * 1024 * KiB + heap(i, actions, connects) + (noise[i] ?? 0), actions, connects };
  });
}

describe('heap growth judged in real time', () => {
  it.each([1, 2, 3, 4, 5, 6])('passes a flat heap on its per-action test though 90 s cannot bound a per-hour slope (seed %i)', (seed) => {
    const g = judgeHeapGrowth(points(seed, () => 0), 64 * KiB, undefined, BUDGETS);
    expect(g.status).toBe('pass');
    expect(g.tests.find((t) => t.against === 'actions')?.status).toBe('pass');
  });

  // Measured power at this size: 7 of these 10 runs fail; 20 checkpoints are few for 57 connects.
  it('never passes a leak of 5 KiB per connect (28 B per action, under the per-action budget), and fails most runs by connects or time', () => {
    const runs = Array.from({ length: 10 }, (_, k) => judgeHeapGrowth(points(k + 1, (_i, _a, c) => 5 * KiB * c), 64 * KiB, undefined, BUDGETS));
    expect(runs.map((g) => g.status)).not.toContain('pass');
    const failed = runs.filter((g) => g.status === 'fail');
    expect(failed.length).toBeGreaterThanOrEqual(6);
    for (const g of failed) expect(g.tests.filter((t) => t.status === 'fail').map((t) => t.against)).not.toEqual(['actions']);
  });

  it.each([1, 2, 3])('passes warm-up growth that levels off, and says it did (seed %i)', (seed) => {
    // 600 KiB over the first 8 checkpoints, then flat: a JIT and caches warming up.
    const g = judgeHeapGrowth(points(seed, (i) => Math.min(i, 8) * 75 * KiB), 64 * KiB, undefined, BUDGETS);
    expect(g.status).toBe('pass');
    expect(g.tests.some((t) => t.laterHalf === 'levelled-off')).toBe(true);
  });

  it('without the real-time judgement the same warm-up is no pass: no line fits a ramp that stopped', () => {
    const g = judgeHeapGrowth(points(1, (i) => Math.min(i, 8) * 75 * KiB), 64 * KiB);
    expect(g.status).not.toBe('pass');
  });

  it('does not re-judge on a later half too short for a trend: the whole run\'s judgement stands', () => {
    const short = points(2, (i) => Math.min(i, 8) * 75 * KiB).slice(0, 12);
    const g = judgeHeapGrowth(short, 64 * KiB, undefined, BUDGETS);
    expect(g.status).not.toBe('pass');
    expect(g.tests.every((t) => t.laterHalf === undefined)).toBe(true);
  });

  it('a ramp per real hour that its later half cannot resolve passes only when the whole run is within the per-action budget', () => {
    // 300 KiB over the first 12 checkpoints (an hourly slope that fails on all 20), 25 B per action over them.
    const slow = points(3, (i) => Math.min(i, 12) * 25 * KiB);
    const g = judgeHeapGrowth(slow, 64 * KiB, undefined, BUDGETS);
    expect(g.tests.find((t) => t.against === 'actions')?.status).toBe('pass');
    expect(g.status).not.toBe('fail');
    // The same growth with a tenth of the actions is 250 B per action: never a pass.
    const fewActions = slow.map((p) => ({ ...p, actions: Math.round((p.actions ?? 0) / 10) }));
    expect(judgeHeapGrowth(fewActions, 64 * KiB, undefined, BUDGETS).status).not.toBe('pass');
  });

  describe('the later half\'s ρ1 pooled with the first half\'s (22 checkpoints as the board stress scenario holds them, white noise of 80 KiB)', () => {
    const RUNS = 1000;
    /** 22 checkpoints 3.5 s apart, 16 connects and 600 actions between two; heap = f(i, connects) + noise. */
    function board(seed: number, heap: (i: number, connects: number) => number): HeapPoint[] {
      const z = gaussian(seed);
      return Array.from({ length: 22 }, (_, i) => {
        const connects = 150 + 16 * i;
        return { hour: (31.5 + 3.5 * i) / 3600, actions: 5000 + 600 * i, connects, heapUsed: 8 * 1024 * KiB + heap(i, connects) + 80 * KiB * z() };
      });
    }
    const rate = (heap: (i: number, connects: number) => number, laterHalfRho: 'pooled' | 'own', status: 'fail' | 'pass') => {
      let n = 0;
      for (let s = 1; s <= RUNS; s++) if (judgeHeapGrowth(board(5000 + s, heap), 64 * KiB, undefined, { ...BUDGETS, laterHalfRho }).status === status) n += 1;
      return n / RUNS;
    };

    // Measured on these seeds: 98.4% pooled, 94.1% with the later half's own ρ1 (its 11
    // residuals read ρ1 ≥ 0.5 about one time in ten, and then no interval forms).
    it('fails a leak of 5 KiB per connect more often pooled, and nearly always', () => {
      const leak = (_i: number, c: number) => 5 * KiB * c;
      const pooled = rate(leak, 'pooled', 'fail');
      expect(pooled).toBeGreaterThan(rate(leak, 'own', 'fail'));
      expect(pooled).toBeGreaterThan(0.96);
    });

    it('adds no false alarm on warm-up growth that levels off, and still passes most of it', () => {
      const warmup = (i: number) => (Math.min(i, 8) / 8) * 300 * KiB;
      expect(rate(warmup, 'pooled', 'fail')).toBeLessThan(0.01);
      expect(rate(warmup, 'pooled', 'pass')).toBeGreaterThan(0.85);
    });
  });
});
