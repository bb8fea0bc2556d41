// k6 is not installable here, so the k6 session (scenarios/k6/socketio-session.ts) runs in Node
// with its three k6 modules replaced by thin shims (tests/k6/shim/, vitest's alias):
// k6/websockets over the `ws` package, k6/timers over Node timers, k6/metrics as recorders. Everything else — the session's
// handshake, pongs, acks, drop and reconnect logic — is the code k6 runs, against the real
// reference server and a real socket.io-client user.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ImMessage, ServerToClientEvents } from '../../common/events.js';
import { startServerProcess } from '../helpers/server-process.js';
import { loginHttp } from './codec-driver.js';
import { recorded, total } from './shim/metrics.js';

/** The session's shape as this test uses it. Its real types are checked by scenarios/k6/tsconfig.json:
 * the file imports siblings as `./x.ts` (k6 resolves paths literally), which the Node tsconfig refuses,
 * so the import below goes through a variable that tsc does not follow. */
interface Session {
  readonly connected: boolean;
  readonly handshake: { pingInterval: number; pingTimeout: number } | null;
  start(): void;
  emit(event: string, args: readonly unknown[], onAck?: (o: { ok: true; latencyMs: number } | { ok: false }) => void): boolean;
  drop(): void;
  close(): void;
}
interface SessionOptions {
  baseUrl: string;
  token: string;
  reconnectDelayMs?: number;
  onConnect?: () => void;
  onEvent?: (event: string, args: readonly unknown[]) => void;
  onEnd?: (reason: string) => void;
}
const sessionModule = '../../scenarios/k6/socketio-session.ts';
const { SocketIoSession } = (await import(/* @vite-ignore */ sessionModule)) as { SocketIoSession: new (o: SessionOptions) => Session };

let server: Awaited<ReturnType<typeof startServerProcess>>;
let sio: Socket<ServerToClientEvents, ClientToServerEvents>;
const sessions: Session[] = [];

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function startSession(token: string) {
  const log = { connects: 0, events: [] as Array<[string, readonly unknown[]]>, end: null as string | null };
  const s = new SocketIoSession({
    baseUrl: server.url,
    token,
    reconnectDelayMs: 20,
    onConnect: () => log.connects++,
    onEvent: (event, args) => log.events.push([event, args]),
    onEnd: (reason) => (log.end = reason),
  });
  sessions.push(s);
  s.start();
  return { s, log };
}

beforeAll(async () => {
  server = await startServerProcess({ timeScale: 50 }); // heartbeat 1 s / 1 s real
  const token = await loginHttp(server.url, 'shim-sio', 'pw');
  sio = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  await new Promise((resolve, reject) => sio.once('connect', () => resolve(undefined)).once('connect_error', reject));
});

beforeEach(() => recorded.clear());

afterAll(async () => {
  for (const s of sessions) s.close();
  sio?.close();
  await server?.stop();
});

describe('k6 SocketIoSession (k6 modules shimmed) against the reference server', () => {
  it('connects, pongs, sends an IM with ack, receives one, and keeps the link past the heartbeat', async () => {
    const { s, log } = startSession(await loginHttp(server.url, 'shim-k6', 'pw'));
    await until(() => log.connects === 1);
    expect(s.handshake?.pingInterval).toBe(1000);
    const got = new Promise<ImMessage>((resolve) => sio.once('im:new', resolve));
    let latency = -1;
    expect(s.emit('im:send', [{ to: 'shim-sio', text: 'from k6 code', clientId: 'shim-1' }], (o) => {
      if (o.ok) latency = o.latencyMs;
    })).toBe(true);
    expect(await got).toMatchObject({ from: 'shim-k6', clientId: 'shim-1' });
    await until(() => latency >= 0);
    await sio.timeout(5000).emitWithAck('im:send', { to: 'shim-k6', text: 'back to k6', clientId: 'sio-2' });
    await until(() => log.events.some(([e, a]) => e === 'im:new' && (a[0] as ImMessage).clientId === 'sio-2'));
    await new Promise((r) => setTimeout(r, 2300)); // > pingInterval + pingTimeout
    expect(total('socketio_pongs_sent')).toBeGreaterThanOrEqual(2);
    expect(total('socketio_heartbeat_timeouts')).toBe(0);
    expect(s.connected).toBe(true);
    expect(recorded.get('socketio_connect_failed')).toEqual([0]);
    s.close();
    await until(() => log.end === 'closed');
  }, 15_000);

  it('reconnects after drop() and counts it', async () => {
    const { s, log } = startSession(await loginHttp(server.url, 'shim-drop', 'pw'));
    await until(() => log.connects === 1);
    s.drop();
    await until(() => log.connects === 2);
    expect(total('socketio_drops')).toBe(1);
    expect(total('socketio_reconnects')).toBe(1);
    expect(s.connected).toBe(true);
    s.close();
  });

  it('ends as refused on CONNECT_ERROR (bad token) without retrying', async () => {
    const { log } = startSession('not-a-token');
    await until(() => log.end !== null);
    expect(log.end).toBe('refused');
    expect(log.connects).toBe(0);
    expect(recorded.get('socketio_connect_failed')).toEqual([1]);
    expect(total('socketio_reconnects')).toBe(0);
  });
});
