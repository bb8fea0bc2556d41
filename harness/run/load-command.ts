/**
 * `--load-command "CMD"`: the outside load (k6, your own tool) as a process the harness starts
 * after the idle baseline checkpoint and stops at the cool-down. The string runs under
 * `/bin/sh -c`, as npm scripts do, in its own process group (so `sh` and whatever it starts are
 * stopped together, and only they: the group is the one this module started, signalled by its
 * PID). Its stdout and stderr go straight to `<run>/load-command.log` through a file descriptor
 * (the child writes it itself: nothing is lost if the harness dies). An exit before the harness
 * stops it is either a failure (non-zero, a signal: `failed` rejects with ERR_LOAD and the log's
 * tail) or an early stop (exit 0: recorded, judged by analysis/load-command-fidelity.ts).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { TargetError } from '../errors.js';
import type { LoadCommandEnd, LoadCommandRecord } from '../analysis/load-command-fidelity.js';

/** The command's output file in the run folder. */
export const LOAD_COMMAND_LOG = 'load-command.log';
/**
 * Real ms between SIGTERM and SIGKILL to the command's group. Why 5 s: a load tool given SIGTERM
 * closes its connections and writes its summary (k6 does both in well under a second for a few
 * hundred VUs); waiting longer only delays the cool-down's start, and its sockets must be gone
 * for the cool-down to show the server's return to baseline.
 */
export const LOAD_COMMAND_STOP_GRACE_MS = 5_000;
/**
 * Real ms the stop waits for the group to vanish after SIGKILL, which cannot be ignored. Bounded
 * because a background process whose shell already exited is reaped by whoever adopted it: where
 * that is a PID 1 that never reaps, its zombie stays in the group for good, and the run must not
 * wait on it.
 */
const KILL_SETTLE_MS = 1_000;
/** Real ms between two looks at whether the group still has a process, while it stops. */
const GROUP_POLL_MS = 50;
/** Bytes of the log quoted when the command fails: the last screenful, where tools say why. */
const TAIL_BYTES = 2_000;

export interface LoadCommandEnv {
  /** The soaked server's URL (SOAK_TARGET_URL). */
  readonly targetUrl: string;
  /** Its Prometheus endpoint (SOAK_METRICS_URL; empty for an inspector-only soak). */
  readonly metricsUrl: string | null;
  /** Real seconds from now to the cool-down's start (SOAK_DURATION_S, rounded up to whole seconds). */
  readonly soakRealSeconds: number;
  readonly runId: string;
  readonly runDir: string;
}

export interface LoadCommandHandle {
  readonly pid: number;
  readonly logPath: string;
  /** Rejects (TargetError ERR_LOAD) if it exits non-zero or dies of a signal before the harness stops it; never settles otherwise. */
  readonly failed: Promise<never>;
  /** Resolves with its record when it exits on its own with 0 before the harness stops it. */
  readonly endedEarly: Promise<LoadCommandRecord>;
  /** Stops its process group (SIGTERM, then SIGKILL after the grace); resolves once the group is gone. Idempotent. */
  stop(by: Exclude<LoadCommandEnd, 'itself'>): Promise<void>;
  /** What is known so far (the exit fields are null while it runs). */
  record(): LoadCommandRecord;
}

/** Starts the command; throws TargetError (ERR_LOAD) if `/bin/sh` itself cannot be started. */
export function startLoadCommand(command: string, env: LoadCommandEnv, cwd: string): LoadCommandHandle {
  const logPath = join(env.runDir, LOAD_COMMAND_LOG);
  const fd = openSync(logPath, 'a');
  const startedMs = Date.now();
  let child;
  try {
    child = spawn('/bin/sh', ['-c', command], {
      cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        SOAK_TARGET_URL: env.targetUrl,
        SOAK_METRICS_URL: env.metricsUrl ?? '',
        SOAK_DURATION_S: String(Math.ceil(env.soakRealSeconds)),
        SOAK_RUN_ID: env.runId,
        SOAK_RUN_DIR: env.runDir,
      },
    });
  } finally {
    // The child holds its own copy; the harness never writes to the log.
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new TargetError('ERR_LOAD', `the load command could not be started (/bin/sh -c ${JSON.stringify(command)})`);
  // Detached children keep the harness's event loop alive otherwise; the teardown stops it anyway.
  child.unref();

  let stopping: LoadCommandEnd | null = null;
  let exit: { code: number | null; signal: string | null; atMs: number } | null = null;
  let killed = false;
  // Set when the shell has exited and nothing of its group was left: its PID (the group's id)
  // may then be reused by an unrelated process, so the group is never signalled again.
  let groupGone = false;
  const record = (): LoadCommandRecord => ({
    command,
    pid,
    log: LOAD_COMMAND_LOG,
    startedAt: new Date(startedMs).toISOString(),
    soakRealSeconds: env.soakRealSeconds,
    stoppedAt: exit ? new Date(exit.atMs).toISOString() : null,
    ranSeconds: exit ? (exit.atMs - startedMs) / 1000 : null,
    exitCode: exit?.code ?? null,
    signal: exit?.signal ?? null,
    endedBy: exit ? (stopping ?? 'itself') : null,
    killed,
  });

  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal, atMs: Date.now() };
      groupGone = !groupAlive(pid);
      resolve();
    });
  });
  let onFail: (error: Error) => void = () => undefined;
  let onEarly: (r: LoadCommandRecord) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (onFail = reject));
  failed.catch(() => undefined);
  const endedEarly = new Promise<LoadCommandRecord>((resolve) => (onEarly = resolve));
  void exited.then(() => {
    if (stopping !== null || !exit) return;
    if (exit.code === 0) onEarly(record());
    else {
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${String(exit.code)}`;
      onFail(new TargetError('ERR_LOAD', `the load command ${how} ${((exit.atMs - startedMs) / 1000).toFixed(1)} s after it started, before the cool-down: ${command}\n--- ${logPath} (tail) ---\n${tail(logPath)}`));
    }
  });

  let stopped: Promise<void> | null = null;
  const stop = (by: Exclude<LoadCommandEnd, 'itself'>): Promise<void> => {
    if (stopped) return stopped;
    if (!exit) stopping = by;
    stopped = (async () => {
      // Even after `sh` exited on its own, what it started in the background may still run.
      if (groupGone || !signalGroup(pid, 'SIGTERM')) return void (await exited);
      const deadline = Date.now() + LOAD_COMMAND_STOP_GRACE_MS;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(GROUP_POLL_MS);
      if (groupAlive(pid)) {
        killed = signalGroup(pid, 'SIGKILL');
        const settle = Date.now() + KILL_SETTLE_MS;
        while (groupAlive(pid) && Date.now() < settle) await sleep(GROUP_POLL_MS);
      }
      await exited;
    })();
    return stopped;
  };

  return { pid, logPath, failed, endedEarly, stop, record };
}

/** Signals the process group led by `pgid`; false when it has no process left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The log's last TAIL_BYTES, for the failure message. */
export function tail(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '(no log)';
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const text = buffer.toString('utf8').trimEnd();
    return text === '' ? '(empty)' : `${size > length ? '…' : ''}${text}`;
  } finally {
    closeSync(fd);
  }
}
