/**
 * The harness's serverStatus reader against the offline wire store (its own process, as in a
 * run): the store counts real open TCP connections, and the probe's own client holds exactly two.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreProbe } from '../../harness/probes/store-probe.js';
import { ProbeError } from '../../harness/probes/probe-error.js';
import { startWireStore } from '../../store/wire-process.js';
import type { RunningStore } from '../../store/store-types.js';

let store: RunningStore;
let probe: StoreProbe;

beforeAll(async () => {
  store = await startWireStore();
  probe = await StoreProbe.connect(store.uri);
});
afterAll(async () => {
  await probe?.cleanup();
  await store?.stop();
});

describe('StoreProbe', () => {
  it('sees its own two connections before anyone else connects, then every other client\'s', async () => {
    expect(await probe.baseline()).toBe(2);
    const other = new MongoClient(store.uri, { maxPoolSize: 3 });
    try {
      await Promise.all(Array.from({ length: 6 }, () => other.db('t').collection('c').findOne({})));
      const busy = await probe.sample();
      // The other client's pool (up to 3) and its monitoring connection.
      expect(busy.connections).toBeGreaterThanOrEqual(2 + 2);
      expect(busy.connections).toBeLessThanOrEqual(2 + 3 + 1);
      expect(busy.totalCreated).toBeGreaterThanOrEqual(busy.connections);
    } finally {
      await other.close();
    }
    // Closed connections leave the store's count once it sees their FIN (bounded wait, 2 s real).
    let after = await probe.sample();
    for (let i = 0; i < 40 && after.connections !== 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await probe.sample();
    }
    expect(after.connections).toBe(2);
  });

  it('an unreachable store fails within the timeout with ERR_STORE_STATUS', async () => {
    const err = await StoreProbe.connect('mongodb://127.0.0.1:1/', { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).code).toBe('ERR_STORE_STATUS');
  });
});
