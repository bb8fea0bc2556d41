/**
 * How a virtual user's action ends, counted exactly once: done, nothing to act on (counted as
 * done), failed, or timed out (counted as failed). An action has ACTION_TIMEOUT_REAL_MS of real
 * time from its start to succeed — an IM until the server's ack — whatever the time scale:
 * server latency is real, so a time-out in simulated time would shrink to nothing at a high
 * scale. An outcome that arrives after the time-out is ignored (the action was already failed).
 */

/**
 * Real ms an action may take, from its start until it succeeded (an IM: until acknowledged).
 * Why 10 s: the client's own ack time-out (client/im-window.tsx, `ackTimeoutMs`) and the VU's
 * waits for a remount are 10 s, and 10 s is the classic limit of a user's attention to a
 * response (Nielsen, "Response Times: The 3 Important Limits"); past it the user has given up.
 */
export const ACTION_TIMEOUT_REAL_MS = 10_000;

export type ActionEnd = 'done' | 'nothing' | 'failed' | 'timed-out';

export interface ActionOutcome {
  /** Settles the action (first call wins; later calls, and calls after the time-out, do nothing). */
  settle(end: Exclude<ActionEnd, 'timed-out'>): void;
  /** True once the action has an outcome. */
  readonly settled: boolean;
}

/**
 * Starts the clock of one action: `onEnd` is called exactly once, with the action's end, or with
 * `timed-out` when `timeoutMs` real ms pass first.
 */
export function startAction(onEnd: (end: ActionEnd) => void, timeoutMs = ACTION_TIMEOUT_REAL_MS): ActionOutcome {
  let settled = false;
  const end = (e: ActionEnd): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    onEnd(e);
  };
  const timer = setTimeout(() => end('timed-out'), timeoutMs);
  return {
    settle: end,
    get settled() {
      return settled;
    },
  };
}
