/**
 * The exit-code table of `npm run soak`. Library code sets a result; only cli.ts turns it into
 * `process.exitCode`. CI jobs and docs rely on these numbers.
 */
export const EXIT = Object.freeze({
  /** The soak was flat: every rule passed with enough evidence. */
  pass: 0,
  /** A leak was found or a rule failed (or `compare`: head regressed). */
  fail: 1,
  /** Bad flags, bad config or bad input files. */
  usage: 2,
  /** Too few samples, planned load not reached, or the server could not keep up. */
  inconclusive: 3,
  /** The target or the harness failed (server crashed, store unreachable). */
  failure: 4,
  /** Interrupted by SIGINT/SIGTERM; a partial report was written. */
  interrupted: 130,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function exitCodeForStatus(status: 'pass' | 'fail' | 'inconclusive'): ExitCode {
  return status === 'pass' ? EXIT.pass : status === 'fail' ? EXIT.fail : EXIT.inconclusive;
}

/**
 * The exit code of a whole run. Interrupted → 130. A run cut short by a failure (the server
 * crashed or stopped answering) → 4, unless the samples it had already name a leak: then 1,
 * because the failure is most likely that leak's symptom (the seed's server died of its leaks;
 * measured here, `im-listeners` at 100 users flooded the server with read receipts until
 * /metrics stopped answering). CI must see "your code leaks", not "infrastructure, retry"; the
 * report keeps the error. Otherwise the verdict decides.
 */
export function runExitCode(run: {
  readonly interrupted: boolean;
  readonly errorCode: ExitCode | null;
  readonly status: 'pass' | 'fail' | 'inconclusive';
  readonly leaks: readonly string[];
}): ExitCode {
  if (run.interrupted) return EXIT.interrupted;
  if (run.errorCode !== null) return run.errorCode === EXIT.failure && run.status === 'fail' && run.leaks.length > 0 ? EXIT.fail : run.errorCode;
  return exitCodeForStatus(run.status);
}
