import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { assessFidelity } from '../../harness/analysis/fidelity.js';
import { buildReport, type Report } from '../../harness/analysis/report-types.js';
import { analyse, type HeapDiff } from '../../harness/analysis/verdict.js';
import { gaussian } from './synthetic.js';
import { makeRun, MiB } from './samples.js';

const opts = { budgets: DEFAULT_BUDGETS, warmupEndsAtSimMs: 2 * 3_600_000 };
const noisyHeap = (seed: number) => {
  const z = gaussian(seed);
  return () => ({ heapUsed: 8 * MiB + 15_000 * z() });
};
const diff: HeapDiff = {
  topGrowing: [{ constructor: 'Socket', countDelta: 1200, sizeDelta: 3 * MiB, retainerPath: ['(GC roots)', 'Map', 'userSocketMap', 'Socket'] }],
};

describe('analyse', () => {
  it('a flat, bounded run passes with no leaks and trends for the main series', () => {
    const a = analyse(makeRun({ at: noisyHeap(1) }), { ...opts, leaksExpected: [] });
    expect(a.verdict.status).toBe('pass');
    expect(a.verdict.leaks).toEqual([]);
    expect(a.verdict.expectation?.correct).toBe(true);
    expect(a.fidelity.status).toBe('ok');
    expect(a.series['server.heapUsed']?.status).toBe('ok');
    expect(a.series['rol_connected_sockets']?.status).toBe('ok');
    expect(a.series['client.intervalsAlive']?.status).toBe('ok');
    expect(a.samples).toMatchObject({ count: 102, warmup: 8, soak: 92, cooldown: 2 });
  });

  it('presence-map leak → fail, names presence-maps, quotes culprits on heap growth', () => {
    const samples = makeRun({
      at: (p, hour) =>
        p === 'warmup' ? {} : { heapUsed: 8 * MiB + 3 * MiB * hour, metrics: { 'rol_presence_map_entries{map="socketUserMap"}': 100 + Math.floor(hour * 10) } },
    });
    const a = analyse(samples, { ...opts, snapshotDiff: diff, leaksExpected: ['presence-maps'] });
    expect(a.verdict.status).toBe('fail');
    expect(a.verdict.leaks).toEqual(['presence-maps']);
    expect(a.verdict.reasons.join('\n')).toContain('Socket +1200 objects');
    expect(a.verdict.expectation).toMatchObject({ missed: [], unexpected: [], correct: true });
  });

  it('an expected leak that is not found is reported as missed', () => {
    const a = analyse(makeRun({ at: noisyHeap(2) }), { ...opts, leaksExpected: ['intervals'] });
    expect(a.verdict.expectation).toMatchObject({ missed: ['intervals'], correct: false });
  });

  it('fidelity too low → never pass; a heap slope is only suspected, a broken bound still fails', () => {
    const lowFidelity = (extra: (p: string, hour: number) => object) =>
      makeRun({ at: (p, hour, i) => ({ load: { plannedActions: 1000 * (i + 1), doneActions: 900 * (i + 1) }, ...extra(p, hour) }) });
    const flat = analyse(lowFidelity(() => ({})), opts);
    expect(flat.verdict.status).toBe('inconclusive');
    expect(flat.verdict.reasons[0]).toContain('90.0% of planned actions');

    const bound = analyse(lowFidelity((p, hour) => (p === 'soak' ? { client: { listenersPerSocketMax: 2 + Math.floor(hour) } } : {})), opts);
    expect(bound.verdict.status).toBe('fail');
    expect(bound.verdict.leaks).toEqual(['im-listeners']);
    expect(bound.verdict.reasons.some((r) => r.includes('90.0% of planned actions'))).toBe(true);
  });

  it('an outside load reports no actions: with fidelityOptional that does not block the verdict', () => {
    const samples = makeRun({ at: () => ({ load: null }) });
    expect(analyse(samples, opts).verdict.status).toBe('inconclusive');
    expect(analyse(samples, { ...opts, fidelityOptional: true }).verdict.status).toBe('pass');
  });

  it('missing client counts → inconclusive unless those rules are optional (target mode)', () => {
    const samples = makeRun({ at: () => ({ client: null }) });
    expect(analyse(samples, opts).verdict.status).toBe('inconclusive');
    const optional = analyse(samples, { ...opts, optionalRules: ['listeners-per-socket', 'document-listeners', 'client-intervals'] });
    expect(optional.verdict.status).toBe('pass');
  });

  it('no samples at all → inconclusive, not pass', () => {
    const a = analyse([], opts);
    expect(a.verdict.status).toBe('inconclusive');
    expect(a.fidelity.status).toBe('insufficient-data');
  });
});

describe('assessFidelity', () => {
  it('ok at full load; saturated when the loop stalls; too-low when the load clock drifts', () => {
    expect(assessFidelity(makeRun(), opts)).toMatchObject({ status: 'ok', ratio: 1 });
    const slowLoop = assessFidelity(makeRun({ at: () => ({ eventLoopDelayP99Ms: 450 }) }), opts);
    expect(slowLoop.status).toBe('saturated');
    expect(slowLoop.reasons[0]).toContain('event-loop delay p99 450 ms');
    // The old check compared the clock with the schedule that set it and could not fail; the
    // load's own clock reading against the harness's can.
    const drifted = assessFidelity(makeRun().map((s) => ({ ...s, loadClock: { offsetSimMs: (s.simMs / 3_600_000) * 10_000, ageRealMs: 500 } })), opts);
    expect(drifted.status).toBe('too-low');
    expect(drifted.reasons.join('\n')).toContain("load's simulated clock");
  });

  it('snapshot-marked samples are kept out of the loop-delay figure', () => {
    const f = assessFidelity(makeRun({ at: (_p, _h, i) => (i % 2 === 0 ? { eventLoopDelayP99Ms: 6000, marks: ['snapshot'] } : {}) }), opts);
    expect(f.status).toBe('ok');
  });
});

describe('buildReport', () => {
  it('has the stable keys and serialises to valid JSON (no NaN/Infinity)', () => {
    const a = analyse(makeRun({ at: noisyHeap(3) }), opts);
    const report: Report = buildReport({
      analysis: a,
      config: { scenario: 'office-day', users: 100, hours: 25, timeScale: 600, leaks: [], seed: 1 },
      environment: { store: { engine: 'wire', version: '7.0.0-wire' }, node: 'v20.20.2', os: 'linux', cpus: 2, packages: { 'socket.io': '4.8.4' } },
      run: { id: '20260101-office-day-abc', wallSeconds: 150, startedAt: '2026-01-01T00:00:00.000Z', exitCode: 0 },
    });
    const parsed = JSON.parse(JSON.stringify(report)) as Report;
    expect(parsed).toEqual(report);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.verdict.status).toBe('pass');
    expect(parsed.verdict.rules[0]).toHaveProperty('evidence');
    expect(parsed.environment.store.engine).toBe('wire');
    expect(parsed.fidelity.ratio).toBe(1);
    expect(parsed.config).toMatchObject({ scenario: 'office-day', users: 100, hours: 25, timeScale: 600, seed: 1 });
    expect(parsed.run.wallSeconds).toBe(150);
  });
});
