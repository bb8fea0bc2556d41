/**
 * Issue 17's crashes, each against the compiled server in its own process: what once ended the
 * process now gets an answer, and afterwards the same server still logs a user in and serves a
 * socket. The server's stderr must show no uncaught exception or unhandled rejection.
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../common/http.js';
import { rawHttp } from '../helpers/raw-http.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, login, loginAndConnect, openSocket, uniqueName, type ClientSocket } from './client.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ timeScale: 1 });
});

afterAll(async () => {
  expect(await server?.stop()).toBe(0);
});

/** The server is up and correct: alive, logs a new user in, answers its socket's buddy:list. */
async function expectServing(): Promise<void> {
  expect(server.exitCode()).toBeUndefined();
  const user = await loginAndConnect(server.url, 'after');
  try {
    expect(await call(user.socket.emitWithAck('buddy:list'))).toEqual([]);
  } finally {
    user.socket.close();
  }
  expect(server.stderr()).not.toMatch(/Uncaught|Unhandled|ERR_HTTP_HEADERS_SENT|TypeError/);
}

describe('requests that used to end the server process', () => {
  it('answers an unauthenticated polling handshake from engine.io alone (no REST 404 first)', async () => {
    const reply = await rawHttp(server.url, 'GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(reply.status).toBe(200);
    // engine.io's open packet: "0" then the handshake JSON with a session id.
    expect(reply.text).toMatch(/\r\n\r\n0\{"sid":"/);
    await expectServing();
  });

  it('connects a default (polling first, then upgrade) client with a token, and refuses one without', async () => {
    const { token } = await login(server.url, uniqueName('poll'));
    const socket: ClientSocket = connect(server.url, { auth: { token }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      expect(await call(socket.emitWithAck('buddy:list'))).toEqual([]);
    } finally {
      socket.close();
    }
    const anonymous: ClientSocket = connect(server.url, { auth: {}, reconnection: false, forceNew: true });
    try {
      const refused = await new Promise<Error & { data?: { code?: string } }>((resolve) => anonymous.once('connect_error', resolve));
      expect(refused.data?.code).toBe('unauthorized');
    } finally {
      anonymous.close();
    }
    await expectServing();
  });

  it('answers 400 to a request target that is not a URL', async () => {
    const reply = await rawHttp(server.url, 'GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(reply.status).toBe(400);
    expect(reply.text).toMatch(/"code":"bad-request"/);
    await expectServing();
  });

  // socket.io itself gives every server socket a no-op 'error' listener, so this never crashed;
  // it stays here because an app-side 'error' listener would show as a second one per socket.
  it("keeps serving a socket whose client emitted an 'error' event", async () => {
    const user = await loginAndConnect(server.url, 'errev');
    try {
      (user.socket.emit as unknown as (ev: string, ...a: unknown[]) => void)('error', { boom: true });
      const text = await (await fetch(server.metricsUrl)).text();
      expect(Number(/^rol_socket_listeners_max\{event="error"\} (\S+)$/m.exec(text)?.[1])).toBe(1);
      expect(await call(user.socket.emitWithAck('buddy:list'))).toEqual([]);
    } finally {
      user.socket.close();
    }
    await expectServing();
  });
});

describe('failed logins per username', () => {
  const post = (username: string, password: string) =>
    fetch(`${server.url}${ROUTES.login}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

  it('answers 429 with Retry-After after 10 failures, for the right password too; other names are unaffected', async () => {
    const name = uniqueName('guess');
    await login(server.url, name, 'right-pw');
    for (let i = 0; i < 10; i++) expect((await post(name, `wrong-${i}`)).status).toBe(401);
    const limited = await post(name, 'wrong-again');
    expect(limited.status).toBe(429);
    // The window is 15 min from the first failure.
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
    expect((await post(name, 'right-pw')).status).toBe(429);
    await expectServing();
  });

  it('never limits a username that logs in with its password, however often', async () => {
    const name = uniqueName('often');
    const statuses = await Promise.all(Array.from({ length: 40 }, () => post(name, 'secret-pw').then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('limits that must not hide a leak', () => {
  it('lets one user hold many sockets (a cap would hide socket-no-disconnect)', async () => {
    const name = uniqueName('tabs');
    const { token } = await login(server.url, name);
    const sockets = await Promise.all(Array.from({ length: 30 }, () => openSocket(server.url, token)));
    try {
      const replies = await Promise.all(sockets.map((s) => call(s.emitWithAck('buddy:list'))));
      expect(replies).toHaveLength(30);
      const text = await (await fetch(server.metricsUrl)).text();
      expect(Number(/^rol_sockets_per_user_max (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(30);
    } finally {
      for (const s of sockets) s.close();
    }
  });
});

describe('/metrics', () => {
  it('exports event-loop time as totals that another scraper cannot reset', async () => {
    const read = async () => {
      const text = await (await fetch(server.metricsUrl)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return { active: value('rol_event_loop_active_seconds_total'), idle: value('rol_event_loop_idle_seconds_total') };
    };
    const first = await read();
    expect(first.active).toBeGreaterThan(0);
    // A second reader scrapes in between; the first reader's window still covers all of it.
    const other = await read();
    const second = await read();
    expect(second.active).toBeGreaterThanOrEqual(other.active);
    expect(other.active).toBeGreaterThanOrEqual(first.active);
    expect(second.active + second.idle).toBeGreaterThan(first.active + first.idle);
  });
});
