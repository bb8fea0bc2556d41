/**
 * The HTTP load against a real reference server (createApp in-process, on the offline wire
 * store): it logs accounts in through the real route, sends every arrival of the plan's simulated
 * span whatever the scale, catches up after a stall instead of losing requests, sheds (and counts)
 * what an overwhelmed server has not taken, and stops on stop() and by itself.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.js';
import { SimClock } from '../../common/sim-clock.js';
import { createApp } from '../../server/app.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { HttpLoadError, loopbackUrl, startHttpLoad } from '../../harness/load/http-load.js';
import { httpConnectionsFor, MAX_RATE_PER_CONNECTION } from '../../harness/load/http-plan.js';
import type { HttpWindow } from '../../harness/load/http-window.js';

let store: RunningStore;
let connection: mongoose.Connection;
let app: ReturnType<typeof createApp>;
let url: string;

beforeAll(async () => {
  store = await startWireStore();
  connection = await mongoose.createConnection(store.uri, { dbName: 'http_load_test' }).asPromise();
  app = createApp({ connection, clock: new SimClock({ scale: 600 }), jwtSecret: 'a-test-secret-of-32-characters!!' });
  await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
  await store?.stop();
});

const MIX = { login: 1, buddies: 3, weather: 2, history: 6 } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;

/** A proxy in front of the real server that holds each response `delayMs()` ms (read per request). */
async function delayingProxy(delayMs: () => number): Promise<{ url: string; close: () => Promise<void> }> {
  const target = new URL(url);
  const proxy: Server = createServer((req, res) => {
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      setTimeout(() => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      }, delayMs());
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => proxy.close(() => r())) };
}

/** Windows taken every second for `seconds` s. */
async function windowsOver(load: { takeWindow(): HttpWindow | null }, seconds: number): Promise<HttpWindow[]> {
  const out: HttpWindow[] = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1_000);
    const w = load.takeWindow();
    if (w) out.push(w);
  }
  return out;
}
const total = (ws: readonly HttpWindow[], pick: (w: HttpWindow) => number | undefined) => ws.reduce((a, w) => a + (pick(w) ?? 0), 0);

describe('startHttpLoad', () => {
  it('drives login, buddies, weather and history at the planned rate with real latencies and no errors', async () => {
    // 120 per simulated hour at S = 600: 20 requests per real second.
    const clock = new SimClock({ scale: 600 });
    const load = await startHttpLoad({ serverUrl: url, requestsPerSimHour: 120, clock, untilSimMs: 10 * HOUR, connections: httpConnectionsFor(20), mix: MIX, users: 6, maxDurationS: 30 });
    expect(load.accounts).toEqual(['vu00000', 'vu00001', 'vu00002', 'vu00003']);
    const windows = await windowsOver(load, 3);
    await load.stop();
    const last = load.takeWindow();
    if (last) windows.push(last);
    expect(load.takeWindow()).toBeNull(); // drained after the stop
    const requests = total(windows, (w) => w.requests);
    const due = total(windows, (w) => w.due);
    // Every arrival that fell due was sent and answered: the stop waits for those in flight.
    expect(requests).toBe(due);
    // ~3 s at 20 per second (the logins before the first arrival take part of the first second).
    expect(due).toBeGreaterThanOrEqual(40);
    expect(total(windows, (w) => w.errors)).toBe(0);
    expect(total(windows, (w) => w.shed)).toBe(0);
    const busy = windows.filter((w) => w.latencyMs !== null);
    expect(busy.length).toBeGreaterThanOrEqual(2);
    for (const w of busy) {
      const l = w.latencyMs!;
      expect(l.p50).toBeGreaterThan(0);
      expect(l.p50).toBeLessThanOrEqual(l.p90);
      expect(l.p90).toBeLessThanOrEqual(l.p99);
      expect(l.p99).toBeLessThanOrEqual(l.max);
      expect(w.realMs).toBeGreaterThan(0);
    }
    const seen = new Set(windows.flatMap((w) => Object.keys(w.byEndpoint)));
    expect([...seen].sort()).toEqual(['buddies', 'history', 'login', 'weather']);
    expect(load.totals()).toMatchObject({ requests, errors: 0, dropped: 0, due, shed: 0 });
  });

  it('sends every arrival of the simulated span whatever the scale, and ends by itself at its end', async () => {
    // 3 simulated minutes at S = 300, then S = 900: 720 per simulated hour is one arrival every
    // 5 simulated s, 60 per real second at first and 180 after the step. The arrivals are those of
    // the simulated span, one per 5 s from the first one due: the step changes the real rate only.
    // Simulated 0 lies 2 s ahead, as in a run (its logins are over before the first arrival).
    const clock = new SimClock({ epochMs: Date.now() + 2_000, schedule: [{ fromSimMs: 0, scale: 300 }, { fromSimMs: 180_000, scale: 900 }] });
    const untilSimMs = 540_000;
    const load = await startHttpLoad({ serverUrl: url, requestsPerSimHour: 720, clock, untilSimMs, connections: httpConnectionsFor(180), mix: MIX, users: 6, maxDurationS: 60 });
    let done = false;
    void load.done.then(() => (done = true));
    await until('the arrivals to reach the span end', () => done, 30_000);
    const t = load.totals();
    // Arrivals at simulated 0, 5 s, …, 535 s.
    expect(t.due).toBe(untilSimMs / 5_000);
    expect(t.shed).toBe(0);
    expect(t.requests).toBe(t.due);
    expect(t.errors).toBe(0);
  });

  it('catches up after the server stalls: the requests due meanwhile are sent late, none lost', async () => {
    // Every response is held 1.5 s while `stalled`, a stall five times a sampler's forced GC.
    // A closed-model driver loses the requests of that stretch; this one queues them.
    let stalled = false;
    const proxy = await delayingProxy(() => (stalled ? 1_500 : 0));
    try {
      const clock = new SimClock({ scale: 600 });
      const load = await startHttpLoad({ serverUrl: proxy.url, requestsPerSimHour: 120, clock, untilSimMs: 10 * HOUR, connections: httpConnectionsFor(20), mix: MIX, users: 6, maxDurationS: 30 });
      await sleep(1_000);
      stalled = true;
      await sleep(1_500);
      stalled = false;
      await sleep(2_500);
      await load.stop();
      const t = load.totals();
      expect(t.shed).toBe(0);
      expect(t.errors).toBe(0);
      expect(t.requests).toBe(t.due);
      // The stall held every socket: what fell due behind it went out more than 1 s late.
      expect(t.late).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('sheds arrivals once the queue holds more than maxQueueS of them, and says so', async () => {
    let slow = false;
    const proxy = await delayingProxy(() => (slow ? 3_000 : 0));
    try {
      const clock = new SimClock({ scale: 600 });
      const load = await startHttpLoad({ serverUrl: proxy.url, requestsPerSimHour: 120, clock, untilSimMs: 10 * HOUR, connections: 1, mix: MIX, users: 6, maxDurationS: 30, maxQueueS: 0.5 });
      slow = true; // after the logins
      await sleep(2_000);
      await load.stop();
      const t = load.totals();
      // 20 per second against one socket answering every 3 s: the queue's bound, max(4 per socket,
      // 20 × 0.5 s) = 10, is reached within the first second, and the rest is shed.
      expect(t.shed).toBeGreaterThan(0);
      expect(t.due).toBeGreaterThan(t.shed);
      // What the stop found still queued or in flight ended as failures, none left pending: one
      // socket answering every 3 s answered at most 2 in the ~7 s up to the stop's grace.
      expect(t.requests + t.shed).toBe(t.due);
      expect(t.requests - t.errors).toBeLessThanOrEqual(2);
      expect(t.errors).toBeGreaterThan(0);
    } finally {
      await proxy.close();
    }
  });

  it('sends a request again, once, when a reused keep-alive socket is reset before any answer; a fresh socket\'s reset is an error', async () => {
    // A bare HTTP/1.1 server that always answers logins. Mode `reused`: it answers the first
    // request on each connection (keep-alive) and resets the connection at the second, as a server
    // closing an idle socket just as a request arrives. Mode `all`: it resets every other request.
    const bare = async (mode: 'reused' | 'all') => {
      const server = createNetServer((socket) => {
        let seen = 0;
        let text = '';
        socket.on('error', () => undefined);
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString('latin1');
          while (text.includes('\r\n\r\n')) {
            const head = text.slice(0, text.indexOf('\r\n\r\n'));
            const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
            text = text.slice(head.length + 4 + length);
            seen++;
            const login = head.startsWith('POST /api/login');
            if (!login && (mode === 'all' || seen > 1)) {
              socket.resetAndDestroy();
              return;
            }
            const body = '{"token":"t"}';
            socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`);
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
    };
    const totalsAgainst = async (mode: 'reused' | 'all') => {
      const server = await bare(mode);
      try {
        // 60 per simulated hour at S = 600: 10 a second on one socket, so sockets get reused.
        const load = await startHttpLoad({ serverUrl: server.url, requestsPerSimHour: 60, clock: new SimClock({ scale: 600 }), untilSimMs: 10 * HOUR, connections: 1, mix: { login: 0, buddies: 1, weather: 0, history: 0 }, users: 1, maxDurationS: 30 });
        await sleep(1_500);
        await load.stop();
        return load.totals();
      } finally {
        await server.close();
      }
    };
    const reused = await totalsAgainst('reused');
    expect(reused.due).toBeGreaterThanOrEqual(8);
    expect(reused.resent).toBeGreaterThan(0);
    expect(reused.errors).toBe(0);
    expect(reused.requests).toBe(reused.due);
    // A reset on a fresh socket is the server's: counted as an error, never sent again.
    const all = await totalsAgainst('all');
    expect(all.due).toBeGreaterThanOrEqual(8);
    expect(all.errors).toBe(all.requests);
    expect(all.requests).toBe(all.due);
    expect(all.resent).toBe(0);
  });

  it('keeps its planned rate when every response takes 150 ms', async () => {
    const proxy = await delayingProxy(() => 150);
    try {
      const clock = new SimClock({ scale: 600 });
      const load = await startHttpLoad({ serverUrl: proxy.url, requestsPerSimHour: 120, clock, untilSimMs: 10 * HOUR, connections: httpConnectionsFor(20), mix: MIX, users: 6, maxDurationS: 30 });
      await sleep(1_500);
      load.takeWindow();
      const windows = await windowsOver(load, 4);
      await load.stop();
      // Responses end 150 ms after their request, so a window counts those due up to ~0.15 s before its end.
      expect(total(windows, (w) => w.requests) / total(windows, (w) => w.due)).toBeGreaterThanOrEqual(0.9);
      expect(load.connections).toBe(httpConnectionsFor(20));
      expect(load.totals()).toMatchObject({ errors: 0, shed: 0 });
    } finally {
      await proxy.close();
    }
  });

  it('sizes its sockets so none is planned more than its share of the rate', () => {
    for (let rate = 0.5; rate <= 200; rate += 0.5) {
      const n = httpConnectionsFor(rate);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(rate / n).toBeLessThanOrEqual(MAX_RATE_PER_CONNECTION);
    }
    expect(httpConnectionsFor(0.4)).toBe(1);
  });

  it('stops by itself at its duration bound', async () => {
    const clock = new SimClock({ scale: 600 });
    const load = await startHttpLoad({ serverUrl: url, requestsPerSimHour: 30, clock, untilSimMs: 100 * HOUR, connections: 2, mix: MIX, users: 2, maxDurationS: 1 });
    // It ends by itself: a bounded wait for done, no bound on wall time.
    let done = false;
    void load.done.then(() => (done = true));
    await until('the 1 s load to end by itself', () => done, 15_000);
    expect(load.takeWindow()?.requests).toBeGreaterThan(0);
    expect(load.takeWindow()).toBeNull();
  });

  it('refuses anything but 127.0.0.1, and options out of range', async () => {
    expect(loopbackUrl('http://localhost:8080').host).toBe('127.0.0.1:8080');
    expect(() => loopbackUrl('http://10.0.0.5:8080')).toThrow(HttpLoadError);
    expect(() => loopbackUrl('https://127.0.0.1:8080')).toThrow(HttpLoadError);
    const clock = new SimClock({ scale: 600 });
    const base = { requestsPerSimHour: 30, clock, untilSimMs: HOUR, connections: 1, mix: MIX, users: 2, maxDurationS: 1 };
    await expect(startHttpLoad({ ...base, serverUrl: 'http://example.com' })).rejects.toThrow(/127\.0\.0\.1/);
    await expect(startHttpLoad({ ...base, serverUrl: url, connections: 0 })).rejects.toThrow(HttpLoadError);
    await expect(startHttpLoad({ ...base, serverUrl: url, requestsPerSimHour: 0 })).rejects.toThrow(HttpLoadError);
    await expect(startHttpLoad({ ...base, serverUrl: url, requestsPerSimHour: Number.NaN })).rejects.toThrow(HttpLoadError);
  });
});
