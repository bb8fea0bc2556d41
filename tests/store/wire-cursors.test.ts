/**
 * Cursors on a real wire store process: random ids, owned by the session (or, without one, the
 * connection) that opened them, killed with their connection or session, and expired by their
 * own timeout without any other cursor being created (issue 17).
 */
import { BSON, Long, type Document } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from './wire-driver-check.js';
import { opMsg, RawConnection, sequence } from './wire-frames.js';
import { startStoreChild, type StoreChild } from './wire-store-child.js';

const DB = 'cursors';
const open: RawConnection[] = [];
function connect(store: StoreChild): RawConnection {
  const c = new RawConnection(store.port);
  open.push(c);
  return c;
}

async function seed(conn: RawConnection): Promise<void> {
  const docs = Array.from({ length: 300 }, (_, i) => ({ _id: i }));
  const before = conn.replies.length;
  await conn.send(opMsg({ insert: 'c', $db: DB }, 0, sequence('documents', docs)));
  await conn.waitReplies(before + 1);
}

/** Opens a cursor (batch of 10); returns its id. */
async function openCursor(conn: RawConnection, extra: Document = {}): Promise<Long> {
  const reply = await conn.command({ find: 'c', filter: {}, batchSize: 10, $db: DB, ...extra });
  const id = (reply?.cursor as Document | undefined)?.id;
  expect(id).toBeInstanceOf(Long);
  return id as Long;
}

async function openCount(conn: RawConnection): Promise<number> {
  const status = await conn.command({ serverStatus: 1, $db: 'admin' });
  return Number(((status?.metrics as Document).cursor as Document).open.total);
}

/** Polls serverStatus's open-cursor count every 20 ms until it is `want` (bounded: 10 s); returns the last count. */
async function pollCount(conn: RawConnection, want: number): Promise<number> {
  let count = await openCount(conn);
  const end = Date.now() + 10_000;
  while (count !== want && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
    count = await openCount(conn);
  }
  return count;
}

describe('wire store cursors', () => {
  let store: StoreChild;
  beforeAll(async () => {
    store = await startStoreChild();
    await seed(connect(store));
  });
  afterAll(async () => {
    for (const c of open.splice(0)) c.destroy();
    await store?.stop();
  });

  it('ids are random positive 63-bit Longs, not a sequence', async () => {
    const conn = connect(store);
    const ids = [await openCursor(conn), await openCursor(conn), await openCursor(conn)];
    for (const id of ids) expect(id.isPositive() && !id.isZero()).toBe(true);
    expect(new Set(ids.map(String)).size).toBe(3);
    // Sequential ids differ by 1; random ones essentially never do (chance 2^-62 per pair).
    const gaps = ids.slice(1).map((id, i) => id.toBigInt() - ids[i]!.toBigInt());
    expect(gaps.some((gap) => gap >= -1_000n && gap <= 1_000n)).toBe(false);
  });

  it('getMore and killCursors from another connection (no session) do not find the cursor', async () => {
    const owner = connect(store);
    const other = connect(store);
    const id = await openCursor(owner);
    expect(await other.command({ getMore: id, collection: 'c', $db: DB })).toMatchObject({ ok: 0, code: 43, codeName: 'CursorNotFound' });
    const killed = await other.command({ killCursors: 'c', cursors: [id], $db: DB });
    expect(killed?.cursorsKilled).toEqual([]);
    expect(killed?.cursorsNotFound).toEqual([id]);
    // Still alive for its owner.
    const more = await owner.command({ getMore: id, collection: 'c', batchSize: 5, $db: DB });
    expect((more?.cursor as Document).nextBatch).toHaveLength(5);
  });

  it('a cursor opened in a session is usable from any connection of that session only', async () => {
    const lsid = { id: new BSON.UUID() };
    const id = await openCursor(connect(store), { lsid });
    expect(await connect(store).command({ getMore: id, collection: 'c', lsid: { id: new BSON.UUID() }, $db: DB })).toMatchObject({ code: 43 });
    expect(await connect(store).command({ getMore: id, collection: 'c', $db: DB })).toMatchObject({ code: 43 });
    const more = await connect(store).command({ getMore: id, collection: 'c', batchSize: 5, lsid, $db: DB });
    expect((more?.cursor as Document).nextBatch).toHaveLength(5);
  });

  it('a connection\'s cursors die when it closes; a session\'s when the session ends', async () => {
    const watcher = connect(store);
    const base = await openCount(watcher);
    const conn = connect(store);
    await openCursor(conn);
    await openCursor(conn);
    expect(await openCount(watcher)).toBe(base + 2);
    conn.destroy();
    expect(await pollCount(watcher, base)).toBe(base);

    const lsid = { id: new BSON.UUID() };
    await openCursor(connect(store), { lsid });
    expect(await openCount(watcher)).toBe(base + 1);
    expect(await watcher.command({ endSessions: [lsid], $db: 'admin' })).toEqual({ ok: 1 });
    expect(await openCount(watcher)).toBe(base);
  });
});

describe('wire store cursor timeout', () => {
  it('an idle cursor is killed by the sweep after --cursor-timeout-ms, with no other cursor created', async () => {
    const store = await startStoreChild(['--cursor-timeout-ms', '300']);
    const conn = new RawConnection(store.port);
    try {
      await seed(conn);
      const id = await openCursor(conn);
      expect(await openCount(conn)).toBe(1);
      // serverStatus opens no cursor: polling it cannot be what expires this one.
      expect(await pollCount(conn, 0)).toBe(0);
      expect(await conn.command({ getMore: id, collection: 'c', $db: DB })).toMatchObject({ code: 43 });
      const { sent, read } = await roundTrip(store.uri);
      expect(read).toEqual(sent);
    } finally {
      conn.destroy();
      await store.stop();
    }
  });
});
