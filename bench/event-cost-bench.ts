/**
 * CPU per event type, per process (server, store, load), and the server's events per second per
 * core next to a plain socket.io relay measured in the same run. Each type is driven alone at a
 * fixed rate for a fixed time against the reference server (offline store) by socket.io clients
 * in this process; its cost is the CPU it added over the same time idle, divided by the events.
 * The server's own timers (heartbeat, sweeper) are driven by running its clock fast (S) with the
 * sockets idle. The planner's EVENT_COST (harness/run/plan-time-scale.ts) is the whole stack's
 * cost of each type over that of an IM with its receipt. REST is measured twice: with fetch
 * (undici, the row `http-request`) and with the soak's own HTTP driver (harness/load/http-load.ts:
 * the same GET, and the office-day scenario's mix with its logins), whose load column is the
 * driver's own CPU per request.
 * Knobs: EVENT_COST_USERS (40), EVENT_COST_RATE (200 /s), EVENT_COST_SECONDS (6), EVENT_COST_REPEATS (3).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js';
import { ROUTES, type LoginResponse } from '../common/http.js';
import { httpConnectionsFor } from '../harness/load/http-plan.js';
import { startHttpLoad } from '../harness/load/http-load.js';
import type { HttpEndpointName } from '../harness/load/http-window.js';
import { spawnServer, type ServerHandle } from '../harness/run/spawn-server.js';
import { SimClock } from '../common/sim-clock.js';
import { resolveScenario } from '../scenarios/scenarios.js';
import { seedBuddies } from '../scenarios/seed-buddies.js';
import { usernameFor } from '../scenarios/worker-protocol.js';
import { resolveStore } from '../store/resolve.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const PASSWORD = 'bench-password-1';
const PREFIX = 'ec';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** CPU seconds (user + system) of a process from /proc; 0 without one. */
function cpuOf(pid: number | null): number {
  if (pid === null) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}
const selfCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Cpu { server: number; store: number; load: number }
/** CPU each process spent while `drive` ran (at least `ms`), the events it reports, and the real ms it took. */
async function cpuOver(pids: { server: number; store: number | null }, ms: number, drive: () => Promise<number>): Promise<{ cpu: Cpu; events: number; realMs: number }> {
  const t0 = performance.now();
  const a = { server: cpuOf(pids.server), store: cpuOf(pids.store), load: selfCpu() };
  const [events] = await Promise.all([drive(), sleep(ms)]);
  const b = { server: cpuOf(pids.server), store: cpuOf(pids.store), load: selfCpu() };
  return { cpu: { server: b.server - a.server, store: b.store - a.store, load: b.load - a.load }, events, realMs: performance.now() - t0 };
}

/** Calls `one(i)` `rate` times a second for `seconds`, in 10 ms slices; resolves with the acknowledged count. */
function paced(rate: number, seconds: number, one: (i: number) => Promise<unknown>): Promise<number> {
  return new Promise((resolve) => {
    const total = Math.round(rate * seconds);
    let sent = 0;
    let done = 0;
    const pending: Promise<unknown>[] = [];
    const t0 = Date.now();
    const tick = setInterval(() => {
      const due = Math.min(total, Math.round(((Date.now() - t0) / 1000) * rate));
      for (; sent < due; sent++) pending.push(one(sent).then(() => void done++, () => undefined));
      if (sent >= total) {
        clearInterval(tick);
        void Promise.all(pending).then(() => resolve(done));
      }
    }, 10);
  });
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}${ROUTES.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  return ((await res.json()) as LoginResponse).token;
}
function open(url: string, token: string): Promise<Client> {
  const s: Client = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}
const ack = <T>(fn: (cb: (r: T) => void) => void) => new Promise<T>((resolve) => fn(resolve));

/** A plain socket.io relay in its own process: each 'msg' is acknowledged and forwarded to one peer (as an IM is). */
const RELAY = `
const { createServer } = require('node:http');
const { Server } = require('socket.io');
const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (s) => { const n = s.handshake.auth.n, users = s.handshake.auth.users; s.join('u' + n); s.on('msg', (m, cb) => { s.to('u' + ((n + 1) % users)).emit('msg', m); cb({ ok: true }); }); });
http.listen(0, '127.0.0.1', () => process.stdout.write(String(http.address().port) + '\\n'));
`;

/**
 * The soak's own HTTP driver (harness/load/http-load.ts) at `rate` requests per second for
 * `seconds` on a clock at S = 1, over `mix`: CPU per request in server, store and this process
 * (the driver's own cost). Its logins happen before the measured span.
 */
async function driverCost(url: string, pids: { server: number; store: number | null }, users: number, rate: number, seconds: number, mix: Readonly<Record<HttpEndpointName, number>>): Promise<Cpu> {
  const idle = await cpuOver(pids, seconds * 1000, async () => 0);
  const clock = new SimClock({ scale: 1 });
  // Arrivals end `seconds` after the logins, which take well under LOGIN_SLACK_MS here; the
  // measured span starts after them and ends with the last answer.
  const LOGIN_SLACK_MS = 2_000;
  const load = await startHttpLoad({ serverUrl: url, requestsPerSimHour: rate * 3_600, clock, untilSimMs: clock.now() + LOGIN_SLACK_MS + seconds * 1_000, connections: httpConnectionsFor(rate), mix, users, maxDurationS: seconds + 30, usernamePrefix: PREFIX, password: PASSWORD });
  try {
    const run = await cpuOver(pids, 0, async () => {
      await load.done;
      return load.totals().requests;
    });
    const t = load.totals();
    if (t.errors > 0 || t.shed > 0) throw new Error(`the HTTP driver's bench span had ${String(t.errors)} errors and ${String(t.shed)} shed of ${String(t.due)} due`);
    // Idle CPU scaled to the measured span's length.
    const ms = (k: keyof Cpu) => ((run.cpu[k] - (idle.cpu[k] * run.realMs) / idle.realMs) * 1000) / Math.max(1, run.events);
    return { server: ms('server'), store: ms('store'), load: ms('load') };
  } finally {
    await load.stop();
  }
}

async function relayCost(users: number, rate: number, seconds: number): Promise<{ cpuMsPerMessage: number; messagesPerCoreSecond: number }> {
  const child = spawn(process.execPath, ['-e', RELAY], { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() });
  try {
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const url = `http://127.0.0.1:${port}`;
    const clients = await Promise.all(Array.from({ length: users }, (_, n) => new Promise<Socket>((resolve) => {
      const s = connect(url, { auth: { n, users }, transports: ['websocket'], reconnection: false, forceNew: true });
      s.once('connect', () => resolve(s));
    })));
    const pids = { server: child.pid as number, store: null };
    const idle = await cpuOver(pids, seconds * 1000, async () => 0);
    const run = await cpuOver(pids, seconds * 1000, () => paced(rate, seconds, (i) => (clients[i % users] as Socket).timeout(10_000).emitWithAck('msg', { text: 'hello there', i })));
    for (const c of clients) c.close();
    const ms = ((run.cpu.server - idle.cpu.server) * 1000) / run.events;
    return { cpuMsPerMessage: ms, messagesPerCoreSecond: 1000 / ms };
  } finally {
    child.kill('SIGTERM');
  }
}

export default async function eventCostBench(): Promise<object> {
  const users = Number(process.env.EVENT_COST_USERS ?? 40);
  const rate = Number(process.env.EVENT_COST_RATE ?? 200);
  const seconds = Number(process.env.EVENT_COST_SECONDS ?? 6);
  const repeats = Number(process.env.EVENT_COST_REPEATS ?? 3);
  const store = await resolveStore({ mode: 'wire' });
  const servers: ServerHandle[] = [];
  let clients: Client[] = [];
  try {
    const server = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 1 } });
    servers.push(server);
    const url = server.url;
    await seedBuddies({ serverUrl: url, users, buddiesPerUser: 3, usernamePrefix: PREFIX, password: PASSWORD });
    const names = Array.from({ length: users }, (_, i) => usernameFor(PREFIX, i));
    const tokens = await Promise.all(names.map((n) => login(url, n)));
    clients = await Promise.all(tokens.map((t) => open(url, t)));
    const pids = { server: server.pid, store: store.pid };
    const at = (i: number) => clients[i % users] as Client;
    const drivers: Record<string, { rate: number; one: (i: number) => Promise<unknown> }> = {
      'presence-ping': { rate, one: (i) => ack((cb) => at(i).emit('presence:ping', cb)) },
      'request-poll': { rate, one: (i) => ack((cb) => at(i).emit('buddy:requests', cb)) },
      // To a buddy (user i and the one before it are buddies): the ack, and the recipient's im:new.
      'im-with-receipt': { rate: rate / 2, one: (i) => ack((cb) => at(i + 1).emit('im:send', { to: names[i % users] as string, text: 'hello there, how are you', clientId: `c${i}` }, cb)) },
      'drag-move': { rate, one: (i) => ack((cb) => at(i).emit('window:layout', { windowId: `w${i % 4}`, x: i % 300, y: i % 200, width: 320, height: 240 }, cb)) },
      'http-request': { rate: rate / 2, one: (i) => fetch(`${url}${ROUTES.buddies}`, { headers: { authorization: `Bearer ${tokens[i % users] as string}` } }).then((r) => r.arrayBuffer()) },
      reload: {
        rate: rate / 20,
        one: async (i) => {
          const k = i % users;
          (clients[k] as Client).close();
          const t = await login(url, names[k] as string);
          clients[k] = await open(url, t);
          await ack((cb) => (clients[k] as Client).emit('buddy:list', cb));
        },
      },
    };
    const rows: Record<string, { server: number; store: number; load: number; total: number }> = {};
    for (const [type, d] of Object.entries(drivers)) {
      const per: Cpu[] = [];
      for (let r = 0; r < repeats; r++) {
        const idle = await cpuOver(pids, seconds * 1000, async () => 0);
        const run = await cpuOver(pids, seconds * 1000, () => paced(d.rate, seconds, d.one));
        const ms = (k: keyof Cpu) => ((run.cpu[k] - idle.cpu[k]) * 1000) / Math.max(1, run.events);
        per.push({ server: ms('server'), store: ms('store'), load: ms('load') });
      }
      const m = { server: median(per.map((p) => p.server)), store: median(per.map((p) => p.store)), load: median(per.map((p) => p.load)) };
      rows[type] = { ...m, total: m.server + m.store + m.load };
      process.stdout.write(`  ${type}: server ${m.server.toFixed(3)} ms, store ${m.store.toFixed(3)} ms, load ${m.load.toFixed(3)} ms per event\n`);
    }
    // The soak's own HTTP driver (node:http keep-alive, arrivals on the clock): the same GET
    // as the row above, whose load column is fetch's (undici), and the office-day scenario's mix.
    const officeMix = resolveScenario('office-day').http?.mix;
    if (!officeMix) throw new Error('office-day plans no REST traffic');
    const driverRows: Record<string, Readonly<Record<HttpEndpointName, number>>> = {
      'http-request (run driver)': { login: 0, buddies: 1, weather: 0, history: 0 },
      'http-request (run driver, office-day mix)': officeMix,
    };
    for (const [type, mix] of Object.entries(driverRows)) {
      const per: Cpu[] = [];
      for (let r = 0; r < repeats; r++) per.push(await driverCost(url, pids, users, rate / 2, seconds, mix));
      const m = { server: median(per.map((p) => p.server)), store: median(per.map((p) => p.store)), load: median(per.map((p) => p.load)) };
      rows[type] = { ...m, total: m.server + m.store + m.load };
      process.stdout.write(`  ${type}: server ${m.server.toFixed(3)} ms, store ${m.store.toFixed(3)} ms, load ${m.load.toFixed(3)} ms per request\n`);
    }
    for (const c of clients) c.close();
    clients = [];
    // The server's own timers: a second server whose clock runs at S = 300 with the sockets
    // connected and idle: users × 300 / 30 s heartbeats a second (each a presence fan-out to 3
    // buddies), plus its keepalives (1 s floor) and 5 sweeps a second. Its whole CPU over the
    // heartbeats is an upper bound on one heartbeat's cost.
    const fast = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 300 } });
    servers.push(fast);
    const fastClients = await Promise.all(names.map(async (n) => open(fast.url, await login(fast.url, n))));
    const heartbeatsPerSecond = (users * 300) / 30;
    const beats: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const busy = await cpuOver({ server: fast.pid, store: store.pid }, seconds * 1000, async () => 0);
      beats.push(((busy.cpu.server + busy.cpu.store) * 1000) / (heartbeatsPerSecond * seconds));
    }
    for (const c of fastClients) c.close();
    rows['server-heartbeat (upper bound)'] = { server: median(beats), store: 0, load: 0, total: median(beats) };
    process.stdout.write(`  server-heartbeat: ≤ ${median(beats).toFixed(3)} ms per tick (server + store)\n`);
    const relay = await relayCost(users, rate, seconds);
    process.stdout.write(`  socket.io relay: ${relay.cpuMsPerMessage.toFixed(3)} ms per message\n`);
    const im = rows['im-with-receipt'] as { server: number; total: number };
    const ping = rows['presence-ping'] as { server: number };
    const relative = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, Number((v.total / im.total).toFixed(3))]));
    return {
      users,
      ratePerSecond: rate,
      seconds,
      repeats,
      cpuMsPerEvent: rows,
      costRelativeToImWithReceipt: relative,
      relay: { cpuMsPerMessage: relay.cpuMsPerMessage, messagesPerCoreSecond: Math.round(relay.messagesPerCoreSecond) },
      serverPingsPerCoreSecond: Math.round(1000 / ping.server),
      stackVsRelay: { ping: Number((relay.cpuMsPerMessage / ping.server).toFixed(3)), imWithReceipt: Number((relay.cpuMsPerMessage / im.server).toFixed(3)) },
      // The run's HTTP driver's own CPU per request over fetch's for the same GET, same run.
      driverVsFetchLoad: Number(((rows['http-request (run driver)'] as Cpu).load / (rows['http-request'] as Cpu).load).toFixed(3)),
    };
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop().catch(() => undefined);
    await store.stop().catch(() => undefined);
  }
}
