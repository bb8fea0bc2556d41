/**
 * Detection floor of the heap rule for a default run: 25 simulated hours sampled every 15
 * simulated minutes, 2 hours of warm-up, so 92 soak samples. Each synthetic series is a heap
 * ramp of `rate` MiB per simulated hour plus AR(1) noise (ρ = 0.8, σ = 512 KiB — wider than
 * the post-GC noise measured on the fixed server, whose residuals follow the day's activity).
 * The floor is the smallest rate the rule calls a leak (whole 95% interval above the 1 MiB/h
 * budget) in ≥ 95% of 200 seeded series; the false-alarm rate is the share at rate 0.
 */
import { trendPerHour, exceedsBudget } from '../harness/analysis/trend.js';
import { DEFAULT_BUDGETS } from '../harness/analysis/budgets.js';
import { mulberry32 } from '../scenarios/rng.js';

const MiB = 1024 * 1024;
const SERIES = 200;
const RHO = 0.8;
const SIGMA = 512 * 1024;

function gaussian(rng: () => number): number {
  // Box–Muller; 1 − u keeps log away from 0.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function detectionRate(rateMiBPerHour: number): number {
  const budget = DEFAULT_BUDGETS.heapSlopeBytesPerHour;
  let detected = 0;
  for (let seed = 1; seed <= SERIES; seed++) {
    const rng = mulberry32(seed * 7919);
    let noise = 0;
    const points: Array<{ simMs: number; value: number }> = [];
    for (let i = 0; i < 92; i++) {
      noise = RHO * noise + Math.sqrt(1 - RHO * RHO) * SIGMA * gaussian(rng);
      const hours = 2 + i * 0.25;
      points.push({ simMs: hours * 3_600_000, value: 30 * MiB + rateMiBPerHour * MiB * hours + noise });
    }
    if (exceedsBudget(trendPerHour(points), budget)) detected++;
  }
  return detected / SERIES;
}

export default async function detectionBench(): Promise<object> {
  const rates = [0, 0.5, 1, 1.05, 1.1, 1.2, 1.3, 1.5, 2];
  const byRate = rates.map((r) => ({ rateMiBPerHour: r, detected: detectionRate(r) }));
  const floor = byRate.find((x) => x.rateMiBPerHour > 1 && x.detected >= 0.95)?.rateMiBPerHour ?? null;
  return { series: SERIES, samples: 92, rho: RHO, sigmaBytes: SIGMA, byRate, floorMiBPerHour: floor, falseAlarmRateAtZero: byRate[0]!.detected };
}
