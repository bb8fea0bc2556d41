import type { Sample } from '../sample.js';
import { median } from './stats.js';

/**
 * The sampler's own cost on the server: each sample forces a full GC and reads through the
 * inspector (a quiet checkpoint forces GCs until the heap is stable). Measured as the server's
 * own CPU over each probe (`probeCpuMs`: the process's CPU from the probe's first read to the end
 * of its GCs, an upper bound since app work between the calls counts too), compared with the
 * server's CPU time over the same samples (each sample's CPU share × the real time since the
 * previous one: the intervals between probes, so the ratio is the measurer's CPU over the app's).
 * Samples from before `probeCpuMs` existed fall back to `probeMs`, the probe's wall time, which
 * also spans the waits for the target's timers (~20 ms a sample) and the round trips: `basis`
 * says which one a figure uses.
 */
export interface ProbeShare {
  /** Median and total cost per probe, ms (CPU, or wall time for `basis: 'wall'`). */
  readonly medianMs: number;
  readonly totalMs: number;
  /** totalMs / serverCpuMs, 0–1. */
  readonly shareOfServerCpu: number;
}

/**
 * The probe's time on the server's main thread (`probeMainMs`: its GC pauses and scripts) against
 * the main thread's busy time over the run (each sample's event-loop utilisation × the real time
 * since the previous one): the share of the loop's work that was the measurer's. Tighter than the
 * CPU figure, which also counts the GC's helper threads and the app's work between the probe's
 * calls; `shareOfServerCpu` here is that share (of the loop's busy time, the stricter denominator).
 */
export interface MainThreadCost extends ProbeShare {
  /** The server's event loop busy time over the run, ms. */
  readonly serverLoopBusyMs: number;
  readonly samples: ProbeShare | null;
  readonly checkpoints: ProbeShare | null;
}

export interface ProbeCost extends ProbeShare {
  readonly basis: 'cpu' | 'wall';
  readonly serverCpuMs: number;
  /** Wall time of the probes, median ms: how long each one held the server's attention. */
  readonly medianWallMs: number;
  /** The regular samples (charts, latency, saturation) and the quiet checkpoints' reads, apart. */
  readonly samples: ProbeShare | null;
  readonly checkpoints: ProbeShare | null;
  /** The same on the main thread alone; null when a sample lacks `probeMainMs` (older runs, no gc observer). */
  readonly mainThread?: MainThreadCost | null;
}

/** Cost shares of `of` by `costOf`, against `denominatorMs`; null for none. */
function shareOf(of: readonly Sample[], costOf: (s: Sample) => number, denominatorMs: number): ProbeShare | null {
  if (of.length === 0) return null;
  const costs = of.map(costOf);
  const totalMs = costs.reduce((a, b) => a + b, 0);
  return { medianMs: median(costs), totalMs, shareOfServerCpu: totalMs / denominatorMs };
}

/** The probe's main-thread cost against the loop's busy time, or null (see MainThreadCost). */
function mainThreadCost(samples: readonly Sample[]): MainThreadCost | null {
  const probed = samples.slice(1);
  if (!probed.every((s) => s.server.probeMainMs !== undefined)) return null;
  let busyMs = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as Sample;
    busyMs += s.server.eventLoopUtilization * (s.realMs - (samples[i - 1] as Sample).realMs);
  }
  if (!(busyMs > 0)) return null;
  const cost = (s: Sample) => s.server.probeMainMs as number;
  return {
    ...(shareOf(probed, cost, busyMs) as ProbeShare),
    serverLoopBusyMs: busyMs,
    samples: shareOf(probed.filter((s) => !s.checkpoint), cost, busyMs),
    checkpoints: shareOf(probed.filter((s) => s.checkpoint), cost, busyMs),
  };
}

/** The sampler's cost over a run's samples (null with fewer than two, or no CPU measured). Pure. */
export function probeCost(samples: readonly Sample[]): ProbeCost | null {
  if (samples.length < 2) return null;
  let serverCpuMs = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as Sample;
    serverCpuMs += (s.server.cpuPercent / 100) * (s.realMs - (samples[i - 1] as Sample).realMs);
  }
  if (!(serverCpuMs > 0)) return null;
  const probed = samples.slice(1);
  const basis = probed.every((s) => s.server.probeCpuMs !== undefined) ? 'cpu' : 'wall';
  const costOf = (s: Sample) => (basis === 'cpu' ? (s.server.probeCpuMs as number) : s.server.probeMs);
  const share = (of: readonly Sample[]): ProbeShare | null => shareOf(of, costOf, serverCpuMs);
  const all = share(probed) as ProbeShare;
  return {
    ...all,
    basis,
    serverCpuMs,
    medianWallMs: median(probed.map((s) => s.server.probeMs)),
    samples: share(probed.filter((s) => !s.checkpoint)),
    checkpoints: share(probed.filter((s) => s.checkpoint)),
    mainThread: mainThreadCost(samples),
  };
}
