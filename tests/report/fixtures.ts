/** Fixed reports built from fixed synthetic samples, for the renderer and compare tests. */
import type { LeakId } from '../../common/leaks.js';
import { DEFAULT_BUDGETS } from '../../harness/analysis/budgets.js';
import { buildReport, type Report } from '../../harness/analysis/report-types.js';
import { analyse, type HeapDiff } from '../../harness/analysis/verdict.js';
import type { Sample } from '../../harness/sample.js';
import { makeRun, MiB } from '../analysis/samples.js';
import { gaussian } from '../analysis/synthetic.js';

export const DIFF: HeapDiff = {
  from: 'warmup.heapsnapshot',
  to: 'end.heapsnapshot',
  topGrowing: [
    { constructor: 'Socket', countDelta: 1200, sizeDelta: 3 * MiB, retainerPath: ['(GC roots)', 'Map<userSocketMap>', 'Socket'] },
    { constructor: 'Closure <im:new>', countDelta: 300, sizeDelta: 40_000, retainerPath: [] },
  ],
};

export function fixedSamples(leaking: boolean, seed = 1): Sample[] {
  const z = gaussian(seed);
  return makeRun({
    at: (p, hour, i) => ({
      heapUsed: 8 * MiB + (leaking && p !== 'warmup' ? 3 * MiB * hour : 0) + 15_000 * z(),
      load: { actions: { message: 100 * i + Math.round(40 * Math.sin(i)), reconnect: 2 * i + (i % 3) }, messagesSent: 100 * i, messagesAcked: 100 * i, latencyMs: { p50: 4, p95: 9, p99: 15 + (i % 5), max: 30, count: 50 } },
      ...(leaking && p !== 'warmup' ? { metrics: { 'rol_presence_map_entries{map="socketUserMap"}': 100 + Math.floor(hour * 10) } } : {}),
    }),
  });
}

export function fixedReport(opts: { leaking?: boolean; seed?: number; leaks?: LeakId[]; users?: number; id?: string } = {}): { report: Report; samples: Sample[] } {
  const samples = fixedSamples(opts.leaking ?? false, opts.seed ?? 1);
  const analysis = analyse(samples, {
    budgets: DEFAULT_BUDGETS,
    warmupEndsAtSimMs: 2 * 3_600_000,
    ...(opts.leaking ? { snapshotDiff: DIFF } : {}),
  });
  const report = buildReport({
    analysis,
    config: { scenario: 'office-day', users: opts.users ?? 100, hours: 25, timeScale: 600, leaks: opts.leaks ?? [], seed: 1, budgets: DEFAULT_BUDGETS },
    environment: { store: { engine: 'wire', version: '7.0.0' }, node: 'v20.20.2', os: 'linux 6.8 x64', cpus: 2, packages: { 'socket.io': '4.8.4', mongoose: '9.12.1' } },
    run: { id: opts.id ?? '20260101T000000-office-day-abc123', wallSeconds: 151.2, startedAt: '2026-01-01T00:00:00.000Z', exitCode: opts.leaking ? 1 : 0 },
  });
  return { report, samples };
}

export const ASSETS = { uplotJs: 'window.uPlot = function uPlot(){ /* stub </script> */ };', uplotCss: '.uplot{font-family:x} /* </style> */' };
