/**
 * `--load-command`: what the run recorded about the outside load it started (run.json,
 * report.json) and the one fidelity part it adds. The command is meant to load the server for
 * the whole soak (until the cool-down, when the harness stops it); one that exits 0 on its own
 * before that left part of the soak hours unloaded, so the part is `too-low` and the verdict is at
 * best inconclusive (fidelity.ts: a failing part blocks a pass; a broken bound still fails). A
 * non-zero exit or a signal death before the cool-down is not judged here: it ended the run as
 * a load failure (exit 4). Pure.
 */
import type { FidelityPart } from './fidelity.js';

/** How the command ended: stopped by the harness at the cool-down or at teardown, or on its own. */
export type LoadCommandEnd = 'cooldown' | 'teardown' | 'itself';

export interface LoadCommandRecord {
  /** The command line as given, run by `/bin/sh -c`. */
  readonly command: string;
  /** PID of `/bin/sh` (and of its process group). */
  readonly pid: number;
  /** Its stdout and stderr, relative to the run folder. */
  readonly log: string;
  /** ISO 8601 time it was started (after the idle baseline checkpoint). */
  readonly startedAt: string;
  /** Real seconds from its start to the planned start of the cool-down (its SOAK_DURATION_S, unrounded). */
  readonly soakRealSeconds: number;
  /** ISO 8601 time it exited; null while it runs (a run.json written mid-run). */
  readonly stoppedAt: string | null;
  /** Real seconds from its start to its exit; null while it runs. */
  readonly ranSeconds: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Who ended it; null while it runs. */
  readonly endedBy: LoadCommandEnd | null;
  /** It outlived the SIGTERM grace and was killed (SIGKILL to its group). */
  readonly killed: boolean;
}

/**
 * The part: `too-low` when the command ended itself with exit 0 after less than `minRatio` of the
 * soak's real seconds (the same share actions fidelity asks for: 99% by default, so a k6
 * `duration` of SOAK_DURATION_S that ends a moment early still counts); `ok` otherwise.
 */
export function loadCommandPart(record: LoadCommandRecord, minRatio: number): FidelityPart {
  if (record.endedBy !== 'itself' || record.ranSeconds === null || record.soakRealSeconds <= 0) return { part: 'load-command', status: 'ok', reasons: [] };
  const share = record.ranSeconds / record.soakRealSeconds;
  if (share >= minRatio) return { part: 'load-command', status: 'ok', reasons: [] };
  const how = record.exitCode === 0 ? 'exited 0' : `ended (code ${String(record.exitCode)}, signal ${String(record.signal)})`;
  return {
    part: 'load-command',
    status: 'too-low',
    reasons: [
      `the load command ${how} ${record.ranSeconds.toFixed(1)} s after it started, before the soak's end at ${record.soakRealSeconds.toFixed(1)} s: ` +
        `only ${(share * 100).toFixed(1)}% of the soak hours were loaded (needs ${(minRatio * 100).toFixed(0)}%)`,
    ],
  };
}
