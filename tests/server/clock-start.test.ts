/**
 * The pending clock (server/clock-start.ts) on the compiled server, spawned as the harness
 * spawns it (`SOAK_SIM_EPOCH=pending`): its simulated time runs on a provisional epoch until the
 * run's is posted, then agrees with a clock built on that epoch elsewhere (the harness's and the
 * load's). The harness's own call (spawnServer's startClock) runs in every e2e soak.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ROUTES, TOKEN_ENV, type ClockStartResponse } from '../../common/http.js';
import { SimClock } from '../../common/sim-clock.js';
import { startWireStore, type RunningStore } from '../../store/resolve.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, loginAndConnect } from './client.js';
import { metric } from './leak-fixture.js';

/** Simulated ms per real ms in these runs. */
const SCALE = 600;

let store: RunningStore;
beforeAll(async () => {
  store = await startWireStore();
});
afterAll(async () => {
  await store?.stop();
});

/** The one-time token each pending server gets here, as the harness generates it (spawn-server.ts). */
const TOKEN = randomBytes(32).toString('hex');

function startPending(env: Record<string, string> = {}): Promise<ServerProcess> {
  return startServerProcess({ timeScale: SCALE, env: { MONGODB_URI: store.uri, SOAK_SIM_EPOCH: 'pending', [TOKEN_ENV.clock]: TOKEN, ...env } });
}

type StartReply = { status: number; body: ClockStartResponse & { error?: { code: string; message: string } } };

/** POST ROUTES.clockStart with `token` as the bearer (none when null). */
async function postStart(url: string, body: unknown, token: string | null = TOKEN): Promise<StartReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
  const res = await fetch(`${url}${ROUTES.clockStart}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as StartReply['body'] };
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
    const server = await startPending({ SOAK_SYNTHETIC_LEAK: 'tick:4KiB' });
    try {
      expect(server.ready.clockPending).toBe(true);
      // Before the start its simulated time is far behind any run's (the provisional epoch lies an hour ahead).
      const before = await serverDate(server.url, 'clock_a');
      expect(before).toBeLessThan(Date.now() - 24 * 3_600_000);
      expect(server.stderr()).not.toMatch(/synthetic leak: keeping/);
      // The harness's seeding happens here: the calibration leak keeps nothing for it.
      expect(await metric(server, 'rol_synthetic_leak_bytes')).toBe(0);

      const run = new SimClock({ scale: SCALE, epochMs: Date.now() + 1_000 });
      const started = await postStart(server.url, { epochMs: run.epochMs });
      expect(started.status).toBe(200);
      expect(started.body.jumpedSimMs).toBeGreaterThan(0);
      // Within 200 real ms of the run's clock (120 simulated s at S = 600): a login and a ping in between.
      expect(Math.abs(started.body.simMs - run.now())).toBeLessThan(200 * SCALE);
      const after = await serverDate(server.url, 'clock_b');
      expect(Math.abs(after - run.date().getTime())).toBeLessThan(200 * SCALE);
      // The calibration leak counts from the run's simulated 0 (the time shape: not over the jump).
      expect(server.stderr()).toMatch(/synthetic leak: keeping 4 KiB per presence-ping tick/);
      expect(await metric(server, 'rol_synthetic_leak_bytes')).toBe(4 * 1024);

      // The token was good for one start.
      const again = await postStart(server.url, { epochMs: run.epochMs });
      expect(again.status).toBe(403);
      expect(again.body.error?.message).toMatch(/used/);
    } finally {
      await server.stop();
    }
  });

  it('refuses an epoch no harness sends (not within 5 min of now), and bad bodies', async () => {
    const server = await startPending();
    try {
      // Later than the provisional epoch (an hour ahead): time would also run backwards.
      const later = await postStart(server.url, { epochMs: Date.now() + 2 * 3_600_000 });
      expect(later.status).toBe(400);
      expect(later.body.error?.message).toMatch(/within 5 min/);
      // 1970: 3×10^8 simulated hours at once, where presence timers' toISOString() threw.
      expect((await postStart(server.url, { epochMs: 0 })).status).toBe(400);
      expect((await postStart(server.url, { epochMs: Date.now() - 6 * 60_000 })).status).toBe(400);
      expect((await postStart(server.url, { epochMs: 1e308 })).status).toBe(400);
      expect((await postStart(server.url, { epochMs: 'soon' })).status).toBe(400);
      // Still pending: a good start is accepted after the bad ones.
      expect((await postStart(server.url, { epochMs: Date.now() })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('is 403 without the token or with a wrong one, and then still starts with the right one', async () => {
    const server = await startPending();
    try {
      const none = await postStart(server.url, { epochMs: Date.now() }, null);
      expect(none.status).toBe(403);
      expect(none.body.error?.code).toBe('forbidden');
      expect((await postStart(server.url, { epochMs: Date.now() }, randomBytes(32).toString('hex'))).status).toBe(403);
      expect((await postStart(server.url, { epochMs: Date.now() }, `${TOKEN}x`)).status).toBe(403);
      // Checked before the body: a tokenless bad body is 403 too, not 400.
      expect((await postStart(server.url, { epochMs: 'soon' }, null)).status).toBe(403);
      expect((await postStart(server.url, { epochMs: Date.now() })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('will not start pending without a token (exit 2, config error)', async () => {
    await expect(startServerProcess({ timeScale: SCALE, env: { MONGODB_URI: store.uri, SOAK_SIM_EPOCH: 'pending', [TOKEN_ENV.clock]: '' } })).rejects.toThrow(
      /exited \(code 2\)[\s\S]*SOAK_CLOCK_TOKEN/,
    );
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
