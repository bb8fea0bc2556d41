/**
 * Server-side cursors. Ids are positive integers below 2^53 sent to the driver as BSON Long
 * (the driver rejects any other type with a misleading "BSON element \"id\" is missing").
 * Bounded: at most MAX_OPEN cursors (oldest evicted) and idle ones expire after IDLE_MS,
 * like mongod's cursorTimeoutMillis.
 */
import { BSON, Long, type Document } from 'bson';
import { CommandError } from './command-error.js';

/** Documents in a find/aggregate first batch when the client gives no batchSize (mongod's default). */
export const DEFAULT_FIRST_BATCH = 101;
/** Cap on a getMore batch without batchSize, documents (mongod caps at 16 MiB instead). */
const DEFAULT_MORE_BATCH = 10_000;
const MAX_OPEN = 10_000;
/** A batch stops growing past this many bytes (mongod: 16 MiB), so a reply stays under maxMessageSizeBytes. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
/** mongod's default cursorTimeoutMillis: 10 minutes. */
const IDLE_MS = 10 * 60_000;

interface OpenCursor {
  ns: string;
  docs: Document[];
  pos: number;
  lastUsed: number;
}

export interface Batch {
  batch: Document[];
  id: Long;
  ns: string;
}

/** A cursor id as sent by the driver: number (promoted Long) or Long. */
function idOf(raw: unknown): number {
  if (raw instanceof Long) return raw.toNumber();
  return Number(raw);
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
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1;

  get size(): number {
    return this.open.size;
  }

  /** First batch of `docs`; keeps a cursor only if documents remain and `singleBatch` is false. */
  first(ns: string, docs: Document[], batchSize: unknown, singleBatch = false): Batch {
    const size = typeof batchSize === 'number' && batchSize >= 0 ? batchSize : DEFAULT_FIRST_BATCH;
    const batch = takeBatch(docs, 0, size);
    if (singleBatch || batch.length >= docs.length) return { batch, id: Long.ZERO, ns };
    this.expire();
    const id = this.nextId++;
    this.open.set(id, { ns, docs, pos: batch.length, lastUsed: Date.now() });
    return { batch, id: Long.fromNumber(id), ns };
  }

  more(rawId: unknown, ns: string, batchSize: unknown): Batch {
    const id = idOf(rawId);
    const cursor = this.open.get(id);
    if (!cursor || cursor.ns !== ns) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
    const size = positive(batchSize) ?? DEFAULT_MORE_BATCH;
    const batch = takeBatch(cursor.docs, cursor.pos, size);
    cursor.pos += batch.length;
    cursor.lastUsed = Date.now();
    if (cursor.pos >= cursor.docs.length) {
      this.open.delete(id);
      return { batch, id: Long.ZERO, ns };
    }
    return { batch, id: Long.fromNumber(id), ns };
  }

  kill(ids: unknown[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const raw of ids) {
      const id = idOf(raw);
      (this.open.delete(id) ? killed : notFound).push(Long.fromNumber(id));
    }
    return { killed, notFound };
  }

  private expire(): void {
    const now = Date.now();
    for (const [id, c] of this.open) if (now - c.lastUsed > IDLE_MS) this.open.delete(id);
    // Map iterates in insertion order: the first keys are the oldest cursors.
    for (const id of this.open.keys()) {
      if (this.open.size < MAX_OPEN) break;
      this.open.delete(id);
    }
  }
}
