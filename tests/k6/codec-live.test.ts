// The k6 codec over `ws` against the REAL reference server (own process, own store), talking
// to real socket.io-client users: if this passes, the k6 scripts' wire code is right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { Ack, BuddyRequest, ClientToServerEvents, ImMessage, ServerToClientEvents } from '../../common/events.js';
import { startServerProcess } from '../helpers/server-process.js';
import { decodeFrame, encodeConnect, socketIoUrl } from '../../scenarios/k6/socketio-codec.js';
import { CodecClient, CodecConnectError, loginHttp } from './codec-driver.js';
import { runLoad } from './codec-load.js';

type SioClient = Socket<ServerToClientEvents, ClientToServerEvents>;

let server: Awaited<ReturnType<typeof startServerProcess>>;
const open: Array<{ close(): unknown }> = [];

async function sioUser(name: string): Promise<SioClient> {
  const token = await loginHttp(server.url, name, 'pw-' + name);
  const s: SioClient = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false });
  open.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once('connect', resolve);
    s.once('connect_error', reject);
  });
  return s;
}

async function codecUser(name: string): Promise<CodecClient> {
  const c = await CodecClient.connect({ baseUrl: server.url, token: await loginHttp(server.url, name, 'pw-' + name) });
  open.push({ close: () => c.disconnect() });
  return c;
}

function data<T>(args: readonly unknown[]): T {
  const reply = args[0] as Ack<T>;
  if (!('data' in reply)) throw new Error(`error reply: ${JSON.stringify(reply)}`);
  return reply.data;
}

beforeAll(async () => {
  // S = 50 makes the server's socket.io heartbeat 1 s / 1 s real (25 s / 20 s simulated), so
  // the ping test below sees several pings within a couple of real seconds.
  server = await startServerProcess({ timeScale: 50 });
});

afterAll(async () => {
  for (const c of open) await c.close();
  await server?.stop();
});

describe('k6 codec against the reference server', () => {
  it('handshakes: engine.io open packet, CONNECT with token, sid', async () => {
    const c = await codecUser('codec-hs');
    expect(c.connected).toBe(true);
    expect(c.sid).toMatch(/\S+/);
    expect(c.handshake?.pingInterval).toBeGreaterThan(0);
    expect(c.handshake?.pingTimeout).toBeGreaterThan(0);
    expect(c.stats.invalidFrames).toBe(0);
  });

  it('is refused with CONNECT_ERROR for a bad token', async () => {
    const err = await CodecClient.connect({ baseUrl: server.url, token: 'not-a-token' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CodecConnectError);
    expect((err as CodecConnectError).code).toBe('refused');
  });

  it('codec user → socket.io-client user: ack, im:sent, im:new', async () => {
    const sio = await sioUser('sio-bob');
    const c = await codecUser('codec-alice');
    const got = new Promise<ImMessage>((resolve) => sio.once('im:new', resolve));
    const echoed = c.waitFor('im:sent', (a) => (a[0] as ImMessage).clientId === 'k6-1');
    const ack = await c.request('im:send', [{ to: 'sio-bob', text: 'hi from the codec', clientId: 'k6-1' }]);
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const sent = data<ImMessage>(ack.args);
    expect(sent).toMatchObject({ from: 'codec-alice', to: 'sio-bob', text: 'hi from the codec', clientId: 'k6-1' });
    expect(ack.latencyMs).toBeGreaterThanOrEqual(0);
    expect((await got).id).toBe(sent.id);
    expect(((await echoed)[0] as ImMessage).id).toBe(sent.id);
  });

  it('socket.io-client user → codec user: im:new arrives through the codec', async () => {
    const sio = await sioUser('sio-carol');
    const c = await codecUser('codec-dave');
    const got = c.waitFor('im:new', (a) => (a[0] as ImMessage).from === 'sio-carol');
    const reply = await sio.timeout(5000).emitWithAck('im:send', { to: 'codec-dave', text: 'hi codec', clientId: 'sio-1' });
    expect('data' in reply).toBe(true);
    expect((await got)[0]).toMatchObject({ from: 'sio-carol', to: 'codec-dave', text: 'hi codec', clientId: 'sio-1' });
  });

  it('buddy request from the codec, accepted by a socket.io-client user', async () => {
    const sio = await sioUser('sio-erin');
    const c = await codecUser('codec-frank');
    const incoming = new Promise<BuddyRequest>((resolve) => sio.once('buddy:request', resolve));
    const accepted = c.waitFor('buddy:accepted');
    const ack = await c.request('buddy:request', [{ to: 'sio-erin' }]);
    expect(ack.ok && data<BuddyRequest>(ack.args).status).toBe('pending');
    const req = await incoming;
    const reply = await sio.timeout(5000).emitWithAck('buddy:accept', { requestId: req.id });
    expect('data' in reply).toBe(true);
    expect((await accepted)[0]).toMatchObject({ from: 'codec-frank', to: 'sio-erin', status: 'accepted' });
    const list = await c.request('buddy:list');
    expect(list.ok && data<Array<{ username: string }>>(list.args).map((u) => u.username)).toContain('sio-erin');
  });

  it('answers server pings and stays connected past pingInterval + pingTimeout', async () => {
    const c = await codecUser('codec-pinger');
    const hs = c.handshake;
    if (!hs) throw new Error('no handshake');
    // Bounded: the reference server's heartbeat runs in simulated time, so this is short in tests.
    const waitMs = hs.pingInterval + hs.pingTimeout + 200;
    expect(waitMs).toBeLessThan(20_000);
    await new Promise((r) => setTimeout(r, waitMs));
    expect(c.stats.pongsSent).toBeGreaterThanOrEqual(1);
    expect(c.connected).toBe(true);
    const ping = await c.request('presence:ping');
    expect(ping.ok).toBe(true);
  }, 30_000);

  it('control: a client that never answers pings is dropped (grafana/k6#1306)', async () => {
    const token = await loginHttp(server.url, 'codec-deaf', 'pw-codec-deaf');
    const ws = new WebSocket(socketIoUrl(server.url));
    open.push({ close: () => ws.terminate() });
    let hs: { pingInterval: number; pingTimeout: number } | undefined;
    let pings = 0;
    ws.on('message', (d) => {
      const f = decodeFrame(d.toString());
      if (f.type === 'open') {
        hs = f.open;
        ws.send(encodeConnect({ token }));
      } else if (f.type === 'ping') pings++; // and no pong: this is the bug the codec avoids
    });
    const t0 = performance.now();
    await new Promise((resolve) => ws.once('close', resolve));
    const lived = performance.now() - t0;
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(hs).toBeDefined();
    expect(lived).toBeGreaterThanOrEqual((hs?.pingInterval ?? 0) + (hs?.pingTimeout ?? 0) - 100);
  }, 15_000);

  it('reconnects after a drop and receives IMs on the new socket', async () => {
    const sio = await sioUser('sio-gina');
    const token = await loginHttp(server.url, 'codec-hank', 'pw-codec-hank');
    const first = await CodecClient.connect({ baseUrl: server.url, token });
    await first.drop(); // no DISCONNECT: the server learns from the closed transport
    const second = await CodecClient.connect({ baseUrl: server.url, token });
    open.push({ close: () => second.disconnect() });
    expect(second.sid).not.toBe(first.sid);
    const got = second.waitFor('im:new', (a) => (a[0] as ImMessage).clientId === 'after-drop');
    await sio.timeout(5000).emitWithAck('im:send', { to: 'codec-hank', text: 'still there?', clientId: 'after-drop' });
    expect((await got)[0]).toMatchObject({ from: 'sio-gina', text: 'still there?' });
  });

  it('runLoad: a bounded load of codec users stops by itself with every IM acked and delivered', async () => {
    const r = await runLoad({ url: server.url, users: 4, messages: 40, durationMs: 15_000, userPrefix: 'load' });
    expect(r.stoppedBy).toBe('messages');
    expect(r).toMatchObject({ users: 4, sent: 40, acked: 40, failed: {} });
    expect(r.delivered).toBe(40);
    expect(r.echoed).toBe(40);
    expect(r.latencyMs!.p50).toBeLessThanOrEqual(r.latencyMs!.p95);
    expect(r.latencyMs!.p95).toBeLessThanOrEqual(r.latencyMs!.max);
  }, 30_000);

  it('runLoad: the duration bound wins over a message count it cannot reach', async () => {
    const r = await runLoad({ url: server.url, users: 2, messages: 1_000_000, durationMs: 1500, intervalMs: 50, userPrefix: 'slow' });
    expect(r.stoppedBy).toBe('duration');
    expect(r.sent).toBeLessThan(1_000_000);
    expect(r.durationMs).toBeGreaterThanOrEqual(1500); // it ran its duration (no bound on lateness)
  }, 20_000);
});
