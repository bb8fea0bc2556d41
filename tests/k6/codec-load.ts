/**
 * A bounded external load made of the k6 scripts' own session (scenarios/k6/socketio-session.ts,
 * its k6 modules shimmed for Node: tests/k6/shim/, wired by vitest's alias): `users` users in
 * pairs (0↔1, 2↔3, …) send IMs to their partner, one in flight per user, until `messages` have
 * been sent or `durationMs` has passed or `signal` aborts — whichever comes first. It stops by
 * itself and always logs every user off. Meant for `npm run soak -- --load external` in tests,
 * where k6 is not available.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { loginHttp } from './codec-driver.js';
import { total } from './shim/metrics.js';
import type { AckOutcome } from '../../scenarios/k6/ack-registry.js';

/** The session's shape as used here; its real types are checked by scenarios/k6/tsconfig.json. */
interface K6Session {
  readonly connected: boolean;
  start(): void;
  emit(event: string, args: readonly unknown[], onAck?: (o: AckOutcome) => void): boolean;
  close(): void;
}
interface K6SessionOptions {
  baseUrl: string;
  token: string;
  onConnect?: () => void;
  onEvent?: (event: string, args: readonly unknown[]) => void;
  onEnd?: (reason: string) => void;
}
// The session imports its siblings as `./x.ts` (k6 resolves paths literally), which the Node
// tsconfig refuses; vitest loads it fine. A variable keeps tsc from following the import.
const sessionModule = '../../scenarios/k6/socketio-session.ts';
const { SocketIoSession } = (await import(/* @vite-ignore */ sessionModule)) as { SocketIoSession: new (o: K6SessionOptions) => K6Session };

/** Real ms a user may take from dial to socket.io CONNECT. */
const CONNECT_TIMEOUT_MS = 10_000;

/** Starts one k6 session and resolves once it is connected (rejects when refused or too slow). */
function connectSession(baseUrl: string, token: string, onEvent: (event: string) => void): Promise<K6Session> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.close();
      reject(new Error(`k6 session: no CONNECT within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    const session = new SocketIoSession({
      baseUrl,
      token,
      onConnect: () => {
        clearTimeout(timer);
        resolve(session);
      },
      onEvent: (event) => onEvent(event),
      onEnd: (reason) => {
        clearTimeout(timer);
        reject(new Error(`k6 session ended before CONNECT: ${reason}`));
      },
    });
    session.start();
  });
}

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

  const clients: K6Session[] = [];
  const pongsBefore = total('socketio_pongs_sent');
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
        return connectSession(opts.url, token, (event) => {
          if (event === 'im:new') delivered++;
          else if (event === 'im:sent') echoed++;
        });
      }));
      clients.push(...connected);
    }
    const loop = async (i: number): Promise<void> => {
      const client = clients[i];
      const to = names[i % 2 === 0 ? (i + 1) % users : i - 1];
      if (!client || !to) return;
      for (let seq = 0; remaining > 0 && !stopped() && client.connected; seq++) {
        remaining--;
        sent++;
        const o = await new Promise<AckOutcome>((resolve) => {
          const sentNow = client.emit('im:send', [{ to, text: `load #${seq} from ${names[i]}`, clientId: `${i}.${seq}` }], resolve);
          if (!sentNow) resolve({ ok: false, reason: 'disconnected', waitedMs: 0 });
        });
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
    for (const c of clients) c.close(); // socket.io DISCONNECT, then the WebSocket closes
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
    pongsSent: total('socketio_pongs_sent') - pongsBefore,
    latencyMs: sorted.length === 0 ? null : { p50: q(0.5), p95: q(0.95), max: sorted[sorted.length - 1] ?? 0 },
    durationMs: performance.now() - started,
    stoppedBy: opts.signal?.aborted ? 'signal' : remaining <= 0 ? 'messages' : 'duration',
  };
}
