import { describe, expect, it } from 'vitest';
import { planCheckpoints, scheduleWithHolds, withCheckpoints } from '../../harness/run/checkpoints.js';
import { chooseTimeScale } from '../../harness/run/time-scale.js';
import { SimClock, realMsBetween } from '../../common/sim-clock.js';

const HOUR = 3_600_000;

describe('planCheckpoints', () => {
  it('puts one every cadence and at each phase end inside the soak, none at 0 or at its end', () => {
    const cps = planCheckpoints({ hours: 5, everyHours: 1, phaseEndsHours: [4, 4.5, 5, 6], holdRealMs: 2000 });
    expect(cps.map((c) => [c.simMs / HOUR, c.reason])).toEqual([
      [1, 'cadence'],
      [2, 'cadence'],
      [3, 'cadence'],
      [4, 'cadence+phase-end'],
      [4.5, 'phase-end'],
    ]);
    expect(cps.every((c) => c.holdSimMs === 2000)).toBe(true);
    expect(planCheckpoints({ hours: 25, everyHours: 1, phaseEndsHours: [], holdRealMs: 2000 })).toHaveLength(24);
    expect(planCheckpoints({ hours: 5, everyHours: 0, phaseEndsHours: [4], holdRealMs: 2000 }).map((c) => c.simMs)).toEqual([4 * HOUR]);
  });

  it('refuses a hold that is not positive', () => {
    expect(() => planCheckpoints({ hours: 5, everyHours: 1, phaseEndsHours: [], holdRealMs: 0 })).toThrow(RangeError);
  });
});

describe('holds in the schedule', () => {
  const schedule = [
    { fromSimMs: 0, scale: 150 },
    { fromSimMs: 4 * HOUR, scale: 600 },
  ];

  it('runs each hold at S = 1 flagged, then the plan scale of that instant (a step inside a hold moves to its end)', () => {
    const cps = planCheckpoints({ hours: 6, everyHours: 2, phaseEndsHours: [4], holdRealMs: 2000 });
    const out = scheduleWithHolds(schedule, cps);
    expect(out).toEqual([
      { fromSimMs: 0, scale: 150 },
      { fromSimMs: 2 * HOUR, scale: 1, hold: true },
      { fromSimMs: 2 * HOUR + 2000, scale: 150 },
      { fromSimMs: 4 * HOUR, scale: 1, hold: true },
      { fromSimMs: 4 * HOUR + 2000, scale: 600 },
    ]);
    const clock = new SimClock({ schedule: out, epochMs: 0 });
    expect(clock.isHeld(2 * HOUR - 1)).toBe(false);
    expect(clock.isHeld(2 * HOUR)).toBe(true);
    expect(clock.isHeld(2 * HOUR + 1999)).toBe(true);
    expect(clock.isHeld(2 * HOUR + 2000)).toBe(false);
    expect(clock.scaleAt(4 * HOUR + 2000)).toBe(600);
    // The clock spec a load worker gets carries the flags.
    expect(clock.spec().schedule?.filter((s) => s.hold)).toHaveLength(2);
  });

  it('adds each hold real time less what its simulated span took before, and reports both', () => {
    const plan = chooseTimeScale({ segments: [{ name: 'day', fromSimMs: 0, toSimMs: 6 * HOUR, actionsPerSimHour: 100_000 }], maxWallMinutes: 60, capacityEventsPerSecond: 700 });
    const cps = planCheckpoints({ hours: 6, everyHours: 1, phaseEndsHours: [], holdRealMs: 2000 });
    const withHolds = withCheckpoints(plan, cps, 60);
    const s = plan.schedule[0]!.scale;
    expect(withHolds.holdRealSeconds).toBe(10);
    expect(withHolds.addedWallSeconds).toBeCloseTo(5 * (2 - 2 / s), 6);
    expect(withHolds.estimatedWallSeconds - plan.estimatedWallSeconds).toBeCloseTo(withHolds.addedWallSeconds, 6);
    // The simulated length is unchanged: only real time was added.
    const spec = { scale: withHolds.schedule[0]!.scale, schedule: withHolds.schedule };
    expect(realMsBetween(spec, 0, 6 * HOUR) - realMsBetween({ scale: s }, 0, 6 * HOUR)).toBeCloseTo(withHolds.addedWallSeconds * 1000, 3);
  });
});
