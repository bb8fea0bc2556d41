/**
 * Writes a client may retry, against the compiled server and a wire store this file owns (real
 * processes, real sockets): an `im:send` repeated with the same clientId (its ack was lost)
 * returns the stored message and stores nothing twice; `buddy:accept` repeated after success
 * answers ok, and completes a request whose relations a failure left missing; duplicate
 * `buddy:request`s sent at once leave one pending request.
 */
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImMessage } from '../../common/events.js';
import { startWireStore } from '../../store/wire-process.js';
import type { RunningStore } from '../../store/store-types.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { call, loginAndConnect, next, type User } from './client.js';

/** The server's database on a URI that names none (server/db.ts DEFAULT_DB_NAME). */
const DB = 'rol';

let store: RunningStore;
let server: ServerProcess;
let conn: mongoose.Connection;
const users: User[] = [];

async function user(prefix: string): Promise<User> {
  const u = await loginAndConnect(server.url, prefix);
  users.push(u);
  return u;
}

beforeAll(async () => {
  store = await startWireStore();
  // S = 600 as in a soak: the per-socket token bucket refills fast enough for the bursts here.
  server = await startServerProcess({ timeScale: 600, env: { MONGODB_URI: store.uri } });
  conn = await mongoose.createConnection(store.uri, { dbName: DB, serverSelectionTimeoutMS: 5_000 }).asPromise();
});

afterAll(async () => {
  for (const u of users) u.socket.close();
  await conn?.close();
  expect(await server?.stop()).toBe(0);
  await store?.stop();
});

describe('writes that survive a retry', () => {
  it('im:send retried with the same clientId returns the stored message, stored and delivered once', async () => {
    const a = await user('snd');
    const b = await user('rcv');
    const delivered: ImMessage[] = [];
    b.socket.on('im:new', (m) => delivered.push(m));
    const payload = { to: b.username, text: 'only once', clientId: 'retry-1' };
    const first = await call(a.socket.emitWithAck('im:send', payload));
    const retry = await call(a.socket.emitWithAck('im:send', payload));
    expect(retry).toEqual(first);
    // Concurrent retries (a client resending on reconnect) all answer the same message too.
    const burst = await Promise.all(Array.from({ length: 5 }, () => call(a.socket.emitWithAck('im:send', { ...payload, clientId: 'retry-2' }))));
    expect(new Set(burst.map((m) => m.id)).size).toBe(1);
    // A marker sent after: once it arrives, every earlier im:new has arrived (one socket, in order).
    const markerArrives = next(b.socket, 'im:new', (m) => m.clientId === 'retry-3');
    await call(a.socket.emitWithAck('im:send', { ...payload, text: 'marker', clientId: 'retry-3' }));
    await markerArrives;
    expect(await conn.db!.collection('messages').countDocuments({ from: a.username })).toBe(3);
    expect(delivered.map((m) => m.clientId).sort()).toEqual(['retry-1', 'retry-2', 'retry-3']);
    expect(await call(b.socket.emitWithAck('im:history', { with: a.username }))).toHaveLength(3);
    // The same clientId for another recipient is not a retry: refused, nothing stored.
    const c = await user('oth');
    await expect(call(a.socket.emitWithAck('im:send', { ...payload, to: c.username }))).rejects.toMatchObject({ code: 'conflict' });
    expect(await conn.db!.collection('messages').countDocuments({ from: a.username })).toBe(3);
  });

  it('buddy:accept retried after success answers ok; each relation exists once', async () => {
    const a = await user('req');
    const b = await user('acc');
    const request = await call(a.socket.emitWithAck('buddy:request', { to: b.username }));
    const accepted = await call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }));
    expect(accepted).toMatchObject({ id: request.id, status: 'accepted' });
    expect(await call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }))).toEqual(accepted);
    const relations = conn.db!.collection('buddy_relations');
    expect(await relations.countDocuments({ owner: a.username, buddy: b.username })).toBe(1);
    expect(await relations.countDocuments({ owner: b.username, buddy: a.username })).toBe(1);
  });

  it('buddy:accept completes a request whose relations a failure left missing', async () => {
    const a = await user('half');
    const b = await user('way');
    const request = await call(a.socket.emitWithAck('buddy:request', { to: b.username }));
    // What a failure between "mark accepted" and "create relations" left behind before the fix.
    await conn.db!.collection('buddy_requests').updateOne({ _id: new mongoose.Types.ObjectId(request.id) }, { $set: { status: 'accepted' } });
    expect(await call(b.socket.emitWithAck('buddy:accept', { requestId: request.id }))).toMatchObject({ id: request.id, status: 'accepted' });
    expect((await call(a.socket.emitWithAck('buddy:list'))).map((u) => u.username)).toEqual([b.username]);
    expect((await call(b.socket.emitWithAck('buddy:list'))).map((u) => u.username)).toEqual([a.username]);
  });

  it('concurrent duplicate buddy:requests leave one pending request, and every reply names it', async () => {
    const a = await user('dup');
    const b = await user('tgt');
    const replies = await Promise.all(Array.from({ length: 8 }, () => call(a.socket.emitWithAck('buddy:request', { to: b.username }))));
    expect(new Set(replies.map((r) => r.id)).size).toBe(1);
    expect(await conn.db!.collection('buddy_requests').countDocuments({ from: a.username, to: b.username, status: 'pending' })).toBe(1);
    expect(await call(b.socket.emitWithAck('buddy:requests'))).toEqual([replies[0]]);
  });
});
