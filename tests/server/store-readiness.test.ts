/**
 * The store-readiness state machine on its own, with an index build the test completes by hand:
 * requests wait while indexes are (re)built, a build that a broken connection interrupted does
 * not count, and an unreachable store refuses at once. The real store restart is
 * tests/server/store-restart.test.ts.
 */
import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../server/errors.js';
import { StoreReadiness } from '../../server/store-readiness.js';

/** An index build per call, each settled by the test. */
function builds(): { ensure: () => Promise<void>; calls: Array<{ resolve: () => void; reject: (e: Error) => void }> } {
  const calls: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const ensure = () => new Promise<void>((resolve, reject) => calls.push({ resolve, reject }));
  return { ensure, calls };
}

async function until(what: string, ok: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('StoreReadiness', () => {
  it('holds requests until the first index build, then lets them through', async () => {
    const b = builds();
    const readiness = new StoreReadiness(b.ensure, () => {});
    expect(readiness.state).toBe('starting');
    let served = false;
    const request = readiness.available().then(() => (served = true));
    await new Promise((r) => setImmediate(r));
    expect(served).toBe(false);
    b.calls[0]!.resolve();
    await request;
    expect(readiness.state).toBe('ready');
    readiness.close();
  });

  it('does not count a build during which a connection broke: it builds again first', async () => {
    const b = builds();
    const readiness = new StoreReadiness(b.ensure, () => {});
    b.calls[0]!.resolve();
    await readiness.whenReady(5_000);
    readiness.suspect('a store connection broke');
    expect(readiness.state).toBe('checking');
    await until('the rebuild', () => b.calls.length === 2);
    readiness.suspect('another connection broke'); // during the rebuild: it proves nothing
    b.calls[1]!.resolve();
    await until('a second rebuild', () => b.calls.length === 3);
    expect(readiness.state).toBe('checking');
    b.calls[2]!.resolve();
    await readiness.whenReady(5_000);
    expect(readiness.state).toBe('ready');
    readiness.close();
  });

  it('refuses at once with unavailable while the store is unreachable, and recovers by retrying', async () => {
    const b = builds();
    const lines: string[] = [];
    const readiness = new StoreReadiness(b.ensure, (l) => lines.push(l));
    b.calls[0]!.resolve();
    await readiness.whenReady(5_000);
    readiness.suspect('a store connection broke');
    await until('the rebuild', () => b.calls.length === 2);
    const waiting = readiness.available().catch((e: unknown) => e);
    b.calls[1]!.reject(new mongo.MongoNetworkError('connect ECONNREFUSED'));
    const refused = await waiting;
    expect(refused).toBeInstanceOf(AppFailure);
    expect((refused as AppFailure).code).toBe('unavailable');
    expect(readiness.state).toBe('lost');
    await expect(readiness.available()).rejects.toMatchObject({ code: 'unavailable' });
    await until('a retry', () => b.calls.length === 3);
    b.calls[2]!.resolve();
    await readiness.whenReady(5_000);
    await expect(readiness.available()).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/unavailable \(connect ECONNREFUSED\)[\s\S]*indexes in place; serving/);
    readiness.close();
  });

  it('serves on when the store refuses an index (duplicates already stored): logged, not an outage', async () => {
    const b = builds();
    const lines: string[] = [];
    const readiness = new StoreReadiness(b.ensure, (l) => lines.push(l));
    b.calls[0]!.reject(new mongo.MongoServerError({ errmsg: 'E11000 duplicate key error', code: 11000 }));
    await readiness.whenReady(5_000);
    await expect(readiness.available()).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/an index could not be built \(E11000 duplicate key error\); serving without it/);
    readiness.close();
  });
});
