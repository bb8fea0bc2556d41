/**
 * The HTTP load against a real reference server (createApp in-process, on the offline wire
 * store): it logs accounts in through the real route, drives every REST endpoint at the planned
 * rate, records real latencies per window with no errors, and stops on stop() and by itself.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

describe('startHttpLoad', () => {
  it('drives login, buddies, weather and history at the planned rate with real latencies and no errors', async () => {
    const load = await startHttpLoad({ serverUrl: url, ratePerSecond: 20, mix: MIX, users: 6, maxDurationS: 30 });
    expect(load.accounts).toEqual(['vu00000', 'vu00001', 'vu00002', 'vu00003']);
    const windows: HttpWindow[] = [];
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      await sleep(1_000);
      const w = load.takeWindow();
      if (w) windows.push(w);
    }
    await load.stop();
    const elapsedS = (Date.now() - started) / 1000;
    const last = load.takeWindow();
    if (last) windows.push(last);
    expect(load.takeWindow()).toBeNull(); // drained after the stop
    const requests = windows.reduce((a, w) => a + w.requests, 0);
    // 20/s for ~3 s, paced per second by autocannon: allow for the partial first and last second.
    expect(requests).toBeGreaterThanOrEqual(30);
    expect(requests).toBeLessThanOrEqual(20 * Math.ceil(elapsedS) + 20);
    expect(windows.reduce((a, w) => a + w.errors, 0)).toBe(0);
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
    expect(load.totals()).toMatchObject({ requests, errors: 0, dropped: 0 });
  });

  it('keeps its planned rate when every response takes 150 ms', async () => {
    // A proxy in front of the real server holds each response 150 ms: with pipelining 1 two
    // connections at 10 req/s each could send ~7 a second each (the rest of a second's quota
    // is dropped); enough connections keep the whole rate.
    const DELAY_MS = 150;
    const RATE = 20;
    const target = new URL(url);
    const proxy: Server = createServer((req, res) => {
      const upstream = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        setTimeout(() => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        }, DELAY_MS);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const load = await startHttpLoad({ serverUrl: proxyUrl, ratePerSecond: RATE, mix: MIX, users: 6, maxDurationS: 30 });
      await sleep(1_500); // past the first, partial second
      load.takeWindow();
      const from = performance.now();
      let requests = 0;
      for (let i = 0; i < 4; i++) {
        await sleep(1_000);
        requests += load.takeWindow()?.requests ?? 0;
      }
      const seconds = (performance.now() - from) / 1000;
      await load.stop();
      // ≥ 85% of the planned rate; two connections reached 65% here (13.0 req/s).
      expect(requests / seconds).toBeGreaterThanOrEqual(0.85 * RATE);
      expect(load.connections).toBe(httpConnectionsFor(RATE));
      expect(load.totals().errors).toBe(0);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('asks no connection for more than its share of the rate', () => {
    for (let rate = 1; rate <= 200; rate++) {
      const n = httpConnectionsFor(rate);
      expect(n).toBeGreaterThanOrEqual(1);
      expect(n).toBeLessThanOrEqual(rate);
      expect(Math.ceil(rate / n)).toBeLessThanOrEqual(MAX_RATE_PER_CONNECTION);
    }
    expect(httpConnectionsFor(0.4)).toBe(1);
  });

  it('stops by itself at its duration bound', async () => {
    const load = await startHttpLoad({ serverUrl: url, ratePerSecond: 5, mix: MIX, users: 2, maxDurationS: 1 });
    // It ends by itself: a bounded wait for done, no bound on wall time.
    let done = false;
    void load.done.then(() => (done = true));
    await until('the 1 s load to end by itself', () => done, 15_000);
    expect(load.takeWindow()?.requests).toBeGreaterThan(0);
    expect(load.takeWindow()).toBeNull();
  });

  it('refuses anything but 127.0.0.1', async () => {
    expect(loopbackUrl('http://localhost:8080').host).toBe('127.0.0.1:8080');
    expect(() => loopbackUrl('http://10.0.0.5:8080')).toThrow(HttpLoadError);
    expect(() => loopbackUrl('https://127.0.0.1:8080')).toThrow(HttpLoadError);
    await expect(startHttpLoad({ serverUrl: 'http://example.com', ratePerSecond: 5, mix: MIX, users: 2, maxDurationS: 1 })).rejects.toThrow(/127\.0\.0\.1/);
  });
});
