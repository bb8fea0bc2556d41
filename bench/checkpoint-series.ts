/**
 * Recorded checkpoint series: a run's quiet soak checkpoints kept as bench data
 * (bench/data/checkpoints/<run-id>.json, written by scripts/record-checkpoints.ts), the realistic
 * series on which bench/checkpoint-power-bench.ts measures the heap rule's coverage and power.
 * Each point: the hold's simulated hour, the heap after GC until stable, and the cumulative
 * actions done, connects (log-ons, reloads, log off/ons, reconnects) and presence-ping ticks, on
 * which the bench plants growth of the four shapes; and the resampling the power benches share
 * (splitLine, splitSmooth, blockResample, gaussian). Pure.
 */
import { soakCheckpoints } from '../harness/analysis/checkpoint-rules.js';
import { lag1Autocorrelation, runningMedian } from '../harness/analysis/stats.js';
import { NOISE_MEDIAN_HALF_WIDTH, senResiduals } from '../harness/analysis/trend.js';
import { mulberry32 } from '../scenarios/rng.js';
import type { Sample } from '../harness/sample.js';

export interface RecordedPoint {
  readonly hour: number;
  readonly heapUsed: number;
  readonly actions: number;
  readonly connects: number;
  readonly pingTicks: number;
  /** The JIT's share of `heapUsed` at the checkpoint (compiled code + bytecode, bytes); absent in older recordings. */
  readonly jitBytes?: number;
}

/** What a series keeps of its run's config. */
export interface RecordedRunConfig {
  readonly users: number;
  readonly seed: number;
  readonly scenario: string;
  readonly hours: number;
  readonly warmupHours: number;
  readonly leaks: readonly string[];
}

export interface RecordedSeries extends RecordedRunConfig {
  readonly run: string;
  readonly points: readonly RecordedPoint[];
}

/**
 * The checkpoints the heap rule judges (checkpoint-rules.ts soakCheckpoints: held, not overran,
 * after warm-up; a reading whose heap was still falling after its last round counts, as it does
 * in the rule) as a series. Until 2026-12-05 unsettled readings were left out here though the
 * rule kept them; series recorded before then (seed 1's) lack them.
 */
export function recordCheckpoints(run: string, config: RecordedRunConfig, samples: readonly Sample[]): RecordedSeries {
  const points: RecordedPoint[] = soakCheckpoints(samples, config.warmupHours * 3_600_000)
    .filter((s) => s.load)
    .map((s) => {
      const l = s.load as NonNullable<Sample['load']>;
      const a = l.actions;
      return {
        hour: (s.checkpoint?.atSimMs ?? s.simMs) / 3_600_000,
        heapUsed: s.server.heapUsed,
        actions: l.doneActions,
        connects: config.users + (a['reload'] ?? 0) + (a['logoff-on'] ?? 0) + l.reconnects,
        pingTicks: l.timerEvents?.['presence-ping'] ?? 0,
        ...(s.server.codeBytes !== undefined && s.server.bytecodeBytes !== undefined ? { jitBytes: s.server.codeBytes + s.server.bytecodeBytes } : {}),
      };
    });
  return { run, users: config.users, seed: config.seed, scenario: config.scenario, hours: config.hours, warmupHours: config.warmupHours, leaks: config.leaks, points };
}

/**
 * A recorded series split into its own Theil–Sen line in hours (its creep, part of "flat") and
 * residuals. The line exists even where no interval forms (seed 7's run: ρ1 0.95 about it).
 */
export function splitLine(series: RecordedSeries): { readonly line: number[]; readonly residuals: number[]; readonly slope: number; readonly rho: number } {
  const x = series.points.map((p) => p.hour);
  const y = series.points.map((p) => p.heapUsed);
  const residuals = senResiduals(x, y);
  if (residuals.length !== y.length || x.length < 2) throw new Error(`${series.run}: no Theil–Sen line through the recorded series`);
  const line = y.map((yi, i) => yi - (residuals[i] as number));
  const slope = ((line[line.length - 1] as number) - (line[0] as number)) / ((x[x.length - 1] as number) - (x[0] as number));
  return { line, residuals, slope, rho: lag1Autocorrelation(residuals) };
}

/**
 * A recorded series split into its running median of 5 (the creep with its own shape: the fixed
 * server's heap fills through the first working day and levels off, which a line does not keep)
 * and the residuals about it. The block bootstrap around the line shuffles that shape's arcs
 * into noise; around the running median it is kept, as a live run has it.
 */
export function splitSmooth(series: RecordedSeries): { readonly smooth: number[]; readonly residuals: number[] } {
  const y = series.points.map((p) => p.heapUsed);
  const smooth = runningMedian(y, NOISE_MEDIAN_HALF_WIDTH);
  return { smooth, residuals: y.map((yi, i) => yi - (smooth[i] as number)) };
}

/**
 * One synthetic run: the line plus the residuals resampled by a circular moving-block bootstrap
 * (blocks of `block` points keep their short-range correlation), plus the planted growth.
 */
export function blockResample(line: readonly number[], residuals: readonly number[], plant: readonly number[], block: number, rng: () => number): number[] {
  const n = line.length;
  const ys: number[] = [];
  while (ys.length < n) {
    const start = Math.floor(rng() * n);
    for (let k = 0; k < block && ys.length < n; k++) {
      const i = ys.length;
      ys.push((line[i] as number) + (residuals[(start + k) % n] as number) + (plant[i] as number));
    }
  }
  return ys;
}

/** Standard normal draws (Box–Muller) from a seeded uniform source, for AR(1) noise in the power benches. */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
}
