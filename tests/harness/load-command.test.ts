/**
 * The `--load-command` process handling with real `/bin/sh` processes: the SOAK_* variables, the
 * log file, the stop of the whole process group (SIGTERM, then SIGKILL after the grace), and how
 * an exit before the stop is told apart (0: ended early; non-zero: a load failure with the tail).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetError } from '../../harness/errors.js';
import { LOAD_COMMAND_LOG, LOAD_COMMAND_STOP_GRACE_MS, startLoadCommand, type LoadCommandHandle } from '../../harness/run/load-command.js';
import { until } from '../helpers/until.js';
import { pidAlive } from '../helpers/pid-alive.js';

function env(runDir: string) {
  return { targetUrl: 'http://127.0.0.1:1', metricsUrl: 'http://127.0.0.1:1/metrics', soakRealSeconds: 12.3, runId: 'run-1', runDir };
}


/** The PIDs the command wrote into its log, one `pid N` line each. */
function pidsIn(runDir: string): number[] {
  return [...readFileSync(join(runDir, LOAD_COMMAND_LOG), 'utf8').matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
}

const logOf = (handle: LoadCommandHandle) => readFileSync(handle.logPath, 'utf8');

describe('startLoadCommand', () => {
  it('runs the string under /bin/sh -c with the SOAK_* variables, its output in load-command.log', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('echo "$SOAK_TARGET_URL $SOAK_METRICS_URL $SOAK_DURATION_S $SOAK_RUN_ID $SOAK_RUN_DIR"; echo oops >&2', env(runDir), runDir);
    const record = await handle.endedEarly;
    expect(logOf(handle)).toBe(`http://127.0.0.1:1 http://127.0.0.1:1/metrics 13 run-1 ${runDir}\noops\n`);
    expect(record).toMatchObject({ pid: handle.pid, log: LOAD_COMMAND_LOG, soakRealSeconds: 12.3, exitCode: 0, signal: null, endedBy: 'itself', killed: false });
    expect(record.ranSeconds).toBeGreaterThanOrEqual(0);
  });

  it('stops its whole process group at the cool-down: the shell and what it started in the background', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('sleep 30 & echo "pid $!"; sleep 30', env(runDir), runDir);
    await until('the background pid in the log', () => pidsIn(runDir).length === 1);
    const [background] = pidsIn(runDir) as [number];
    expect(pidAlive(background)).toBe(true);
    await handle.stop('cooldown');
    expect(pidAlive(handle.pid)).toBe(false);
    expect(pidAlive(background)).toBe(false);
    expect(handle.record()).toMatchObject({ endedBy: 'cooldown', signal: 'SIGTERM', exitCode: null, killed: false });
    // Stopping again (the teardown after the cool-down) does nothing more.
    await handle.stop('teardown');
    expect(handle.record().endedBy).toBe('cooldown');
  });

  it('kills (SIGKILL) a group that ignores SIGTERM once the grace is over', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('trap "" TERM; echo ready; while :; do sleep 0.1; done', env(runDir), runDir);
    await until('the trap to be set', () => logOf(handle).includes('ready'));
    const t0 = performance.now();
    await handle.stop('teardown');
    const waited = performance.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(LOAD_COMMAND_STOP_GRACE_MS - 100);
    expect(pidAlive(handle.pid)).toBe(false);
    expect(handle.record()).toMatchObject({ endedBy: 'teardown', signal: 'SIGKILL', killed: true });
  }, LOAD_COMMAND_STOP_GRACE_MS + 10_000);

  it('fails (ERR_LOAD, exit 4) when the command exits non-zero before it is stopped, quoting the command and the log tail', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('echo "k6: threshold http_req_failed crossed"; exit 99', env(runDir), runDir);
    const error = await handle.failed.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetError);
    expect((error as TargetError).code).toBe('ERR_LOAD');
    expect((error as TargetError).exitCode).toBe(4);
    expect((error as Error).message).toMatch(/^the load command exited with code 99 [\d.]+ s after it started, before the cool-down: echo .*exit 99\n--- .*load-command\.log \(tail\) ---\nk6: threshold http_req_failed crossed$/);
    expect(handle.record()).toMatchObject({ endedBy: 'itself', exitCode: 99 });
  });

  it('fails when the command dies of a signal before it is stopped', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('kill -9 $$', env(runDir), runDir);
    await expect(handle.failed).rejects.toThrow(/^the load command was killed by SIGKILL .*\n.*\n\(empty\)$/);
  });

  it('does not count the exit the stop caused as a failure or an early end', async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'load-cmd-'));
    const handle = startLoadCommand('trap "exit 3" TERM; echo ready; while :; do sleep 0.1; done', env(runDir), runDir);
    await until('the trap to be set', () => logOf(handle).includes('ready'));
    let settled = false;
    void handle.failed.catch(() => (settled = true));
    void handle.endedEarly.then(() => (settled = true));
    await handle.stop('cooldown');
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    expect(handle.record()).toMatchObject({ endedBy: 'cooldown', exitCode: 3 });
  });
});
