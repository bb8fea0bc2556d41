import type { Sample } from '../sample.js';
import { median } from './stats.js';

/**
 * The sampler's own cost on the server: each sample forces a full GC and reads through the
 * inspector, which blocks the server's thread for `probeMs` (wall ms, an upper bound on the CPU
 * it costs). Compared with the server's CPU time over the same samples (each sample's CPU share
 * × the real time since the previous one), which includes those probes.
 */
export interface ProbeCost {
  readonly medianMs: number;
  readonly totalMs: number;
  readonly serverCpuMs: number;
  /** totalMs / serverCpuMs: the share of the server's CPU time the sampler took, 0–1. */
  readonly shareOfServerCpu: number;
}

/** The sampler's cost over a run's samples (null with fewer than two, or no CPU measured). Pure. */
export function probeCost(samples: readonly Sample[]): ProbeCost | null {
  if (samples.length < 2) return null;
  let serverCpuMs = 0;
  for (let i = 1; i < samples.length; i++) {
    const s = samples[i] as Sample;
    serverCpuMs += (s.server.cpuPercent / 100) * (s.realMs - (samples[i - 1] as Sample).realMs);
  }
  const probes = samples.slice(1).map((s) => s.server.probeMs);
  const totalMs = probes.reduce((a, b) => a + b, 0);
  if (!(serverCpuMs > 0)) return null;
  return { medianMs: median(probes), totalMs, serverCpuMs, shareOfServerCpu: totalMs / serverCpuMs };
}
