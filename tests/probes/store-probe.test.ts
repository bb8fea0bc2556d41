/**
 * The harness's serverStatus reader against the offline wire store (its own process, as in a
 * run): the store counts real open TCP connections, and the probe's own client holds exactly two.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreProbe, storeIdentity, storeRestartCause } from '../../harness/probes/store-probe.js';
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

describe('store restart detection', () => {
  it('reads pid and uptime from serverStatus (uptimeMillis, else uptime in s), null where absent', () => {
    expect(storeIdentity({ pid: 42, uptime: 7, uptimeMillis: 7_250 })).toEqual({ pid: 42, uptimeMs: 7_250 });
    expect(storeIdentity({ pid: 42, uptime: 7.5 })).toEqual({ pid: 42, uptimeMs: 7_500 });
    expect(storeIdentity({ pid: '42', uptime: null })).toEqual({ pid: null, uptimeMs: null });
  });

  it('names a changed pid or an uptime that went back, and nothing for the same process', () => {
    const before = { pid: 100, uptimeMs: 60_000 };
    expect(storeRestartCause(before, { pid: 100, uptimeMs: 61_000 })).toBeNull();
    expect(storeRestartCause(before, { pid: 100, uptimeMs: 60_000 })).toBeNull();
    expect(storeRestartCause(before, { pid: 101, uptimeMs: 90_000 })).toMatch(/pid changed from 100 to 101/);
    expect(storeRestartCause(before, { pid: 100, uptimeMs: 2_000 })).toMatch(/uptime went back from 60\.0 s to 2\.0 s/);
    expect(storeRestartCause(before, { pid: null, uptimeMs: 2_000 })).toMatch(/uptime went back/);
    expect(storeRestartCause({ pid: null, uptimeMs: null }, { pid: 7, uptimeMs: 1 })).toBeNull();
  });

  it('a wire store restarted on the same port is reported as ERR_STORE_RESTARTED, not read as the same store', async () => {
    let first = await startWireStore();
    const port = Number(new URL(first.uri).port);
    const watcher = await StoreProbe.connect(first.uri, { timeoutMs: 2_000 });
    try {
      await watcher.sample();
      await watcher.sample(); // the same process twice: no restart
      await first.stop();
      first = await startWireStore({ port });
      // The first read may fail on the connection the old store closed; a bounded number of reads.
      let outcome: unknown;
      for (let i = 0; i < 10; i++) {
        outcome = await watcher.sample().catch((e: unknown) => e);
        if (outcome instanceof ProbeError && outcome.code === 'ERR_STORE_RESTARTED') break;
      }
      expect(outcome).toBeInstanceOf(ProbeError);
      expect((outcome as ProbeError).code).toBe('ERR_STORE_RESTARTED');
      expect((outcome as ProbeError).message).toMatch(/the store restarted mid-run: the store's pid changed/);
      // From then on it reads the new store as itself.
      expect((await watcher.sample()).connections).toBeGreaterThanOrEqual(1);
    } finally {
      await watcher.cleanup();
      await first.stop();
    }
  });
});
