/**
 * createApp in-process: the factory never listens or reads env, takes a caller-owned mongoose
 * connection, and close() ends its timers and sockets; heartbeat and weather rules by value.
 */
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../common/sim-clock.js';
import { createApp, heartbeatFor } from '../../server/app.js';
import { WeatherService, WEATHER_TTL_SIM_MS } from '../../server/weather.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { until } from '../helpers/until.js';
import { call, loginAndConnect } from './client.js';

let store: RunningStore;
beforeAll(async () => {
  store = await startWireStore();
});
afterAll(async () => {
  await store?.stop();
});

describe('createApp', () => {
  it('serves on a caller-owned connection, does not listen by itself, and close() releases its timers', async () => {
    const clock = new SimClock({ scale: 600 });
    const connection = await mongoose.createConnection(store.uri, { dbName: 'app_test' }).asPromise();
    const app = createApp({ connection, clock, jwtSecret: 'a-test-secret-of-32-characters!!' });
    expect(app.httpServer.listening).toBe(false);
    expect(clock.live().intervals).toBe(1); // the presence sweeper
    await new Promise<void>((r) => app.httpServer.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(app.httpServer.address() as AddressInfo).port}`;
    const a = await loginAndConnect(url, 'inproc');
    expect(await call(a.socket.emitWithAck('presence:ping'))).toHaveProperty('at');
    expect(clock.live().intervals).toBe(2); // + the socket's heartbeat
    await app.close();
    expect(clock.live()).toEqual({ timeouts: 0, intervals: 0 });
    expect(app.httpServer.listening).toBe(false);
    expect(connection.readyState).toBe(1); // the caller owns it
    a.socket.close();
    await connection.close();
  });

  it('refuses db-per-event without a uri, and a short secret', () => {
    const clock = new SimClock();
    const connection = mongoose.createConnection();
    expect(() => createApp({ connection, clock, jwtSecret: 'x'.repeat(32), leaks: ['db-per-event'] })).toThrow(/uri/);
    expect(() => createApp({ uri: store.uri, clock, jwtSecret: 'short' })).toThrow(/16/);
  });
});

describe('simulated-time rules', () => {
  it('scales the socket.io heartbeat with a 1 s real floor, and the interval floor above it', () => {
    expect(heartbeatFor(1)).toEqual({ pingIntervalMs: 25_000, pingTimeoutMs: 20_000 });
    expect(heartbeatFor(10)).toEqual({ pingIntervalMs: 2_500, pingTimeoutMs: 2_000 });
    expect(heartbeatFor(600)).toEqual({ pingIntervalMs: 1_000, pingTimeoutMs: 1_000 });
    expect(heartbeatFor(600, 6_000)).toEqual({ pingIntervalMs: 6_000, pingTimeoutMs: 6_000 });
    expect(heartbeatFor(10, 2_200)).toEqual({ pingIntervalMs: 2_500, pingTimeoutMs: 2_200 });
    expect(heartbeatFor(1, 6_000)).toEqual({ pingIntervalMs: 25_000, pingTimeoutMs: 20_000 });
  });

  it('keeps weather for 15 simulated minutes, deterministically per city and slot', async () => {
    // Services (as in separate processes) whose clocks stand mid-way into 15-minute slot n, at
    // scale 1: 7.5 real minutes before the slot or a cached entry could end.
    const SLOT_MS = 15 * 60_000;
    const inSlot = (n: number) => new WeatherService(new SimClock({ scale: 1, epochMs: Date.now() - (n + 0.5) * SLOT_MS }));
    const cached = inSlot(100);
    const first = cached.report('Oslo');
    expect(cached.report('oslo')).toMatchObject({ cached: true, tempC: first.tempC, condition: first.condition });

    const fast = new SimClock({ scale: 60_000 }); // 15 simulated min = 15 real ms
    const expiring = new WeatherService(fast);
    expiring.report('Oslo');
    const cachedBy = fast.now(); // the entry was made at or before this simulated instant
    await until('15 simulated minutes to pass', () => fast.now() > cachedBy + WEATHER_TTL_SIM_MS);
    expect(expiring.report('Oslo').cached).toBe(false);

    const cities = ['Oslo', 'Lima', 'Perth', 'Quito', 'Accra', 'Hanoi', 'Turin', 'Omaha'];
    const seen = (w: WeatherService, city: string) => {
      const r = w.report(city);
      return `${r.tempC}/${r.condition}`;
    };
    const slot100 = cities.map((c) => seen(inSlot(100), c));
    // Same city and slot: the same report in every process, whatever the spelling's case.
    expect(cities.map((c) => seen(inSlot(100), ` ${c.toUpperCase()} `))).toEqual(slot100);
    // Another slot, or another city: other weather (8 cities, ~450 × 5 outcomes each: never all equal).
    expect(cities.map((c) => seen(inSlot(101), c))).not.toEqual(slot100);
    expect(new Set(slot100).size).toBeGreaterThan(1);
  });
});
