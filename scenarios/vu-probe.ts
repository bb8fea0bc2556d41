/**
 * The virtual user's ClientProbe: turns the client's hooks into load counters (shared by the
 * VUs of one worker), send→ack latencies (real ms, into the worker's histogram) and duplicate
 * deliveries (one message id handled more than once by IM windows of this user), and each
 * send's outcome (acked or failed) for the worker, which counts an IM as done only once acked.
 */
import type { ClientProbe, ClientTimerType } from '../client/client-probe.js';
import type { WorkerTotals } from './counts.js';
import { recordMs, type Histogram } from './latency.js';

/** Message ids remembered for duplicate detection; a leak duplicates within seconds, so a small window suffices. */
const RECENT_IDS = 256;

export class VuProbe implements ClientProbe {
  readonly #totals: WorkerTotals;
  readonly #latency: Histogram;
  readonly #sentAt = new Map<string, number>();
  readonly #handled = new Map<string, number>();
  duplicates = 0;
  /** Pending buddy requests to this user seen by the last poll. */
  pending: readonly string[] = [];
  /**
   * The outcome of the last IM this user sent: true once acked, false once it failed (error
   * reply, `im:error`, or the client's ack time-out). Null before the first send.
   */
  lastOutcome: Promise<boolean> | null = null;
  /** Sends awaiting their outcome; each entry goes when the ack or the failure arrives. */
  readonly #settle = new Map<string, (ok: boolean) => void>();

  constructor(totals: WorkerTotals, latency: Histogram) {
    this.#totals = totals;
    this.#latency = latency;
  }

  messageSent(clientId: string): void {
    this.#totals.messagesSent += 1;
    this.#sentAt.set(clientId, performance.now());
    const outcome = new Promise<boolean>((resolve) => this.#settle.set(clientId, resolve));
    this.lastOutcome = outcome;
    this.#pendingOutcomes.add(outcome);
    void outcome.then(() => this.#pendingOutcomes.delete(outcome));
  }

  messageAcked(clientId: string): void {
    this.#totals.messagesAcked += 1;
    const t0 = this.#sentAt.get(clientId);
    this.#sentAt.delete(clientId);
    if (t0 !== undefined) recordMs(this.#latency, performance.now() - t0);
    this.#settled(clientId, true);
  }

  /**
   * Resolves once every send so far has its outcome (an ack, an error, or the client's own 10 s
   * ack time-out, so it always resolves).
   */
  async sendsSettled(): Promise<void> {
    const pending = [...this.#pendingOutcomes];
    await Promise.all(pending);
  }

  readonly #pendingOutcomes = new Set<Promise<boolean>>();

  #settled(clientId: string, ok: boolean): void {
    this.#settle.get(clientId)?.(ok);
    this.#settle.delete(clientId);
  }

  messageFailed(clientId: string, code: string): void {
    this.#sentAt.delete(clientId);
    this.#totals.errors += 1;
    this.#countCode('im:send', code);
    // Once per send, though a leaking window may report one failure several times.
    if (this.#settle.has(clientId)) this.#totals.messagesFailed += 1;
    this.#settled(clientId, false);
  }

  messageDelivered(_messageId: string): void {
    this.#totals.messagesDelivered += 1;
  }

  messageHandled(messageId: string): void {
    const n = this.#handled.get(messageId) ?? 0;
    if (n > 0) this.duplicates += 1;
    else if (this.#handled.size >= RECENT_IDS) this.#handled.delete(this.#handled.keys().next().value as string);
    this.#handled.set(messageId, n + 1);
  }

  error(where: string, code: string): void {
    this.#totals.errors += 1;
    this.#countCode(where, code);
  }

  #countCode(where: string, code: string): void {
    const key = `${where}:${code}`;
    this.#totals.errorCodes[key] = (this.#totals.errorCodes[key] ?? 0) + 1;
  }

  pendingRequests(requestIds: readonly string[]): void {
    this.pending = requestIds;
  }

  timerFired(type: ClientTimerType): void {
    this.#totals.timerEvents[type] = (this.#totals.timerEvents[type] ?? 0) + 1;
  }
}
