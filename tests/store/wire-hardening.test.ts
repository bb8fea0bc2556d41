/**
 * Untrusted bytes against a real wire store process: each bad frame closes only its own
 * connection, with one logged reason on stderr; the store goes on, a connection opened before
 * keeps working, and a real driver still writes and reads afterwards (issue 17).
 */
import { BSON } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from './wire-driver-check.js';
import { header, OP_MSG, OP_QUERY, opMsg, opMsgRaw, RawConnection, sequence } from './wire-frames.js';
import { startStoreChild, type StoreChild } from './wire-store-child.js';

const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const body = (doc = { ping: 1, $db: 'admin' }): Buffer => Buffer.concat([Buffer.from([0]), BSON.serialize(doc)]);
/** A kind-1 section with a given (possibly lying) size field. */
const seqWithSize = (size: number, rest: Buffer): Buffer => Buffer.concat([Buffer.from([1]), int32(size), rest]);
/** A whole frame with a given header length and payload (for lengths that lie). */
const frame = (length: number, opCode: number, payload: Buffer): Buffer => Buffer.concat([header(length, opCode), payload]);

/** The reported crash: 27 bytes, kind-1 size −1 (the old decoder looped back onto the kind byte forever). */
const KIND1_MINUS_ONE = opMsgRaw([seqWithSize(-1, Buffer.from('a\0'))]);

const BAD_FRAMES: Array<[string, Buffer, RegExp]> = [
  ['kind-1 size −1 (27 bytes)', KIND1_MINUS_ONE, /document sequence size -1/],
  ['kind-1 size 0', opMsgRaw([body(), seqWithSize(0, Buffer.from('documents\0'))]), /document sequence size 0/],
  ['kind-1 size past the message end', opMsgRaw([body(), seqWithSize(1_000, Buffer.from('documents\0'))]), /document sequence size 1000/],
  ['kind-1 with an empty identifier', opMsgRaw([body(), seqWithSize(5, Buffer.from('\0'))]), /document sequence size 5/],
  ['kind-1 identifier without NUL', opMsgRaw([body(), seqWithSize(8, Buffer.from('docu'))]), /unterminated cstring/],
  ['kind-1 document past its section', opMsgRaw([body(), seqWithSize(4 + 2 + 5, Buffer.concat([Buffer.from('d\0'), int32(50), Buffer.alloc(1)]))]), /bad BSON document size 50/],
  ['section kind 2', opMsgRaw([body(), Buffer.from([2, 0, 0, 0, 0])]), /unknown OP_MSG section kind 2/],
  ['two body sections', opMsgRaw([body(), body()]), /more than one body/],
  ['no body section', opMsgRaw([sequence('documents', [{ a: 1 }])]), /without a body/],
  ['unknown required flag bit 2', opMsg({ ping: 1, $db: 'admin' }, 1 << 2), /required OP_MSG flag bits 0x4/],
  ['checksum flag on a message too short for it', opMsgRaw([Buffer.from([0]), int32(5)], 1), /too short/],
  ['body size larger than the message', opMsgRaw([Buffer.from([0]), int32(64), Buffer.alloc(4)]), /bad BSON document size 64/],
  ['body size negative', opMsgRaw([Buffer.from([0]), int32(-7), Buffer.alloc(4)]), /bad BSON document size -7/],
  ['invalid BSON element type', opMsgRaw([Buffer.from([0]), Buffer.from([12, 0, 0, 0, 0x7e, 0x61, 0, 1, 0, 0, 0, 0])]), /invalid BSON/],
  ['message length 8 (under the header)', frame(8, OP_MSG, Buffer.alloc(0)), /bad message length 8/],
  ['message length −1', frame(-1, OP_MSG, Buffer.alloc(4)), /bad message length -1/],
  ['message length over maxMessageSizeBytes', frame(48_000_001, OP_MSG, Buffer.alloc(4)), /bad message length 48000001/],
  ['OP_QUERY cut inside its namespace', frame(16 + 4 + 3, OP_QUERY, Buffer.concat([int32(0), Buffer.from('adm')])), /unterminated cstring/],
  ['OP_QUERY without its query document', frame(16 + 4 + 11 + 8, OP_QUERY, Buffer.concat([int32(0), Buffer.from('admin.$cmd\0'), Buffer.alloc(8)])), /BSON document size past/],
  ['unknown opCode', frame(16 + 5, 9_999, Buffer.alloc(5)), /unsupported opCode 9999/],
];

describe('bad frames against the wire store', () => {
  let store: StoreChild;
  let before: MongoClient;

  beforeAll(async () => {
    store = await startStoreChild();
    before = await new MongoClient(store.uri, { maxPoolSize: 1 }).connect();
  });
  afterAll(async () => {
    await before?.close();
    await store?.stop();
  });

  it.each(BAD_FRAMES)('%s: that connection is closed with a logged reason; the store and other connections go on', async (_name, bytes, reason) => {
    const conn = new RawConnection(store.port);
    await conn.send(bytes);
    await conn.waitClosed();
    const line = JSON.parse(await store.logged(reason)) as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'connection-closed' });
    expect(String(line.reason)).toMatch(/^bad frame: /);
    expect(store.alive()).toBe(true);
    // The connection opened before the bad frame is still served …
    expect(await before.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
    // … and a new driver writes and reads back.
    const { sent, read } = await roundTrip(store.uri);
    expect(read).toEqual(sent);
  });

  it('a valid message trickled one byte per write is answered exactly once', async () => {
    const conn = new RawConnection(store.port);
    const msg = opMsg({ insert: 'trickle', $db: 'hardening' }, 0, sequence('documents', [{ _id: 1, s: 'x'.repeat(300) }, { _id: 2 }]));
    for (const byte of msg) await conn.send(Buffer.from([byte]));
    const [reply] = await conn.waitReplies(1);
    expect(reply?.doc).toEqual({ n: 2, ok: 1 });
    expect(await conn.command({ count: 'trickle', $db: 'hardening' })).toEqual({ n: 2, ok: 1 });
    conn.destroy();
  });

  it('a $db that is not a string is a command error, not a dropped connection', async () => {
    const conn = new RawConnection(store.port);
    expect(await conn.command({ ping: 1, $db: { toString: 1 } })).toMatchObject({ ok: 0, code: 9 });
    expect(await conn.command({ ping: 1, $db: 'admin' })).toEqual({ ok: 1 });
    conn.destroy();
  });

  it('a kind-1 identifier `__proto__` becomes a plain field, not the body\'s prototype', async () => {
    const conn = new RawConnection(store.port);
    await conn.send(opMsg({ insert: 'proto', $db: 'hardening' }, 0, sequence('__proto__', [{ _id: 1 }])));
    const [reply] = await conn.waitReplies(1);
    // The insert has no `documents`, so it inserts nothing; the connection and store carry on.
    expect(reply?.doc).toEqual({ n: 0, ok: 1 });
    expect(conn.closed).toBe(false);
    conn.destroy();
  });
});
