/**
 * Property-based fuzzing of the wire store's framing and commands (issue 17): random and
 * mutated OP_MSG/OP_QUERY frames (flipped bytes, lying lengths, truncations, random sections,
 * random BSON) sent to a real store process. Property: every connection ends with well-formed
 * replies only, one per answered frame at most. Afterwards the store is alive, a real driver
 * writes and reads back, and its stderr holds only its own one-line JSON reasons (no crash, no
 * unhandled rejection). Fixed seed; FUZZ_RUNS cases (10,000 in `npm test`, 100,000 in
 * `npm run fuzz`), each one connection with 1–3 frames, bounded in time as well.
 */
import net from 'node:net';
import { Binary, BSON, Long, ObjectId, type Document } from 'bson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../store/wire-driver-check.js';
import { opMsg, opMsgRaw, opQuery, parseReplies, sequence, type Reply } from '../store/wire-frames.js';
import { startStoreChild, type StoreChild } from '../store/wire-store-child.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = 17_2026;
/** Connections in flight at once: keeps the store busy while one case waits for its close. */
const PARALLEL = 8;
/** Time bound for the whole property, ms: generous (≈30 ms a case); past it the run stops early and says how many ran. */
const TIME_LIMIT_MS = Math.max(120_000, RUNS * 30);
/** Per-case bound on waiting for the store to close the connection, ms. */
const CASE_MS = 10_000;

const COMMANDS = ['ping', 'hello', 'isMaster', 'ismaster', 'buildInfo', 'serverStatus', 'find', 'insert', 'update', 'delete',
  'count', 'distinct', 'aggregate', 'getMore', 'killCursors', 'findAndModify', 'listCollections', 'listIndexes',
  'createIndexes', 'dropIndexes', 'create', 'drop', 'endSessions', 'getParameter', 'nosuchcommand'];
const FIELDS = ['filter', 'query', 'q', 'u', 'update', 'documents', 'updates', 'deletes', 'pipeline', 'projection', 'sort', 'limit',
  'skip', 'batchSize', 'cursor', 'cursors', 'collection', 'key', 'indexes', 'lsid', 'new', 'upsert', 'multi', 'ordered', 'singleBatch'];
const KEYS = fc.oneof(fc.constantFrom('_id', 'a', 'b.c', '$gt', '$in', '$set', '$match', '$group', '$expr', '$and', '$where',
  '$function', '__proto__', 'constructor', '$lookup', '$unwind', '$sum', ''), fc.string({ maxLength: 6 }));

const scalar = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 12 }),
  fc.date({ noInvalidDate: true }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromBigInt(n)),
  fc.uint8Array({ maxLength: 16 }).map((b) => new Binary(b)), fc.constant(null).map(() => new ObjectId()),
);
const { value } = fc.letrec<{ value: unknown; doc: Document }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('doc'), fc.array(tie('value'), { maxLength: 4 })),
  doc: fc.dictionary(KEYS, tie('value'), { maxKeys: 4 }) as fc.Arbitrary<Document>,
}));

const isDocument = (v: unknown): v is Document =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !('_bsontype' in v);
/** A command document: its name first (mongod's rule), then random fields, then `$db`. */
const command: fc.Arbitrary<Document> = fc
  .tuple(fc.constantFrom(...COMMANDS), value, fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 4 }), fc.constantFrom('fuzz', 'admin', 'other'))
  .map(([name, arg, fields, db]) => ({ [name]: isDocument(arg) ? 'c' : arg, ...fields, $db: db }));

const docs = fc.array(value.map((v) => (isDocument(v) ? v : { v })), { maxLength: 4 });
const validFrame: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(command, fc.constantFrom(0, 2, 1 << 16), fc.array(fc.tuple(fc.constantFrom('documents', 'updates', 'deletes', 'x'), docs), { maxLength: 2 }))
    .map(([cmd, flags, seqs]) => opMsg(cmd, flags, ...seqs.map(([id, d]) => sequence(id, d)))),
  command.map((cmd) => opQuery('admin.$cmd', cmd)),
);

type Mutation =
  | { op: 'flip'; at: number; byte: number }
  | { op: 'int32'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'append'; bytes: Uint8Array }
  | { op: 'fixLength' };
const EDGE_INT32 = fc.oneof(fc.constantFrom(-1, 0, 1, 4, 5, 6, 16, 21, 26, 0x7fffffff, -0x80000000, 48_000_001), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('int32' as const), at: fc.nat(), value: EDGE_INT32 }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('append' as const), bytes: fc.uint8Array({ maxLength: 32 }) }),
  fc.constant({ op: 'fixLength' as const }),
);

function mutate(frame: Buffer, mutations: Mutation[]): Buffer {
  let buf = Buffer.from(frame);
  for (const m of mutations) {
    if (m.op === 'flip' && buf.length) buf[m.at % buf.length] = m.byte;
    else if (m.op === 'int32' && buf.length >= 4) buf.writeInt32LE(m.value, m.at % (buf.length - 3));
    else if (m.op === 'truncate') buf = buf.subarray(0, m.at % (buf.length + 1));
    else if (m.op === 'append') buf = Buffer.concat([buf, m.bytes]);
    // Rewrite the header length so the mutated body reaches the decoder instead of the length check.
    else if (m.op === 'fixLength' && buf.length >= 4) buf.writeInt32LE(buf.length, 0);
  }
  return buf;
}

/**
 * An OP_MSG built section by section, where any section's size field may lie (kind-1 size −1
 * was the reported crash), kinds may be unknown and flags random: the header length is right,
 * so each such frame reaches the section decoder.
 */
const section: fc.Arbitrary<Buffer> = fc
  .tuple(fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 255 })), fc.option(EDGE_INT32, { freq: 2 }),
    fc.constantFrom('documents', 'updates', '', '__proto__'), command, docs)
  .map(([kind, size, id, cmd, ds]) => {
    const bytes = kind === 1 ? sequence(id, ds) : Buffer.concat([Buffer.from([kind]), BSON.serialize(cmd)]);
    if (size !== null) bytes.writeInt32LE(size, 1);
    return bytes;
  });
const structuredFrame = fc
  .tuple(fc.array(section, { minLength: 0, maxLength: 3 }), fc.oneof(fc.constantFrom(0, 1, 2, 3, 1 << 16), fc.integer({ min: 0, max: 0xffffffff })))
  .map(([sections, flags]) => opMsgRaw(sections, flags));

const randomFrame = fc.tuple(fc.uint8Array({ minLength: 0, maxLength: 64 }), fc.boolean()).map(([bytes, withLength]) => {
  const buf = Buffer.from(bytes);
  if (withLength && buf.length >= 4) buf.writeInt32LE(buf.length, 0);
  return buf;
});
const frame: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: validFrame, weight: 2 },
  { arbitrary: fc.tuple(validFrame, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([f, ms]) => mutate(f, ms)), weight: 5 },
  { arbitrary: structuredFrame, weight: 2 },
  { arbitrary: randomFrame, weight: 1 },
);

/** One case: the frames on a fresh connection, then FIN; resolves with the replies once the store has closed it. */
function exchange(port: number, frames: Buffer[]): Promise<Reply[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let buffered = Buffer.alloc(0) as Buffer;
    const replies: Reply[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`store neither answered nor closed within ${CASE_MS} ms`));
    }, CASE_MS);
    socket.on('data', (chunk: Buffer) => {
      const [more, rest] = parseReplies(Buffer.concat([buffered, chunk]));
      replies.push(...more);
      buffered = rest;
    });
    socket.on('error', () => {}); // a reset from the store after a bad frame is an ordinary end
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(replies);
    });
    socket.on('connect', () => socket.end(Buffer.concat(frames)));
  });
}

describe('wire store fuzz', () => {
  let store: StoreChild;
  beforeAll(async () => {
    store = await startStoreChild();
  });
  afterAll(async () => store?.stop());

  it(`survives ${RUNS} random and mutated frame sequences (seed ${SEED})`, async () => {
    let cases = 0;
    let replied = 0;
    const property = fc.asyncProperty(fc.array(fc.array(frame, { minLength: 1, maxLength: 3 }), { minLength: PARALLEL, maxLength: PARALLEL }), async (batches) => {
      const results = await Promise.all(batches.map((frames) => exchange(store.port, frames)));
      for (const [i, replies] of results.entries()) {
        cases++;
        replied += replies.length;
        expect(replies.length).toBeLessThanOrEqual(batches[i]!.length);
        for (const r of replies) {
          expect([1, 2013]).toContain(r.opCode);
          expect([0, 1]).toContain(r.doc.ok);
        }
      }
    });
    const started = Date.now();
    const details = await fc.check(property, {
      seed: SEED, numRuns: Math.ceil(RUNS / PARALLEL), endOnFailure: true, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false,
    });
    // Logged lines plus those the store's log rate limit counted instead of printing.
    const closedWithReason = store.stderr.filter((l) => l.includes('"connection-closed"')).length +
      store.stderr.map((l) => /"log-suppressed","lines":(\d+)/.exec(l)?.[1]).reduce((n, k) => n + Number(k ?? 0), 0);
    console.log(`store-wire fuzz: ${cases} cases (${details.numRuns} runs × ${PARALLEL} connections) in ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
      `seed ${SEED}, ${replied} replies, ${closedWithReason} connections closed with a logged reason${details.interrupted ? ', INTERRUPTED by the time bound' : ''}`);
    if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'fuzz property failed');

    expect(store.alive()).toBe(true);
    const { sent, read } = await roundTrip(store.uri);
    expect(read).toEqual(sent);
    // Nothing on stderr but the store's own JSON reason lines: no stack trace, no unhandled rejection.
    const foreign = store.stderr.filter((l) => {
      try {
        return !['connection-closed', 'log-suppressed'].includes((JSON.parse(l) as { event?: string }).event ?? '');
      } catch {
        return true;
      }
    });
    expect(foreign).toEqual([]);
  }, TIME_LIMIT_MS + 60_000);
});
