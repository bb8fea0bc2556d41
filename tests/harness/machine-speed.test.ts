import { describe, expect, it } from 'vitest';
import { measureMachineSpeed, REFERENCE_ROUND_MS, SAME_MACHINE_TOLERANCE, speedFactor } from '../../harness/run/machine-speed.js';

describe('machine speed', () => {
  it('scales capacity down on a slower machine, never up, and ignores a nonsense reading', () => {
    expect(speedFactor(REFERENCE_ROUND_MS)).toBe(1);
    expect(speedFactor(REFERENCE_ROUND_MS * 1.1)).toBe(1); // within the probe's own spread: the same machine
    expect(speedFactor(REFERENCE_ROUND_MS / 2)).toBe(1); // faster than the reference: capped
    expect(speedFactor(REFERENCE_ROUND_MS * SAME_MACHINE_TOLERANCE * 2)).toBeCloseTo(0.5, 9);
    expect(speedFactor(REFERENCE_ROUND_MS * 100)).toBe(0.1); // floor: a stalled probe does not plan a 10-hour run
    expect(speedFactor(0)).toBe(1);
    expect(speedFactor(Number.NaN)).toBe(1);
  });

  it('times real work on this machine', () => {
    const speed = measureMachineSpeed();
    expect(speed.roundMs).toBeGreaterThan(0);
    expect(speed.factor).toBe(speedFactor(speed.roundMs));
  });
});
