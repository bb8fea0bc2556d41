import { afterEach, describe, expect, it } from 'vitest';
import { SimClock, clockEnv, clockFromEnv } from '../../common/sim-clock.js';

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
    // 50 real ms at S = 1000 is 50 simulated s; allow timer slop of +/- 40 real ms.
    expect(clock.now()).toBeGreaterThanOrEqual(49_000);
    expect(clock.now()).toBeLessThan(90_000);
  });

  it('fires a simulated interval at the scaled real period and counts it live until cleared', async () => {
    const clock = make(600);
    let ticks = 0;
    const h = clock.setInterval(() => ticks++, 6_000); // 6 simulated s = 10 real ms
    expect(clock.live().intervals).toBe(1);
    await clock.sleep(60_000); // 100 real ms: about 10 ticks
    clock.clearInterval(h);
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(ticks).toBeLessThanOrEqual(11);
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
    const h = clock.setInterval(() => ticks++, 10_000);
    await new Promise((r) => setTimeout(r, 275));
    clock.clearInterval(h);
    // 275 real ms / 50 ms = 5 fires (unfloored it would be ~27); allow timer slop.
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(ticks).toBeLessThanOrEqual(6);
  });

  it('hands its spec, floor included, to child processes through env', () => {
    const parent = new SimClock({ scale: 300, epochMs: 5_000, minIntervalRealMs: 1_200 });
    const child = clockFromEnv(clockEnv(parent.spec()));
    expect(child.spec()).toEqual({ scale: 300, epochMs: 5_000, minIntervalRealMs: 1_200 });
    expect(() => clockFromEnv({ SOAK_INTERVAL_FLOOR_MS: '-1' })).toThrow(RangeError);
  });
});
