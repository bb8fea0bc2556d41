/**
 * Bad input: wrong types, extra keys, operator injection, oversize values and messages,
 * missing acks, a flood past the rate limit, bad REST bodies, bad env. Every one gets an error
 * (or, past maxHttpBufferSize, a dropped connection) and the server stays up. Runs at S = 1 so
 * the per-socket token bucket (burst 120, 5 per simulated s) is reachable.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../common/http.js';
import { serverEntryPath, startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { eventually } from './leak-fixture.js';
import { call, failOnMaxListenersWarning, getJson, loginAndConnect, type ClientSocket, type User } from './client.js';

let server: ServerProcess;
let checkWarnings: () => void;
let a: User;
let b: User;

beforeAll(async () => {
  checkWarnings = failOnMaxListenersWarning();
  server = await startServerProcess({ timeScale: 1 });
  a = await loginAndConnect(server.url, 'mal');
  b = await loginAndConnect(server.url, 'vic');
});

afterAll(async () => {
  a?.socket.close();
  b?.socket.close();
  expect(await server?.stop()).toBe(0);
  checkWarnings();
});

/** Emits untyped, so the test can send what a hostile client would. */
function raw(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  const emit = socket.timeout(5_000).emitWithAck.bind(socket.timeout(5_000)) as unknown as (ev: string, ...a: unknown[]) => Promise<unknown>;
  return emit(event, ...args);
}

const errorCode = (reply: unknown) => (reply as { error?: { code?: string } }).error?.code;

describe('bad input gets errors and the server stays up', () => {
  it('rejects wrong types, extra keys and operator injection before any query', async () => {
    expect(errorCode(await raw(a.socket, 'im:send', { to: { $gt: '' }, text: 'x', clientId: 'i1' }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'im:send', { to: b.username, text: 42, clientId: 'i2' }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'im:send', { to: b.username, text: 'x', clientId: 'i3', from: b.username }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'im:history', { with: { $ne: null } }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'buddy:accept', { requestId: { $exists: true } }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'im:read', { threadId: 'a:b', upTo: { $gt: '' } }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'window:layout', { windowId: 'w', x: 'NaN', y: 0, width: 1, height: 1 }))).toBe('bad-request');
    expect(errorCode(await raw(a.socket, 'im:send', 'not an object'))).toBe('bad-request');
    // Nothing was stored for the injected recipient.
    expect(await call(b.socket.emitWithAck('im:history', { with: a.username }))).toEqual([]);
  });

  it('answers too-large for an over-long IM and drops a message past maxHttpBufferSize', async () => {
    expect(errorCode(await raw(a.socket, 'im:send', { to: b.username, text: 'x'.repeat(2001), clientId: 'big' }))).toBe('too-large');
    const victim = await loginAndConnect(server.url, 'huge');
    const dropped = new Promise<string>((r) => victim.socket.once('disconnect', r));
    victim.socket.emit('im:send', { to: b.username, text: 'x'.repeat(200_000), clientId: 'huge' }, () => {});
    expect(await dropped).toMatch(/transport (close|error)/);
    expect((await fetch(`${server.url}${ROUTES.health}`)).status).toBe(200);
  });

  it('answers bad-request when the ack callback is missing, and keeps serving the socket', async () => {
    const errors = () => fetch(server.metricsUrl).then((r) => r.text());
    (a.socket.emit as unknown as (ev: string) => void)('buddy:list');
    // Counted once the server has handled it: wait for the count (bounded), then check it is 1.
    const counted = /rol_event_errors_total\{event="buddy:list",code="bad-request"\} (\d+)/;
    let text = '';
    await eventually(async () => counted.test((text = await errors())));
    expect(counted.exec(text)?.[1]).toBe('1');
    expect(await call(a.socket.emitWithAck('buddy:list'))).toEqual([]);
  });

  it('rate-limits a flood from one socket (burst 120, 5 per simulated s)', async () => {
    const flooder = await loginAndConnect(server.url, 'flood');
    const replies = await Promise.all(Array.from({ length: 200 }, () => flooder.socket.emitWithAck('presence:ping')));
    const limited = replies.filter((r) => 'error' in r && r.error.code === 'rate-limited').length;
    expect(limited).toBeGreaterThanOrEqual(60);
    expect(limited).toBeLessThanOrEqual(85);
    // Other sockets are unaffected.
    await expect(call(b.socket.emitWithAck('presence:ping'))).resolves.toHaveProperty('at');
    flooder.socket.close();
  });

  it('rejects bad REST bodies, oversize bodies, unknown routes and missing tokens', async () => {
    const post = (body: string) => fetch(`${server.url}${ROUTES.login}`, { method: 'POST', body });
    expect((await post('{not json')).status).toBe(400);
    expect((await post(JSON.stringify({ username: { $gt: '' }, password: 'x' }))).status).toBe(400);
    expect((await post(JSON.stringify({ username: 'ok_name', password: 'x'.repeat(129) }))).status).toBe(413);
    expect((await post('x'.repeat(20_000))).status).toBe(413);
    expect((await fetch(`${server.url}${ROUTES.login}`)).status).toBe(400);
    expect((await getJson(`${server.url}/nope`)).body).toMatchObject({ error: { code: 'not-found' } });
    expect((await getJson(`${server.url}${ROUTES.buddies}`)).status).toBe(401);
    expect((await getJson(`${server.url}${ROUTES.buddies}`, 'garbage')).status).toBe(401);
    expect((await getJson(`${server.url}${ROUTES.imHistory}?with[$gt]=`, a.token)).status).toBe(400);
    expect((await fetch(`${server.url}${ROUTES.health}`)).status).toBe(200);
  });
});

describe('server/main.ts configuration', () => {
  it.each([
    ['SOAK_LEAKS', 'presence-maps,bogus'],
    ['PORT', 'eighty'],
    ['SOAK_TIME_SCALE', '-3'],
    ['SOAK_JWT_SECRET', 'short'],
    ['MONGODB_URI', 'http://example'],
  ])('exits 2 with a clear message on bad %s', (name, value) => {
    const run = spawnSync(process.execPath, [serverEntryPath()], { env: { ...process.env, [name]: value }, encoding: 'utf8', timeout: 50_000 }); // a hang guard (a loaded machine took > 10 s to start node), not a speed bound
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(name === 'PORT' ? 'PORT' : name));
  });
});

describe('server/main.ts start-up failure', () => {
  it('stops the store it started when it cannot start (port taken: exit 4, no orphaned store)', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const env = { ...process.env, PORT: String(port), SOAK_STORE: 'wire' };
      const run = spawnSync(process.execPath, [serverEntryPath()], { env, encoding: 'utf8', timeout: 50_000 }); // a hang guard, not a speed bound
      expect(run.status, run.stderr).toBe(4);
      const pid = Number(/store: wire .*\(pid (\d+)\)/.exec(run.stderr)?.[1]);
      expect(pid).toBeGreaterThan(0);
      const alive = (): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      // The server awaited the store's exit before its own.
      expect(alive()).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
