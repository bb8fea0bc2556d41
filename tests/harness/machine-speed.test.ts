import { describe, expect, it } from 'vitest';
import { measureMachineSpeed, speedFactor } from '../../harness/run/machine-speed.js';

// The rule as documented (README "The capacity follows the machine"; machine-speed.ts): the
// reference machine ran a probe round in 22.4 ms; a machine more than 15% slower (a round over
// 22.4 × 1.15 = 25.76 ms) plans proportionally fewer actions, 25.76 / roundMs, never more than
// the reference (1) and never less than 0.1. Values below are worked out by hand from that.
const SLOWEST_SAME_MACHINE_MS = 25.76;

describe('machine speed', () => {
  it('scales capacity down on a slower machine, never up, and ignores a nonsense reading', () => {
    expect(speedFactor(22.4)).toBe(1); // the reference itself
    expect(speedFactor(24.64)).toBe(1); // 10% slower: within the probe's own spread, the same machine
    expect(speedFactor(SLOWEST_SAME_MACHINE_MS)).toBeCloseTo(1, 9);
    expect(speedFactor(11.2)).toBe(1); // twice as fast: capped
    expect(speedFactor(51.52)).toBeCloseTo(0.5, 9); // 25.76 / 51.52
    expect(speedFactor(32.2)).toBeCloseTo(0.8, 9); // 25.76 / 32.2
    expect(speedFactor(200)).toBeCloseTo(0.1288, 9); // 25.76 / 200
    expect(speedFactor(2240)).toBe(0.1); // floor: a stalled probe does not plan a 10-hour run
    expect(speedFactor(0)).toBe(1);
    expect(speedFactor(-5)).toBe(1);
    expect(speedFactor(Number.NaN)).toBe(1);
  });

  it('times real work on this machine and applies the rule to it', () => {
    const speed = measureMachineSpeed();
    expect(speed.roundMs).toBeGreaterThan(0);
    const expected = speed.roundMs <= SLOWEST_SAME_MACHINE_MS ? 1 : Math.max(0.1, SLOWEST_SAME_MACHINE_MS / speed.roundMs);
    expect(speed.factor).toBeCloseTo(expected, 9);
  });
});
