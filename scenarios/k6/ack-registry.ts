/**
 * Ack ids → callbacks, with timeouts, for socket.io acknowledgements (`42<id>[...]` out,
 * `43<id>[...]` back). Pure: it owns no timer; the caller passes "now" (ms, any monotonic
 * clock) and calls `expire(now)` from its own timer, so k6 and Node drive it the same way and
 * tests drive it with numbers.
 */

export type AckOutcome =
  | { readonly ok: true; readonly args: readonly unknown[]; /** Send → ack, ms. */ readonly latencyMs: number }
  | { readonly ok: false; readonly reason: 'timeout' | 'disconnected'; readonly waitedMs: number };

export type AckCallback = (outcome: AckOutcome) => void;

interface Pending {
  readonly callback: AckCallback;
  readonly sentAt: number;
  readonly deadline: number;
}

// TS `private` (erased) rather than `#fields`: the k6 JS runtime (Sobek) support for them varies by version.
export class AckRegistry {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** Reserve the next ack id for a message sent at `now`; the callback runs exactly once. */
  register(callback: AckCallback, now: number, timeoutMs: number): number {
    const id = this.nextId;
    // socket.io-client wraps too; 2^31 keeps ids small and positive for the wire.
    this.nextId = (this.nextId + 1) % 2 ** 31;
    this.pending.set(id, { callback, sentAt: now, deadline: now + timeoutMs });
    return id;
  }

  /** Settle an ACK from the server. False when the id is unknown (late after timeout, or bogus). */
  resolve(id: number, args: readonly unknown[], now: number): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.pending.delete(id);
    p.callback({ ok: true, args, latencyMs: now - p.sentAt });
    return true;
  }

  /** Fail every ack whose deadline has passed; returns how many. */
  expire(now: number): number {
    let n = 0;
    for (const [id, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(id);
      p.callback({ ok: false, reason: 'timeout', waitedMs: now - p.sentAt });
      n++;
    }
    return n;
  }

  /** The link dropped: no ack pending on it can arrive any more. Returns how many failed. */
  rejectAll(now: number): number {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.callback({ ok: false, reason: 'disconnected', waitedMs: now - p.sentAt });
    return all.length;
  }

  get size(): number {
    return this.pending.size;
  }
}
