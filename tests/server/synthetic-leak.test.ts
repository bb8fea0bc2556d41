import { afterEach, describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { MIN_ARRAY_BYTES, createSyntheticLeak } from '../../server/synthetic-leak.js';
import { readConfig } from '../../server/config.js';

const MiB = 1024 * 1024;

const clocks: SimClock[] = [];
afterEach(() => clocks.splice(0).forEach((c) => c.clearAll()));

describe('SyntheticLeak (calibration)', () => {
  it('keeps the asked MiB per simulated hour in small steps, whatever the interval floor', async () => {
    // S = 3,600: a simulated hour is 1 real s. The 1 s interval floor would make an interval
    // fire once per simulated hour; the leak's one-shot timer is not floored and fires every
    // 60 simulated s (17 ms real), each fire keeping what is due since the last.
    const clock = new SimClock({ scale: 3_600, minIntervalRealMs: 1_000 });
    clocks.push(clock);
    const leak = createSyntheticLeak({ shape: 'time', bytesPerSimHour: 4 * MiB }, clock);
    expect(leak.start()).toBe(true);
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

  it('retains nothing before start() nor after stop()', async () => {
    const clock = new SimClock({ scale: 3_600 });
    clocks.push(clock);
    const leak = createSyntheticLeak({ shape: 'time', bytesPerSimHour: 64 * MiB }, clock);
    await new Promise((r) => setTimeout(r, 100));
    expect(leak.retainedBytes).toBe(0);
    expect(clock.live().timeouts).toBe(0);
    leak.start();
    leak.stop();
    expect(leak.start()).toBe(false); // once stopped, for good
    await new Promise((r) => setTimeout(r, 100));
    expect(leak.retainedBytes).toBe(0);
    expect(clock.live()).toEqual({ timeouts: 0, intervals: 0 });
  });

  it('is off unless asked for, and the server refuses a bad spec (exit 2: ConfigError)', () => {
    expect(readConfig({}, []).syntheticLeak).toBeNull();
    expect(readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '1.5' }, []).syntheticLeak).toEqual({ shape: 'time', bytesPerSimHour: 1.5 * MiB });
    expect(readConfig({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '0' }, []).syntheticLeak).toBeNull();
    expect(readConfig({ SOAK_SYNTHETIC_LEAK: 'action:im.send:64KiB' }, []).syntheticLeak).toEqual({ shape: 'action', action: 'im.send', bytesPerEvent: 65_536 });
    // The harness blanks the old variable; a 0 left in someone's env does not clash either.
    expect(readConfig({ SOAK_SYNTHETIC_LEAK: 'tick:4KiB', SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '0' }, []).syntheticLeak).toMatchObject({ shape: 'tick' });
    const bad = (env: Record<string, string>, message: RegExp) => {
      expect(() => readConfig(env, [])).toThrow(expect.objectContaining({ code: 'ERR_SERVER_CONFIG', message: expect.stringMatching(message) }));
    };
    bad({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '-1' }, /non-negative number of MiB/);
    bad({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '5000' }, /SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: .*more than 1024MiB/);
    bad({ SOAK_SYNTHETIC_LEAK: 'action:fly:1KiB' }, /SOAK_SYNTHETIC_LEAK: unknown action 'fly'/);
    bad({ SOAK_SYNTHETIC_LEAK: 'connect:1KiB', SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '2' }, /not both/);
  });
});

describe('SyntheticLeak, event shapes', () => {
  it('retains bytesPerEvent for each event it is set on, and nothing for others', () => {
    const leak = createSyntheticLeak({ shape: 'action', action: 'im.open', bytesPerEvent: 8 * 1024 }, new SimClock());
    leak.onEvent('im:history'); // before start(): not counted
    leak.start();
    for (let i = 0; i < 3; i++) leak.onEvent('im:history');
    for (let i = 0; i < 2; i++) leak.onEvent('http:im_history');
    leak.onEvent('im:send');
    leak.onEvent('connection');
    expect(leak.events).toBe(5);
    expect(leak.retainedBytes).toBe(5 * 8 * 1024);
    leak.stop();
    leak.onEvent('im:history');
    expect(leak.events).toBe(5);
  });

  it('retains small sizes in arrays of at least MIN_ARRAY_BYTES, lagging by less than that', () => {
    const leak = createSyntheticLeak({ shape: 'tick', timer: 'presence-ping', bytesPerEvent: 100 }, new SimClock());
    leak.start();
    const n = 1_000;
    for (let i = 0; i < n; i++) leak.onEvent('presence:ping');
    expect(leak.events).toBe(n);
    expect(leak.retainedBytes).toBeLessThanOrEqual(n * 100);
    expect(leak.retainedBytes).toBeGreaterThan(n * 100 - MIN_ARRAY_BYTES);
  });

  it('keeps sizes that are not a multiple of 8 exact over many events (the remainder is carried)', () => {
    const leak = createSyntheticLeak({ shape: 'connect', bytesPerEvent: 4_100 }, new SimClock());
    leak.start();
    for (let i = 0; i < 64; i++) leak.onEvent('connection');
    // 64 × 4100 = 262,400, a multiple of 8: nothing owed.
    expect(leak.retainedBytes).toBe(64 * 4_100);
  });
});
