/**
 * The calibration leak's event shapes on the compiled server (SOAK_SYNTHETIC_LEAK, as the harness
 * sets it): N events of the named kind retain N × the size, read from the server's own gauge
 * `rol_synthetic_leak_bytes`, and other events retain nothing. Needs `npx tsc -p tsconfig.json`.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../common/http.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { scrapeMetrics, serverEntryPath, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, getJson, loginAndConnect, openSocket, type User } from './client.js';
import { eventually, metric } from './leak-fixture.js';

const KiB = 1024;
const BYTES = 'rol_synthetic_leak_bytes';
const EVENTS = 'rol_synthetic_leak_events_total';

let store: RunningStore;
beforeAll(async () => {
  store = await startWireStore();
});
afterAll(async () => {
  await store?.stop();
});

const open: { server: ServerProcess | null; users: User[] } = { server: null, users: [] };
afterEach(async () => {
  for (const u of open.users.splice(0)) u.socket.close();
  const server = open.server;
  open.server = null;
  if (server) expect(await server.stop()).toBe(0);
});

async function serve(spec: string, timeScale = 1): Promise<ServerProcess> {
  open.server = await startServerProcess({ timeScale, env: { MONGODB_URI: store.uri, SOAK_SYNTHETIC_LEAK: spec } });
  return open.server;
}

async function user(server: ServerProcess, prefix: string): Promise<User> {
  const u = await loginAndConnect(server.url, prefix);
  open.users.push(u);
  return u;
}

/** Socket events of several kinds, `times` each, acked. */
async function mixedTraffic(a: User, b: User, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    await call(a.socket.emitWithAck('presence:ping'));
    await call(a.socket.emitWithAck('buddy:requests'));
    await call(a.socket.emitWithAck('window:layout', { windowId: 'buddy-list', x: i, y: 0, width: 200, height: 300 }));
    await call(a.socket.emitWithAck('im:history', { with: b.username }));
  }
}

describe('--synthetic-leak event shapes on the real server', () => {
  it('action:im.send retains its size per im:send handled, and nothing for other events', async () => {
    const server = await serve('action:im.send:64KiB');
    const [a, b] = [await user(server, 'sl_a'), await user(server, 'sl_b')];
    await mixedTraffic(a, b, 3);
    expect(await metric(server, BYTES)).toBe(0);
    const n = 5;
    for (let i = 0; i < n; i++) await call(a.socket.emitWithAck('im:send', { to: b.username, text: `m${i}`, clientId: `sl-${i}` }));
    // One that fails is still an im:send handled (as rol_events_handled_total counts it).
    await expect(call(a.socket.emitWithAck('im:send', { to: 'nobody_here', text: 'x', clientId: 'sl-x' }))).rejects.toMatchObject({ code: 'not-found' });
    // The counter is bumped after the ack is sent: wait for it rather than race it.
    await eventually(async () => (await metric(server, EVENTS)) === n + 1);
    expect(await metric(server, BYTES)).toBe((n + 1) * 64 * KiB);
    expect(await metric(server, 'rol_events_handled_total{event="im:send"}')).toBe(n + 1);
    expect(server.stderr()).toMatch(/synthetic leak: keeping 64 KiB per im.send \(server event im:send\)/);
  });

  it('action:im.open retains per IM history fetch, over the socket and REST', async () => {
    const server = await serve('action:im.open:8KiB');
    const [a, b] = [await user(server, 'sl_c'), await user(server, 'sl_d')];
    await call(a.socket.emitWithAck('im:history', { with: b.username }));
    for (let i = 0; i < 2; i++) expect((await getJson(`${server.url}${ROUTES.imHistory}?with=${b.username}`, a.token)).status).toBe(200);
    await call(a.socket.emitWithAck('presence:ping'));
    await eventually(async () => (await metric(server, EVENTS)) === 3);
    expect(await metric(server, BYTES)).toBe(3 * 8 * KiB);
  });

  it('connect retains its size per socket.io connection', async () => {
    const server = await serve('connect:256KiB');
    const a = await user(server, 'sl_e');
    for (let i = 0; i < 3; i++) {
      const again = await openSocket(server.url, a.token);
      await call(again.emitWithAck('presence:ping'));
      again.close();
    }
    await call(a.socket.emitWithAck('presence:ping'));
    expect(await metric(server, EVENTS)).toBe(4);
    expect(await metric(server, BYTES)).toBe(4 * 256 * KiB);
  });

  it('tick (default presence-ping) retains per presence:ping handled', async () => {
    const server = await serve('tick:4KiB');
    const [a, b] = [await user(server, 'sl_f'), await user(server, 'sl_g')];
    await mixedTraffic(a, b, 4); // 4 pings among 16 events
    await call(a.socket.emitWithAck('im:send', { to: b.username, text: 'hi', clientId: 'sl-t' }));
    await eventually(async () => (await metric(server, EVENTS)) === 4);
    expect(await metric(server, BYTES)).toBe(4 * 4 * KiB);
    expect(await metric(server, 'rol_events_handled_total{event="presence:ping"}')).toBe(4);
  });

  it('tick:server-heartbeat retains per tick of the per-socket presence heartbeat', async () => {
    // S = 600: the 30-simulated-second heartbeat ticks every 50 ms real per socket.
    const server = await serve('tick:server-heartbeat:4KiB', 600);
    await user(server, 'sl_h');
    await eventually(async () => (await metric(server, EVENTS)) >= 3);
    // Both counted in the same tick callback; scraped together, they agree.
    const all = await scrapeMetrics(server.metricsUrl);
    expect(all[EVENTS]).toBe(all['rol_presence_heartbeats_total']);
    expect(all[BYTES]).toBe((all[EVENTS] as number) * 4 * KiB);
  });

  it('exports no synthetic gauge when the switch is off', async () => {
    const server = await serve('');
    await user(server, 'sl_i');
    await expect(metric(server, BYTES)).rejects.toThrow(/not exposed/);
  });

  it('refuses to start on a bad spec (exit 2, the variable and the problem named)', () => {
    const env = { ...process.env, SOAK_STORE: 'wire', SOAK_SYNTHETIC_LEAK: 'tick:weather:1KiB' };
    const run = spawnSync(process.execPath, [serverEntryPath()], { env, encoding: 'utf8', timeout: 50_000 }); // a hang guard, not a speed bound
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/SOAK_SYNTHETIC_LEAK: unknown timer 'weather'/);
  });
});
