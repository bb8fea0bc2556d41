import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../harness/analysis/report-types.js';
import { renderHtml } from '../../harness/report/html.js';
import { renderJunit } from '../../harness/report/junit.js';
import { renderSummaryMd } from '../../harness/report/summary-md.js';
import { mdCell } from '../../harness/report/format.js';
import { renderVerdictTable } from '../../harness/verdict-table.js';
import { ASSETS, fixedReport } from './fixtures.js';

describe('renderSummaryMd', () => {
  it('puts the verdict first, then a rules table with value, budget and slope ± CI', () => {
    const { report } = fixedReport({ leaking: true });
    const md = renderSummaryMd(report);
    expect(md.split('\n')[0]).toBe('# rol-soak: ❌ FAIL');
    expect(md).toContain('**Leaks found:** `presence-maps`');
    // Status as icon and word, joined by a no-break space so the cell never wraps.
    expect(md).toMatch(/\| ❌\u00a0fail \| heap-slope \|  \| 3\.\d\d MiB\/h \| 1\.00 MiB\/h \| 3\.\d\d MiB \[3\.\d\d MiB, 3\.\d\d MiB\] \|/);
    expect(md).toContain('| status | rule | leak |');
    expect(md).toContain('| Socket | +1200 | 3.00 MiB | (GC roots) → Map&lt;userSocketMap&gt; → Socket |');
    expect(md).toContain('## Bytes retained per action');
    expect(md.length).toBeLessThan(65_000); // GitHub comment limit
  });

  it('says in one line how a --load-command ended, in summary.md and report.html alike', () => {
    const { report, samples } = fixedReport();
    const loadCommand = {
      command: 'k6 run office-day.ts',
      pid: 77,
      log: 'load-command.log',
      startedAt: '2026-12-03T10:00:00.000Z',
      soakRealSeconds: 60,
      stoppedAt: '2026-12-03T10:01:01.000Z',
      ranSeconds: 61,
      exitCode: 0,
      signal: null,
      endedBy: 'cooldown' as const,
      killed: false,
    };
    const withCommand = { ...report, run: { ...report.run, loadCommand } };
    const line = 'Load command `k6 run office-day.ts` (pid 77, output in load-command.log): stopped at the cool-down after 61.0 s';
    expect(renderSummaryMd(withCommand)).toContain(line);
    expect(renderSummaryMd(report)).not.toContain('Load command');
    expect(renderHtml(withCommand, samples, ASSETS)).toContain('<h2>Load command</h2><p>Load command `k6 run office-day.ts` (pid 77');
  });

  it('a passing run says PASS with no leaks', () => {
    const md = renderSummaryMd(fixedReport().report);
    expect(md.startsWith('# rol-soak: ✅ PASS')).toBe(true);
    expect(md).toContain('**Leaks found:** none');
    expect(md).not.toContain('## Profiles');
  });

  it('says the scale changed by phase, the timer floor per phase, the calibration leak and what sampling cost', () => {
    const phases = [
      { name: 'morning', fromHour: 0, toHour: 4, scale: 152 },
      { name: 'night', fromHour: 11, toHour: 24, scale: 600 },
    ];
    const { report, samples } = fixedReport();
    const md = renderSummaryMd({ ...report, config: { ...report.config, timeScale: 312, timeScalePhases: phases, intervalFloorMs: 1_500, syntheticLeakMiBPerHour: 1.5 } });
    expect(md).toContain('25 simulated hours at ×152–600 by phase (mean ×312)');
    // 1.5 real s is 228 simulated s at ×152 and 900 at ×600.
    expect(md).toContain('fired every 228–900 simulated s');
    expect(md).toContain('synthetic calibration leak 1.5 MiB per simulated hour'); // a report from before the shapes
    const shaped = { ...report, config: { ...report.config, syntheticLeak: { shape: 'action', action: 'im.send', bytesPerEvent: 16_384 } as const } };
    expect(renderSummaryMd(shaped)).toContain('synthetic calibration leak 16 KiB per im.send (server event im:send)');
    expect(renderHtml(shaped, samples, ASSETS)).toContain('synthetic calibration leak 16 KiB per im.send (server event im:send)');
    const tick = { ...report, config: { ...report.config, syntheticLeak: { shape: 'tick', timer: 'presence-ping', bytesPerEvent: 1_024 } as const } };
    expect(renderSummaryMd(tick)).toContain('synthetic calibration leak 1 KiB per presence-ping tick (server event presence:ping)');
    // The fixture's samples: 8 ms probes against 20% of a core.
    expect(md).toMatch(/Sampling held the server a median 8 ms per sample \(forced GC, reads and waits: wall time\), \d+\.\d% of its CPU time/);
    expect(renderHtml({ ...report, config: { ...report.config, timeScale: 312, timeScalePhases: phases } }, samples, ASSETS)).toContain('×152–600 by phase (mean ×312)');
  });

  it('shows each periodic timer with its period, planned and fired counts and share of production rate', () => {
    const { report, samples } = fixedReport();
    const timers: NonNullable<Report['timers']> = {
      mode: 'floored',
      floorMs: 6_000,
      status: 'reduced',
      rows: [
        { type: 'presence-ping', periodMs: 10_000, clock: 'sim', planned: 900_000, fired: 900, ratio: 0.001, judged: true },
        { type: 'transport-keepalive', periodMs: 1_000, clock: 'real', planned: 12_000, fired: 11_950, ratio: 0.996, judged: false },
      ],
      reasons: ['timer floor 6000 real ms asked for: presence-ping at 0.10% of production rate (900 of 900000 fires)'],
      notCovered: ['heap-slope: a leak per presence-ping tick is driven below 99% of its production rate'],
    };
    const md = renderSummaryMd({ ...report, timers });
    expect(md).toContain('| presence-ping | 10 s sim. | 900000 | 900 | 0.10% |');
    expect(md).toContain('| transport-keepalive | 1 s real | 12000 | 11950 | 99.6% (real-time floor, counted apart) |');
    expect(md).toContain('floored at 6000 real ms on request');
    expect(md).toContain('Not covered: heap-slope: a leak per presence-ping tick');
    const html = renderHtml({ ...report, timers }, samples, ASSETS);
    expect(html).toContain('<h3>Periodic timers</h3>');
    expect(html).toContain('presence-ping');
  });

  it('shows the heap in production terms in summary.md, report.html and the verdict table', () => {
    const { report, samples } = fixedReport({ leaking: true });
    // The fixture's heap grows 3 MiB per simulated hour with 100 users: 72 MiB a day; 1024 / 72 = 14.2 days.
    const md = renderSummaryMd(report);
    expect(md).toMatch(/\*\*In production terms:\*\* the heap grows 3\.\d\d MiB per hour \[.*\] with 100 users, 7\d\.\d\d MiB a day .* 1 GiB of heap headroom runs out in 1[34] days \[/);
    expect(md).toContain('The heap budget, 1.00 MiB per hour, is 24.00 MiB a day: that headroom lasts 43 days at the budget.');
    expect(renderHtml(report, samples, ASSETS)).toContain('<p class="production"><b>In production terms:</b> the heap grows 3.');
    expect(renderVerdictTable(report)).toMatch(/^in production terms: the heap grows 3\.\d\d MiB per hour .* runs out in 1[34] days \[/m);
  });

  it('shows every rule\'s evidence in full, and a status that never wraps', () => {
    const { report, samples } = fixedReport({ leaking: true });
    const long = `${'x'.repeat(600)} end of evidence`;
    const rules = report.verdict.rules.map((r, i) => (i === 1 ? { ...r, evidence: { ...r.evidence, text: long } } : r));
    const r2 = { ...report, verdict: { ...report.verdict, rules } };
    const md = renderSummaryMd(r2);
    for (const r of rules) expect(md).toContain(mdCell(r.evidence.text));
    const html = renderHtml(r2, samples, ASSETS);
    expect(html).toContain(long);
    // Status badges never wrap; rule and leak ids break at hyphens only.
    expect(html).toMatch(/<td class="nowrap"><span class="badge fail">fail<\/span><\/td><td class="id">heap-slope<\/td>/);
    expect(html).toContain('td.nowrap{white-space:nowrap');
  });

  it('lists the profiles handed off, with where to open them', () => {
    const { report } = fixedReport();
    const md = renderSummaryMd({ ...report, run: { ...report.run, profiles: [{ kind: 'heap', path: 'server.heapprofile', bytes: 50_212 }] } });
    expect(md).toContain('## Profiles');
    expect(md).toContain('| heap | `server.heapprofile` | 49.0 KiB | Chrome DevTools → Memory → Load (allocation sampling) |');
  });
});

describe('renderJunit', () => {
  it('one testcase per rule plus fidelity; failures carry evidence; counts agree', () => {
    const { report } = fixedReport({ leaking: true });
    const xml = renderJunit(report);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(report.verdict.rules.length + 1);
    const failing = report.verdict.rules.filter((r) => r.status === 'fail').length;
    expect((xml.match(/<failure /g) ?? []).length).toBe(failing);
    expect(xml).toContain(`failures="${failing}"`);
    expect(xml).toMatch(/<testcase classname="rol-soak.rules" name="presence-maps \(presence-maps\)" time="0">\s*<failure message="[^"]*socketUserMap/);
  });

  it('escapes XML in evidence text', () => {
    const { report } = fixedReport();
    const rule = report.verdict.rules[0]!;
    const evil: Report = {
      ...report,
      verdict: { ...report.verdict, rules: [{ ...rule, status: 'fail', evidence: { ...rule.evidence, text: 'a <b> & "c" \u0001 </failure>' } }] },
    };
    const xml = renderJunit(evil);
    expect(xml).toContain('a &lt;b&gt; &amp; &quot;c&quot;  &lt;/failure&gt;');
    expect(xml).not.toContain('<b>');
  });
});

describe('renderHtml', () => {
  it('is one self-contained file: uPlot inlined, chart data as JSON, no external URLs', () => {
    const { report, samples } = fixedReport({ leaking: true });
    const html = renderHtml(report, samples, ASSETS);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('window.uPlot = function uPlot(){ /* stub <\\/script> */ };');
    expect(html).toContain('/* <\\/style> */');
    const json = /<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)?.[1];
    const charts = JSON.parse(json ?? 'null') as Array<{ id: string; series: Array<{ label: string }>; band?: number[] }>;
    const ids = charts.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['heap', 'memory', 'presence', 'timers', 'db', 'client', 'latency', 'throughput', 'loop']));
    const heap = charts.find((c) => c.id === 'heap')!;
    expect(heap.series.map((s) => s.label)).toEqual(['heap used after GC', 'Theil–Sen fit', 'upper 95%', 'lower 95%']);
    expect(heap.band).toEqual([3, 4]);
    for (const id of ids) expect(html).toContain(`<div class="chart" id="chart-${id}"></div>`);
    expect(html).toContain('Map&lt;userSocketMap&gt;');
    expect(html).toContain('config.scenario');
    // Legends show values, not uPlot's "--": the last point of each series until the cursor comes.
    expect(html).toContain("plot.setLegend({ idxs: resting }, false);");
    expect(html).toContain("hooks: { setLegend: [ function(u){ if (u.cursor.idx == null) u.setLegend({ idxs: resting }, false); } ] }");
  });

  it('inlines the real uPlot build unchanged (Chromium check: writer e2e)', () => {
    const { report, samples } = fixedReport();
    const require = createRequire(import.meta.url);
    const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const html = renderHtml(report, samples, { uplotJs, uplotCss: '' });
    expect(html.length).toBeGreaterThan(uplotJs.length);
    expect(html).toContain(uplotJs.slice(0, 200));
  });
});
