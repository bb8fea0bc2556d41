/**
 * One error class for every probe failure, with a stable `code` the orchestrator maps to exit
 * code 4 (target or harness failure) and prints with its cause. Codes never change meaning.
 */

export type ProbeErrorCode =
  /** The child never printed `Debugger listening on ws://…` within the timeout. */
  | 'ERR_INSPECTOR_URL'
  /** The inspector WebSocket (or its `/json/list` discovery) could not be reached. */
  | 'ERR_INSPECTOR_CONNECT'
  /** A protocol call failed or the target threw while being read. */
  | 'ERR_INSPECTOR_PROTOCOL'
  /** `/metrics` was unreachable, timed out or answered non-2xx. */
  | 'ERR_METRICS_SCRAPE'
  /** The store's `serverStatus` could not be read (unreachable, timed out, no connection counts). */
  | 'ERR_STORE_STATUS'
  /** The store answering is not the process the run started with (its pid changed or its uptime went back). */
  | 'ERR_STORE_RESTARTED'
  /** Writing a heap snapshot failed (protocol or file system). */
  | 'ERR_HEAP_SNAPSHOT'
  /** Reading or diffing heap snapshot files failed. */
  | 'ERR_HEAP_DIFF';

export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  readonly code: ProbeErrorCode;
  /** The call got no answer within its time-out (as opposed to an answer that was an error). */
  readonly timedOut: boolean;

  constructor(code: ProbeErrorCode, message: string, options?: { cause?: unknown; timedOut?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.timedOut = options?.timedOut ?? false;
  }
}

/** Wraps any thrown value as a ProbeError of `code`, keeping an existing ProbeError as it is. */
export function asProbeError(code: ProbeErrorCode, context: string, err: unknown): ProbeError {
  if (err instanceof ProbeError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new ProbeError(code, `${context}: ${detail}`, { cause: err });
}
