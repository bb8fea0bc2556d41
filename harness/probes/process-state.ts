/**
 * What a local process is doing, from Linux's /proc: for the message of an inspector call that
 * timed out, so that a hung probe says whether the server was running, sleeping or stopped, how
 * much CPU it had used, and where its main thread waited. (CI twice saw an `evaluate` of the idle
 * baseline outlast 60 s under clinic, with the server alive; it never recurred in 12 runs here.)
 */
import { readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat this module reads. */
export interface ProcStat {
  /** One letter: R running, S sleeping, D disk wait, T stopped, t traced, Z zombie, … */
  readonly state: string;
  /** User + system CPU of the whole process, clock ticks (USER_HZ, 100 on Linux). */
  readonly cpuTicks: number;
  readonly threads: number;
}

const STATE_NAMES: Readonly<Record<string, string>> = {
  R: 'running',
  S: 'sleeping',
  D: 'waiting on disk',
  T: 'stopped (a signal)',
  t: 'stopped by a tracer',
  Z: 'zombie (exited, not reaped)',
  X: 'dead',
  I: 'idle',
};

/** USER_HZ: what /proc counts CPU in on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

/**
 * Parses /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself hold
 * spaces and parentheses, so the fields are counted from its last `)`. Null when malformed.
 */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // Fields 3… (state is field 3): after ") ".
  const f = text.slice(close + 2).trim().split(/\s+/);
  const state = f[0];
  const utime = Number(f[11]); // field 14
  const stime = Number(f[12]); // field 15
  const threads = Number(f[17]); // field 20
  if (!state || !Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(threads)) return null;
  return { state, cpuTicks: utime + stime, threads };
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * One line on process `pid`: its state, CPU used, threads, and the kernel function its main
 * thread waits in (when the kernel shows it). Never throws: where /proc cannot be read (not
 * Linux, or the process is gone) it says so.
 */
export function describeProcess(pid: number): string {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === null) return `process ${pid}: not found in /proc (gone, or not Linux)`;
  const s = parseProcStat(stat);
  if (!s) return `process ${pid}: /proc/${pid}/stat unreadable`;
  const wchan = read(`/proc/${pid}/wchan`)?.trim();
  const waits = wchan && wchan !== '0' ? `, main thread waiting in ${wchan}` : '';
  return `process ${pid}: ${s.state} (${STATE_NAMES[s.state] ?? 'unknown state'}), CPU ${(s.cpuTicks / TICKS_PER_SECOND).toFixed(2)} s, ${s.threads} threads${waits}`;
}
