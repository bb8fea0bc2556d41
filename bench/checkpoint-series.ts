/**
 * Recorded checkpoint series: a run's quiet soak checkpoints kept as bench data
 * (bench/data/checkpoints/<run-id>.json, written by scripts/record-checkpoints.ts), the realistic
 * series on which bench/checkpoint-power-bench.ts measures the heap rule's coverage and power.
 * Each point: the hold's simulated hour, the heap after GC until stable, and the cumulative
 * actions done, connects (log-ons, reloads, log off/ons, reconnects) and presence-ping ticks, on
 * which the bench plants growth of the four shapes. Pure.
 */
import type { Sample } from '../harness/sample.js';

export interface RecordedPoint {
  readonly hour: number;
  readonly heapUsed: number;
  readonly actions: number;
  readonly connects: number;
  readonly pingTicks: number;
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

/** The quiet soak checkpoints of a run (held, not overran, heap stable, after warm-up) as a series. */
export function recordCheckpoints(run: string, config: RecordedRunConfig, samples: readonly Sample[]): RecordedSeries {
  const warmupMs = config.warmupHours * 3_600_000;
  const points: RecordedPoint[] = samples
    .filter((s) => s.checkpoint && (s.checkpoint.kind === 'cadence' || s.checkpoint.kind === 'phase-end' || s.checkpoint.kind === 'cadence+phase-end'))
    .filter((s) => !s.checkpoint?.overran && s.server.heapStable !== false && (s.checkpoint?.atSimMs ?? 0) >= warmupMs && s.phase === 'soak' && s.load)
    .map((s) => {
      const l = s.load as NonNullable<Sample['load']>;
      const a = l.actions;
      return {
        hour: (s.checkpoint?.atSimMs ?? s.simMs) / 3_600_000,
        heapUsed: s.server.heapUsed,
        actions: l.doneActions,
        connects: config.users + (a['reload'] ?? 0) + (a['logoff-on'] ?? 0) + l.reconnects,
        pingTicks: l.timerEvents?.['presence-ping'] ?? 0,
      };
    });
  return { run, users: config.users, seed: config.seed, scenario: config.scenario, hours: config.hours, warmupHours: config.warmupHours, leaks: config.leaks, points };
}
