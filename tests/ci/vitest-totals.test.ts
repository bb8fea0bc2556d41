/** CI's closing line: totals over both vitest runs, skips listed by name, a missing run a failure. */
import { describe, expect, it } from 'vitest';
import { runTotals, summaryLines, type VitestJson } from '../../scripts/vitest-totals.js';

const file = (name: string, statuses: string[], extra: Partial<VitestJson['testResults'][number]> = {}) => ({
  name,
  status: statuses.includes('failed') ? 'failed' : 'passed',
  message: '',
  endTime: 9_000,
  assertionResults: statuses.map((status, i) => ({ fullName: `${name} t${i}${status === 'skipped' ? ' (skipped: no chromium)' : ''}`, status })),
  ...extra,
});

const unit: VitestJson = {
  numPassedTests: 3,
  numFailedTests: 1,
  numPendingTests: 1,
  numTodoTests: 0,
  startTime: 1_000,
  testResults: [file('a.test.ts', ['passed', 'passed', 'failed']), file('b.test.ts', ['passed', 'skipped']), file('c.test.ts', [], { status: 'failed', message: 'Cannot find module x' })],
};

describe('CI summary', () => {
  it('adds a file that failed outside its tests to the failures and lists each skip by name', () => {
    const t = runTotals('unit', unit);
    expect(t).toMatchObject({ passed: 3, failed: 2, skipped: 1, seconds: 8 });
    expect(t.skippedTests).toEqual(['b.test.ts t1 (skipped: no chromium)']);
    expect(t.brokenFiles).toEqual(['c.test.ts: Cannot find module x']);
  });

  it('counts a run that left no report as a failure', () => {
    expect(runTotals('e2e', null)).toMatchObject({ passed: 0, failed: 1, skipped: 0, seconds: null });
  });

  it('ends with the totals of both runs alone on the last line', () => {
    const e2e: VitestJson = { ...unit, numPassedTests: 10, numFailedTests: 0, numPendingTests: 2, testResults: [] };
    const lines = summaryLines([runTotals('unit', unit), runTotals('e2e', e2e)]);
    expect(lines.at(-1)).toBe('13 passed, 2 failed, 3 skipped');
    expect(lines).toContain('  skipped: b.test.ts t1 (skipped: no chromium)');
    expect(lines[0]).toBe('unit: 3 passed, 2 failed, 1 skipped (8 s)');
  });
});
