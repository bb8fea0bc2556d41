/**
 * Server-side cursors. Ids are random positive 63-bit integers sent as BSON Long (the driver
 * rejects any other type with a misleading "BSON element \"id\" is missing"), so one client
 * cannot guess another's. A cursor belongs to the logical session (`lsid`) that opened it, or,
 * without one, to its connection: getMore/killCursors from anyone else do not find it, as
 * mongod's session check refuses them. Session-less cursors die with their connection; session
 * cursors with `endSessions` (the driver moves a cursor's getMores across its pool, so the
 * connection is not the owner then). Idle cursors are killed by a sweep after the cursor
 * timeout, and at most MAX_OPEN stay open (oldest evicted).
 */
import { randomBytes } from 'node:crypto';
import { BSON, Binary, Long, type Document } from 'bson';
import { CommandError } from './command-error.js';

/** Documents in a find/aggregate first batch when the client gives no batchSize (mongod's default). */
export const DEFAULT_FIRST_BATCH = 101;
/** Cap on a getMore batch without batchSize, documents (mongod caps at 16 MiB instead). */
const DEFAULT_MORE_BATCH = 10_000;
const MAX_OPEN = 10_000;
/** A batch stops growing past this many bytes (mongod: 16 MiB), so a reply stays under maxMessageSizeBytes. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** Sweep period, ms: mongod's clientCursorMonitorFrequencySecs (4 s), faster for short test timeouts. */
const MAX_SWEEP_MS = 4_000;

/** Who may use a cursor: its session, else its connection. */
export interface CursorOwner {
  connectionId: number;
  /** Hex of the command's `lsid.id`, when it has one. */
  session?: string;
}

interface OpenCursor {
  ns: string;
  docs: Document[];
  pos: number;
  lastUsed: number;
  owner: string;
  connectionId: number;
}

export interface Batch {
  batch: Document[];
  id: Long;
  ns: string;
}

/** The cursor operations one request may perform, bound to its owner. */
export interface Cursors {
  /** Open cursors in the whole store (serverStatus). */
  readonly size: number;
  first(ns: string, docs: Document[], batchSize: unknown, singleBatch?: boolean): Batch;
  more(rawId: unknown, ns: string, batchSize: unknown): Batch;
  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] };
}

/** The session of a command: hex of `lsid.id` when it is a Binary, else undefined. */
export function sessionOf(cmd: Document): string | undefined {
  const lsid: unknown = cmd.lsid;
  const id: unknown = lsid !== null && typeof lsid === 'object' ? (lsid as Document).id : undefined;
  return id instanceof Binary ? Buffer.from(id.buffer).toString('hex') : undefined;
}

function ownerKey(owner: CursorOwner): string {
  return owner.session === undefined ? `c:${owner.connectionId}` : `s:${owner.session}`;
}

/** A cursor id as sent by the driver (promoted number or Long) as a bigint; undefined if not an id. */
function idOf(raw: unknown): bigint | undefined {
  if (raw instanceof Long) return raw.toBigInt();
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  return undefined;
}

function randomId(): bigint {
  // Positive and non-zero: 0 means "exhausted" on the wire.
  for (;;) {
    const id = BigInt.asUintN(63, randomBytes(8).readBigUInt64LE());
    if (id !== 0n) return id;
  }
}

/** Up to `size` documents from `start`, stopping once MAX_BATCH_BYTES is passed (at least one). */
function takeBatch(docs: Document[], start: number, size: number): Document[] {
  const end = Math.min(docs.length, start + size);
  let bytes = 0;
  let i = start;
  while (i < end) {
    bytes += BSON.calculateObjectSize(docs[i]!);
    if (bytes > MAX_BATCH_BYTES && i > start) break;
    i++;
  }
  return docs.slice(start, i);
}

function positive(n: unknown): number | undefined {
  return typeof n === 'number' && n > 0 ? n : undefined;
}

export class CursorRegistry {
  private readonly open = new Map<bigint, OpenCursor>();
  private readonly sweep: NodeJS.Timeout;

  /** @param timeoutMs idle time after which a cursor is killed (mongod's cursorTimeoutMillis). */
  constructor(private readonly timeoutMs: number) {
    this.sweep = setInterval(() => this.expire(), Math.max(10, Math.min(MAX_SWEEP_MS, timeoutMs / 2)));
    this.sweep.unref(); // never keeps the store process alive on its own
  }

  get size(): number {
    return this.open.size;
  }

  /** The operations of one request, bound to its owner. */
  scoped(owner: CursorOwner): Cursors {
    const key = ownerKey(owner);
    const open = this.open;
    return {
      get size() {
        return open.size;
      },
      first: (ns, docs, batchSize, singleBatch = false) => this.first(key, owner.connectionId, ns, docs, batchSize, singleBatch),
      more: (rawId, ns, batchSize) => this.more(key, rawId, ns, batchSize),
      kill: (ids) => this.kill(key, ids),
    };
  }

  /** Kills the session-less cursors of a closed connection. */
  dropConnection(connectionId: number): void {
    const key = ownerKey({ connectionId });
    for (const [id, c] of this.open) if (c.owner === key) this.open.delete(id);
  }

  /** Kills the cursors of ended sessions (`endSessions`). */
  endSessions(sessions: string[]): void {
    const keys = new Set(sessions.map((session) => ownerKey({ connectionId: 0, session })));
    for (const [id, c] of this.open) if (keys.has(c.owner)) this.open.delete(id);
  }

  /** Stops the sweep timer (server close). */
  dispose(): void {
    clearInterval(this.sweep);
    this.open.clear();
  }

  private first(owner: string, connectionId: number, ns: string, docs: Document[], batchSize: unknown, singleBatch: boolean): Batch {
    const size = typeof batchSize === 'number' && batchSize >= 0 ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    if (singleBatch || batch.length >= docs.length) return { batch, id: Long.ZERO, ns };
    this.evict();
    const id = randomId();
    this.open.set(id, { ns, docs, pos: batch.length, lastUsed: Date.now(), owner, connectionId });
    return { batch, id: Long.fromBigInt(id), ns };
  }

  private more(owner: string, rawId: unknown, ns: string, batchSize: unknown): Batch {
    const id = idOf(rawId);
    const cursor = id === undefined ? undefined : this.open.get(id);
    // Another owner's cursor answers exactly as a missing one: its existence is not disclosed.
    if (!cursor || cursor.ns !== ns || cursor.owner !== owner) {
      throw new CommandError('CursorNotFound', `cursor id ${String(id ?? rawId)} not found`);
    }
    const size = positive(batchSize) ?? DEFAULT_MORE_BATCH;
    const batch = takeBatch(cursor.docs, cursor.pos, size);
    cursor.pos += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(id!);
      return { batch, id: Long.ZERO, ns };
    }
    return { batch, id: Long.fromBigInt(id!), ns };
  }

  private kill(owner: string, ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = idOf(raw);
      if (id === undefined) continue;
      const mine = this.open.get(id)?.owner === owner;
      if (mine) this.open.delete(id);
      (mine ? killed : notFound).push(Long.fromBigInt(id));
    }
    return { killed, notFound };
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, c] of this.open) if (now - c.lastUsed > this.timeoutMs) this.open.delete(id);
  }

  private evict(): void {
    // Map iterates in insertion order: the first keys are the oldest cursors.
    for (const id of this.open.keys()) {
      if (this.open.size < MAX_OPEN) break;
      this.open.delete(id);
    }
  }
}
