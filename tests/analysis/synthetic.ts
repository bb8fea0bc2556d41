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

/** Actions per simulated hour of the office day: a busy morning, lunch, an afternoon, a still night. */
function officeDayActionRate(h: number): number {
  const t = h % 24;
  return t < 4 ? 2400 : t < 5 ? 900 : t < 10 ? 1600 : t < 11 ? 300 : 40;
}
/** Connects per simulated hour of the office day: log-ons, back from lunch, a few reconnects. */
function officeDayConnectRate(h: number): number {
  const t = h % 24;
  return t < 1 ? 120 : t >= 4 && t < 5 ? 60 : 4;
}
function cumulative(hours: readonly number[], rate: (h: number) => number): number[] {
  let total = 500;
  return hours.map((h, i) => {
    if (i > 0) for (let m = 0; m < 60; m++) total += rate(h - 1 + m / 60) / 60;
    return Math.round(total);
  });
}
/** Cumulative actions done by each of hourly checkpoints at `hours` (consecutive hours). */
export const officeDayActions = (hours: readonly number[]): number[] => cumulative(hours, officeDayActionRate);
/** Cumulative connects by each of hourly checkpoints at `hours` (consecutive hours). */
export const officeDayConnects = (hours: readonly number[]): number[] => cumulative(hours, officeDayConnectRate);
