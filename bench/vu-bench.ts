/**
 * Virtual-user bench: heap per VU (React 19 production build + happy-dom, after forced GC),
 * CPU per action type (this process only; the server's CPU is not included), and the largest
 * population that keeps ≥ 99% of office-day's planned actions at a given time scale. Starts
 * its own reference server (dist/server/main.js, offline store). Env: VU_BENCH_SCALE (default
 * 60), VU_BENCH_USERS (comma list, default "25,50,100"), VU_BENCH_SECONDS per step (default 20).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

process.env['NODE_ENV'] = 'production'; // before react is imported (below, dynamically)
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

async function startServer(scale: number, epochMs: number): Promise<{ url: string; proc: ChildProcess }> {
  const entry = fileURLToPath(new URL('../server/main.js', import.meta.url));
  const proc = spawn(process.execPath, [entry], {
    env: { ...process.env, SOAK_STORE: 'wire', SOAK_TIME_SCALE: String(scale), SOAK_SIM_EPOCH: String(epochMs), SOAK_LEAKS: 'none' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve) => readline.createInterface({ input: proc.stdout! }).once('line', resolve));
  return { url: (JSON.parse(line) as { url: string }).url, proc };
}

export default async function vuBench(): Promise<object> {
  const scale = Number(process.env['VU_BENCH_SCALE'] ?? 60);
  const steps = (process.env['VU_BENCH_USERS'] ?? '25,50,100').split(',').map(Number);
  const seconds = Number(process.env['VU_BENCH_SECONDS'] ?? 20);
  const epochMs = Date.now();
  const { url, proc } = await startServer(scale, epochMs);
  try {
    await import('../scenarios/dom-realm.js');
    const { VirtualUser } = await import('../scenarios/virtual-user.js');
    const { VuProbe } = await import('../scenarios/vu-probe.js');
    const { emptyLoadTotals } = await import('../scenarios/counts.js');
    const { newHistogram } = await import('../scenarios/latency.js');
    const { startLoad } = await import('../scenarios/load.js');
    const totals = emptyLoadTotals();
    const make = (name: string) =>
      new VirtualUser({ serverUrl: url, username: name, password: 'bench', leaks: [], clock: { scale, epochMs }, probe: new VuProbe(totals, newHistogram()) });

    // Heap per VU: 20 logged-on users with their Shell mounted.
    const N = 20;
    const warm = make(`bw${process.pid}`);
    await warm.logOn();
    gc();
    const before = process.memoryUsage().heapUsed;
    const vus = [];
    for (let i = 0; i < N; i++) {
      const u = make(`bh${process.pid}x${i}`);
      await u.logOn();
      vus.push(u);
    }
    gc();
    const heapPerVuBytes = Math.round((process.memoryUsage().heapUsed - before) / N);

    // CPU per action: one VU with a buddy, 30 repetitions of each action.
    const [a, b] = [vus[0]!, vus[1]!];
    await new Promise((r) => a.sockets.current()!.emit('buddy:request', { to: b.username }, r));
    for (let i = 0; i < 200 && b.probe.pending.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await b.acceptPending();
    for (let i = 0; i < 200 && !a.document.querySelector('[data-buddy]'); i++) await new Promise((r) => setTimeout(r, 10));
    const REPS = 30;
    const actions: Record<string, () => Promise<unknown>> = {
      'im.send': () => a.sendMessage(0),
      'window.drag': () => a.drag(0, 8),
      'window.resize': () => a.resize(0, 8),
      'im.open+close': async () => (await a.openIm(0), a.closeWindow(0)),
      reload: () => a.reload(),
    };
    const cpuPerActionUs: Record<string, number> = {};
    for (const [name, act] of Object.entries(actions)) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < REPS; i++) await act();
      const c = process.cpuUsage(c0);
      cpuPerActionUs[name] = Math.round((c.user + c.system) / REPS);
    }
    await Promise.all([warm, ...vus].map((u) => u.stop()));

    // Sustained population at office-day (morning) rates.
    const sustained: { users: number; planned: number; done: number; fidelity: number; loadCpuPercent: number }[] = [];
    for (const users of steps) {
      const c0 = process.cpuUsage();
      const t0 = Date.now();
      const h = await startLoad({ serverUrl: url, scenario: 'office-day', users, hours: 4, seed: 1, clock: { scale, epochMs }, reportEveryRealMs: 0, usernamePrefix: `bs${users}x` });
      await new Promise((r) => setTimeout(r, seconds * 1000));
      const r = await h.stop();
      const c = process.cpuUsage(c0);
      const fidelity = r.load.plannedActions ? r.load.doneActions / r.load.plannedActions : 1;
      sustained.push({ users, planned: r.load.plannedActions, done: r.load.doneActions, fidelity: Number(fidelity.toFixed(3)), loadCpuPercent: Math.round(((c.user + c.system) / 1000 / (Date.now() - t0)) * 100) });
    }
    const ok = sustained.filter((s) => s.fidelity >= 0.99).map((s) => s.users);
    return { scale, heapPerVuBytes, cpuPerActionUs, sustained, maxSustainedUsers: ok.length ? Math.max(...ok) : 0 };
  } finally {
    proc.kill('SIGTERM');
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`${JSON.stringify(await vuBench(), null, 2)}\n`);
}
