/**
 * The store going away and coming back, with real processes: the compiled server on a wire store
 * this file owns (MONGODB_URI), which is stopped and restarted on the same port mid-test. While
 * the store is down the server answers `unavailable` (503 on REST) and /healthz says not ready,
 * /livez still 200; after the restart it re-creates its indexes before it serves writes, so a
 * burst of first logins to one name right after the restart makes one account, not several.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../common/http.js';
import { startWireStore } from '../../store/wire-process.js';
import type { RunningStore } from '../../store/store-types.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, getJson, login, loginAndConnect, uniqueName, type User } from './client.js';

/** The server's database on a URI that names none (server/db.ts DEFAULT_DB_NAME). */
const DB = 'rol';

let store: RunningStore;
let port: number;
let server: ServerProcess;
const users: User[] = [];

/** Polls `check` every 50 real ms until it returns true; throws naming `what` after `realMs`. */
async function eventually(what: string, check: () => Promise<boolean>, realMs = 20_000): Promise<void> {
  const end = Date.now() + realMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = async (route: string) => (await fetch(`${server.url}${route}`)).status;

async function loginStatus(username: string): Promise<{ status: number; code?: string }> {
  const res = await fetch(`${server.url}${ROUTES.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'secret-pw' }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, ...(body.error ? { code: body.error.code } : {}) };
}

/** Reads the store directly (its own short-lived connection), as a second client would. */
async function inStore<T>(read: (db: mongoose.mongo.Db) => Promise<T>): Promise<T> {
  const conn = await mongoose.createConnection(store.uri, { dbName: DB, serverSelectionTimeoutMS: 5_000 }).asPromise();
  try {
    return await read(conn.db!);
  } finally {
    await conn.close();
  }
}

/** Key fields of each unique index but `_id`'s; none when the collection does not exist. */
async function uniqueIndexKeys(db: mongoose.mongo.Db, collection: string): Promise<string[]> {
  const exists = (await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length > 0;
  if (!exists) return [];
  const indexes = await db.collection(collection).indexes();
  return indexes.filter((i) => i.unique === true && i.name !== '_id_').map((i) => Object.keys(i.key).join(','));
}

beforeAll(async () => {
  store = await startWireStore();
  port = Number(new URL(store.uri).port);
  server = await startServerProcess({ timeScale: 1, env: { MONGODB_URI: store.uri } });
});

afterAll(async () => {
  for (const u of users) u.socket.close();
  expect(await server?.stop()).toBe(0);
  await store?.stop();
});

describe('a store that stops and restarts', () => {
  it('is ready on /healthz and alive on /livez while the store runs', async () => {
    expect(await getJson(`${server.url}${ROUTES.health}`)).toEqual({ status: 200, body: { ok: true, store: 'ready' } });
    expect(await getJson(`${server.url}${ROUTES.live}`)).toEqual({ status: 200, body: { ok: true } });
  });

  it('answers unavailable while the store is down, and serves again after it restarts', async () => {
    const a = await loginAndConnect(server.url, 'down');
    users.push(a);
    await call(a.socket.emitWithAck('window:layout', { windowId: 'buddy-list', x: 1, y: 2, width: 300, height: 400 }));
    await store.stop();

    await eventually('/healthz to report not ready', async () => (await status(ROUTES.health)) === 503);
    expect((await getJson(`${server.url}${ROUTES.health}`)).body).toMatchObject({ ok: false, store: expect.stringMatching(/^(lost|checking)$/) });
    expect(await status(ROUTES.live)).toBe(200);
    expect(await loginStatus(uniqueName('nostore'))).toEqual({ status: 503, code: 'unavailable' });
    expect(await getJson(`${server.url}${ROUTES.buddies}`, a.token)).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    const imSend = await a.socket.emitWithAck('im:send', { to: 'someone_else', text: 'hi', clientId: 'down-1' });
    expect(imSend).toMatchObject({ error: { code: 'unavailable' } });
    expect(await a.socket.emitWithAck('buddy:list')).toMatchObject({ error: { code: 'unavailable' } });
    // Presence pings need no store: they still answer, and the socket stays connected.
    expect(await call(a.socket.emitWithAck('presence:ping'))).toHaveProperty('at');
    expect(server.exitCode()).toBeUndefined();

    store = await startWireStore({ port });
    await eventually('/healthz to report ready after the restart', async () => (await status(ROUTES.health)) === 200);
    const b = await loginAndConnect(server.url, 'back');
    users.push(b);
    expect(await call(b.socket.emitWithAck('window:layout', { windowId: 'buddy-list', x: 5, y: 6, width: 300, height: 400 }))).toMatchObject({ x: 5 });
    expect(await call(a.socket.emitWithAck('window:layouts'))).toEqual([]); // the wire store keeps nothing
  });

  it('re-creates every unique index before the first write after a restart: one account per name', async () => {
    await login(server.url, uniqueName('before')); // the server has served this store: its indexes were built
    await store.stop();
    store = await startWireStore({ port });
    // At once, not after /healthz: each of these is either refused (503) or runs with the index.
    const name = uniqueName('race');
    const burst = await Promise.all(Array.from({ length: 8 }, () => loginStatus(name)));
    for (const r of burst) expect([200, 503]).toContain(r.status);
    await eventually('/healthz to report ready after the restart', async () => (await status(ROUTES.health)) === 200);
    const again = await Promise.all(Array.from({ length: 8 }, () => loginStatus(name)));
    expect(again.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect((await login(server.url, name)).user.username).toBe(name);

    const found = await inStore(async (db) => ({
      accounts: await db.collection('users').countDocuments({ username: name }),
      users: await uniqueIndexKeys(db, 'users'),
      relations: await uniqueIndexKeys(db, 'buddy_relations'),
      layouts: await uniqueIndexKeys(db, 'window_layouts'),
      messages: await uniqueIndexKeys(db, 'messages'),
      requests: await uniqueIndexKeys(db, 'buddy_requests'),
    }));
    expect(found).toEqual({
      accounts: 1,
      users: ['username'],
      relations: ['owner,buddy'],
      layouts: ['username,windowId'],
      messages: ['from,clientId'],
      requests: ['from,to,status'],
    });
  });
});
