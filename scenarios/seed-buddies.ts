/**
 * Seeds the virtual users' buddy graph through the server's real API before a run starts: every
 * user logs in (which creates the account), asks the `buddiesPerUser` users before it to be
 * buddies over socket.io, and accepts what it was asked — exactly what the VUs used to do in
 * their first simulated hours.
 *
 * Why before the run: the users of the seed app had their buddy lists long before hour 0 of a
 * 25-hour day. Done by the VUs themselves, the handshake waits on the 10 s request poll; once
 * that poll is floored at high time scales (common/sim-clock.ts), 100 users took 2–4 simulated
 * hours (measured) to find each other, so the morning's IMs had nobody to go to ("im.send:nothing")
 * and the soak measured an app without chat. Seeding is idempotent: an existing friendship
 * answers `conflict` and a repeated request returns the pending one.
 *
 * Bounded: at most `concurrency` users in flight, every call under `timeoutMs` real ms.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, BuddyRequest, ClientToServerEvents, ServerToClientEvents } from '../common/events.js';
import { loginOverRest } from '../common/rest-login.js';
import { usernameFor } from './worker-protocol.js';

type SeedSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SeedBuddiesOptions {
  readonly serverUrl: string;
  readonly users: number;
  readonly buddiesPerUser: number;
  readonly usernamePrefix: string;
  readonly password: string;
  /** Users handled at once. @default 16 */
  readonly concurrency?: number;
  /** Real ms for any one login, connect or acknowledgement. @default 10 000 */
  readonly timeoutMs?: number;
}

export interface SeedBuddiesResult {
  readonly users: number;
  /** Friendships (pairs) that exist after seeding, new or already there. */
  readonly friendships: number;
  readonly realMs: number;
}

/** The pairs (i, j < i) that should be buddies: each user and the `k` users before it. */
export function buddyPairs(users: number, k: number): Array<readonly [number, number]> {
  const pairs: Array<readonly [number, number]> = [];
  for (let i = 0; i < users; i++) for (let j = 1; j <= k && i - j >= 0; j++) pairs.push([i, i - j]);
  return pairs;
}

async function inPool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  });
  await Promise.all(lanes);
}

export async function seedBuddies(options: SeedBuddiesOptions): Promise<SeedBuddiesResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const concurrency = Math.max(1, options.concurrency ?? 16);
  const names = Array.from({ length: options.users }, (_, i) => usernameFor(options.usernamePrefix, i));
  const sockets = new Map<number, SeedSocket>();

  const ack = <T>(socket: SeedSocket, what: string, send: (s: SeedSocket, cb: (reply: Ack<T>) => void) => void): Promise<Ack<T>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`seeding buddies: ${what} not acknowledged in ${timeoutMs} ms`)), timeoutMs);
      send(socket, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });

  try {
    // 1. Every account exists and has an open socket.
    await inPool(names.map((n, i) => [n, i] as const), concurrency, async ([username, i]) => {
      const token = await loginOverRest(options.serverUrl, username, options.password, timeoutMs).catch((err: Error) => {
        throw new Error(`seeding buddies: ${err.message}`);
      });
      const socket: SeedSocket = io(options.serverUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
      sockets.set(i, socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (err) => reject(new Error(`seeding buddies: ${username} could not connect: ${err.message}`)));
      });
    });

    // 2. Requests: user i asks the k users before it; `conflict` means they already are buddies.
    const pairs = buddyPairs(options.users, options.buddiesPerUser);
    await inPool(pairs, concurrency, async ([from, to]) => {
      const socket = sockets.get(from) as SeedSocket;
      const reply = await ack<BuddyRequest>(socket, `buddy:request ${names[from]}→${names[to]}`, (s, cb) => s.emit('buddy:request', { to: names[to] as string }, cb));
      if ('error' in reply && reply.error.code !== 'conflict') throw new Error(`seeding buddies: buddy:request ${names[from]}→${names[to]}: ${reply.error.code} ${reply.error.message}`);
    });

    // 3. Every user accepts what is pending for it.
    await inPool([...sockets.keys()], concurrency, async (i) => {
      const socket = sockets.get(i) as SeedSocket;
      const pending = await ack<BuddyRequest[]>(socket, `buddy:requests ${names[i]}`, (s, cb) => s.emit('buddy:requests', cb));
      if ('error' in pending) throw new Error(`seeding buddies: buddy:requests ${names[i]}: ${pending.error.code}`);
      for (const request of pending.data) {
        const reply = await ack<BuddyRequest>(socket, `buddy:accept ${names[i]}`, (s, cb) => s.emit('buddy:accept', { requestId: request.id }, cb));
        if ('error' in reply) throw new Error(`seeding buddies: buddy:accept ${names[i]}: ${reply.error.code} ${reply.error.message}`);
      }
    });
    return { users: options.users, friendships: pairs.length, realMs: Date.now() - started };
  } finally {
    for (const s of sockets.values()) s.disconnect();
  }
}
