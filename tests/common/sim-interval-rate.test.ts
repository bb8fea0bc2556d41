import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { until } from '../helpers/until.js';

const clocks: SimClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.clearAll()));

/**
 * A timer-driven leak: each tick of a 10-simulated-second interval keeps 1 KiB, so at its
 * production rate it keeps 360 KiB per simulated hour, at any time scale.
 */
function timerLeak(clock: SimClock): { readonly bytes: () => number } {
  let kept = 0;
  clock.setInterval(() => (kept += 1024), 10_000);
  return { bytes: () => kept };
}

/** Growth per simulated hour of the leak, read after `ticks` ticks (a bounded wait, no sleep). */
async function growthPerSimHour(clock: SimClock, ticks: number): Promise<number> {
  const leak = timerLeak(clock);
  const from = clock.now();
  await until(`${ticks} ticks`, () => leak.bytes() >= ticks * 1024, 60_000);
  const hours = (clock.now() - from) / 3_600_000;
  return leak.bytes() / hours;
}

describe('SimClock intervals at production rate', () => {
  it('a timer-driven leak grows per simulated hour at S = 1000 as at S = 1 (no real-time floor by default)', async () => {
    const fast = new SimClock({ scale: 1_000 });
    clocks.push(fast);
    // 200 ticks: 10 ms real each. Re-arming from each (late) fire would lose a tick per ms of
    // lateness; simulated deadlines keep the rate. At S = 1 the leak keeps 360 KiB an hour by
    // construction (one tick per 10 s); the fast clock must match it within 3%.
    const perHour = await growthPerSimHour(fast, 200);
    expect(perHour / (360 * 1024)).toBeGreaterThan(0.97);
    expect(perHour / (360 * 1024)).toBeLessThan(1.03);
  });

  it('fires once per floor when a floor is asked for (reduced fidelity), i.e. far fewer ticks per simulated hour', async () => {
    // 10 simulated s at S = 1000 is 10 ms real; a 50 ms floor makes it 50 simulated s.
    const floored = new SimClock({ scale: 1_000, minIntervalRealMs: 50 });
    clocks.push(floored);
    const perHour = await growthPerSimHour(floored, 10);
    expect(perHour / (360 * 1024)).toBeLessThan(0.25);
  });

  it('drops deadlines far past instead of firing a burst (a clock jump)', async () => {
    const clock = new SimClock({ scale: 1_000, epochMs: Date.now() });
    clocks.push(clock);
    const leak = timerLeak(clock);
    // Jump 10,000 simulated s ahead (10 s real, past the 1 s catch-up): 1,000 periods, which must not all fire at once.
    clock.startAt(clock.epochMs - 10_000);
    await until('the first tick after the jump', () => leak.bytes() >= 1024);
    const after = clock.now();
    await until('two more ticks', () => leak.bytes() >= 3 * 1024, 10_000);
    const ticks = leak.bytes() / 1024;
    // At most one tick per elapsed period since the jump, plus the one that was due.
    expect(ticks).toBeLessThanOrEqual(Math.floor((clock.now() - after) / 10_000) + 2);
  });
});
