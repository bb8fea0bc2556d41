/**
 * The client and load count shapes the harness samples (structurally identical to
 * `ClientCounts` / `LoadCounts` in harness/sample.ts; scenarios/ may not import harness/, and
 * tests/scenarios/count-types.test.ts fails to type-check if the two drift apart).
 */

export interface ClientCounts {
  readonly vus: number;
  readonly socketsOpen: number;
  readonly socketsPerUserMax: number;
  /**
   * Listeners per socket per event per subscribing component (`socket.listeners(ev).length`
   * divided by the mounted components that listen to ev): max over sockets and events; 1 when
   * nothing leaks. `listenersByEvent` keeps the raw counts.
   */
  readonly listenersPerSocketMax: number;
  readonly listenersPerSocketSum: number;
  readonly listenersByEvent: Readonly<Record<string, { readonly max: number; readonly sum: number }>>;
  /** document/window listeners per VU: max over VUs, sum over VUs. */
  readonly documentListenersMax: number;
  readonly documentListenersSum: number;
  readonly documentListenersByType: Readonly<Record<string, number>>;
  readonly intervalsAlive: number;
  readonly timeoutsAlive: number;
  /** Messages handled more than once by one user's IM windows (cumulative). */
  readonly duplicateDeliveries: number;
}

export interface LoadCounts {
  readonly actions: Readonly<Record<string, number>>;
  /** Actions the scenario planned up to now (cumulative). */
  readonly plannedActions: number;
  /**
   * Actions that succeeded within ACTION_TIMEOUT_REAL_MS (scenarios/action-outcome.ts); an IM
   * only once the server acknowledged it (cumulative). An action with nothing to act on (no
   * window to close yet) is done: the user looked and moved on.
   */
  readonly doneActions: number;
  /**
   * Actions that failed: threw, were answered with an error, took longer than their real-time
   * time-out, or (an IM) were never acknowledged (cumulative). Absent in samples from before
   * actions could fail.
   */
  readonly failedActions?: number;
  /** Actions started and not yet settled at the reading (IMs awaiting their ack, mostly). */
  readonly pendingActions?: number;
  readonly messagesSent: number;
  readonly messagesAcked: number;
  /** IMs whose send failed: an error reply, `im:error`, or no ack within the client's time-out (cumulative). */
  readonly messagesFailed?: number;
  /**
   * A reading of a load worker's own SimClock (`simMs`) and the wall-clock instant it was taken
   * (`epochMs`, Date.now()): the harness checks it against its own clock (clock drift). With
   * several workers, the one furthest from the load process's clock.
   */
  readonly clock?: { readonly simMs: number; readonly epochMs: number };
  readonly messagesDelivered: number;
  readonly reconnects: number;
  readonly errors: number;
  /**
   * Periodic client timer ticks that sent their request, by timer ('presence-ping',
   * 'request-poll', 'weather'), cumulative. Absent in samples from before it was counted.
   */
  readonly timerEvents?: Readonly<Record<string, number>>;
  /**
   * Errors and failed sends by where and code (`im:send:ack-timeout`, `im:read:forbidden`…),
   * cumulative, so a run's failures can be told apart. Absent in samples from before it was counted.
   */
  readonly errorCodes?: Readonly<Record<string, number>>;
  /** Simulated ms at which the load read these counts (a report can be up to 1 s real old). */
  readonly readAtSimMs?: number;
  /** Round-trip latency of im:send → ack over the last report window, real ms. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly count: number };
}
