/**
 * Each client leak switch makes its count grow with repetitions of its action, while the fixed
 * client stays at its steady value. Real React, real DOM events, real socket.io against the
 * reference server; the leaks are the components' own code paths (client/*), not simulations.
 */
import '../../scenarios/dom-realm.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'hdr-histogram-js';
import type { LeakId } from '../../common/leaks.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { VirtualUser } from '../../scenarios/virtual-user.js';
import { VuProbe } from '../../scenarios/vu-probe.js';
import { emptyLoadTotals } from '../../scenarios/counts.js';
import { until } from '../helpers/until.js';

const SCALE = 60;
const N = 5;
let server: ServerProcess;
const epochMs = Date.now();
const users: VirtualUser[] = [];
let seq = 0;

async function vu(leaks: LeakId[]): Promise<VirtualUser> {
  const name = `u${process.pid}x${seq++}`;
  const u = new VirtualUser({
    serverUrl: server.url,
    username: name,
    password: 'pw',
    leaks,
    clock: { scale: SCALE, epochMs },
    probe: new VuProbe(emptyLoadTotals(), build({ useWebAssembly: false })),
  });
  users.push(u);
  await u.logOn();
  return u;
}

/** Makes a and b buddies through the UI (request over a's socket, b clicks Accept). */
async function befriend(a: VirtualUser, b: VirtualUser): Promise<void> {
  await new Promise((resolve) => a.sockets.current()!.emit('buddy:request', { to: b.username }, resolve));
  await until('accept button', () => b.document.querySelectorAll('[data-accept]').length > 0);
  await b.acceptPending();
  await until('buddy shown', () => a.document.querySelector(`[data-buddy="${b.username}"]`) !== null);
  await until('buddy shown back', () => b.document.querySelector(`[data-buddy="${a.username}"]`) !== null);
}

beforeAll(async () => {
  server = await startServerProcess({ timeScale: SCALE, epochMs });
});
afterAll(async () => {
  await Promise.all(users.map((u) => u.stop()));
  await server?.stop();
});

describe('drag-listeners', () => {
  it.each([
    [['drag-listeners'] as LeakId[], N],
    [[] as LeakId[], 0],
  ])('leaks %j: %d drags leave that many extra mousemove/mouseup listeners on document', async (leaks, extra) => {
    const u = await vu(leaks);
    const before = u.counts().documentListenersByType;
    for (let i = 0; i < N; i++) expect(await u.drag(0, 4)).toBe(true);
    const after = u.counts().documentListenersByType;
    expect((after['document:mousemove'] ?? 0) - (before['document:mousemove'] ?? 0)).toBe(extra);
    expect((after['document:mouseup'] ?? 0) - (before['document:mouseup'] ?? 0)).toBe(extra);
    // Resizes go through the same path.
    expect(await u.resize(0, 4)).toBe(true);
    expect((u.counts().documentListenersByType['document:mousemove'] ?? 0) - (before['document:mousemove'] ?? 0)).toBe(extra ? extra + 1 : 0);
  });
});

describe('intervals and socket-no-disconnect', () => {
  it.each([
    [['intervals'] as LeakId[], { intervals: 3 * (N + 1), sockets: 1 }],
    [['socket-no-disconnect'] as LeakId[], { intervals: 3, sockets: N + 1 }],
    [[] as LeakId[], { intervals: 3, sockets: 1 }],
  ])(`leaks %j: after ${N} reloads`, async (leaks, want) => {
    const u = await vu(leaks);
    // Steady state: request poll, presence ping, weather refresh.
    expect(u.counts().intervalsAlive).toBe(3);
    for (let i = 0; i < N; i++) await u.reload();
    const c = u.counts();
    expect(c.intervalsAlive).toBe(want.intervals);
    expect(c.socketsOpen).toBe(want.sockets);
    expect(c.socketsPerUserMax).toBe(want.sockets);
  });
});

describe('im-listeners', () => {
  it.each([
    [['im-listeners'] as LeakId[], true],
    [[] as LeakId[], false],
  ])('leaks %j: N messages in a changing thread', async (leaks, grows) => {
    const sender = await vu([]);
    const receiver = await vu(leaks);
    await befriend(sender, receiver);
    expect(await receiver.openIm(0)).toBe(true);
    const base = receiver.counts().listenersByEvent['im:new']?.max ?? 0;
    expect(base).toBe(2); // the Shell's listener and the IM window's
    // N thread changes, then one more message: React runs a commit's pending effects before it
    // renders the next update, so once message N + 1 is on screen the effects of the N changes
    // have run (no fixed sleep for them).
    for (let i = 1; i <= N + 1; i++) {
      await sender.sendMessage(0);
      await until(`message ${i}`, () => receiver.document.querySelectorAll(`[data-im] li[data-from="${sender.username}"]`).length === i);
    }
    const c = receiver.counts();
    const perEvent = c.listenersByEvent['im:new']?.max ?? 0;
    if (grows) {
      // Each currentThread change leaves three listeners (one per IM event) on the socket.
      expect(perEvent).toBeGreaterThanOrEqual(base + N);
      expect(c.listenersByEvent['im:sent']?.max).toBeGreaterThanOrEqual(1 + N);
      expect(c.duplicateDeliveries).toBeGreaterThan(0);
      // Per subscribing component (Shell + one window for im:new) it is far past one.
      expect(c.listenersPerSocketMax).toBeGreaterThan(1 + N / 2);
    } else {
      expect(perEvent).toBe(base);
      // Raw: 2 im:new listeners (Shell + window); per subscribing component: exactly one.
      expect(c.listenersPerSocketMax).toBe(1);
      expect(c.duplicateDeliveries).toBe(0);
    }
  });
});
