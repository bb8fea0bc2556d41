/**
 * What the reference client tells whoever hosts it (a virtual user, a test) about the work it
 * does. The components call these hooks at the points a real app would log or trace; the
 * virtual user turns them into counts. Kept as an interface so the client never imports
 * scenarios/ (DESIGN.md import direction).
 */
/** The client's periodic timers whose fires are counted (harness/analysis/timer-fidelity.ts). */
export type ClientTimerType = 'presence-ping' | 'request-poll' | 'weather';

export interface ClientProbe {
  /** An `im:send` left the client; `clientId` matches the later ack. */
  messageSent(clientId: string): void;
  /** The server acknowledged `im:send` with data. */
  messageAcked(clientId: string): void;
  /** The send failed (ack error, `im:error`, or ack timeout). */
  messageFailed(clientId: string, code: string): void;
  /** The Shell's one `im:new` listener received a message (once per socket delivery). */
  messageDelivered(messageId: string): void;
  /** An IMWindow handler processed `im:new` for this message; a second call for one id is a duplicate. */
  messageHandled(messageId: string): void;
  /** Anything else that failed: a REST call, an ack error. */
  error(where: string, code: string): void;
  /** The Shell's poll found these pending buddy requests addressed to this user. */
  pendingRequests(requestIds: readonly string[]): void;
  /** A periodic timer tick sent its request (a ping or poll emitted, a weather refresh fetched). */
  timerFired(type: ClientTimerType): void;
}

/** A probe that records nothing, for hosts that do not count. */
export const nullProbe: ClientProbe = Object.freeze({
  messageSent: () => undefined,
  messageAcked: () => undefined,
  messageFailed: () => undefined,
  messageDelivered: () => undefined,
  messageHandled: () => undefined,
  error: () => undefined,
  pendingRequests: () => undefined,
  timerFired: () => undefined,
});
