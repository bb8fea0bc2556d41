/** validate's pure parts: the synthetic cases' sizes and how each row is judged (no soak runs here). */
import { describe, expect, it } from 'vitest';
import { formatSyntheticLeak, syntheticLeakEvents } from '../../common/synthetic-leak-spec.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { isCorrect, isSyntheticCorrect, plannedPerHour, renderMatrix, syntheticCases } from '../../harness/validate.js';
import { ActionPlan } from '../../scenarios/plan.js';
import { officeDay } from '../../scenarios/office-day.js';

const MiB = 1024 * 1024;

describe('validate: synthetic cases', () => {
  it("counts the run's own seeded plan over the trend window, not the phases' mean rates", () => {
    const one = { scenario: officeDay, seed: 1, users: 6 };
    // Counted independently: every user's plan, action by action.
    const count = (seed: number, types: readonly string[]) => {
      let n = 0;
      for (let u = 0; u < 6; u++) {
        const plan = new ActionPlan(officeDay, seed, u);
        for (let a = plan.next(); a && a.atMs < 5 * 3_600_000; a = plan.next()) if (a.atMs >= 1.5 * 3_600_000 && types.includes(a.type)) n++;
      }
      return n;
    };
    const connects = ['reload', 'network.drop', 'logoff-on'] as const;
    expect(plannedPerHour(one, connects, 1.5, 5)).toBeCloseTo(count(1, connects) / 3.5, 10);
    expect(plannedPerHour(one, ['im.send'], 1.5, 5)).toBeCloseTo(count(1, ['im.send']) / 3.5, 10);
    // Seeds differ: seed 1 plans far fewer new connections than the mean rates would
    // (6 × (2.5 × 0.9 + 3.5) = 34.5 in the window), which is why the plan sizes the leak.
    expect(count(1, connects)).toBeLessThan(25);
    expect(plannedPerHour({ ...one, seed: 2 }, connects, 1.5, 5)).not.toBeCloseTo(plannedPerHour(one, connects, 1.5, 5), 3);
    // Past 19:00 the night has no actions.
    expect(plannedPerHour(one, ['im.send'], 12, 14)).toBe(0);
  });

  it("sizes the four shapes to plant twice the heap budget over validate's default run", () => {
    const budget = DEFAULT_BUDGETS.heapSlopeBytesPerHour;
    const cases = syntheticCases({ scenario: officeDay, seed: 1, users: 6, hours: 5, warmupHours: 1.5, budgetBytesPerHour: budget });
    // The values documented on syntheticCases.
    expect(cases.map((c) => formatSyntheticLeak(c.spec))).toEqual(['2MiB/h', 'action:im.send:16758B', 'connect:386317B', 'tick:presence-ping:971B']);
    for (const c of cases) {
      if (c.spec.shape === 'time') {
        expect(c.spec.bytesPerSimHour).toBe(2 * budget);
        continue;
      }
      expect(syntheticLeakEvents(c.spec).length).toBeGreaterThan(0);
      const planted = (c.eventsPerHour as number) * c.spec.bytesPerEvent;
      expect(planted / budget).toBeCloseTo(2, 3);
    }
    // More users: smaller sizes, the same planted rate; a window without actions drops those shapes.
    const many = syntheticCases({ scenario: officeDay, seed: 1, users: 100, hours: 5, warmupHours: 1.5, budgetBytesPerHour: MiB });
    expect(many.find((c) => c.spec.shape === 'tick')?.spec).toMatchObject({ bytesPerEvent: 58 });
    const night = syntheticCases({ scenario: officeDay, seed: 1, users: 6, hours: 14, warmupHours: 12, budgetBytesPerHour: MiB });
    expect(night.map((c) => c.spec.shape)).toEqual(['time', 'tick']);
  });
});

describe('validate: judging rows', () => {
  it('wants a synthetic run to fail on the heap rule and name no catalogue leak', () => {
    expect(isSyntheticCorrect('fail', [], ['heap-slope'])).toBe(true);
    expect(isSyntheticCorrect('fail', [], ['heap-slope', 'http-latency-drift'])).toBe(true);
    expect(isSyntheticCorrect('pass', [], [])).toBe(false);
    expect(isSyntheticCorrect('inconclusive', [], [])).toBe(false);
    expect(isSyntheticCorrect('fail', [], ['server-timers'])).toBe(false);
    expect(isSyntheticCorrect('fail', ['presence-maps'], ['heap-slope', 'presence-maps'])).toBe(false);
    expect(isCorrect('none', 'pass', [])).toBe(true);
    expect(isCorrect('intervals', 'fail', ['intervals'])).toBe(true);
  });

  it('prints the rules failed beside the leaks named', () => {
    const text = renderMatrix([
      { expected: 'none', status: 'pass', named: [], failed: [], correct: true, runDir: 'a', exitCode: 0 },
      { expected: 'synthetic connect:212755B', status: 'fail', named: [], failed: ['heap-slope'], correct: true, runDir: 'b', exitCode: 1 },
    ]);
    expect(text).toMatch(/expected\s+verdict\s+leaks named\s+rules failed\s+right\?/);
    expect(text).toMatch(/synthetic connect:212755B\s+fail\s+—\s+heap-slope\s+yes/);
    expect(text).toContain('2/2 right');
  });
});
