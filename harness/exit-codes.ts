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
