/**
 * Does the load's simulated clock agree with the harness's? Each sample carries a load worker's
 * SimClock reading and the harness's own clock at the same wall-clock instant (sample.loadClock):
 * the two are built in different processes from the clock spec the harness handed over, so a
 * wrong epoch, scale or schedule in the load shows as an offset, and a clock running at another
 * rate as an offset that grows. Pure.
 */
import type { Sample } from '../sample.js';

/**
 * Largest relative error of the load clock's rate against the harness's (growth of the offset
 * over the simulated time between the first and last reading). Beyond 5%, "per simulated hour"
 * rates are off by more than the interval widths the rules rely on.
 */
export const MAX_CLOCK_SKEW = 0.05;

/**
 * Largest offset between the load's clock and the harness's at any soak sample, simulated ms.
 * Why 60 s: two correct clocks agree to Date.now()'s 1 ms × S (0.2–0.6 s simulated at S =
 * 200–600), while an epoch handed over wrong by even 0.3 s real at S = 200 is off by 60 s: a
 * whole period of the server's sweeper, more than any think time (3–15 s).
 */
export const MAX_CLOCK_OFFSET_SIM_MS = 60_000;

export interface ClockDrift {
  readonly status: 'ok' | 'drift' | 'insufficient-data';
  /** Soak samples with a load clock reading. */
  readonly readings: number;
  /** Largest |load − harness| offset, simulated ms; null without readings. */
  readonly maxOffsetSimMs: number | null;
  /** (last offset − first offset) / simulated ms between them; null with fewer than 2 readings. */
  readonly skew: number | null;
  readonly reasons: readonly string[];
}

export function assessClockDrift(soak: readonly Sample[]): ClockDrift {
  const readings = soak.filter((s) => s.loadClock !== undefined).map((s) => ({ simMs: s.simMs, offset: (s.loadClock as NonNullable<Sample['loadClock']>).offsetSimMs }));
  if (readings.length === 0) {
    return { status: 'insufficient-data', readings: 0, maxOffsetSimMs: null, skew: null, reasons: ['no load clock readings (no virtual users, or samples from before they were taken)'] };
  }
  const worst = readings.reduce((a, b) => (Math.abs(b.offset) > Math.abs(a.offset) ? b : a));
  const first = readings[0] as (typeof readings)[number];
  const last = readings[readings.length - 1] as (typeof readings)[number];
  const span = last.simMs - first.simMs;
  const skew = readings.length >= 2 && span > 0 ? (last.offset - first.offset) / span : null;
  const reasons: string[] = [];
  if (Math.abs(worst.offset) > MAX_CLOCK_OFFSET_SIM_MS) {
    reasons.push(`the load's simulated clock was ${(worst.offset / 1000).toFixed(1)} s off the harness's at ${(worst.simMs / 3_600_000).toFixed(2)} h (max ±${MAX_CLOCK_OFFSET_SIM_MS / 1000} s)`);
  }
  if (skew !== null && Math.abs(skew) > MAX_CLOCK_SKEW) {
    reasons.push(`the load's simulated clock ran at ${((1 + skew) * 100).toFixed(1)}% of the harness's rate (allowed ±${MAX_CLOCK_SKEW * 100}%)`);
  }
  return { status: reasons.length > 0 ? 'drift' : 'ok', readings: readings.length, maxOffsetSimMs: worst.offset, skew, reasons };
}
