/**
 * Leak `presence-maps` (seed #2): N abrupt disconnects leave N stale socketUserMap entries (and
 * one userSocketMap entry per user) on the leaky server; the fixed one stays at the connected count.
 */
import { describe, expect, it } from 'vitest';
import type { ServerProcess } from '../helpers/server-process.js';
import { call, killTransport, login, openSocket, uniqueName } from './client.js';
import { eventually, metric, useLeakPair } from './leak-fixture.js';

/** Abrupt disconnects per server: USERS users, each connecting and dying twice. */
const USERS = 5;
const N = USERS * 2;
const pair = useLeakPair('presence-maps', 600);

const socketMap = 'rol_presence_map_entries{map="socketUserMap"}';
const userMap = 'rol_presence_map_entries{map="userSocketMap"}';
const failedDisconnects = 'rol_event_errors_total{event="disconnect",code="internal"}';

/** N abrupt disconnects; returns once `handled` holds (a bounded wait: eventually's 10 s). */
async function abruptDisconnects(server: ServerProcess, handled: () => Promise<boolean>): Promise<void> {
  for (let u = 0; u < USERS; u++) {
    const { token } = await login(server.url, uniqueName('ghost'));
    for (let i = 0; i < N / USERS; i++) {
      const socket = await openSocket(server.url, token);
      await call(socket.emitWithAck('presence:ping'));
      killTransport(socket); // no disconnect packet: the server sees 'transport close'
    }
  }
  await eventually(async () => (await metric(server, 'rol_connected_sockets')) === 0 && (await handled()));
}

describe('presence-maps leak switch', () => {
  it('leaky: N abrupt disconnects leave about N stale socketUserMap entries and one per user in userSocketMap', async () => {
    const before = await metric(pair.leaky, socketMap);
    // Not exposed until the first failure: 0 until then.
    const failed = () => metric(pair.leaky, failedDisconnects).catch(() => 0);
    const failedBefore = await failed();
    // Every leaky disconnect handler has run to its end: it fails (goodbye never acknowledged,
    // 5 simulated s) and is counted, before the Maps would have been cleaned.
    await abruptDisconnects(pair.leaky, async () => (await failed()) - failedBefore >= N);
    expect(await metric(pair.leaky, 'rol_connected_sockets')).toBe(0);
    expect((await metric(pair.leaky, socketMap)) - before).toBe(N);
    expect(await metric(pair.leaky, userMap)).toBeGreaterThanOrEqual(USERS);
    // Each failed disconnect is counted, so the failure is visible, not silent.
    expect(await metric(pair.leaky, failedDisconnects)).toBeGreaterThanOrEqual(N);
  });

  it('fixed: the Maps never exceed the connected sockets', async () => {
    // Handled when both Maps are empty (cleaned in the handler's finally, or by the sweeper);
    // a Map that keeps an entry fails this wait.
    await abruptDisconnects(pair.fixed, async () => (await metric(pair.fixed, socketMap)) === 0 && (await metric(pair.fixed, userMap)) === 0);
    // With sockets connected, each Map is bounded by them.
    const { token } = await login(pair.fixed.url, uniqueName('live'));
    const a = await openSocket(pair.fixed.url, token);
    const b = await openSocket(pair.fixed.url, token); // a second tab of the same user
    expect(await metric(pair.fixed, socketMap)).toBe(2);
    expect(await metric(pair.fixed, userMap)).toBe(1);
    expect(await metric(pair.fixed, 'rol_sockets_per_user_max')).toBe(2);
    b.close();
    await eventually(async () => (await metric(pair.fixed, socketMap)) === 1);
    expect(await metric(pair.fixed, userMap)).toBe(1); // still online through the first tab
    a.close();
    await eventually(async () => (await metric(pair.fixed, userMap)) === 0);
  });
});
