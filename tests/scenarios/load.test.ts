/**
 * startLoad end to end: worker threads of virtual users against the real reference server.
 * Needs the compiled worker (`npx tsc -p tsconfig.json`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { until } from '../helpers/until.js';
import { startLoad, type LoadReport } from '../../scenarios/load.js';
import { defineScenario } from '../../scenarios/scenario.js';
import { seedBuddies } from '../../scenarios/seed-buddies.js';
import { VU_PASSWORD } from '../../scenarios/worker-protocol.js';
import { SimClock } from '../../common/sim-clock.js';

const SCALE = 60;
const epochMs = Date.now();
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ timeScale: SCALE, epochMs });
});
afterAll(async () => {
  await server?.stop();
});

// Busy on purpose: every action type several times in 15 simulated minutes (15 real s at S = 60).
const busy = defineScenario({
  name: 'busy-test',
  description: 'every action, often',
  population: { users: 6, rampMs: 20_000 },
  hours: 0.25,
  thinkTimeMs: { min: 2_000, max: 4_000 },
  buddiesPerUser: 2,
  phases: [{ name: 'all', startHour: 0, rates: { 'im.send': 120, 'im.open': 20, 'window.drag': 30, 'window.resize': 10, 'window.close': 10, reload: 8, 'network.drop': 8, 'logoff-on': 4 } }],
});

describe('startLoad', () => {
  it('runs VUs in workers that message, drag, reload and reconnect, then stops cleanly', async () => {
    // Buddies seeded first, as the harness does: the in-band handshake of 6 users racing each
    // other's logins left some without buddies on a loaded machine (no IM, 0 messages acked).
    const usernamePrefix = `t${process.pid}u`;
    await seedBuddies({ serverUrl: server.url, users: busy.population.users, buddiesPerUser: busy.buddiesPerUser, usernamePrefix, password: VU_PASSWORD, timeoutMs: 30_000 });
    const handle = await startLoad({ serverUrl: server.url, scenario: busy, seed: 3, clock: { scale: SCALE, epochMs }, reportEveryRealMs: 1_000, workers: 2, usernamePrefix, buddiesSeeded: true });
    const reports: LoadReport[] = [];
    handle.onReport((r) => reports.push(r));
    let done = false;
    void handle.done.then(() => (done = true));
    // 15 simulated minutes at S = 60 plus the ramp: ~15–20 real s; bounded well inside the test's 60 s.
    await until('the load to play its 15 simulated minutes', () => done, 50_000);
    const mid = await handle.report();
    const final = await handle.stop();
    expect(reports.length).toBeGreaterThan(3);
    expect(mid.client.vus).toBe(6);
    expect(final.load.messagesAcked, JSON.stringify(final.load)).toBeGreaterThan(10);
    expect(final.load.messagesDelivered).toBeGreaterThan(10);
    expect(final.load.actions['window.drag']).toBeGreaterThan(0);
    expect(final.load.actions['reload']).toBeGreaterThan(0);
    expect(final.load.reconnects).toBeGreaterThan(0);
    expect(final.load.doneActions).toBeGreaterThanOrEqual(0.9 * final.load.plannedActions);
    // The fixed client: one socket per user, and one listener per IM event per subscribing
    // component (the Shell and each open IM window; listenersPerSocketMax is 1 when nothing
    // leaks). Once the load is done nothing is mounting: exactly 1. While it runs, a window
    // caught mid-mount may read 1.5 or 2 (its listeners before its DOM), never more.
    expect(final.client.socketsPerUserMax).toBe(1);
    expect(mid.client.listenersPerSocketMax).toBe(1);
    expect(Math.max(...reports.map((r) => r.client.listenersPerSocketMax))).toBeLessThanOrEqual(2);
    expect(final.client.duplicateDeliveries).toBe(0);
    expect(reports.some((r) => r.load.latencyMs.count > 0)).toBe(true);
    // An IM is done only once acknowledged, and every action ends once: done, failed or still pending.
    expect(final.load.actions['im.send']).toBeLessThanOrEqual(final.load.messagesAcked);
    expect(final.load.failedActions).toBeTypeOf('number');
    expect(final.load.doneActions + (final.load.failedActions ?? 0) + (final.load.pendingActions ?? 0)).toBeLessThanOrEqual(final.load.plannedActions);
    // The workers' clock reading agrees with a clock built here from the same spec (1 ms × S).
    const reading = final.load.clock;
    expect(reading).toBeDefined();
    const here = new SimClock({ scale: SCALE, epochMs });
    expect(Math.abs((reading?.simMs ?? NaN) - here.simAt(reading?.epochMs ?? NaN))).toBeLessThanOrEqual(SCALE);
  }, 120_000); // seeding, 15 simulated minutes and the stop, on a machine shared by many: a hang guard
});
