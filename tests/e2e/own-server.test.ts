/**
 * Soaking your own server, end to end through the real CLI, as the README's walkthrough does it:
 * the example board (a socket.io app that is not the reference one) runs in its own process with
 * its inspector; `--target` with its stress scenario file (examples/board/board-stress.scenario.ts,
 * ~370 actions a second from 20 socket-only users for ~2 minutes real) drives it. A target runs
 * at S = 1, so the heap is judged per real hour and per action and connect. The two runs go side
 * by side (it.concurrent), each with its own board: the board is idle enough (event loop ~7%
 * busy) for both to fit on this machine, and CI's 20 minutes cannot take them one after another.
 *  - the clean board, inspector only (no /metrics): nothing scraped, the reference app's rules not
 *    applicable, and the generic rules and the heap pass it (exit 0);
 *  - the board with its planted leak (a record per connection kept after disconnect), with
 *    /metrics: the heap rule fails it, growing with connects (exit 1), and the board's own gauge
 *    shows the records piling up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startBoard, type BoardProcess } from '../helpers/board-process.js';
import { runCli } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');
const STRESS = fileURLToPath(new URL('../../examples/board/board-stress.scenario.ts', import.meta.url));
/** Rules that judge any Node server from its inspector (generic-rules.ts), besides the heap. */
const GENERIC = ['external-slope', 'tcp-sockets', 'handles-cooldown', 'sockets-cooldown', 'fds-cooldown'];
/** The reference app's rules: a server that never exported their metrics gets them as not applicable. */
const APP_RULES = ['presence-maps', 'db-connections', 'server-timers', 'cooldown-sockets', 'cooldown-presence', 'cooldown-timers'];

interface SampleLine {
  readonly scrapeError?: string;
  readonly metrics: Record<string, number>;
  readonly server: { readonly heapUsed: number; readonly resources?: Record<string, number> };
  readonly load?: { readonly actions: Record<string, number>; readonly doneActions: number; readonly reconnects: number } | null;
}

function samplesOf(runDir: string): SampleLine[] {
  return readFileSync(join(runDir, 'samples.ndjson'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SampleLine);
}

/** Runs `body` with a board started for it, stopped (by PID) whatever happens. */
async function withBoard(options: { leak: boolean }, body: (board: BoardProcess) => Promise<void>): Promise<void> {
  const board = await startBoard(options);
  try {
    await body(board);
  } finally {
    await board.stop();
  }
}

describe('soaking your own server with a scenario file', () => {
  it.concurrent('passes the clean board, inspector only: generic rules judged, the app rules not applicable', () => withBoard({ leak: false }, async (board) => {
    const run = await runCli(['--target', board.url, '--inspect', board.inspect, '--scenario', STRESS, '--no-snapshots', '--ci', '--out', OUT], { killAfterMs: 200_000 });
    const report = run.report();
    const rules = new Map(report.verdict.rules.map((r) => [r.id, r]));
    const why = `${run.stdout}\n${run.stderr}`;
    expect(run.code, why).toBe(0);
    expect(report.verdict.status).toBe('pass');
    expect(rules.get('heap-slope')?.status, rules.get('heap-slope')?.evidence.text).toBe('pass');
    expect(rules.get('heap-slope')?.evidence.text).toMatch(/per real hour .* and per action/);
    expect(rules.get('heap-cooldown')?.status).toBe('pass');
    for (const id of GENERIC) expect(rules.get(id as never)?.status, `${id}: ${rules.get(id as never)?.evidence.text}`).toBe('pass');
    for (const id of APP_RULES) expect(rules.get(id as never)?.status, id).toBe('not-applicable');
    // Inspector only: nothing scraped, said once, recorded.
    expect(report.config.metrics).toBeNull();
    expect(run.stdout.split("no /metrics: rules that need the server's own metrics cannot be judged").length - 1).toBe(1);
    const samples = samplesOf(run.runDir!);
    for (const s of samples) {
      expect(s.scrapeError).toBeUndefined();
      expect(s.metrics).toEqual({});
      expect(s.server.resources?.['TCPServerWrap']).toBeGreaterThanOrEqual(1);
    }
    const load = samples.findLast((s) => s.load)!.load!;
    expect(load.actions['connect']).toBe(20);
    expect(load.doneActions).toBeGreaterThan(5_000);
    expect(load.reconnects).toBeGreaterThan(50);
    expect(report.fidelity.status).toBe('ok');
  }));

  it.concurrent('fails the board with its planted leak on the heap, growing with connects', () => withBoard({ leak: true }, async (board) => {
    const run = await runCli(
      ['--target', board.url, '--inspect', board.inspect, '--metrics', `${board.url}/metrics`, '--scenario', STRESS, '--no-snapshots', '--ci', '--out', OUT],
      { killAfterMs: 200_000 },
    );
    const report = run.report();
    const heap = report.verdict.rules.find((r) => r.id === 'heap-slope');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(report.verdict.status).toBe('fail');
    expect(heap?.status, heap?.evidence.text).toBe('fail');
    expect(heap?.evidence.text).toMatch(/heap grows with [a-z ]*connects/);
    expect(report.verdict.reasons.join('\n')).toMatch(/^heap-slope: /m);
    // The board's own gauge: a record per connection, never deleted.
    const samples = samplesOf(run.runDir!);
    const records = samples.map((s) => s.metrics['board_connection_records']).filter((v): v is number => v !== undefined);
    expect(records[records.length - 1]).toBeGreaterThan(100);
  }));
});
