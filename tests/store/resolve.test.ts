/** Store resolution: modes, env handling, and the bounded memory-server attempt on this offline machine. */
import { existsSync } from 'node:fs';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { downloadHost, parseStoreMode, resolveStore, StoreError } from '../../store/resolve.js';
import { wireEntryPath } from '../../store/wire-process.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('parseStoreMode', () => {
  it('accepts the four modes and treats unset/empty as auto', () => {
    expect(parseStoreMode(undefined)).toBe('auto');
    expect(parseStoreMode('')).toBe('auto');
    for (const m of ['auto', 'uri', 'memory-server', 'wire'] as const) expect(parseStoreMode(m)).toBe(m);
  });

  it('rejects anything else with ERR_STORE_MODE', () => {
    expect(() => parseStoreMode('mongo')).toThrow(StoreError);
    try {
      parseStoreMode('WIRE');
    } catch (err) {
      expect((err as StoreError).code).toBe('ERR_STORE_MODE');
    }
  });

  it('resolveStore reads SOAK_STORE from the env it is given', async () => {
    await expect(resolveStore({ env: { SOAK_STORE: 'nope' } })).rejects.toMatchObject({ code: 'ERR_STORE_MODE' });
  });
});

// With a mongod at hand (MONGOMS_SYSTEM_BINARY) the "no mongod to be had" cases cannot happen:
// they are skipped visibly, their titles say why, and memory-server is shown to start instead.
const systemMongod = process.env.MONGOMS_SYSTEM_BINARY;
const noMongodCase = it.skipIf(Boolean(systemMongod));
const noMongodNote = systemMongod ? ` (skipped: MONGOMS_SYSTEM_BINARY=${systemMongod} names a mongod)` : '';

describe('resolveStore', () => {
  it('SOAK_STORE=wire starts the wire store, mongoose works on it, stop() ends the process', async () => {
    expect(existsSync(wireEntryPath())).toBe(true);
    const lines: string[] = [];
    const store = await resolveStore({ env: { SOAK_STORE: 'wire' }, log: (l) => lines.push(l) });
    try {
      expect(store).toMatchObject({ engine: 'wire', version: '7.0.0-rolsoak' });
      expect(store.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
      expect(lines).toEqual([expect.stringMatching(/^store: wire 7\.0\.0-rolsoak at mongodb:\/\/127\.0\.0\.1:\d+\/ \(pid \d+\)$/)]);
      const conn = await mongoose.createConnection(store.uri, { dbName: 'resolve', serverSelectionTimeoutMS: 3_000 }).asPromise();
      expect((await conn.db!.command({ ping: 1 })).ok).toBe(1);
      await conn.close();
    } finally {
      await store.stop();
    }
    expect(pidAlive(store.pid!)).toBe(false);
  });

  it('uri mode without MONGODB_URI is ERR_STORE_UNAVAILABLE', async () => {
    await expect(resolveStore({ mode: 'uri', env: {} })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('an unreachable MONGODB_URI fails clearly instead of falling back', async () => {
    // Port 1 on loopback: nothing listens, connection is refused at once.
    await expect(resolveStore({ env: { MONGODB_URI: 'mongodb://127.0.0.1:1/' } })).rejects.toMatchObject({
      code: 'ERR_STORE_UNAVAILABLE',
      message: expect.stringContaining('unreachable'),
    });
  });

  it.runIf(Boolean(systemMongod))(`memory-server starts the MONGOMS_SYSTEM_BINARY mongod${systemMongod ? '' : ' (skipped: MONGOMS_SYSTEM_BINARY is not set)'}`, async () => {
    const store = await resolveStore({ mode: 'memory-server', env: {}, memoryServerTimeoutMs: 30_000 });
    try {
      expect(store.engine).toBe('memory-server');
      expect(store.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\//);
    } finally {
      await store.stop();
    }
  }, 60_000);

  noMongodCase(`memory-server with no mongod to be had gives up within ~10 s with a clear error${noMongodNote}`, async () => {
    // Bounded by memoryServerTimeoutMs (10 s), under the test's own 20 s: no wall-time assertion.
    const outcome = await resolveStore({ mode: 'memory-server', env: {}, memoryServerTimeoutMs: 10_000 }).then(
      async (store) => {
        await store.stop();
        return 'started' as const; // a machine with a cached binary or internet: also fine
      },
      (err: unknown) => err,
    );
    if (outcome !== 'started') {
      expect(outcome).toBeInstanceOf(StoreError);
      expect((outcome as StoreError).code).toBe('ERR_STORE_UNAVAILABLE');
      expect((outcome as StoreError).message).toMatch(/mongodb-memory-server/);
    }
  }, 20_000);

  it('names the download host from the mirror settings', () => {
    expect(downloadHost({})).toBe('fastdl.mongodb.org');
    expect(downloadHost({ MONGOMS_DOWNLOAD_MIRROR: 'https://mirror.example.org/mongo' })).toBe('mirror.example.org');
    expect(downloadHost({ MONGOMS_DOWNLOAD_URL: 'https://dl.example.net/x.tgz', MONGOMS_DOWNLOAD_MIRROR: 'https://m.example.org' })).toBe('dl.example.net');
    expect(downloadHost({ MONGOMS_DOWNLOAD_MIRROR: 'not a url' })).toBe('fastdl.mongodb.org');
  });

  noMongodCase(`gives up at once when nothing is cached and the download host does not resolve${noMongodNote}`, async () => {
    // .invalid never resolves (RFC 6761), on any machine.
    const env = { MONGOMS_DOWNLOAD_MIRROR: 'https://mirror.invalid' };
    const outcome = await resolveStore({ mode: 'memory-server', env, memoryServerTimeoutMs: 10_000 }).then(
      async (store) => {
        await store.stop();
        return 'started' as const; // a cached binary needs no download
      },
      (err: unknown) => err,
    );
    if (outcome !== 'started') {
      expect(outcome).toBeInstanceOf(StoreError);
      expect((outcome as StoreError).message).toMatch(/download host mirror\.invalid does not resolve/);
    }
  }, 20_000);

  noMongodCase(`auto falls back to the wire store and logs why${noMongodNote}`, async () => {
    const lines: string[] = [];
    const store = await resolveStore({ mode: 'auto', env: {}, log: (l) => lines.push(l), memoryServerTimeoutMs: 10_000 });
    try {
      expect(['wire', 'memory-server']).toContain(store.engine);
      expect(lines.at(-1)).toMatch(new RegExp(`^store: ${store.engine} `));
      if (store.engine === 'wire') expect(lines[0]).toMatch(/mongodb-memory-server unavailable/);
    } finally {
      await store.stop();
    }
  }, 30_000);
});
