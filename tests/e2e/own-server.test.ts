/**
 * Soaking your own server, end to end through the real CLI: the example board (a socket.io app
 * that is not the reference one) runs in its own process with its inspector, and `--target` with
 * its scenario file drives socket-only virtual users against it. The verdict is whatever today's
 * rules say (the generic rules come later); what is asserted is what must hold now: no target
 * failure, a report, and the scenario's own actions driven and counted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOARD_SCENARIO, startBoard, type BoardProcess } from '../helpers/board-process.js';
import { runCli } from './run-cli.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');

let board: BoardProcess;
beforeAll(async () => {
  board = await startBoard();
});
afterAll(async () => {
  await board?.stop();
});

describe('--target with a scenario file', () => {
  it('drives the scenario against the example board and writes a report', async () => {
    // 1.2 simulated hours at S = 60 (~72 s real): 10 users plan ~360 actions; 20 soak samples.
    const run = await runCli([
      '--target', board.url, '--inspect', board.inspect, '--metrics', `${board.url}/metrics`,
      '--scenario', BOARD_SCENARIO,
      '--users', '10', '--hours', '1.2', '--warmup', '0.2', '--cooldown', '0.1', '--sample-every', '3', '--time-scale', '60',
      '--no-snapshots', '--ci', '--out', OUT,
    ]);
    expect(run.code, run.stdout + run.stderr).not.toBe(4);
    expect([0, 1, 3]).toContain(run.code);
    const report = run.report();
    expect(report.config.scenario).toBe(BOARD_SCENARIO);
    expect(report.config.sources).toMatchObject({ scenario: 'cli', users: 'cli' });
    expect(report.samples.soak).toBeGreaterThanOrEqual(8);
    // The last sample's load counts: the scenario's own actions and timer, counted by outcome.
    const lines = readFileSync(join(run.runDir!, 'samples.ndjson'), 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1]!) as { load?: { actions: Record<string, number>; plannedActions: number; doneActions: number } };
    const load = last.load!;
    expect(load.actions.connect).toBe(10);
    for (const action of ['list', 'post', 'timer.ping']) expect(load.actions[action], action).toBeGreaterThan(0);
    expect(load.plannedActions).toBeGreaterThan(100);
    expect(load.doneActions).toBeGreaterThan(0);
    expect(report.fidelity.status).not.toBe('insufficient-data');
    // No buddy seeding and no reference HTTP load against a server that is not the reference app.
    expect(run.stdout).not.toMatch(/seeded \d+ friendships/);
    expect(run.stdout).toMatch(/HTTP load: none \(a scenario file/);
  });
});
