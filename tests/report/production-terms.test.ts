/**
 * The heap rule in production terms. Every expected figure is worked out by hand in the comment
 * beside it (headroom / (slope × 24 h)), not taken from the implementation.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../harness/analysis/report-types.js';
import { daysToExhaust, exhaustion, formatDays, formatHeadroom, productionTermsSentence } from '../../harness/report/production-terms.js';
import { fixedReport } from './fixtures.js';

const KiB = 1024;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('exhaustion', () => {
  it('1 GiB at 1 MiB/h [0.5, 2] with 100 users: 42.7 days [21.3, 85.3]', () => {
    const x = exhaustion({ slope: MiB, lo: MiB / 2, hi: 2 * MiB }, 100, GiB);
    // 1 MiB/h × 24 = 24 MiB a day; 1024 / 24 = 42.666… days.
    expect(x.bytesPerDay).toBe(24 * MiB);
    expect(x.days).toBeCloseTo(42.6667, 3);
    // The upper bound gives the shortest time: 1024 / 48 = 21.333…; the lower the longest: 1024 / 12 = 85.333….
    expect(x.shortestDays).toBeCloseTo(21.3333, 3);
    expect(x.longestDays).toBeCloseTo(85.3333, 3);
    // 24 MiB a day over 100 users = 251,658.24 bytes per user a day.
    expect(x.bytesPerUserDay).toBeCloseTo(251_658.24, 2);
  });

  it("the seed's leak, ~300 MB/h, empties 1 GiB in about 3.6 hours", () => {
    // 1,073,741,824 / 300,000,000 = 3.579 h = 0.14912 days.
    expect(daysToExhaust(GiB, 300e6)).toBeCloseTo(0.14912, 4);
    expect(formatDays(daysToExhaust(GiB, 300e6))).toBe('3.6 hours');
  });

  it('a lower bound at or below 0 never runs out at that bound; a shrinking heap never at all', () => {
    // 10 KiB/h × 24 = 240 KiB a day: 1 GiB = 1,048,576 KiB lasts 4,369 days (> 10 years); hi 20 KiB/h: 2,184.5 days = 5.98 years.
    const x = exhaustion({ slope: 10 * KiB, lo: -5 * KiB, hi: 20 * KiB }, 6, GiB);
    expect(x.days).toBeCloseTo(4369.07, 1);
    expect(x.shortestDays).toBeCloseTo(2184.53, 1);
    expect(x.longestDays).toBe(Infinity);
    expect(exhaustion({ slope: -KiB, lo: -2 * KiB, hi: 0 }, 6, GiB)).toMatchObject({ days: Infinity, shortestDays: Infinity, longestDays: Infinity });
  });
});

describe('formatDays', () => {
  it('says minutes, hours, days and years as a person would, "> 10 years" and "never"', () => {
    expect(formatDays(1 / 48)).toBe('30 minutes'); // half an hour
    expect(formatDays(0.5)).toBe('12 hours');
    expect(formatDays(5)).toBe('5.0 days');
    expect(formatDays(42.6667)).toBe('43 days');
    expect(formatDays(400)).toBe('1.1 years'); // 400 / 365 = 1.096
    expect(formatDays(3651)).toBe('> 10 years');
    expect(formatDays(Infinity)).toBe('never');
    expect(formatDays(1 / 100_000)).toBe('< 1 minute');
  });

  it('headroom in GiB from 1 GiB up, else MiB', () => {
    expect(formatHeadroom(1024)).toBe('1 GiB');
    expect(formatHeadroom(1536)).toBe('1.5 GiB');
    expect(formatHeadroom(512)).toBe('512 MiB');
  });
});

/** The fixture report with its heap rule's evidence replaced. */
function withHeap(evidence: { slope?: number; lo?: number; hi?: number; budget: number | null }, config: Partial<Report['config']> = {}): Report {
  const { report } = fixedReport();
  const rules = report.verdict.rules.map((r) => (r.id === 'heap-slope' ? { ...r, evidence: { ...r.evidence, ...evidence } } : r));
  return { ...report, config: { ...report.config, ...config }, verdict: { ...report.verdict, rules } };
}

describe('productionTermsSentence', () => {
  it('names the slope per hour and day, per user, the days a 1 GiB headroom lasts with its interval, and the budget per day', () => {
    // 100 users (fixture). 2 MiB/h [1, 4]: 48 MiB a day; 1024 / 48 = 21.3 days; at 4 MiB/h 10.7 (from 10 days on, whole days), at 1 MiB/h 42.7.
    // 48 MiB / 100 users = 491.52 KiB per user a day. Budget 1 MiB/h = 24 MiB a day: 42.7 days.
    const s = productionTermsSentence(withHeap({ slope: 2 * MiB, lo: MiB, hi: 4 * MiB, budget: MiB }));
    expect(s).toBe(
      "the heap grows 2.00 MiB per hour [1.00 MiB, 4.00 MiB] with 100 users, 48.00 MiB a day (491.5 KiB per user a day; a simulated hour carries a production hour's events). " +
        'At this slope a server with 1 GiB of heap headroom runs out in 21 days [11 days, 43 days]. ' +
        'The heap budget, 1.00 MiB per hour, is 24.00 MiB a day: that headroom lasts 43 days at the budget.',
    );
  });

  it('takes the headroom from the config (--headroom) and says "never" for a bound at or below zero', () => {
    // 4 GiB = 4,194,304 KiB; 100 KiB/h = 2,400 KiB a day: 1,747.6 days = 4.8 years; hi 200 KiB/h: 873.8 days = 2.4 years.
    const s = productionTermsSentence(withHeap({ slope: 100 * KiB, lo: -50 * KiB, hi: 200 * KiB, budget: null }, { productionHeadroomMiB: 4096 }));
    expect(s).toContain('a server with 4 GiB of heap headroom runs out in 4.8 years [2.4 years, never].');
    expect(s).not.toContain('heap budget');
  });

  it('a heap that does not grow never runs out; a heap rule without a trend says nothing', () => {
    const s = productionTermsSentence(withHeap({ slope: -10 * KiB, lo: -30 * KiB, hi: 10 * KiB, budget: MiB }));
    // hi 10 KiB/h: 240 KiB a day, 1 GiB lasts 4,369 days.
    expect(s).toContain('At this slope a server with 1 GiB of heap headroom never runs out (at the 95% bounds: > 10 years, never).');
    const { report } = fixedReport();
    const rules = report.verdict.rules.map((r) => (r.id === 'heap-slope' ? { ...r, status: 'inconclusive' as const, evidence: { metric: 'server.heapUsed', value: null, budget: MiB, unit: 'bytes/h', text: 'no heap trend' } } : r));
    expect(productionTermsSentence({ ...report, verdict: { ...report.verdict, rules } })).toBeNull();
  });
});
