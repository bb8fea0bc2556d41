import { describe, expect, it } from 'vitest';
import { renderCompareHtml } from '../../harness/report/compare-html.js';
import { renderCompareMd } from '../../harness/report/compare-md.js';
import { compareReports } from '../../harness/report/compare.js';
import { ASSETS, fixedReport } from './fixtures.js';

describe('compareReports', () => {
  it('two fixed runs (different noise) → ok, no heap difference claimed', () => {
    const base = fixedReport({ seed: 1 }).report;
    const head = fixedReport({ seed: 2, id: 'head' }).report;
    const c = compareReports(base, head);
    expect(c.status).toBe('ok');
    expect(c.newlyFailing).toEqual([]);
    const heap = c.rows.find((r) => r.series === 'server.heapUsed')!;
    expect(c.rows[0]!.series).toBe('server.heapUsed');
    expect(heap.excludesZero).toBe(false);
    expect(heap.lo!).toBeLessThanOrEqual(0);
    expect(heap.hi!).toBeGreaterThanOrEqual(0);
  });

  it('fixed → leaking head → regressed, names the newly failing rules and a heap rise', () => {
    const c = compareReports(fixedReport().report, fixedReport({ leaking: true, id: 'head' }).report);
    expect(c.status).toBe('regressed');
    expect(c.newlyFailing).toEqual(expect.arrayContaining(['heap-slope', 'presence-maps']));
    const heap = c.rows.find((r) => r.series === 'server.heapUsed')!;
    expect(heap.excludesZero).toBe(true);
    expect(heap.diff!).toBeGreaterThan(2.9 * 1024 * 1024);
    expect(c.reasons.join('\n')).toContain('heap slope rose');
  });

  it('refuses runs that differ in users or leaks unless forced', () => {
    const base = fixedReport().report;
    const head = fixedReport({ users: 1000, leaks: ['intervals'] }).report;
    const refused = compareReports(base, head);
    expect(refused.status).toBe('refused');
    expect(refused.reasons[0]).toContain('users: 100 vs 1000');
    expect(refused.reasons[0]).toContain('leaks: [] vs ["intervals"]');
    const forced = compareReports(base, head, { force: true });
    expect(forced.status).toBe('ok');
    expect(forced.reasons[0]).toContain('forced comparison');
  });
});

describe('compare renderers', () => {
  it('markdown has status, newly failing rules and the slope table', () => {
    const md = renderCompareMd(compareReports(fixedReport().report, fixedReport({ leaking: true, id: 'head' }).report));
    expect(md.split('\n')[0]).toBe('# rol-soak compare: ❌ REGRESSED');
    expect(md).toContain('**Newly failing rules:**');
    expect(md).toMatch(/\| `server.heapUsed` \| .* \| ⬆️ yes \|/);
  });

  it('html overlays both runs when samples are given, fitted lines otherwise', () => {
    const a = fixedReport();
    const b = fixedReport({ leaking: true, id: 'head' });
    const c = compareReports(a.report, b.report);
    const withSamples = renderCompareHtml(c, ASSETS, { base: a.samples, head: b.samples });
    expect(withSamples).toContain('id="chart-heap"');
    expect(withSamples).toContain('"label":"base"');
    const fitted = renderCompareHtml(c, ASSETS);
    expect(fitted).toContain('id="chart-heap-fit"');
    expect(fitted).not.toMatch(/(src|href)="https?:/);
  });
});
