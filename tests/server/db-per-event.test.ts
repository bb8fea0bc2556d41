/**
 * Leak `db-per-event` (seed #4): every socket event opens a new mongoose connection that is
 * never closed, so N events grow driver connections, MongoClients and the store's own count by
 * about N; the fixed server reuses one pool of at most 10.
 */
import { describe, expect, it } from 'vitest';
import type { ServerProcess } from '../helpers/server-process.js';
import { call, loginAndConnect } from './client.js';
import { metric, useLeakPair } from './leak-fixture.js';

const N = 20;
const pair = useLeakPair('db-per-event', 600);
const driver = 'rol_db_connections{source="driver"}';
const store = 'rol_db_connections{source="store"}';

async function snapshot(server: ServerProcess) {
  return {
    driver: await metric(server, driver),
    store: await metric(server, store),
    clients: await metric(server, 'rol_db_clients'),
  };
}

async function events(server: ServerProcess) {
  const user = await loginAndConnect(server.url, 'dbuser');
  await call(user.socket.emitWithAck('window:layouts')); // warm the shared pool
  const before = await snapshot(server);
  for (let i = 0; i < N; i++) await call(user.socket.emitWithAck('window:layout', { windowId: 'w', x: i, y: i, width: 100, height: 100 }));
  const after = await snapshot(server);
  user.socket.close();
  return { before, after };
}

describe('db-per-event leak switch', () => {
  it('leaky: N events add about N driver connections, MongoClients and store connections', async () => {
    const { before, after } = await events(pair.leaky);
    expect(after.clients - before.clients).toBe(N);
    expect(after.driver - before.driver).toBeGreaterThanOrEqual(N);
    // Each leaked MongoClient holds a pool connection and a monitoring connection on the store.
    expect(after.store - before.store).toBeGreaterThanOrEqual(N);
    expect(await metric(pair.leaky, 'rol_db_pool_max_size')).toBe(10);
  });

  it('fixed: the same events reuse one pool bounded by maxPoolSize', async () => {
    const { before, after } = await events(pair.fixed);
    expect(after.clients).toBe(1);
    expect(before.clients).toBe(1);
    expect(after.driver).toBeLessThanOrEqual(10);
    expect(after.driver - before.driver).toBeLessThanOrEqual(2);
  });
});
