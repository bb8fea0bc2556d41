/**
 * Power, false alarms and coverage of the heap judged in real time (a `--target` at S = 1:
 * heap-growth.ts RealTimeJudgement), measured offline on realistic series: the quiet checkpoints
 * of clean runs of the example board's stress scenario (bench/data/board-checkpoints/, written by
 * scripts/record-checkpoints.ts from `tests/e2e/own-server.test.ts` runs), resampled as
 * bench/checkpoint-power-bench.ts does (each series' own Theil–Sen line plus its residuals by a
 * circular moving-block bootstrap), with planted growth:
 *  - `connects`: bytes per connect: the board's planted leak (`BOARD_LEAK=1`, ~16 KiB per
 *    connection since 2026-12-04, ~5 KiB before), and smaller ones down to 1.5 KiB;
 *  - `warmup`: a ramp over the first 8 checkpoints that then stops (caches and JIT warming up:
 *    not a leak; a fail here is a false alarm);
 *  - `none`: the clean series as recorded.
 * Each case is judged twice: with the later half's ρ1 pooled with the first half's (the rule
 * today) and with the later half's own ρ1 (the rule before 2026-12-04, which went inconclusive
 * on one leaking CI run with "n=11, n_eff=3.1").
 *
 * Coverage: AR(1) noise of 80 KiB (the clean board's residual SD) at ρ1 = 0, 0.3, 0.6 on a
 * recorded series' covariates plus 5 KiB per connect; the share of runs whose later-half
 * per-connect interval (at the rule's 98.3%) forms and covers the truth, and the share that
 * forms at all.
 */
import { join } from 'node:path';
import { DEFAULT_BUDGETS } from '../harness/analysis/budgets.js';
import { judgeHeapGrowth, type HeapPoint, type RealTimeJudgement } from '../harness/analysis/heap-growth.js';
import { pooledLag1Autocorrelation } from '../harness/analysis/stats.js';
import { senResiduals, theilSen } from '../harness/analysis/trend.js';
import { mulberry32 } from '../scenarios/rng.js';
import { blockResample, gaussian, splitLine, type RecordedSeries } from './checkpoint-series.js';
import { loadRecordedSeries, repoRoot } from './recorded-series-files.js';

const REPS = 2000;
const BLOCK = 3;
const KiB = 1024;
/** The rule's per-test level: 95% with Bonferroni over its three tests. */
const TEST_LEVEL = 1 - 0.05 / 3;
const CASES: ReadonlyArray<{ readonly shape: 'none' | 'connects' | 'warmup'; readonly size: number }> = [
  { shape: 'none', size: 0 },
  { shape: 'connects', size: 1.5 * KiB },
  { shape: 'connects', size: 2 * KiB },
  { shape: 'connects', size: 3 * KiB },
  { shape: 'connects', size: 5 * KiB },
  { shape: 'connects', size: 8 * KiB },
  { shape: 'connects', size: 16 * KiB },
  { shape: 'warmup', size: 300 * KiB },
  { shape: 'warmup', size: 600 * KiB },
  { shape: 'warmup', size: 1200 * KiB },
];
const METHODS = ['pooled', 'own'] as const;

function planted(series: RecordedSeries, shape: (typeof CASES)[number]['shape'], size: number): number[] {
  const c0 = series.points[0]!.connects;
  return series.points.map((p, i) => (shape === 'connects' ? (p.connects - c0) * size : shape === 'warmup' ? (Math.min(i, 8) / 8) * size : 0));
}

function budgets(method: (typeof METHODS)[number]): RealTimeJudgement {
  return { bytesPerAction: DEFAULT_BUDGETS.heapBytesPerAction, bytesPerConnect: DEFAULT_BUDGETS.heapBytesPerConnect, laterHalfRho: method };
}

function judgeCases(series: RecordedSeries, seed: number) {
  const { line, residuals, rho } = splitLine(series);
  const n = line.length;
  const residualSdKiB = Math.sqrt(residuals.reduce((a, r) => a + r * r, 0) / n) / KiB;
  const cells = CASES.flatMap((c, ci) => {
    const plant = planted(series, c.shape, c.size);
    return METHODS.map((method) => {
      const rng = mulberry32(seed + ci * 7919);
      const counts = { fail: 0, pass: 0, inconclusive: 0 };
      for (let r = 0; r < REPS; r++) {
        const ys = blockResample(line, residuals, plant, BLOCK, rng);
        const points: HeapPoint[] = series.points.map((p, i) => ({ hour: p.hour, heapUsed: ys[i] as number, actions: p.actions, connects: p.connects }));
        counts[judgeHeapGrowth(points, DEFAULT_BUDGETS.heapSlopeBytesPerHour, undefined, budgets(method)).status] += 1;
      }
      return { shape: c.shape, sizeKiB: c.size / KiB, method, failed: counts.fail / REPS, passed: counts.pass / REPS, inconclusive: counts.inconclusive / REPS };
    });
  });
  return { run: series.run, checkpoints: n, residualSdKiB: Number(residualSdKiB.toFixed(1)), ownRho: Number(rho.toFixed(2)), cells };
}

/** Coverage of the later half's per-connect interval on AR(1) noise, own vs pooled ρ1. */
function coverage(series: RecordedSeries, rho: number, seed: number) {
  const connects = series.points.map((p) => p.connects);
  const n = connects.length;
  const from = Math.floor(n / 2);
  const truth = 5 * KiB;
  const out = { pooled: { formed: 0, covered: 0 }, own: { formed: 0, covered: 0 } };
  const z = gaussian(seed);
  for (let r = 0; r < REPS; r++) {
    let e = 80 * KiB * z();
    const ys = connects.map((c) => {
      const v = 8 * KiB * KiB + truth * c + e;
      e = rho * e + 80 * KiB * Math.sqrt(1 - rho * rho) * z();
      return v;
    });
    const lx = connects.slice(from);
    const ly = ys.slice(from);
    const pooledRho = pooledLag1Autocorrelation([senResiduals(connects.slice(0, from), ys.slice(0, from)), senResiduals(lx, ly)]);
    for (const method of METHODS) {
      const t = theilSen(lx, ly, method === 'own' ? { level: TEST_LEVEL } : { level: TEST_LEVEL, rho: pooledRho });
      if (t.status !== 'ok') continue;
      out[method].formed += 1;
      if (t.lo <= truth && truth <= t.hi) out[method].covered += 1;
    }
  }
  return METHODS.map((method) => ({ rho, method, formed: out[method].formed / REPS, covered: out[method].covered / REPS }));
}

export default async function realtimePowerBench(): Promise<object> {
  const dir = join(repoRoot(), 'bench', 'data', 'board-checkpoints');
  const all = loadRecordedSeries(dir, 16);
  if (all.length === 0) throw new Error(`no recorded clean board series in ${dir} (scripts/record-checkpoints.ts makes them from an own-server e2e run)`);
  const perSeries = all.map((s, si) => judgeCases(s, 1 + si * 100_000));
  // Medians over the series of each (case, method) cell: the figure to quote; the worst series is
  // failedMin for a planted leak (power) and failedMax for none or a warm-up (false fails).
  const summary = CASES.flatMap((c) =>
    METHODS.map((method) => {
      const cells = perSeries.map((s) => s.cells.find((x) => x.shape === c.shape && x.sizeKiB === c.size / KiB && x.method === method)!);
      const med = (f: (x: (typeof cells)[number]) => number) => {
        const v = cells.map(f).sort((a, b) => a - b);
        return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
      };
      return { shape: c.shape, sizeKiB: c.size / KiB, method, failedMedian: med((x) => x.failed), passedMedian: med((x) => x.passed), failedMin: Math.min(...cells.map((x) => x.failed)), failedMax: Math.max(...cells.map((x) => x.failed)), passedMax: Math.max(...cells.map((x) => x.passed)) };
    }),
  );
  const cover = [0, 0.3, 0.6].flatMap((rho, i) => coverage(all[0]!, rho, 7 + i));
  return { reps: REPS, block: BLOCK, testLevel: TEST_LEVEL, series: all.length, summary, coverage: { series: all[0]!.run, noiseSdKiB: 80, truthBytesPerConnect: 5 * KiB, cells: cover }, perSeries };
}
