/**
 * Leak `intervals` (server part of seed #5): the per-socket presence heartbeat (every 30
 * simulated s) is not cleared on disconnect, so N reconnects leave N live intervals; the fixed
 * server clears each one.
 */
import { describe, expect, it } from 'vitest';
import type { ServerProcess } from '../helpers/server-process.js';
import { call, login, openSocket, uniqueName } from './client.js';
import { eventually, metric, useLeakPair } from './leak-fixture.js';

const N = 10;
const pair = useLeakPair('intervals', 600);
const intervals = 'rol_sim_timers{kind="interval"}';

const socketMap = 'rol_presence_map_entries{map="socketUserMap"}';

async function reconnects(server: ServerProcess) {
  const { token } = await login(server.url, uniqueName('tick'));
  const before = { sim: await metric(server, intervals), timers: await metric(server, 'rol_active_timers'), sockets: await metric(server, socketMap) };
  for (let i = 0; i < N; i++) {
    const socket = await openSocket(server.url, token);
    await call(socket.emitWithAck('presence:ping'));
    socket.disconnect();
  }
  // Every disconnect handled: no socket left, and the presence Map back to where it was (the
  // handler's last step, with the intervals leak as without).
  await eventually(async () => (await metric(server, 'rol_connected_sockets')) === 0 && (await metric(server, socketMap)) === before.sockets);
  const after = { sim: await metric(server, intervals), timers: await metric(server, 'rol_active_timers') };
  return { before, after };
}

describe('intervals leak switch (server part)', () => {
  it('leaky: N reconnects leave N live heartbeat intervals, still ticking', async () => {
    const { before, after } = await reconnects(pair.leaky);
    expect(after.sim - before.sim).toBe(N);
    expect(after.timers - before.timers).toBeGreaterThanOrEqual(N);
    // No socket is connected: any tick now is a leaked interval's. Three each, within 10 real s
    // (a tick is 10 simulated s = 17 real ms at S = 600).
    const ticks = await metric(pair.leaky, 'rol_presence_heartbeats_total');
    await eventually(async () => (await metric(pair.leaky, 'rol_presence_heartbeats_total')) - ticks >= N * 3);
  });

  it('fixed: intervals return to the baseline after the same reconnects', async () => {
    const { before, after } = await reconnects(pair.fixed);
    expect(after.sim).toBe(before.sim);
    expect(after.timers - before.timers).toBeLessThanOrEqual(2);
  });
});
