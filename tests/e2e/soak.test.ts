/**
 * Whole soaks through the real CLI: store, inspected server, virtual users, analysis, reports.
 * Short runs (6 users, 3–5 simulated hours at the auto time scale, 25–60 s each) that still detect:
 * the fixed server must pass, and each leak switched on alone must fail naming exactly itself.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEAK_IDS, type LeakId } from '../../common/leaks.js';
import type { Report } from '../../harness/analysis/report-types.js';
import type { Sample } from '../../harness/sample.js';
import { runCli, type CliRun } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');
const COMMON = ['--users', '6', '--sample-every', '10', '--ci', '--out', OUT];
// A bound leak shows within simulated hours. The heap trend of the fixed server needs more:
// the heap follows the day's activity, and below ~5 h its residuals are too autocorrelated for
// an interval (measured: 3 h runs were inconclusive for 1 seed in 3, 5 h runs passed for all).
const FIXED = [...COMMON, '--hours', '5', '--warmup', '1.5'];
const LEAK = [...COMMON, '--hours', '3', '--warmup', '0.5', '--no-snapshots'];

/**
 * A run several tests read, made once on first use (then shared): each test can run alone
 * (`-t`), and one that needs a run whose setup failed says so instead of failing obscurely.
 */
function fixtureRun(args: readonly string[]): () => Promise<CliRun> {
  let run: Promise<CliRun> | undefined;
  return () => (run ??= runCli(args));
}

/** The run folder and report of a fixture run, or a clear setup failure. */
async function fixtureReport(what: string, get: () => Promise<CliRun>): Promise<{ dir: string; file: string; report: Report }> {
  const run = await get();
  const file = run.runDir ? join(run.runDir, 'report.json') : '';
  if (!run.runDir || !existsSync(file)) throw new Error(`setup failed: the ${what} run left no report.json (exit ${run.code})\n${run.stdout}\n${run.stderr}`);
  return { dir: run.runDir, file, report: run.report() };
}

const fixedRun = fixtureRun(FIXED);
const leakRun = (id: LeakId) => runCli([...LEAK, '--leaks', id]);
const imListenersRun = fixtureRun([...LEAK, '--leaks', 'im-listeners']);
// README's exit-code table: 0 pass, 1 leak, 3 inconclusive.
const EXIT_FOR_STATUS = { pass: 0, fail: 1, inconclusive: 3 } as const;

describe('npm run soak, end to end', () => {
  it('passes the fixed server and writes every report file', async () => {
    const fixed = await fixedRun();
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    const report = fixed.report();
    expect(report.schemaVersion).toBe(1);
    expect(report.verdict.status).toBe('pass');
    expect(report.verdict.leaks).toEqual([]);
    expect(report.config).toMatchObject({ scenario: 'office-day', users: 6, hours: 5, leaks: [], seed: 1 });
    expect(report.environment.store.engine).toBe('wire');
    expect(report.fidelity.ratio).toBeGreaterThanOrEqual(0.99);
    // Every scenario phase kept up (morning, lunch): a saturated one would have refused the pass.
    expect(report.fidelity.phases.map((p) => [p.name, p.status])).toEqual([['morning', 'ok'], ['lunch', 'ok']]);
    expect(report.run.wallSeconds).toBeGreaterThan(0);
    const dir = fixed.runDir!;
    for (const file of ['report.json', 'summary.md', 'junit.xml', 'report.html', 'samples.ndjson', 'run.json']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    // Two snapshots (idle baseline, end of cool-down) that DevTools opens: a JSON object with snapshot.meta.
    for (const snap of report.run.snapshots ?? []) {
      const head = readFileSync(join(dir, snap), 'utf8').slice(0, 200);
      expect(head).toMatch(/^\{"snapshot":\{"meta":/);
    }
    expect(report.run.snapshots).toHaveLength(2);
    expect(report.snapshotDiff?.topGrowing.length).toBeGreaterThan(0);
    const samples = readFileSync(join(dir, 'samples.ndjson'), 'utf8').trim().split('\n');
    expect(samples.length).toBeGreaterThanOrEqual(15);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/^# rol-soak: .*PASS/);
    expect(fixed.stdout).toMatch(/verdict: PASS/);
    // The HTTP load ran alongside the users: real REST requests, none failed, a latency trend.
    expect(report.http).toMatchObject({ enabled: true, percentile: 'p90' });
    expect(report.http.totals?.requests).toBeGreaterThan(0);
    expect(report.http.totals?.errors).toBe(0);
    expect(report.verdict.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['http-latency-drift', 'http-errors']));
    // Quiet checkpoints: one per simulated hour inside the soak, the idle baseline and the end;
    // the heap after the cool-down is judged against the baseline, and each checkpoint read the
    // load workers' own heaps after forced GCs.
    expect(report.checkpoints?.holds).toBe(4);
    expect(report.checkpoints?.baselineHeap).toBeGreaterThan(0);
    expect(report.checkpoints?.endHeap).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'baseline.json'))).toBe(true);
    expect(report.verdict.rules.find((r) => r.id === 'heap-cooldown')?.status).toBe('pass');
    const held = samples.map((l) => JSON.parse(l) as Sample).filter((x) => x.checkpoint && x.checkpoint.kind !== 'end');
    expect(held).toHaveLength(4);
    for (const x of held) expect(x.clientHeap?.usedBytes, `checkpoint at ${x.checkpoint?.atSimMs}`).toBeGreaterThan(0);
  });

  it('rebuilds the same verdict from the run folder (report RUN_DIR)', async () => {
    const original = await fixtureReport('fixed server', fixedRun);
    // Rebuilt in a copy, so the original report.json stays what the run wrote (other tests read it).
    const copy = mkdtempSync(join(tmpdir(), 'rol-soak-rebuild-'));
    cpSync(original.dir, copy, { recursive: true });
    rmSync(join(copy, 'report.json'));
    const rebuilt = await runCli(['report', copy]);
    expect(rebuilt.code, rebuilt.stdout + rebuilt.stderr).toBe(EXIT_FOR_STATUS[original.report.verdict.status]);
    const again = JSON.parse(readFileSync(join(copy, 'report.json'), 'utf8')) as Report;
    expect(again.verdict).toEqual(original.report.verdict);
    expect(again.samples.count).toBe(original.report.samples.count);
    rmSync(copy, { recursive: true, force: true });
  });

  it.each(LEAK_IDS)('--leaks %s fails and names exactly that leak', async (id) => {
    const run = await (id === 'im-listeners' ? imListenersRun() : leakRun(id));
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const report = run.report();
    expect(report.verdict.status).toBe('fail');
    expect(report.verdict.leaks).toEqual([id]);
    expect(run.stdout).toContain(`verdict: FAIL — leaks: ${id}`);
    expect(readFileSync(join(run.runDir!, 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it('a per-action synthetic leak (8 KiB per im:send) fails the heap rule through its test with actions, naming no catalogue leak', async () => {
    // Checkpoints every 15 simulated minutes, so the 3.5 soak hours hold 13 (a trend needs 8).
    // The same config without the leak came back inconclusive here (the fixed server's early
    // creep, 99 KiB/h [−9, 190], straddles the 64 KiB/h floor), never fail. Why 8 KiB and 2 s
    // holds: at 2 KiB and 1 s this run sits at the edge of the test's power when the CI shares
    // its 2 cores with other test files (a Theil–Sen slope against actions, before the heap was
    // fitted on hours and actions together). How small a leak the rule finds is the power bench's to measure
    // (bench/checkpoint-power-bench.ts); this test shows the path end to end.
    const run = await runCli([...FIXED, '--no-snapshots', '--checkpoint-every', '0.25', '--checkpoint-hold', '2', '--synthetic-leak', 'action:im.send:8KiB']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const report = run.report();
    expect(report.verdict.status).toBe('fail');
    expect(report.verdict.leaks).toEqual([]);
    const heap = report.verdict.rules.find((r) => r.id === 'heap-slope');
    expect(heap?.status).toBe('fail');
    expect(heap?.evidence.text).toMatch(/on \d+ quiet checkpoints/);
    expect(heap?.evidence.text).toMatch(/with actions, per h [\d.]+ KiB \[[\d.]+ KiB, [\d.]+ KiB\] vs [\d.]+ KiB \(fail; fitted on hours and actions: \d+ B \[\d+ B, \d+ B\] per action\)/);
    expect(report.checkpoints?.holds).toBeGreaterThanOrEqual(13);
  });

  it('compare: a run against itself is not a regression; fixed vs leaking is refused without --force and regresses with it', async () => {
    const base = (await fixtureReport('fixed server', fixedRun)).file;
    const leaking = (await fixtureReport('--leaks im-listeners', imListenersRun)).file;
    const same = await runCli(['compare', base, base, '--out', join(OUT, 'compare-same')]);
    expect(same.code).toBe(0);
    expect((await runCli(['compare', base, leaking])).code).toBe(2);
    const forced = await runCli(['compare', base, leaking, '--force', '--out', join(OUT, 'compare-leak')]);
    expect(forced.code).toBe(1);
    expect(statSync(join(OUT, 'compare-leak', 'compare.html')).size).toBeGreaterThan(1000);
  });

  it('compare: two separate runs of the fixed server are not a regression (exit 0)', async () => {
    const first = await fixtureReport('fixed server', fixedRun);
    // A second, independent run of the same config: its own store, server, VUs and noise.
    const second = await runCli(FIXED);
    expect(second.report().verdict.status, second.stdout).not.toBe('fail');
    const out = join(OUT, 'compare-fixed');
    const cmp = await runCli(['compare', first.dir, second.runDir!, '--out', out]);
    expect(cmp.code, cmp.stdout + cmp.stderr).toBe(0);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(md).toContain('server.heapUsed');
    expect(md).not.toMatch(/newly failing/i);
  });
});

describe('a run that does not end normally', () => {
  it('SIGINT stops everything and leaves a partial report, exit 130', async () => {
    let sent = false;
    const run = await runCli(['--users', '6', '--hours', '25', '--no-snapshots', '--ci', '--out', OUT], {
      onSpawn: (child) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          // Interrupt once the soak is sampling: the first progress line.
          if (!sent && /^sim /m.test(chunk.toString())) {
            sent = true;
            child.kill('SIGINT');
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(run.code, run.stdout + run.stderr).toBe(130);
    const report = run.report();
    expect(report.run.interrupted).toBe(true);
    expect(report.samples.count).toBeGreaterThan(0);
  });

  it('a server that crashes mid-run gives exit 4 with the cause', async () => {
    let killed = false;
    const run = await runCli(['--users', '6', '--hours', '25', '--no-snapshots', '--ci', '--out', OUT], {
      onSpawn: (child) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const pid = /^server: \S+ \(pid (\d+)\)/m.exec(out)?.[1];
          if (!killed && pid && /^sim /m.test(out)) {
            killed = true;
            process.kill(Number(pid), 'SIGKILL'); // the harness's own child: the measured server
          }
        });
      },
    });
    expect(killed).toBe(true);
    expect(run.code, run.stdout + run.stderr).toBe(4);
    expect(run.stderr).toMatch(/server crashed mid-run .*signal SIGKILL/);
  });
});
