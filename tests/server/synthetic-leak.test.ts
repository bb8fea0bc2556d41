import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { SyntheticLeak } from '../../server/synthetic-leak.js';
import { readConfig } from '../../server/config.js';

const clocks: SimClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.clearAll()));

describe('SyntheticLeak (calibration)', () => {
  it('keeps the asked MiB per simulated hour in small steps, whatever the interval floor', async () => {
    // S = 3,600: a simulated hour is 1 real s. The 1 s interval floor would make an interval
    // fire once per simulated hour; the leak's one-shot timer is not floored and fires every
    // 60 simulated s (17 ms real), each fire keeping what is due since the last.
    const clock = new SimClock({ scale: 3_600, minIntervalRealMs: 1_000 });
    clocks.push(clock);
    const leak = new SyntheticLeak(clock, 4);
    const startSim = clock.now();
    const seen: number[] = [];
    const watch = setInterval(() => seen.push(leak.retainedBytes), 5);
    await new Promise((r) => setTimeout(r, 600));
    clearInterval(watch);
    leak.stop();
    const hours = (clock.now() - startSim) / 3_600_000;
    const expected = 4 * 1024 * 1024 * hours;
    // What came due since the last fire is still pending at the stop: 17 ms real, more when a
    // busy machine runs the timer late; 1 MiB is 250 ms late (the run asks for ~2.4 MiB).
    expect(leak.retainedBytes).toBeGreaterThan(expected - 1024 * 1024);
    expect(leak.retainedBytes).toBeLessThanOrEqual(expected + 1024);
    // Smooth, not a staircase: no single step reaches half the 4 MiB one fire per floored
    // interval (1 simulated hour) would keep (2 MiB is a timer 500 ms late).
    const steps = seen.slice(1).map((v, i) => v - (seen[i] as number));
    expect(Math.max(...steps)).toBeLessThan(2 * 1024 * 1024);
    const held = leak.retainedBytes;
    await new Promise((r) => setTimeout(r, 50));
    expect(leak.retainedBytes).toBe(held); // stopped: keeps what it has, adds nothing
    expect(clock.live()).toEqual({ timeouts: 0, intervals: 0 });
  });

  it('is off unless asked for, and the server refuses a bad rate', () => {
    expect(readConfig({}, []).syntheticLeakMiBPerHour).toBe(0);
    expect(readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '1.5' }, []).syntheticLeakMiBPerHour).toBe(1.5);
    expect(() => readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '-1' }, [])).toThrow(/non-negative number of MiB/);
    expect(() => new SyntheticLeak(new SimClock(), 0)).toThrow(RangeError);
  });
});
