import { afterEach, describe, expect, it } from 'vitest';
import { SimClock, clockEnv, clockFromEnv, realMsBetween } from '../../common/sim-clock.js';
import { until } from '../helpers/until.js';

const clocks: SimClock[] = [];
const make = (scale: number) => {
  const c = new SimClock({ scale });
  clocks.push(c);
  return c;
};
afterEach(() => clocks.splice(0).forEach((c) => c.clearAll()));

describe('SimClock', () => {
  it('runs simulated time at the given scale', async () => {
    const clock = make(1000);
    await new Promise((r) => setTimeout(r, 50));
    // Simulated = 1000 × real ms since the epoch, whatever the timer's lateness: bracket the read.
    const before = Date.now();
    const now = clock.now();
    const after = Date.now();
    expect(now).toBeGreaterThanOrEqual((before - clock.epochMs) * 1000);
    expect(now).toBeLessThanOrEqual((after - clock.epochMs) * 1000);
    expect(now).toBeGreaterThanOrEqual(49_000);
  });

  it('fires a simulated interval at the scaled real period and counts it live until cleared', async () => {
    const clock = make(600);
    let ticks = 0;
    const started = Date.now();
    const h = clock.setInterval(() => ticks++, 6_000); // 6 simulated s = 10 real ms
    expect(clock.live().intervals).toBe(1);
    // Five ticks (a bounded wait), never sooner than five periods: 50 real ms (1 ms per tick
    // for Date.now's resolution). A late timer only makes it slower, which is not asserted.
    await until('five ticks', () => ticks >= 5);
    const elapsed = Date.now() - started;
    clock.clearInterval(h);
    expect(elapsed).toBeGreaterThanOrEqual(5 * 10 - 5);
    expect(clock.live()).toEqual({ timeouts: 0, intervals: 0 });
  });

  it('rejects a non-positive scale and reads env', () => {
    expect(() => new SimClock({ scale: 0 })).toThrow(RangeError);
    const c = clockFromEnv({ SOAK_TIME_SCALE: '250', SOAK_SIM_EPOCH: '1000' });
    expect(c.scale).toBe(250);
    expect(c.epochMs).toBe(1000);
  });

  it('floors interval periods in real time but never one-shot timers', async () => {
    const clock = new SimClock({ scale: 1000, minIntervalRealMs: 50 });
    clocks.push(clock);
    // 10 simulated s at S = 1000 would be 10 real ms; the floor makes it 50 real ms = 50 simulated s.
    expect(clock.intervalRealMs(10_000)).toBe(50);
    expect(clock.intervalSimMs(10_000)).toBe(50_000);
    expect(clock.intervalRealMs(900_000)).toBe(900); // slower than the floor: untouched
    expect(clock.toReal(10_000)).toBe(10); // timeouts keep the scale
    let ticks = 0;
    const started = Date.now();
    const h = clock.setInterval(() => ticks++, 10_000);
    await until('three ticks', () => ticks >= 3);
    const elapsed = Date.now() - started;
    clock.clearInterval(h);
    // Floored: three ticks take at least 3 × 50 real ms (unfloored, 30 ms); 1 ms each for Date.now.
    expect(elapsed).toBeGreaterThanOrEqual(3 * 50 - 3);
  });

  it('follows a schedule: simulated time is piecewise linear in real time, and timers span steps', async () => {
    // 0–2 simulated s at S = 100 (20 real ms), then S = 1000.
    const epochMs = Date.now();
    const clock = new SimClock({ epochMs, schedule: [{ fromSimMs: 0, scale: 100 }, { fromSimMs: 2_000, scale: 1_000 }] });
    clocks.push(clock);
    expect(clock.scale).toBe(100);
    expect(clock.scaleAt(1_999)).toBe(100);
    expect(clock.scaleAt(2_000)).toBe(1_000);
    // From simulated 0: 2 s take 20 real ms, the next 10 s take 10 real ms.
    expect(realMsBetween(clock.spec(), 0, 12_000)).toBeCloseTo(30, 9);
    // realUntil reads Date.now() itself: bracket it, since the millisecond may tick in between.
    const before = Date.now();
    const until = clock.realUntil(12_000);
    const after = Date.now();
    expect(until).toBeLessThanOrEqual(30 - (before - epochMs));
    expect(until).toBeGreaterThanOrEqual(30 - (after - epochMs));
    const started = Date.now();
    await clock.sleep(12_000);
    const took = Date.now() - started;
    // Not before simulated 12 s: 30 real ms after the epoch (1 ms for Date.now's resolution).
    // No upper bound: how late a timer fires on a shared machine is not the clock's to answer.
    expect(started + took).toBeGreaterThanOrEqual(epochMs + 30 - 1);
    expect(clock.now()).toBeGreaterThanOrEqual(12_000);
    // The map is the same in both directions.
    expect(clock.toSim(clock.toReal(5_000))).toBeCloseTo(5_000, 6);
  });

  it('never ends a sleep before its simulated deadline (a native timeout may fire a ms early)', async () => {
    // The loop's clock and Date.now() are both whole ms and tick at different phases, so a native
    // 3 ms timeout can end when Date.now() has advanced only 2 ms: at S = 1000, a simulated second
    // early. Measured before the fix: 7 of 300 such sleeps ended early, by 1,000 simulated ms;
    // with p ≈ 0.02 per sleep, 300 sleeps without one early end would happen by chance ~0.2% of the time.
    const clock = make(1000);
    let early = 0;
    for (let i = 0; i < 300; i++) {
      // A random sub-ms phase against both clocks' ms ticks.
      const spin = Math.random() * 2;
      const t0 = performance.now();
      while (performance.now() - t0 < spin) {
        // busy
      }
      const due = clock.now() + 3_000;
      await clock.sleep(3_000);
      if (clock.now() < due) early++;
    }
    expect(early).toBe(0);
    expect(clock.live().timeouts).toBe(0);
  });

  it('waits out a timeout longer than a native timer can (2^31 − 1 ms) instead of firing it at once', async () => {
    // S = 0.5: a simulated 1.5e9 ms is 3e9 real ms, beyond the native limit; Node alone would run it after 1 ms.
    // Node warns (TimeoutOverflowWarning) each time it cuts a delay to 1 ms: none may be raised.
    const overflows: string[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'TimeoutOverflowWarning') overflows.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const clock = new SimClock({ scale: 0.5 });
      clocks.push(clock);
      let fired = false;
      clock.setTimeout(() => (fired = true), 1.5e9);
      await new Promise((r) => setTimeout(r, 30));
      expect(fired).toBe(false);
      expect(clock.live().timeouts).toBe(1);
      expect(overflows).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('re-arms an interval at the scale of the moment, and it is one timer while it lives', async () => {
    // S = 100 for the first simulated second (10 real ms), then S = 10,000: a 1 s interval fires
    // after ~10 real ms, then every 0.1 real ms (floored at 1 ms by the runtime's minimum).
    const clock = new SimClock({ epochMs: Date.now(), schedule: [{ fromSimMs: 0, scale: 100 }, { fromSimMs: 1_000, scale: 10_000 }] });
    clocks.push(clock);
    let ticks = 0;
    const h = clock.setInterval(() => ticks++, 1_000);
    expect(clock.live().intervals).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    clock.clearInterval(h);
    // At the first step's scale it would have fired ~10 times in 100 ms; at the second, far more.
    expect(ticks).toBeGreaterThan(20);
    const after = ticks;
    await new Promise((r) => setTimeout(r, 20));
    expect(ticks).toBe(after);
    expect(clock.live()).toEqual({ timeouts: 0, intervals: 0 });
  });

  it('rejects a schedule that does not start at 0 or goes backwards', () => {
    expect(() => new SimClock({ schedule: [{ fromSimMs: 5, scale: 10 }] })).toThrow(/starts at simulated 0/);
    expect(() => new SimClock({ schedule: [{ fromSimMs: 0, scale: 10 }, { fromSimMs: 0, scale: 20 }] })).toThrow(/increasing/);
    expect(() => new SimClock({ schedule: [{ fromSimMs: 0, scale: 10 }, { fromSimMs: 9, scale: -1 }] })).toThrow(/positive/);
    expect(() => clockFromEnv({ SOAK_TIME_SCHEDULE: '0:10,abc' })).toThrow(/simMs:scale/);
  });

  it('hands its spec, floor included, to child processes through env', () => {
    const parent = new SimClock({ scale: 300, epochMs: 5_000, minIntervalRealMs: 1_200 });
    const child = clockFromEnv(clockEnv(parent.spec()));
    expect(child.spec()).toEqual({ scale: 300, epochMs: 5_000, minIntervalRealMs: 1_200 });
    expect(() => clockFromEnv({ SOAK_INTERVAL_FLOOR_MS: '-1' })).toThrow(RangeError);
    const scheduled = new SimClock({ epochMs: 5_000, schedule: [{ fromSimMs: 0, scale: 150 }, { fromSimMs: 3_600_000, scale: 600 }] });
    expect(clockFromEnv(clockEnv(scheduled.spec())).spec()).toEqual(scheduled.spec());
  });

  it('moves its epoch only forward in simulated time, and live timers keep their real deadlines', async () => {
    const epochMs = Date.now() + 3_600_000; // provisional, an hour ahead: simulated time is negative
    const clock = new SimClock({ scale: 1_000, epochMs });
    clocks.push(clock);
    expect(clock.now()).toBeLessThan(-3_000_000_000);
    let fired = 0;
    clock.setTimeout(() => fired++, 50_000); // 50 real ms
    const runEpoch = Date.now() + 100;
    const jumped = clock.startAt(runEpoch);
    expect(clock.epochMs).toBe(runEpoch);
    // From about −3.6e9 to about −100,000 simulated ms.
    expect(jumped).toBeGreaterThan(3_590_000_000);
    expect(clock.now()).toBeGreaterThan(-110_000);
    expect(clock.now()).toBeLessThan(0);
    expect(clock.spec().epochMs).toBe(runEpoch);
    expect(() => clock.startAt(runEpoch + 1)).toThrow(/back/);
    expect(() => clock.startAt(Number.NaN)).toThrow(RangeError);
    await until('the timeout to fire', () => fired > 0);
    expect(fired).toBe(1);
  });
});

