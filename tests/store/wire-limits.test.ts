/**
 * The wire store's caps (store/wire/limits.ts), each set low on its own real store process:
 * over a cap only the connection concerned is closed or refused, with a logged reason, and the
 * store goes on answering a real driver (issue 17).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { roundTrip } from './wire-driver-check.js';
import { header, OP_MSG, opMsg, RawConnection, sequence } from './wire-frames.js';
import { startStoreChild, type StoreChild } from './wire-store-child.js';

let store: StoreChild | undefined;
const open: RawConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.destroy();
  await store?.stop();
  store = undefined;
});

function connect(port: number): RawConnection {
  const c = new RawConnection(port);
  open.push(c);
  return c;
}

/** An insert OP_MSG of exactly `size` bytes (one document padded with a string). */
function insertOfSize(size: number): Buffer {
  const bare = opMsg({ insert: 'big', $db: 'limits' }, 0, sequence('documents', [{ s: '' }]));
  return opMsg({ insert: 'big', $db: 'limits' }, 0, sequence('documents', [{ s: 'x'.repeat(size - bare.length) }]));
}

describe('wire store caps', () => {
  it('refuses a connection over --max-connections and accepts again once one closes', async () => {
    store = await startStoreChild(['--max-connections', '4']);
    const first = Array.from({ length: 4 }, () => connect(store!.port));
    for (const c of first) expect(await c.command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    const extra = connect(store.port);
    await extra.waitClosed();
    expect(JSON.parse(await store.logged(/connection-refused/))).toMatchObject({ reason: expect.stringMatching(/4 connections open \(the cap\)/) });
    for (const c of first) expect(await c.command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    // Two slots freed: the driver's monitoring connection and one pooled connection fit.
    first[0]!.destroy();
    first[1]!.destroy();
    const { sent, read } = await retry(() => roundTrip(store!.uri));
    expect(read).toEqual(sent);
  });

  it('closes a connection whose unfinished message passes --max-connection-buffer-bytes', async () => {
    store = await startStoreChild(['--max-connection-buffer-bytes', '1000000']);
    const conn = connect(store.port);
    await conn.send(Buffer.concat([header(2_000_000, OP_MSG), Buffer.alloc(1_100_000)]));
    await conn.waitClosed();
    expect(await store.logged(/connection buffers \d+ bytes, over the cap of 1000000/)).toContain('connection-closed');
    const { sent, read } = await roundTrip(store.uri);
    expect(read).toEqual(sent);
  });

  it('closes the connection that takes the store over --max-total-buffer-bytes, not the others', async () => {
    store = await startStoreChild(['--max-total-buffer-bytes', '150000']);
    const msg = insertOfSize(95_000);
    const a = connect(store.port);
    const b = connect(store.port);
    await a.send(msg.subarray(0, 90_000));
    // Barrier: a reply on a third connection means the store's loop has read a's bytes, which
    // were queued before that connection was even opened.
    expect(await connect(store.port).command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    await b.send(msg.subarray(0, 70_000));
    await b.waitClosed();
    expect(await store.logged(/store buffers \d+ bytes in total, over the cap of 150000/)).toContain('connection-closed');
    // a finishes its message and is answered.
    await a.send(msg.subarray(90_000));
    const [reply] = await a.waitReplies(1);
    expect(reply?.doc).toEqual({ n: 1, ok: 1 });
    expect(a.closed).toBe(false);
  });

  it('closes a connection idle for --idle-timeout-ms', async () => {
    store = await startStoreChild(['--idle-timeout-ms', '300']);
    const conn = connect(store.port);
    expect(await conn.command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    await conn.waitClosed();
    expect(await store.logged(/idle for 300 ms/)).toContain('connection-closed');
    const { sent, read } = await roundTrip(store.uri);
    expect(read).toEqual(sent);
  });

  it('closes a connection that stalls mid-message for --stall-timeout-ms', async () => {
    store = await startStoreChild(['--stall-timeout-ms', '300']);
    const conn = connect(store.port);
    const msg = opMsg({ ping: 1, $db: 'admin' });
    await conn.send(msg.subarray(0, msg.length - 3));
    await conn.waitClosed();
    expect(await store.logged(/message unfinished for 300 ms/)).toContain('connection-closed');
    const { sent, read } = await roundTrip(store.uri);
    expect(read).toEqual(sent);
  });

  it('with the default caps, 1,500 idle connections (the db-per-event leak opens ~1,400 at 100 users) all stay open and counted', async () => {
    store = await startStoreChild();
    const watcher = connect(store.port);
    expect(await watcher.command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    // In batches of 250, under the listen backlog (Node's default 511): a burst of 1,500 at once
    // overflowed the accept queue on a busy CI machine, and a connection whose last handshake ACK
    // the kernel dropped is open on the client's side only (counted 1,500 of 1,501 for 90 s).
    // The db-per-event leak opens its ~1,400 over the run, not at once.
    const many: RawConnection[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const next = Array.from({ length: 250 }, () => connect(store!.port));
      await Promise.all(next.map((c) => c.send(Buffer.alloc(0))));
      many.push(...next);
    }
    // The store accepts the 1,500 at its own pace: a hang guard of 90 s, not a speed bound (a CI
    // run with other test files on its 2 cores had counted 1,459 after the earlier 500 polls of
    // 20 ms, ~10 s).
    let current = 0;
    const deadline = Date.now() + 90_000;
    while (current < 1_501 && Date.now() < deadline) {
      const status = await watcher.command({ serverStatus: 1, $db: 'admin' });
      current = Number((status?.connections as { current: number }).current);
      if (current < 1_501) await new Promise((r) => setTimeout(r, 50));
    }
    expect(current).toBe(1_501);
    expect(many.filter((c) => c.closed)).toHaveLength(0);
    expect(store.stderr.filter((l) => l.includes('connection-refused'))).toEqual([]);
  }, 120_000);

  it('refuses a cap flag that is not a positive integer (usage error, exit 2)', async () => {
    await expect(startStoreChild(['--max-connections', '0'])).rejects.toThrow(/bad --max-connections 0/);
  });
});

/** The store sees a closed socket a moment after the client does; retry a few times (bounded). */
async function retry<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts) throw err;
    }
  }
}

