/**
 * Socket-only virtual users (user scenario files): how many this machine sustains with the example
 * scenario (examples/board/board.scenario.ts against examples/board), and what one costs. Per
 * population step: the load process's CPU (all its threads, from /proc/<pid>/stat) per user per
 * simulated hour, fidelity (done / planned actions), failures, ack p99, and the board server's
 * CPU. Reference, measured in the same run at each step: bare socket.io-client connections in one
 * process sending the same number of acked messages per second (`ping:app`); the ratio says what
 * the scenario machinery (plans, sessions, counts, worker threads) costs per message over that.
 * Env: SOCKET_VU_BENCH_USERS (comma list, default "50,200,500"), SOCKET_VU_BENCH_SCALE (default
 * 60), SOCKET_VU_BENCH_SECONDS of steady load per step (default 20).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { startLoadProcess } from '../harness/run/load-process.js';

const BOARD = fileURLToPath(new URL('../examples/board/main.js', import.meta.url));
const SCENARIO = fileURLToPath(new URL('../../examples/board/board.scenario.ts', import.meta.url));
/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) / USER_HZ;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startBoard(): Promise<{ url: string; pid: number; stop: () => void }> {
  const proc = spawn(process.execPath, [BOARD], { env: { ...process.env, PORT: '0', BOARD_LEAK: '0' }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('board did not start within 20 s')), 20_000);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  return { url, pid: proc.pid!, stop: () => proc.kill('SIGTERM') };
}

/** Bare socket.io-client: `users` connections in this process, `perSecond` acked pings in total, for `seconds`. */
async function bareReference(url: string, token: string, users: number, perSecond: number, seconds: number): Promise<{ cpuS: number; acked: number }> {
  const sockets: Socket[] = [];
  for (let i = 0; i < users; i++) sockets.push(io(url, { transports: ['websocket'], forceNew: true, auth: { token } }));
  await Promise.all(sockets.map((s) => new Promise<void>((r) => (s.connected ? r() : s.once('connect', () => r())))));
  let acked = 0;
  const before = process.cpuUsage();
  const end = Date.now() + seconds * 1000;
  let next = 0;
  // 10 ms ticks, each sending its share round-robin: bounded by count (the rate) and time.
  while (Date.now() < end) {
    const n = Math.round((perSecond * 10) / 1000 + Math.random() - 0.5);
    for (let k = 0; k < n; k++) {
      const s = sockets[next++ % users]!;
      s.timeout(5_000).emit('ping:app', (err: unknown) => {
        if (!err) acked += 1;
      });
    }
    await sleep(10);
  }
  await sleep(500);
  const used = process.cpuUsage(before);
  for (const s of sockets) s.disconnect();
  return { cpuS: (used.user + used.system) / 1e6, acked };
}

export default async function socketVuBench(): Promise<object> {
  const steps = (process.env['SOCKET_VU_BENCH_USERS'] ?? '50,200,500').split(',').map(Number);
  const scale = Number(process.env['SOCKET_VU_BENCH_SCALE'] ?? 60);
  const seconds = Number(process.env['SOCKET_VU_BENCH_SECONDS'] ?? 20);
  // A shared machine: what else ran is part of every figure.
  const loadAvgAtStart = Number(os.loadavg()[0]!.toFixed(2));
  const board = await startBoard();
  const results: object[] = [];
  try {
    const token = ((await (await fetch(`${board.url}/login`, { method: 'POST', body: JSON.stringify({ name: 'bench' }) })).json()) as { token: string }).token;
    for (const users of steps) {
      // Hours long enough that the plan outlasts the measurement; the ramp (60 simulated s) is over before it starts.
      const hours = ((seconds + 30) * scale) / 3_600_000 * 1000;
      const load = await startLoadProcess({ serverUrl: board.url, scenarioFile: SCENARIO, users, hours, seed: 1, clock: { scale, epochMs: Date.now() + 1_000 }, reportEveryRealMs: 0 });
      try {
        await sleep(1_000 + (60_000 / scale) + 3_000); // arrivals and first connections settle
        const r0 = await load.reportNow(10_000);
        const cpu0 = cpuSeconds(load.pid);
        const srv0 = cpuSeconds(board.pid);
        const t0 = performance.now();
        await sleep(seconds * 1000);
        const r1 = await load.reportNow(10_000);
        const realS = (performance.now() - t0) / 1000;
        const cpuS = cpuSeconds(load.pid) - cpu0;
        const serverCpuS = cpuSeconds(board.pid) - srv0;
        if (!r0 || !r1) throw new Error('the load did not report');
        const planned = r1.load.plannedActions - r0.load.plannedActions;
        const done = r1.load.doneActions - r0.load.doneActions;
        const acked = r1.load.messagesAcked - r0.load.messagesAcked;
        const failures = r1.load.errors - r0.load.errors;
        const userSimHours = (users * realS * scale) / 3_600;
        const ref = await bareReference(board.url, token, users, acked / realS, seconds);
        const vuCpuPerMsgUs = (cpuS / acked) * 1e6;
        const refCpuPerMsgUs = (ref.cpuS / ref.acked) * 1e6;
        results.push({
          users,
          realSeconds: Number(realS.toFixed(1)),
          loadCpuCores: Number((cpuS / realS).toFixed(3)),
          loadCpuSecondsPerUserSimHour: Number((cpuS / userSimHours).toFixed(4)),
          // Derived, assuming cost linear in traffic: users one core of load could run in real time (S = 1).
          usersPerLoadCoreAtS1: Math.round(3_600 / (cpuS / userSimHours)),
          serverCpuCores: Number((serverCpuS / realS).toFixed(3)),
          ackedPerSecond: Math.round(acked / realS),
          plannedActions: planned,
          // Cumulative since the load started (a window's done may include actions due before it).
          fidelity: r1.load.plannedActions > 0 ? Number((r1.load.doneActions / r1.load.plannedActions).toFixed(4)) : null,
          doneInWindow: done,
          failures,
          ackP99Ms: r1.load.latencyMs.p99,
          socketsOpen: r1.client.socketsOpen,
          loadCpuUsPerAckedMessage: Math.round(vuCpuPerMsgUs),
          reference: { what: 'bare socket.io-client, same acked messages/s, one process', cpuUsPerAckedMessage: Math.round(refCpuPerMsgUs), acked: ref.acked },
          ratioToReference: Number((vuCpuPerMsgUs / refCpuPerMsgUs).toFixed(2)),
        });
      } finally {
        await load.stop();
      }
    }
  } finally {
    board.stop();
  }
  return { scenario: 'examples/board/board.scenario.ts', timeScale: scale, steadySecondsPerStep: seconds, loadAvgAtStart, steps: results };
}
