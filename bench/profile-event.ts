/**
 * `node dist/bench/profile-event.js ping|poll|im [OUT_DIR]` (after `npm run build`): a V8 CPU profile of the reference
 * server (offline store, S = 1) while 40 socket.io clients send one event type at 200/s for 15 s
 * (3,000 events), taken through the server's inspector; writes OUT_DIR/<kind>.cpuprofile (opens in
 * Chrome DevTools, Performance → Load profile) and prints self time by package and the top
 * functions. The profiler samples the main thread on a wall-clock interval: time the thread spent
 * descheduled inside a syscall (a loopback write that wakes the store or the clients on a busy
 * 2-core machine) lands in that native frame, so native writes read dearer here than their CPU.
 * For CPU per event use `npm run bench -- --only event-cost`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import CDP from 'chrome-remote-interface';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/events.js';
import { ROUTES, type LoginResponse } from '../common/http.js';
import { spawnServer } from '../harness/run/spawn-server.js';
import { seedBuddies } from '../scenarios/seed-buddies.js';
import { usernameFor } from '../scenarios/worker-protocol.js';
import { resolveStore } from '../store/resolve.js';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
const KINDS = ['ping', 'poll', 'im'] as const;
type Kind = (typeof KINDS)[number];
const USERS = 40;
const RATE = 200;
const SECONDS = 15;
const PASSWORD = 'profile-password-1';
const PREFIX = 'pf';
/** Profiler sampling interval, µs (V8's default is 1,000; finer shows short handlers). */
const SAMPLING_US = 200;

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Where a frame's code lives: an npm package, a file of ours, a node: module, or a V8 pseudo-frame. */
function bucketOf(url: string, functionName: string): string {
  // The innermost package (mongoose bundles its own mongodb driver under its node_modules).
  const pkg = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/dist\/(.*)$/.exec(url);
  if (ours) return ours[1] as string;
  return url || functionName || '(native)';
}

/** Self time (µs) by package and by function, sorted, from a profile. Pure. */
function selfTimes(p: CpuProfile): { totalUs: number; byBucket: Array<[string, number]>; byFunction: Array<[string, number]> } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const bucket = new Map<string, number>();
  const fn = new Map<string, number>();
  let totalUs = 0;
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    const dt = deltas[i] ?? 0;
    if (!node) continue;
    totalUs += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const b = bucketOf(url, functionName);
    bucket.set(b, (bucket.get(b) ?? 0) + dt);
    const f = `${functionName || '(anonymous)'} ${b}:${lineNumber + 1}`;
    fn.set(f, (fn.get(f) ?? 0) + dt);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalUs, byBucket: sorted(bucket), byFunction: sorted(fn) };
}

async function main(argv: string[]): Promise<number> {
  const kind = argv[0] as Kind | undefined;
  if (!kind || !KINDS.includes(kind)) {
    process.stderr.write(`usage: profile-event ${KINDS.join('|')} [OUT_DIR]\n`);
    return 2;
  }
  const outDir = resolve(argv[1] ?? 'reports/profiles');
  mkdirSync(outDir, { recursive: true });
  const store = await resolveStore({ mode: 'wire' });
  const server = await spawnServer({ storeUri: store.uri, leaks: [], clock: { scale: 1 } });
  const clients: Client[] = [];
  try {
    await seedBuddies({ serverUrl: server.url, users: USERS, buddiesPerUser: 3, usernamePrefix: PREFIX, password: PASSWORD });
    for (let i = 0; i < USERS; i++) {
      const res = await fetch(`${server.url}${ROUTES.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: usernameFor(PREFIX, i), password: PASSWORD }) });
      const { token } = (await res.json()) as LoginResponse;
      const socket: Client = connect(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((ok, fail) => {
        socket.once('connect', ok);
        socket.once('connect_error', fail);
      });
      clients.push(socket);
    }
    const cdp = await CDP({ target: server.inspectorUrl, local: true });
    let acked = 0;
    try {
      await cdp.Profiler.enable();
      await cdp.Profiler.setSamplingInterval({ interval: SAMPLING_US });
      await cdp.Profiler.start();
      const total = RATE * SECONDS;
      const t0 = performance.now();
      const pending: Array<Promise<unknown>> = [];
      for (let i = 0; i < total; i++) {
        const wait = t0 + (i * 1000) / RATE - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const c = (clients[i % USERS] as Client).timeout(10_000);
        const sent =
          kind === 'ping' ? c.emitWithAck('presence:ping')
          : kind === 'poll' ? c.emitWithAck('buddy:requests')
          : c.emitWithAck('im:send', { to: usernameFor(PREFIX, (i + 1) % USERS), text: 'hello there', clientId: `p${i}` });
        pending.push(sent.then(() => acked++, () => undefined));
      }
      await Promise.all(pending);
      const { profile } = await cdp.Profiler.stop();
      const file = join(outDir, `${kind}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      const { totalUs, byBucket, byFunction } = selfTimes(profile as CpuProfile);
      const line = ([name, us]: [string, number]) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / totalUs).toFixed(1).padStart(5)}%  ${name}`;
      process.stdout.write(`${kind}: ${acked} of ${total} acknowledged; profile ${file} (${(totalUs / 1000).toFixed(0)} ms sampled)\n`);
      process.stdout.write(`self time by package:\n${byBucket.slice(0, 20).map(line).join('\n')}\n`);
      process.stdout.write(`top functions:\n${byFunction.slice(0, 25).map(line).join('\n')}\n`);
    } finally {
      await cdp.close();
    }
    return acked === RATE * SECONDS ? 0 : 1;
  } finally {
    for (const c of clients) c.close();
    await server.stop();
    await store.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`profile-event: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
