/**
 * An inspector-only soak, end to end through the real CLI: `--target` and `--inspect` without
 * `--metrics` (a server with no Prometheus endpoint). The example board runs in its own process;
 * its fast scenario file (examples/board/board-fast.scenario.ts, far above production rate)
 * drives 4 socket-only users for ~30 s at S = 1 (the whole test ~40 s). Asserted: no target failure, nothing scraped
 * (no sample has a scrapeError, every sample's metrics empty), the run says so once, the report
 * records metrics null, and the load's actions were done. The verdict is not asserted: which
 * rules an inspector-only run can judge is the rules' business.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoard, type BoardProcess } from '../helpers/board-process.js';
import { runCli } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');
const FAST_SCENARIO = fileURLToPath(new URL('../../examples/board/board-fast.scenario.ts', import.meta.url));

let board: BoardProcess;
beforeAll(async () => {
  board = await startBoard();
});
afterAll(async () => {
  await board?.stop();
});

describe('--target without --metrics', () => {
  it('soaks the board through its inspector alone: nothing scraped, metrics null in the report', async () => {
    // 0.008 h at S = 1 ≈ 29 s real + 3.6 s cool-down; 3 s samples (8 after warm-up), one quiet checkpoint mid-soak.
    const run = await runCli(
      [
        '--target', board.url, '--inspect', board.inspect,
        '--scenario', FAST_SCENARIO,
        '--users', '4', '--hours', '0.008', '--warmup', '0.001', '--cooldown', '0.001', '--sample-every', '0.05',
        '--checkpoint-every', '0.004', '--checkpoint-hold', '1',
        '--no-snapshots', '--ci', '--out', OUT,
      ],
      { killAfterMs: 120_000 },
    );
    expect(run.code, run.stdout + run.stderr).not.toBe(4);
    expect([0, 1, 3], run.stdout + run.stderr).toContain(run.code);
    expect(run.stdout.split("no /metrics: rules that need the server's own metrics cannot be judged").length - 1).toBe(1);
    expect(run.stdout).not.toMatch(/\/metrics failed/);

    const report = run.report();
    expect(report.config.metrics).toBeNull();
    expect(report.config.target).toBe(board.url);
    const record = JSON.parse(readFileSync(join(run.runDir!, 'run.json'), 'utf8')) as { config: { target: { metrics: unknown } } };
    expect(record.config.target.metrics).toBeNull();

    const samples = readFileSync(join(run.runDir!, 'samples.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { scrapeError?: string; metrics: Record<string, number>; server: { heapUsed: number }; load?: { actions: Record<string, number>; doneActions: number } | null });
    expect(samples.length).toBeGreaterThanOrEqual(8);
    for (const s of samples) {
      expect(s.scrapeError).toBeUndefined();
      expect(s.metrics).toEqual({});
      // The inspector still read the server at every sample.
      expect(s.server.heapUsed).toBeGreaterThan(0);
    }
    const load = samples.findLast((s) => s.load)!.load!;
    expect(load.actions.connect).toBe(4);
    for (const action of ['list', 'post', 'timer.ping']) expect(load.actions[action], action).toBeGreaterThan(0);
    expect(load.doneActions).toBeGreaterThan(10);
  });
});
