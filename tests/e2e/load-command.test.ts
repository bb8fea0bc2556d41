/**
 * `--load-command`: the harness runs the outside load itself against a server it did not start
 * (the example board). The command is a small Node script (tests/helpers/load-command-script.mjs)
 * that logs readers in, connects them and posts. What must hold: it starts after the idle
 * baseline, gets the run's SOAK_* variables, is stopped at the cool-down (SIGTERM to its group,
 * its process gone after the run), its output is kept in the run folder, and a command that fails
 * early fails the run as a load failure (exit 4) naming the command. The verdict itself is left
 * to the target rules (another change): only "not a failure" is asserted for the clean run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../harness/exit-codes.js';
import type { LoadCommandRecord } from '../../harness/analysis/load-command-fidelity.js';
import { startBoard, type BoardProcess } from '../helpers/board-process.js';
import { runCli } from './run-cli.js';
import { pidAlive } from '../helpers/pid-alive.js';

const OUT = join(import.meta.dirname, '../../reports/e2e');
const SCRIPT = fileURLToPath(new URL('../helpers/load-command-script.mjs', import.meta.url));
/**
 * 0.008 h (28.8 s real: a target runs at S = 1) with 3.6 s of warm-up and a 3 s sample step:
 * 8 soak samples, the fewest the config accepts; 5.4 s of cool-down after the command stops.
 */
const SHORT = ['--hours', '0.008', '--warmup', '0.001', '--cooldown', '0.0015', '--sample-every', '0.05', '--no-snapshots', '--ci', '--out', OUT];

let board: BoardProcess;
beforeAll(async () => {
  board = await startBoard();
});
afterAll(async () => {
  await board?.stop();
});

function targetArgs(): string[] {
  return ['--target', board.url, '--inspect', board.inspect, '--metrics', `${board.url}/metrics`];
}


describe('--load-command', () => {
  it('starts the command after the idle baseline with the SOAK_* variables and stops it at the cool-down', async () => {
    const command = `node ${SCRIPT} --users 3`;
    const run = await runCli([...targetArgs(), '--load-command', command, ...SHORT], { killAfterMs: 120_000 });
    expect(run.code, run.stdout + run.stderr).not.toBe(EXIT.failure);
    expect(run.code, run.stdout + run.stderr).not.toBe(EXIT.usage);
    const report = run.report();
    const runDir = run.runDir!;

    // Its output, kept in the run folder and named in the run's output.
    const logPath = join(runDir, 'load-command.log');
    expect(existsSync(logPath)).toBe(true);
    expect(run.stdout).toContain(`load command: ${command} (pid `);
    expect(run.stdout).toContain(logPath);
    const log = readFileSync(logPath, 'utf8');
    const started = /started pid=(\d+) at=(\d+) SOAK_TARGET_URL=(\S+) SOAK_METRICS_URL=(\S+) SOAK_DURATION_S=(\d+) SOAK_RUN_ID=(\S+) SOAK_RUN_DIR=(\S+)/.exec(log);
    expect(started, log).not.toBeNull();
    const [, scriptPid, startedAtMs, targetUrl, metricsUrl, durationS, runId, runDirEnv] = started!;
    expect(targetUrl).toBe(board.url);
    expect(metricsUrl).toBe(`${board.url}/metrics`);
    expect(runId).toBe(report.run.id);
    expect(runDirEnv).toBe(runDir);
    // The soak's real seconds from the command's start to the cool-down: 28.8 s plus the start allowance.
    expect(Number(durationS)).toBeGreaterThanOrEqual(29);
    expect(Number(durationS)).toBeLessThanOrEqual(35);
    expect(log).toMatch(/3 readers connecting/);

    // After the idle baseline: its first line comes later than the baseline checkpoint's reading.
    const baseline = JSON.parse(readFileSync(join(runDir, 'baseline.json'), 'utf8')) as { realMs: number };
    expect(Number(startedAtMs) - Date.parse(report.run.startedAt)).toBeGreaterThan(baseline.realMs);
    expect(run.stdout.indexOf('baseline checkpoint:')).toBeGreaterThan(-1);
    expect(run.stdout.indexOf('baseline checkpoint:')).toBeLessThan(run.stdout.indexOf('load command:'));

    // Stopped at the cool-down, by SIGTERM, and gone.
    expect(log).toMatch(/stopped by SIGTERM \(\d+ posts acknowledged\)/);
    expect(Number(/stopped by SIGTERM \((\d+) posts/.exec(log)![1])).toBeGreaterThan(0);
    expect(pidAlive(Number(scriptPid))).toBe(false);
    const record = report.run.loadCommand!;
    expect(record).toMatchObject({ command, log: 'load-command.log', endedBy: 'cooldown', killed: false });
    // The exit is /bin/sh's: dash does not exec the command, so the group's SIGTERM ends it too.
    expect([JSON.stringify([0, null]), JSON.stringify([null, 'SIGTERM'])]).toContain(JSON.stringify([record.exitCode, record.signal]));
    expect(pidAlive(record.pid)).toBe(false);
    expect(record.ranSeconds!).toBeGreaterThanOrEqual(record.soakRealSeconds - 1);
    expect(report.config.sources).toMatchObject({ loadCommand: 'cli', load: 'cli' });
    const runJson = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { loadCommand: LoadCommandRecord; config: { load: string } };
    expect(runJson.config.load).toBe('external');
    expect(runJson.loadCommand).toEqual(record);
    expect(report.fidelity.parts).toContainEqual({ part: 'load-command', status: 'ok', reasons: [] });
    expect(readFileSync(join(runDir, 'summary.md'), 'utf8')).toMatch(/Load command `.*load-command-script\.mjs --users 3` \(pid \d+, output in load-command\.log\): stopped at the cool-down/);
  });

  it('fails the run as a load failure, naming the command, when it exits 1 before the cool-down', async () => {
    const command = `node ${SCRIPT} --users 2 --exit-after-ms 2000 --exit-code 1`;
    const run = await runCli([...targetArgs(), '--load-command', command, ...SHORT], { killAfterMs: 120_000 });
    expect(run.code, run.stdout + run.stderr).toBe(EXIT.failure);
    expect(run.stderr).toContain(`the load command exited with code 1`);
    expect(run.stderr).toContain(command);
    // The log's tail is in the message.
    expect(run.stderr).toMatch(/exiting with code 1 after 2000 ms, as asked/);
    const runDir = /^report(?: folder)?: (.+)$/m.exec(run.stdout)![1]!.trim();
    const record = (JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as { loadCommand: LoadCommandRecord }).loadCommand;
    expect(record).toMatchObject({ command, endedBy: 'itself', exitCode: 1 });
    expect(pidAlive(record.pid)).toBe(false);
  });
});
