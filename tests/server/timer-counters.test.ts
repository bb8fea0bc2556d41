/**
 * The server's timer counters the harness judges timer fidelity by (harness/analysis/timer-fidelity.ts):
 * sweeper ticks, and socket.io keepalive round trips counted apart. At S = 600 the 60-simulated-s
 * sweeper fires every 100 real ms; the keepalive runs at its 1 s real floor.
 */
import { describe, expect, it } from 'vitest';
import { login, openSocket, uniqueName } from './client.js';
import { eventually, metric, useLeakPair } from './leak-fixture.js';

const pair = useLeakPair('presence-maps', 600);

describe('server timer counters', () => {
  it('counts sweeper ticks on the fixed server, and none where the seed has no sweeper', async () => {
    const start = await metric(pair.fixed, 'rol_presence_sweeps_total');
    await eventually(async () => (await metric(pair.fixed, 'rol_presence_sweeps_total')) >= start + 5);
    expect(await metric(pair.leaky, 'rol_presence_sweeps_total')).toBe(0);
  });

  it('counts socket.io keepalive round trips per connected socket', async () => {
    const before = await metric(pair.fixed, 'rol_transport_keepalives_total');
    const { token } = await login(pair.fixed.url, uniqueName('keep'));
    const socket = await openSocket(pair.fixed.url, token);
    try {
      await eventually(async () => (await metric(pair.fixed, 'rol_transport_keepalives_total')) >= before + 2);
    } finally {
      socket.disconnect();
    }
  });
});
