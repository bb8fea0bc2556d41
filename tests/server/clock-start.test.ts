/**
 * The pending clock (server/clock-start.ts) on the compiled server, spawned as the harness
 * spawns it (`SOAK_SIM_EPOCH=pending`): its simulated time runs on a provisional epoch until the
 * run's is posted, then agrees with a clock built on that epoch elsewhere (the harness's and the
 * load's). The harness's own call (spawnServer's startClock) runs in every e2e soak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES, type ClockStartResponse } from '../../common/http.js';
import { SimClock } from '../../common/sim-clock.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, loginAndConnect } from './client.js';

/** Simulated ms per real ms in these runs. */
const SCALE = 600;

let store: RunningStore;
beforeAll(async () => {
  store = await startWireStore();
});
afterAll(async () => {
  await store?.stop();
});

function startPending(env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({ timeScale: SCALE, env: { MONGODB_URI: store.uri, SOAK_SIM_EPOCH: 'pending', ...env } });
}

async function postStart(url: string, body: unknown): Promise<{ status: number; body: ClockStartResponse & { error?: { message: string } } }> {
  const res = await fetch(`${url}${ROUTES.clockStart}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as ClockStartResponse & { error?: { message: string } } };
}

/** The server's simulated wall-clock date, as a user sees it (presence:ping answers it). */
async function serverDate(url: string, name: string): Promise<number> {
  const user = await loginAndConnect(url, name);
  try {
    const { at } = await call(user.socket.emitWithAck('presence:ping'));
    return Date.parse(at);
  } finally {
    user.socket.close();
  }
}

describe('a pending server clock', () => {
  it('starts at the run epoch it is sent, once, and then agrees with the run clock', async () => {
    const server = await startPending({ SOAK_SYNTHETIC_LEAK_MIB_PER_HOUR: '1' });
    try {
      expect(server.ready.clockPending).toBe(true);
      // Before the start its simulated time is far behind any run's (the provisional epoch lies an hour ahead).
      const before = await serverDate(server.url, 'clock_a');
      expect(before).toBeLessThan(Date.now() - 24 * 3_600_000);
      expect(server.stderr()).not.toMatch(/synthetic leak: keeping/);

      const run = new SimClock({ scale: SCALE, epochMs: Date.now() + 1_000 });
      const started = await postStart(server.url, { epochMs: run.epochMs });
      expect(started.status).toBe(200);
      expect(started.body.jumpedSimMs).toBeGreaterThan(0);
      // Within 200 real ms of the run's clock (120 simulated s at S = 600): a login and a ping in between.
      expect(Math.abs(started.body.simMs - run.now())).toBeLessThan(200 * SCALE);
      const after = await serverDate(server.url, 'clock_b');
      expect(Math.abs(after - run.date().getTime())).toBeLessThan(200 * SCALE);
      // The calibration leak counts from the run's simulated 0, not over the jump.
      expect(server.stderr()).toMatch(/synthetic leak: keeping 1 MiB/);

      const again = await postStart(server.url, { epochMs: run.epochMs });
      expect(again.status).toBe(409);
      expect(again.body.error?.message).toMatch(/started already/);
    } finally {
      await server.stop();
    }
  });

  it('refuses an epoch that would move simulated time back, and bad bodies', async () => {
    const server = await startPending();
    try {
      // Later than the provisional epoch (an hour ahead): time would run backwards.
      const back = await postStart(server.url, { epochMs: Date.now() + 2 * 3_600_000 });
      expect(back.status).toBe(400);
      expect(back.body.error?.message).toMatch(/back/);
      expect((await postStart(server.url, { epochMs: 'soon' })).status).toBe(400);
      // Still pending: a good start is accepted after the bad ones.
      expect((await postStart(server.url, { epochMs: Date.now() })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('does not exist on a server whose epoch was given at start', async () => {
    const server = await startServerProcess({ timeScale: SCALE, epochMs: Date.now(), env: { MONGODB_URI: store.uri } });
    try {
      expect(server.ready.clockPending).toBeUndefined();
      expect((await postStart(server.url, { epochMs: Date.now() })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
