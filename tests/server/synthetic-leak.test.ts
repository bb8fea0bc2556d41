import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { SyntheticLeak } from '../../server/synthetic-leak.js';
import { readConfig } from '../../server/config.js';

const clocks: SimClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.clearAll()));

describe('SyntheticLeak (calibration)', () => {
  it('keeps the asked MiB per simulated hour, whatever the interval floor', async () => {
    // S = 36,000: a simulated hour is 100 real ms; the 60 s interval would fire every 1.7 ms but
    // the 20 ms floor makes it 12 simulated minutes, and each fire keeps what is due since the last.
    const clock = new SimClock({ scale: 36_000, minIntervalRealMs: 20 });
    clocks.push(clock);
    const leak = new SyntheticLeak(clock, 4);
    const startSim = clock.now();
    await new Promise((r) => setTimeout(r, 250));
    leak.stop();
    const hours = (clock.now() - startSim) / 3_600_000;
    const expected = 4 * 1024 * 1024 * hours;
    // Up to one fire's amount (20 ms = 0.2 simulated h = 0.8 MiB) is still due at the stop.
    expect(leak.retainedBytes).toBeGreaterThan(expected - 0.9 * 1024 * 1024);
    expect(leak.retainedBytes).toBeLessThanOrEqual(expected + 1024);
    const held = leak.retainedBytes;
    await new Promise((r) => setTimeout(r, 50));
    expect(leak.retainedBytes).toBe(held); // stopped: keeps what it has, adds nothing
    expect(clock.live().intervals).toBe(0);
  });

  it('is off unless asked for, and the server refuses a bad rate', () => {
    expect(readConfig({}, []).syntheticLeakMiBPerHour).toBe(0);
    expect(readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '1.5' }, []).syntheticLeakMiBPerHour).toBe(1.5);
    expect(() => readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '-1' }, [])).toThrow(/non-negative number of MiB/);
    expect(() => new SyntheticLeak(new SimClock(), 0)).toThrow(RangeError);
  });
});
