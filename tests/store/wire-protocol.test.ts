/**
 * Wire-level facts the driver depends on, checked with raw sockets against the wire store
 * (mongoose would hide a wrong reply behind retries or a misleading error).
 */
import net from 'node:net';
import { BSON, Long, type Document } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWireStore } from '../../store/wire-process.js';
import type { RunningStore } from '../../store/store-types.js';

let store: RunningStore;
let port: number;

beforeAll(async () => {
  store = await startWireStore();
  port = Number(new URL(store.uri).port);
});
afterAll(async () => store?.stop());

let requestId = 100;
function header(length: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId++, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

function opMsg(body: Document, flags = 0, sequence?: { id: string; docs: Document[] }): Buffer {
  const parts = [Buffer.from([0]), BSON.serialize(body)];
  if (sequence) {
    const docs = Buffer.concat(sequence.docs.map((d) => BSON.serialize(d)));
    const id = Buffer.from(`${sequence.id}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + id.length + docs.length);
    parts.push(Buffer.from([1]), size, id, docs);
  }
  const flagBuf = Buffer.alloc(4);
  flagBuf.writeUInt32LE(flags);
  const payload = Buffer.concat([flagBuf, ...parts]);
  return Buffer.concat([header(16 + payload.length, 2013), payload]);
}

function opQuery(ns: string, query: Document): Buffer {
  const payload = Buffer.concat([Buffer.alloc(4), Buffer.from(`${ns}\0`), Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]), BSON.serialize(query)]);
  return Buffer.concat([header(16 + payload.length, 2004), payload]);
}

/** Sends `requests` on one connection; collects `expected` replies as {opCode, doc}. */
async function exchange(requests: Buffer[], expected: number): Promise<Array<{ opCode: number; doc: Document }>> {
  const socket = net.connect(port, '127.0.0.1');
  const replies: Array<{ opCode: number; doc: Document }> = [];
  let buffered = Buffer.alloc(0);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${replies.length}/${expected} replies`)), 3_000);
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
          const msg = buffered.subarray(0, buffered.readInt32LE(0));
          buffered = buffered.subarray(msg.length);
          const opCode = msg.readInt32LE(12);
          const docAt = opCode === 1 ? 36 : 21;
          replies.push({ opCode, doc: BSON.deserialize(msg.subarray(docAt), { promoteLongs: false }) });
        }
        if (replies.length >= expected) {
          clearTimeout(timer);
          // Wait a little for any reply that should NOT come (moreToCome).
          setTimeout(resolve, 100);
        }
      });
      socket.write(Buffer.concat(requests));
    });
  } finally {
    socket.destroy();
  }
  return replies;
}

describe('wire protocol', () => {
  it('answers a legacy OP_QUERY ismaster with OP_REPLY and a hello without topologyVersion', async () => {
    const [reply] = await exchange([opQuery('admin.$cmd', { ismaster: 1, helloOk: true })], 1);
    expect(reply?.opCode).toBe(1);
    expect(reply?.doc).toMatchObject({ ok: 1, ismaster: true, minWireVersion: 0, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 });
    expect(reply?.doc).not.toHaveProperty('topologyVersion');
  });

  it('merges kind-1 document sequences and skips replies for moreToCome', async () => {
    const replies = await exchange([
      opMsg({ insert: 'seq', $db: 'wire' }, 0, { id: 'documents', docs: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] }),
      opMsg({ endSessions: [], $db: 'admin' }, 2), // moreToCome: no reply
      opMsg({ count: 'seq', $db: 'wire' }),
    ], 2);
    expect(replies.map((r) => r.doc)).toEqual([{ n: 3, ok: 1 }, { n: 3, ok: 1 }]);
  });

  it('cursor ids are Longs; first batch is 101; getMore and killCursors work from another connection of the same session', async () => {
    const docs = Array.from({ length: 250 }, (_, i) => ({ _id: i }));
    // The driver sends a cursor's getMores on any connection of its pool, under the cursor's lsid.
    const lsid = { id: new BSON.UUID() };
    const [, first] = await exchange([
      opMsg({ insert: 'cur', $db: 'wire' }, 0, { id: 'documents', docs }),
      opMsg({ find: 'cur', filter: {}, lsid, $db: 'wire' }),
    ], 2);
    const cursor = first?.doc.cursor as Document;
    expect(cursor.id).toBeInstanceOf(Long);
    expect(cursor.firstBatch).toHaveLength(101);
    const [more, killed] = await exchange([
      opMsg({ getMore: cursor.id, collection: 'cur', batchSize: 100, lsid, $db: 'wire' }),
      opMsg({ killCursors: 'cur', cursors: [cursor.id], lsid, $db: 'wire' }),
    ], 2);
    expect((more?.doc.cursor as Document).nextBatch).toHaveLength(100);
    expect(killed?.doc.cursorsKilled).toHaveLength(1);
    const [gone] = await exchange([opMsg({ getMore: cursor.id, collection: 'cur', lsid, $db: 'wire' })], 1);
    expect(gone?.doc).toMatchObject({ ok: 0, code: 43, codeName: 'CursorNotFound' });
  });

  it('refuses transactions like a standalone mongod and unknown commands with 59', async () => {
    const replies = await exchange([
      opMsg({ abortTransaction: 1, $db: 'admin' }),
      opMsg({ find: 'cur', txnNumber: Long.fromNumber(1), autocommit: false, $db: 'wire' }),
      opMsg({ frobnicate: 1, $db: 'admin' }),
    ], 3);
    expect(replies.map((r) => r.doc.code)).toEqual([20, 20, 59]);
    expect(replies[2]?.doc.codeName).toBe('CommandNotFound');
  });

  it('refuses $text, geo, $out, Decimal128 filters and collation with NotImplemented (238)', async () => {
    const replies = await exchange([
      opMsg({ find: 'cur', filter: { $text: { $search: 'x' } }, $db: 'wire' }),
      opMsg({ find: 'cur', filter: { loc: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }, $db: 'wire' }),
      opMsg({ aggregate: 'cur', pipeline: [{ $out: 'x' }], cursor: {}, $db: 'wire' }),
      opMsg({ find: 'cur', filter: { p: { $gt: BSON.Decimal128.fromString('1.5') } }, $db: 'wire' }),
      opMsg({ find: 'cur', filter: {}, collation: { locale: 'en', strength: 2 }, $db: 'wire' }),
      opMsg({ update: 'cur', updates: [{ q: {}, u: { $set: { a: 1 } }, collation: { locale: 'fr' } }], $db: 'wire' }),
    ], 6);
    expect(replies.map((r) => r.doc.code)).toEqual([238, 238, 238, 238, 238, 238]);
  });

  it('refuses server-side JavaScript ($where, $function, $accumulator), at any depth, with 238 and a message naming it', async () => {
    const fn = { $function: { body: 'function () { return 1; }', args: [], lang: 'js' } };
    const acc = { $accumulator: { init: 'function () { return 0; }', accumulate: 'function (s) { return s; }', accumulateArgs: [], merge: 'function (a) { return a; }', lang: 'js' } };
    let deep: Document = { $where: 'true' };
    for (let i = 0; i < 80; i++) deep = { $and: [deep] };
    const replies = await exchange([
      opMsg({ find: 'cur', filter: { $where: 'true' }, $db: 'wire' }),
      opMsg({ find: 'cur', filter: { $expr: fn }, $db: 'wire' }),
      opMsg({ aggregate: 'cur', pipeline: [{ $project: { x: fn } }], cursor: {}, $db: 'wire' }),
      opMsg({ aggregate: 'cur', pipeline: [{ $group: { _id: null, x: acc } }], cursor: {}, $db: 'wire' }),
      opMsg({ update: 'cur', updates: [{ q: {}, u: [{ $set: { x: fn } }] }], $db: 'wire' }),
      opMsg({ find: 'cur', filter: deep, $db: 'wire' }),
      opMsg({ ping: 1, $db: 'admin' }),
    ], 7);
    const [where, expr, project, group, update, nested, ping] = replies.map((r) => r.doc);
    for (const [doc, op] of [[where, '$where'], [expr, '$function'], [project, '$function'], [group, '$accumulator']] as const) {
      expect(doc).toMatchObject({ ok: 0, code: 238, codeName: 'NotImplemented', errmsg: expect.stringContaining(`${op} runs server-side JavaScript`) });
    }
    // A pipeline update's error is a write error on its statement.
    expect((update?.writeErrors as Document[])[0]).toMatchObject({ code: 238, errmsg: expect.stringContaining('$function') });
    expect(nested).toMatchObject({ ok: 0, code: 238, errmsg: expect.stringContaining('nested deeper than 64') });
    expect(ping).toEqual({ ok: 1 });
  });
});
