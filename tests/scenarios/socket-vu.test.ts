/**
 * Socket-only virtual users against the example board: a real server process, real sockets on
 * 127.0.0.1, the load's real worker threads (compiled; build first). Successes and failures are
 * counted per action, and a failure is never a done action.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoad, type LoadReport } from '../../scenarios/load.js';
import { BOARD_SCENARIO, startBoard, type BoardProcess } from '../helpers/board-process.js';

const FAILING = fileURLToPath(new URL('./fixtures/failing.scenario.ts', import.meta.url));
const SESSION = fileURLToPath(new URL('./fixtures/session.scenario.ts', import.meta.url));

let board: BoardProcess;
beforeAll(async () => {
  board = await startBoard();
});
afterAll(async () => {
  await board?.stop();
});

/**
 * Runs `hours` of the scenario at scale S with `users` users; after the planned hours, lets the
 * users finish what came due (bounded: 20 real s) and returns the final report.
 */
async function drive(scenarioFile: string, users: number, hours: number, scale: number): Promise<LoadReport> {
  const load = await startLoad({ serverUrl: board.url, scenarioFile, users, hours, seed: 3, workers: 2, reportEveryRealMs: 0, clock: { scale, epochMs: Date.now() } });
  try {
    await load.done;
    const end = Date.now() + 20_000;
    for (let r = await load.report(); Date.now() < end; r = await load.report()) {
      const failed = Object.entries(r.load.actions).filter(([k]) => k.includes(':') && !k.startsWith('timer.')).reduce((n, [, v]) => n + v, 0);
      if (r.load.doneActions + failed >= r.load.plannedActions) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    // stop() is idempotent: the final report, also when `done` threw.
    void load.stop();
  }
  return load.stop();
}

describe('socket-only virtual users', () => {
  it('run the example scenario: every user connects, actions and timers succeed and are counted', async () => {
    // 0.5 simulated hours at S = 360: 5 real seconds; 8 users plan ~100 actions.
    const r = await drive(BOARD_SCENARIO, 8, 0.5, 360);
    const a = r.load.actions;
    expect(a.connect).toBe(8);
    expect(r.load.plannedActions).toBeGreaterThan(20);
    const ok = (a.list ?? 0) + (a.post ?? 0) + (a['switch-room'] ?? 0) + (a['wifi-drop'] ?? 0);
    expect(r.load.doneActions).toBe(ok);
    // Against a healthy board every planned action succeeds (a drop may cost an in-flight ping its ack).
    expect(Object.keys(a).filter((k) => k.includes(':') && !k.startsWith('timer.'))).toEqual([]);
    expect(ok).toBe(r.load.plannedActions);
    expect(a['timer.ping']).toBeGreaterThan(0);
    expect(r.load.messagesAcked).toBeGreaterThan(ok);
    expect(r.client.vus).toBe(8);
    expect(r.client.intervalsAlive).toBe(8);
  });

  it('count an ack time-out and a failed check as failures of their action, not as done', async () => {
    const r = await drive(FAILING, 4, 1, 360);
    const a = r.load.actions;
    expect(a['unanswered:timeout']).toBeGreaterThan(0);
    expect(a.unanswered).toBeUndefined();
    expect(a['post-unjoined:check']).toBeGreaterThan(0);
    expect(a['post-unjoined']).toBeUndefined();
    expect(a.ping).toBeGreaterThan(0);
    expect(r.load.doneActions).toBe(a.ping);
    expect(r.load.errors).toBe(a['unanswered:timeout']! + a['post-unjoined:check']!);
    expect(r.load.doneActions).toBeLessThan(r.load.plannedActions);
  });


  it('bring a user who left back at their next action, and time out a wait for an event that never comes', async () => {
    const r = await drive(SESSION, 3, 1, 360);
    const a = r.load.actions;
    expect(a.leave).toBeGreaterThan(0);
    expect(a.ping).toBeGreaterThan(0);
    expect(a['ping:error']).toBeUndefined();
    // Each return after a leave is a new connection: more onConnect runs than users.
    expect(a.onConnect).toBeGreaterThan(3);
    expect(a['wait-nothing:timeout']).toBeGreaterThan(0);
    expect(a['wait-nothing']).toBeUndefined();
  });

  it('fail the load, saying why, when no user can ever connect', async () => {
    // Port 9 (discard) on loopback: nothing listens there, so every connection is refused.
    const load = await startLoad({ serverUrl: 'http://127.0.0.1:9', scenarioFile: BOARD_SCENARIO, users: 2, hours: 1, workers: 1, reportEveryRealMs: 0, clock: { scale: 60, epochMs: Date.now() } });
    try {
      await expect(load.failed).rejects.toThrow(/no virtual user could connect to http:\/\/127\.0\.0\.1:9/);
    } finally {
      await load.stop();
    }
  });
});
