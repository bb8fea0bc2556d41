/**
 * A bounded external load made of CodecClients: `users` users in pairs (0↔1, 2↔3, …) send
 * IMs to their partner, one in flight per user, until `messages` have been sent or
 * `durationMs` has passed or `signal` aborts — whichever comes first. It stops by itself and
 * always logs every user off. Meant for `npm run soak -- --load external` in tests, where k6
 * is not available.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CodecClient, loginHttp } from './codec-driver.js';

export interface LoadOptions {
  /** Server base URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Number of users, at least 2. @default 10 */
  readonly users?: number;
  /** IMs to send in total, across users. */
  readonly messages: number;
  /** Hard stop, real ms, counted from the start of the logins. */
  readonly durationMs: number;
  /** Pause between one user's IMs, real ms; 0 sends the next one as soon as the ack is back. @default 0 */
  readonly intervalMs?: number;
  /** @default 'codec' */
  readonly userPrefix?: string;
  /** @default 'codec-password' */
  readonly password?: string;
  readonly signal?: AbortSignal;
}

export interface LoadResult {
  readonly users: number;
  readonly sent: number;
  readonly acked: number;
  /** Acks that were `{ error }`, timed out, or were lost to a disconnect; by reason. */
  readonly failed: Readonly<Record<string, number>>;
  readonly delivered: number;
  readonly echoed: number;
  readonly pongsSent: number;
  /** im:send → ack, real ms; null when nothing was acked. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly max: number } | null;
  readonly durationMs: number;
  readonly stoppedBy: 'messages' | 'duration' | 'signal';
}

/** Logins in flight at once: scrypt on the server costs ~1 ms each, 2 shared cores here. */
const LOGIN_CONCURRENCY = 4;

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const users = opts.users ?? 10;
  if (!Number.isInteger(users) || users < 2) throw new RangeError('users must be an integer >= 2');
  if (!(opts.durationMs > 0) || !(opts.messages >= 0)) throw new RangeError('durationMs > 0 and messages >= 0 required');
  const started = performance.now();
  const deadline = started + opts.durationMs;
  const names = Array.from({ length: users }, (_, i) => `${opts.userPrefix ?? 'codec'}${i}`);
  const stopped = (): boolean => performance.now() >= deadline || opts.signal?.aborted === true;

  const clients: CodecClient[] = [];
  const latencies: number[] = [];
  const failed: Record<string, number> = {};
  let remaining = opts.messages;
  let sent = 0;
  let delivered = 0;
  let echoed = 0;
  try {
    for (let i = 0; i < users && !stopped(); i += LOGIN_CONCURRENCY) {
      const batch = names.slice(i, i + LOGIN_CONCURRENCY);
      const connected = await Promise.all(batch.map(async (name) => {
        const token = await loginHttp(opts.url, name, opts.password ?? 'codec-password');
        return CodecClient.connect({ baseUrl: opts.url, token });
      }));
      for (const c of connected) {
        c.on('im:new', () => delivered++);
        c.on('im:sent', () => echoed++);
        clients.push(c);
      }
    }
    const loop = async (i: number): Promise<void> => {
      const client = clients[i];
      const to = names[i % 2 === 0 ? (i + 1) % users : i - 1];
      if (!client || !to) return;
      for (let seq = 0; remaining > 0 && !stopped() && client.connected; seq++) {
        remaining--;
        sent++;
        const o = await client.request('im:send', [{ to, text: `load #${seq} from ${names[i]}`, clientId: `${i}.${seq}` }]);
        const reply = o.ok ? (o.args[0] as { data?: unknown; error?: { code?: string } } | undefined) : undefined;
        if (o.ok && reply && 'data' in reply) latencies.push(o.latencyMs);
        else {
          const why = o.ok ? (reply?.error?.code ?? 'no-reply') : o.reason;
          failed[why] = (failed[why] ?? 0) + 1;
        }
        if (opts.intervalMs) await sleep(opts.intervalMs, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    };
    await Promise.all(clients.map((_, i) => loop(i)));
    // Let the last deliveries land (bounded): they were acked, so im:new is already in flight.
    await sleep(Math.min(200, Math.max(0, deadline - performance.now())));
  } finally {
    await Promise.all(clients.map((c) => c.disconnect().catch(() => undefined)));
  }
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  return {
    users: clients.length,
    sent,
    acked: latencies.length,
    failed,
    delivered,
    echoed,
    pongsSent: clients.reduce((n, c) => n + c.stats.pongsSent, 0),
    latencyMs: sorted.length === 0 ? null : { p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1] ?? 0 },
    durationMs: performance.now() - started,
    stoppedBy: opts.signal?.aborted ? 'signal' : remaining <= 0 ? 'messages' : 'duration',
  };
}
