/**
 * Seeded synthetic series for the analysis tests (clinic doctor's generate-process-stat idea):
 * every generator takes a seed so a failing case can be replayed exactly.
 */

import { mulberry32 } from '../../scenarios/rng.js';

/** mulberry32 (the scenarios' PRNG): seedable floats in [0, 1). */
export const rng = mulberry32;

/** Standard normal draws (Box–Muller) from a seeded uniform source. */
export function gaussian(seed: number): () => number {
  const u = rng(seed);
  return () => {
    const a = Math.max(u(), 1e-12);
    const b = u();
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
  };
}

/** AR(1) noise e_t = ρ e_{t−1} + σ√(1−ρ²) z_t, stationary with standard deviation σ. */
export function ar1(n: number, rho: number, sigma: number, seed: number): number[] {
  const z = gaussian(seed);
  const out: number[] = [];
  let e = sigma * z();
  for (let i = 0; i < n; i++) {
    out.push(e);
    e = rho * e + sigma * Math.sqrt(1 - rho * rho) * z();
  }
  return out;
}

export interface SeriesPoint {
  readonly simMs: number;
  readonly value: number;
}

/** n samples every `stepMin` simulated minutes from `startH` hours, value = f(hour, index). */
export function series(n: number, f: (hour: number, i: number) => number, stepMin = 15, startH = 1): SeriesPoint[] {
  return Array.from({ length: n }, (_, i) => {
    const hour = startH + (i * stepMin) / 60;
    return { simMs: hour * 3_600_000, value: f(hour, i) };
  });
}

/** GC-like sawtooth of amplitude `amp` and period `periodH` hours (rises then drops). */
export function sawtooth(hour: number, amp: number, periodH: number): number {
  return amp * ((hour % periodH) / periodH);
}
