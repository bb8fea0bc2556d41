/** validate's pure parts: the synthetic cases' sizes and how each row is judged (no soak runs here). */
import { describe, expect, it } from 'vitest';
import { formatSyntheticLeak, syntheticLeakEvents } from '../../common/synthetic-leak-spec.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { isCorrect, isSyntheticCorrect, meanRatePerUserHour, renderMatrix, syntheticCases } from '../../harness/validate.js';
import { officeDay } from '../../scenarios/office-day.js';

const MiB = 1024 * 1024;

describe('validate: synthetic cases', () => {
  it('averages a scenario rate over the trend window, phase by phase', () => {
    // office-day starts at 08:00: 09:30–13:00 is 2.5 h of morning (30 im.send/h) and 1 h of lunch (6/h).
    expect(meanRatePerUserHour(officeDay, ['im.send'], 1.5, 5)).toBeCloseTo((2.5 * 30 + 6) / 3.5, 10);
    expect(meanRatePerUserHour(officeDay, ['reload', 'network.drop', 'logoff-on'], 1.5, 5)).toBeCloseTo((2.5 * 0.9 + 3.5) / 3.5, 10);
    // Past 19:00 the night has no actions.
    expect(meanRatePerUserHour(officeDay, ['im.send'], 12, 14)).toBe(0);
  });

  it("sizes the four shapes to plant twice the heap budget over validate's default run", () => {
    const budget = DEFAULT_BUDGETS.heapSlopeBytesPerHour;
    const cases = syntheticCases({ scenario: officeDay, users: 6, hours: 5, warmupHours: 1.5, budgetBytesPerHour: budget });
    // The values documented on syntheticCases.
    expect(cases.map((c) => formatSyntheticLeak(c.spec))).toEqual(['2MiB/h', 'action:im.send:15103B', 'connect:212755B', 'tick:presence-ping:971B']);
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
    const many = syntheticCases({ scenario: officeDay, users: 100, hours: 5, warmupHours: 1.5, budgetBytesPerHour: MiB });
    expect(many.find((c) => c.spec.shape === 'tick')?.spec).toMatchObject({ bytesPerEvent: 58 });
    const night = syntheticCases({ scenario: officeDay, users: 6, hours: 14, warmupHours: 12, budgetBytesPerHour: MiB });
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
