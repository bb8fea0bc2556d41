/**
 * How fast the reference server answers when its store goes away, and how fast it serves again:
 * the compiled server (its own process) on a wire store that is stopped and restarted on its port
 * REPS times. Per outage: real ms of a login sent right after the store exited, of a login once
 * /healthz says not ready, and from the restarted store's listening line to /healthz 200. The
 * reference is a login with the store up, in the same run; each figure is the median of REPS.
 */
import { spawnServer } from '../harness/run/spawn-server.js';
import { startWireStore } from '../store/wire-process.js';

/** Outages per run; the median is reported (min/max alongside). */
const REPS = 5;
/** Real ms between /healthz polls while waiting for a state change. */
const POLL_MS = 20;
/** Give up waiting for a state change after this many real ms. */
const WAIT_LIMIT_MS = 30_000;

interface Figure { median: number; min: number; max: number; }
export interface StoreOutageBenchFigures {
  reps: number;
  /** Login with the store up (real ms): the reference. */
  loginUpMs: Figure;
  /** Login sent right after the store exited (real ms), and the statuses it got. */
  loginAtOutageMs: Figure;
  loginAtOutageStatuses: number[];
  /** Login once /healthz reports not ready (real ms). */
  loginWhileDownMs: Figure;
  /** From the restarted store's listening line to /healthz 200 (real ms). */
  recoveryMs: Figure;
}

function figure(values: number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { median: round(sorted[Math.floor(sorted.length / 2)]!), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

async function timedLogin(url: string, n: number): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `outage_${n}`, password: 'secret-pw' }),
  });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

async function waitHealth(url: string, status: number): Promise<void> {
  const end = Date.now() + WAIT_LIMIT_MS;
  while ((await fetch(`${url}/healthz`).then((r) => r.status, () => 0)) !== status) {
    if (Date.now() > end) throw new Error(`/healthz did not answer ${status} within ${WAIT_LIMIT_MS} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export default async function storeOutageBench(): Promise<StoreOutageBenchFigures> {
  let store = await startWireStore();
  const port = Number(new URL(store.uri).port);
  const server = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 1 } });
  await server.startClock(Date.now());
  const up: number[] = [];
  const atOutage: number[] = [];
  const statuses: number[] = [];
  const down: number[] = [];
  const recovery: number[] = [];
  let n = 0;
  try {
    for (let r = 0; r < REPS; r++) {
      up.push((await timedLogin(server.url, n++)).ms);
      await store.stop();
      const first = await timedLogin(server.url, n++);
      atOutage.push(first.ms);
      statuses.push(first.status);
      await waitHealth(server.url, 503);
      down.push((await timedLogin(server.url, n++)).ms);
      store = await startWireStore({ port });
      const t0 = performance.now();
      await waitHealth(server.url, 200);
      recovery.push(performance.now() - t0);
    }
  } finally {
    await server.stop().catch(() => undefined);
    await store.stop().catch(() => undefined);
  }
  return {
    reps: REPS,
    loginUpMs: figure(up),
    loginAtOutageMs: figure(atOutage),
    loginAtOutageStatuses: statuses,
    loginWhileDownMs: figure(down),
    recoveryMs: figure(recovery),
  };
}
