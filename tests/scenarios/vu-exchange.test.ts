/**
 * Two virtual users exchange messages through the real reference server (child process, its
 * own offline store): React Shells in happy-dom, real socket.io connections, real DOM events.
 */
import '../../scenarios/dom-realm.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'hdr-histogram-js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { VirtualUser } from '../../scenarios/virtual-user.js';
import { VuProbe } from '../../scenarios/vu-probe.js';
import { emptyLoadTotals } from '../../scenarios/counts.js';
import { until } from '../helpers/until.js';

const SCALE = 60; // simulated ms per real ms: a 10 s ping fires every 167 real ms
let server: ServerProcess;
const epochMs = Date.now();
const users: VirtualUser[] = [];
const totals = emptyLoadTotals();

function vu(name: string): VirtualUser {
  const u = new VirtualUser({
    serverUrl: server.url,
    username: name,
    password: 'pw-' + name,
    leaks: [],
    clock: { scale: SCALE, epochMs },
    probe: new VuProbe(totals, build({ useWebAssembly: false })),
  });
  users.push(u);
  return u;
}

beforeAll(async () => {
  server = await startServerProcess({ timeScale: SCALE, epochMs });
});
afterAll(async () => {
  await Promise.all(users.map((u) => u.stop()));
  await server?.stop();
});

describe('two virtual users through the reference server', () => {
  it('become buddies and exchange IMs both ways', async () => {
    const alice = vu(`alice${process.pid}`);
    const bob = vu(`bob${process.pid}`);
    await alice.logOn();
    await bob.logOn();
    const request = await new Promise<unknown>((resolve) =>
      bob.sockets.current()!.emit('buddy:request', { to: alice.username }, resolve),
    );
    expect(request).toHaveProperty('data');
    // Alice's Shell polls buddy:requests every 10 simulated s and shows an Accept button.
    await until('accept button', () => alice.document.querySelectorAll('[data-accept]').length > 0);
    expect(await alice.acceptPending()).toBe(1);
    await until('bob in alice list', () => alice.document.querySelector(`[data-buddy="${bob.username}"]`) !== null);
    await until('alice in bob list', () => bob.document.querySelector(`[data-buddy="${alice.username}"]`) !== null);

    expect(await alice.sendMessage(0)).toBe(true);
    await until('bob receives', () => bob.document.querySelectorAll(`[data-im="${alice.username}"] li`).length === 1);
    expect(await bob.sendMessage(0)).toBe(true);
    await until('alice receives', () => alice.document.querySelectorAll(`[data-im="${bob.username}"] li[data-from="${bob.username}"]`).length === 1);
    await until('acks', () => totals.messagesAcked === 2);
    expect(totals.messagesSent).toBe(2);
    expect(totals.messagesDelivered).toBe(2);
    expect(alice.counts().duplicateDeliveries + bob.counts().duplicateDeliveries).toBe(0);
    // Fixed client: one listener per socket per IM event, one socket each.
    const c = alice.counts();
    expect(c.listenersByEvent['im:new']?.max).toBe(2); // Shell's + one IM window's
    expect(c.socketsOpen).toBe(1);
  });
});
